/** Issue 13, items 1, 2 and 5: two real gateway processes against a throwaway redis-server that
 * this test restarts empty (no persistence; never the machine's shared Redis).
 *  1. a Redis restart does not lift an active kill: orders stay denied, GET /v1/kill shows it;
 *  2. a kill engaged on one replica cancels the orders resting through the other; an order placed
 *     through one replica is cancelled through the other;
 *  5. an override needs two API keys: one key with two x-operator names cannot approve. */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAudit } from '../../src/audit/verify.js';
import type { ReplicaSpec } from '../cluster/replica-main.js';
import {
  call,
  client,
  clusterConfig,
  order,
  redisMissing,
  runTag,
  START_BUDGET_MS,
  startReplica,
  startThrowawayRedis,
  tempDir,
  until,
  writePolicy,
  type Replica,
} from '../cluster/support.js';

const missing = await redisMissing('cluster fault tests');
const tag = runTag();
const SYMBOL = 'BTC/USDT:USDT';
const ids = { kill: `fk-${tag}`, rest: `fr-${tag}`, ops: `fo-${tag}`, ops2: `fo2-${tag}` };
const root = tempDir('faults');
const auditDir = join(root, 'audit');
// 59,000 under a 60,000 market: the limit order rests at the venue until cancelled.
const resting = { symbol: SYMBOL, side: 'buy', type: 'limit', quantity: '0.01', price: '59000' };
const POLICY = `id: fault-test
version: 1
rules:
  - id: max-quantity
    when: { quantity: { gt: 1 } }
    reject: { code: MAX_ORDER_QUANTITY }
`;

describe.skipIf(missing)('cluster controls when Redis restarts (issue 13: 1, 2, 5)', () => {
  let redis: Awaited<ReturnType<typeof startThrowawayRedis>>;
  let a: Replica;
  let b: Replica;
  beforeAll(async () => {
    redis = await startThrowawayRedis();
    writePolicy(join(root, 'policies'), POLICY);
    const spec = (instance: string): ReplicaSpec => ({
      instance,
      auditDir,
      stateDir: join(root, instance),
      policiesDir: join(root, 'policies'),
      enforce: 'fault-test',
      clients: Object.values(ids).map(client),
      symbol: SYMBOL,
      price: 60000,
      cluster: clusterConfig(redis.url, `lgtest:${tag}:`),
    });
    [a, b] = await Promise.all([startReplica(spec('fault-a')), startReplica(spec('fault-b'))]);
  }, START_BUDGET_MS);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await redis?.stop();
  });

  it('1: a Redis restart that loses every key keeps the kill in force on both replicas', async () => {
    expect((await order(b.url, ids.kill, resting)).body.decision.kind).toBe('accept');
    const kill = await call(a.url, ids.kill, '/v1/kill', 'POST', { scope: scope(ids.kill), reason: 'fault drill' });
    expect(kill.status).toBe(200);
    expect((await order(b.url, ids.kill, resting)).body.decision.code).toBe('KILL_SWITCH');

    await redis.stop();
    redis = await startThrowawayRedis(redis.port); // same port, empty
    for (const r of [a, b]) {
      const up = async () => (await call(r.url, ids.kill, '/healthz', 'GET')).body.checks.cluster.ok === true;
      await until(`${r.spec.instance} reconnected`, up, 60_000);
    }

    for (const r of [a, b]) {
      const denied = await order(r.url, ids.kill, resting);
      expect(denied.body.decision.code).toBe('KILL_SWITCH');
      const kills = (await call(r.url, ids.kill, '/v1/kill', 'GET')).body.kills.map((k: any) => k.key);
      expect(kills).toContain(`client:${ids.kill}`);
    }
    // Another client still trades: the cluster is up, only the killed scope is stopped.
    expect((await order(a.url, ids.rest, resting)).body.decision.kind).toBe('accept');
  }, 120_000);

  it('2: a kill on one replica cancels the orders resting through the other', async () => {
    const placed = await order(b.url, ids.rest, resting);
    expect(placed.body.status, JSON.stringify(placed.body)).toBe('new');
    const kill = await call(a.url, ids.rest, '/v1/kill', 'POST', { scope: scope(ids.rest), reason: 'cancel all' });
    expect(kill.status).toBe(200);
    const onB = `/v1/orders/${placed.body.intentId}`;
    const statusOnB = async () => (await call(b.url, ids.rest, onB, 'GET')).body.status;
    await until('b cancelled its resting order', async () => (await statusOnB()) === 'canceled', 60_000);
    const stillNew = (await call(b.url, ids.rest, '/v1/orders?status=new', 'GET')).body.orders;
    expect(stillNew.filter((o: any) => o.intentId === placed.body.intentId)).toEqual([]);
    expect((await call(a.url, ids.rest, '/v1/kill', 'DELETE', { scope: scope(ids.rest) })).status).toBe(200);
  }, 120_000);

  it('2: an order placed on one replica is cancelled through another, by intent id and clientOrderId', async () => {
    const byIntent = await order(a.url, ids.rest, resting);
    expect(byIntent.body.status).toBe('new');
    const cancelled = await cancel(b.url, ids.rest, byIntent.body.intentId);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('canceled');
    expect((await call(a.url, ids.rest, `/v1/orders/${byIntent.body.intentId}`, 'GET')).body.status).toBe('canceled');

    const coid = `fault-coid-${tag}`;
    expect((await order(b.url, ids.rest, { ...resting, clientOrderId: coid })).body.status).toBe('new');
    const byCoid = await cancel(a.url, ids.rest, coid);
    expect(byCoid.status).toBe(200);
    expect(byCoid.body).toMatchObject({ clientOrderId: coid, status: 'canceled' });
    // An id no replica placed is still a 404.
    expect((await cancel(a.url, ids.rest, 'ord_nobody')).body.error.code).toBe('NOT_FOUND');
  }, 120_000);

  it('5: an override needs a second API key, not a second x-operator name', async () => {
    const big = { ...resting, quantity: '2' };
    expect((await order(a.url, ids.ops, big)).body.decision.code).toBe('MAX_ORDER_QUANTITY');
    const ask = { ruleId: 'max-quantity', scope: scope(ids.ops), reason: 'block trade agreed', ttlMs: 600_000 };
    const req = await call(a.url, ids.ops, '/v1/overrides', 'POST', ask);
    expect(req.status).toBe(201);
    const approve = (key: string, person: string) =>
      fetch(`${a.url}/v1/overrides/${req.body.id}/approve`, {
        method: 'POST',
        headers: { 'x-api-key': `key-${key}`, 'content-type': 'application/json', 'x-operator': person },
        body: '{}',
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
    const sameKey = await approve(ids.ops, 'Bob');
    expect(sameKey.status).toBe(403);
    expect(sameKey.body.error.code).toBe('FORBIDDEN');
    expect((await order(a.url, ids.ops, big)).body.decision.code).toBe('MAX_ORDER_QUANTITY');
    expect((await approve(ids.ops2, 'Bob')).status).toBe(200);
    expect((await order(a.url, ids.ops, big)).body.decision.code).not.toBe('MAX_ORDER_QUANTITY');
  }, 60_000);

  it('every decision of both replicas is in their audit chains, and both verify', async () => {
    await Promise.all([a.stop(), b.stop()]);
    const v = await verifyAudit(auditDir);
    expect(v.ok).toBe(true);
    expect(v.instances.map((i) => i.instance).sort()).toEqual(['fault-a', 'fault-b']);
  }, 60_000);
});

async function cancel(url: string, clientId: string, id: string): Promise<{ status: number; body: any }> {
  const headers = { 'x-api-key': `key-${clientId}` };
  const r = await fetch(`${url}/v1/orders/${encodeURIComponent(id)}`, { method: 'DELETE', headers });
  return { status: r.status, body: (await r.json()) as any };
}

function scope(clientId: string): { type: 'client'; value: string } {
  return { type: 'client', value: clientId };
}
