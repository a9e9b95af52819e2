/** Shared trading state: a kill reaches the other replica (pub/sub and the per-order version
 * check), survives a restart from Redis or from the local file alone, and a kill made while
 * Redis was down is replayed when it comes back. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisConnection, SharedTradingState } from '../../src/cluster/index.js';
import { TradingStateStore } from '../../src/policy/index.js';
import {
  cleanupPrefix,
  freePort,
  REDIS_URL,
  redisMissing,
  runTag,
  startThrowawayRedis,
  tempDir,
  uniquePrefix,
  until,
} from './support.js';

const missing = await redisMissing('shared trading state tests');
const prefix = uniquePrefix(runTag());
const clock = { now: () => Date.now() };
const order = { clientId: 'c1', account: 'a1', venue: 'sim', symbol: 'BTC/USDT:USDT' };
const conns: RedisConnection[] = [];

async function replica(url: string, dir: string, instance: string, p = prefix): Promise<SharedTradingState> {
  const conn = new RedisConnection({ url, keyPrefix: p, instance, maxBackoffMs: 100 });
  conns.push(conn);
  await conn.connect().catch(() => undefined);
  const s = new SharedTradingState(dir, clock, conn);
  await s.start();
  return s;
}

afterAll(async () => {
  await Promise.all(conns.map((c) => c.close()));
  await cleanupPrefix(prefix);
});

describe.skipIf(missing)('shared trading state', () => {
  it('a kill on one replica reaches the other, a lift too, and a new replica starts with it', async () => {
    const a = await replica(REDIS_URL, tempDir('ts-a'), 'a');
    const b = await replica(REDIS_URL, tempDir('ts-b'), 'b');
    await a.killSwitchStore().kill({ kind: 'client', value: 'c1' }, 'ops/Ada', 'drill');
    // The version check each order makes: b is behind, reloads, denies.
    await b.ensureVersion(a.sharedVersion);
    expect(b.stateFor(order).state).toBe('HALTED');
    expect(b.stateFor(order).reason).toMatch(/^kill client:c1 by ops\/Ada/);
    const dirC = tempDir('ts-c');
    const c = await replica(REDIS_URL, dirC, 'c');
    expect(c.stateFor(order).state).toBe('HALTED');
    // The local file mirrors it: the plain store (cluster mode off, or Redis down) sees the kill.
    expect(new TradingStateStore(dirC, clock).stateFor(order).state).toBe('HALTED');
    b.lift({ kind: 'client', value: 'c1' }, 'ops/Bob');
    await b.flushed();
    await until('lift reaches a', async () => a.stateFor(order).state === 'ACTIVE');
    await until('lift reaches c', async () => c.stateFor(order).state === 'ACTIVE');
  });

  it('a kill made while Redis is down applies locally at once and is replayed on reconnect', async () => {
    const redis = await startThrowawayRedis();
    const p2 = `${prefix}outage:`;
    const dirA = tempDir('ts-oa');
    const a = await replica(redis.url, dirA, 'a', p2);
    const b = await replica(redis.url, tempDir('ts-ob'), 'b', p2);
    await redis.stop();
    await until('a sees Redis down', async () => !conns.at(-2)!.up);
    a.kill({ kind: 'symbol', value: 'BTC/USDT:USDT' }, 'ops/Ada', 'venue incident');
    expect(a.stateFor(order).state).toBe('HALTED');
    expect(b.stateFor(order).state).toBe('ACTIVE');
    expect(a.backlog).toBe(1);
    expect(existsSync(join(dirA, 'cluster-pending.json'))).toBe(true);
    const again = await startThrowawayRedis(redis.port);
    try {
      await until('the kill reaches b after the reconnect', async () => b.stateFor(order).state === 'HALTED');
      expect(a.backlog).toBe(0);
    } finally {
      await again.stop();
    }
  }, 30_000);

  it('a Redis restart that lost every key does not lift a kill or a latch: the replicas re-assert them', async () => {
    const redis = await startThrowawayRedis();
    const p3 = `${prefix}restart:`;
    const a = await replica(redis.url, tempDir('ts-ra'), 'a', p3);
    const b = await replica(redis.url, tempDir('ts-rb'), 'b', p3);
    const epochs: string[] = [];
    b.onEpochChange((e) => void epochs.push(e));
    await a.killSwitchStore().kill({ kind: 'client', value: 'c1' }, 'ops/Ada', 'drill');
    a.set({ kind: 'symbol', value: 'ETH/USDT:USDT' }, 'REDUCING', 'reduce_only', 'policy/latch', 'latched');
    await a.flushed();
    await b.ensureVersion(a.sharedVersion);
    expect(b.stateFor(order).state).toBe('HALTED');
    await redis.stop();
    const empty = await startThrowawayRedis(redis.port); // same port, no data: --save '' --appendonly no
    try {
      await until(
        'both replicas reconnected and re-read',
        async () => conns.at(-1)!.up && conns.at(-2)!.up && epochs.length === 1,
      );
      // Both still enforce the kill and the latch, and Redis has them again.
      for (const s of [a, b]) {
        expect(s.stateFor(order).state).toBe('HALTED');
        expect(s.stateFor({ ...order, symbol: 'ETH/USDT:USDT', clientId: 'c2' }).state).toBe('REDUCING');
      }
      const { Redis } = await import('ioredis');
      const r = new Redis(empty.url);
      try {
        expect(Object.keys(await r.hgetall(`${p3}ts:entries`)).sort()).toEqual([
          'client:c1|kill',
          'symbol:ETH/USDT:USDT|reduce_only',
        ]);
      } finally {
        r.disconnect();
      }
      b.lift({ kind: 'client', value: 'c1' }, 'ops/Bob');
      await b.flushed();
      await until('the lift reaches a', async () => a.stateFor(order).state === 'ACTIVE');
    } finally {
      await empty.stop();
    }
  }, 60_000);
});

describe('shared trading state without Redis', () => {
  it('starts from the local file and keeps local changes pending', async () => {
    const dir = tempDir('ts-local');
    new TradingStateStore(dir, clock).kill({ kind: 'all' }, 'ops/Ada', 'before cluster mode');
    const s = await replica(`redis://127.0.0.1:${await freePort()}`, dir, 'x', 'none:');
    expect(s.stateFor(order).state).toBe('HALTED');
    s.set({ kind: 'account', value: 'a1' }, 'REDUCING', 'reduce_only', 'ops/Ada', 'deleveraging');
    expect(s.list()).toHaveLength(2);
    expect(s.backlog).toBe(1);
  });
});
