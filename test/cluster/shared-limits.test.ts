/** The Lua side of the shared limits against a real Redis, with two connections standing in for
 * two replicas. */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisConnection, SharedLimits, SharedPolicyState, toUnits, messageWindows } from '../../src/cluster/index.js';
import type { OrderIntent } from '../../src/core/types.js';
import { cleanupPrefix, freePort, REDIS_URL, redisMissing, runTag, uniquePrefix } from './support.js';

const missing = await redisMissing('shared limits tests');
const prefix = uniquePrefix(runTag());
let seq = 0;
const intent = (o: Partial<OrderIntent> = {}): OrderIntent =>
  ({
    intentId: `int_${++seq}`,
    clientOrderId: `co_${seq}`,
    clientId: 'c1',
    account: 'a1',
    venue: 'sim',
    symbol: 'BTC/USDT:USDT',
    side: 'buy',
    type: 'limit',
    quantity: '1',
    price: '100',
    reduceOnly: false,
    postOnly: false,
    timeInForce: 'GTC',
    receivedAt: 0,
    transport: 'rest',
    ...o,
  }) as OrderIntent;

describe('units', () => {
  it('round reservations up to the micro-unit and never go negative', () => {
    expect(toUnits('1.0000001')).toBe('1000001');
    expect(toUnits('123456789.5')).toBe('123456789500000');
    expect(toUnits('0')).toBe('0');
    expect(toUnits(undefined)).toBe('0');
  });
  it('message windows are collected from nested conditions', () => {
    const rules = [
      { when: { any: [{ message_rate: { windowMs: 1000 } }, { not: { message_rate: { windowMs: 60000 } } }] } },
      { when: { message_rate: { windowMs: 1000 } } },
    ];
    expect(messageWindows({ rules } as never)).toEqual([1000, 60000]);
  });
});

describe('Redis unreachable', () => {
  it('fails closed by default and answers locally in degraded mode, counting both', async () => {
    const port = await freePort(); // nothing listens there
    for (const allowDegradedLocal of [false, true]) {
      const conn = new RedisConnection({
        url: `redis://127.0.0.1:${port}`,
        keyPrefix: 'x:',
        instance: 'i',
        allowDegradedLocal,
        maxBackoffMs: 50,
      });
      await conn.connect().catch(() => undefined);
      const state = new SharedPolicyState({ limits: new SharedLimits(conn), conn, windows: () => [] });
      const snap = await state.prefetch(intent(), { mark: 100 } as never);
      expect(snap.kind).toBe(allowDegradedLocal ? 'degraded' : 'unavailable');
      const counter = allowDegradedLocal ? conn.metrics.degraded : conn.metrics.unavailable;
      expect((await counter.get()).values.find((v) => v.labels.op === 'prefetch')?.value).toBe(1);
      await conn.close();
    }
  });
});

describe.skipIf(missing)('shared limits on Redis', () => {
  let c1: RedisConnection;
  let c2: RedisConnection;
  let l1: SharedLimits;
  let l2: SharedLimits;
  beforeAll(async () => {
    c1 = new RedisConnection({ url: REDIS_URL, keyPrefix: prefix, instance: 'r1' });
    c2 = new RedisConnection({ url: REDIS_URL, keyPrefix: prefix, instance: 'r2' });
    await Promise.all([c1.connect(), c2.connect()]);
    l1 = new SharedLimits(c1);
    l2 = new SharedLimits(c2);
  });
  afterAll(async () => {
    await cleanupPrefix(prefix);
    await Promise.all([c1?.close(), c2?.close()]);
  });

  it('concurrent reservations from two replicas never exceed a cap, and releases return to zero', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ r: fc.boolean(), n: fc.integer({ min: 1, max: 400 }) }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 100, max: 3000 }),
        async (orders, cap) => {
          const clientId = `p${++seq}`;
          const res = await Promise.all(
            orders.map((o) => {
              const i = intent({ clientId, account: clientId });
              const l = o.r ? l1 : l2;
              return l
                .prefetch({ intent: i, notional: String(o.n), windows: [], caps: { client: String(cap) } })
                .then((p) => ({ p, o, i, l }));
            }),
          );
          const reserved = res.filter((x) => x.p.reserved);
          const sum = reserved.reduce((s, x) => s + x.o.n, 0);
          expect(sum).toBeLessThanOrEqual(cap);
          expect(await l1.openNotional({ clientId })).toBe(String(sum));
          expect(await l1.openNotional({ venue: 'sim', account: clientId })).toBe(String(sum));
          // Every refusal saw the others' reservations: it would not have fitted.
          for (const x of res.filter((x) => x.p.over)) expect(Number(x.p.over!.open) + x.o.n).toBeGreaterThan(cap);
          expect(res.filter((x) => !x.p.reserved).every((x) => x.p.over)).toBe(true);
          await Promise.all(reserved.map((x) => x.l.release(x.i.intentId)));
          expect(await l2.openNotional({ clientId })).toBe('0');
        },
      ),
      { numRuns: 15 },
    );
  });

  it('adjust shrinks a reservation, release frees it, and release by instance frees what a dead replica held', async () => {
    const a = intent({ clientId: 'adj' });
    const b = intent({ clientId: 'adj' });
    await l1.prefetch({ intent: a, notional: '500', windows: [] });
    await l2.prefetch({ intent: b, notional: '300', windows: [] });
    expect(await l1.openNotional({ clientId: 'adj' })).toBe('800');
    await l1.adjust(a.intentId, '120.5');
    expect(await l1.openNotional({ clientId: 'adj' })).toBe('420.5');
    await l1.release(a.intentId);
    expect(l1.holds(a.intentId)).toBe(false);
    expect(await l1.openNotional({ clientId: 'adj' })).toBe('300');
    // r2 "restarts": a new SharedLimits for the same instance releases what the old one held.
    expect(await new SharedLimits(c2).releaseInstance()).toBe(1);
    expect(await l1.openNotional({ clientId: 'adj' })).toBe('0');
  });

  it("reports the other replicas' open notional, message counts per window and duplicates", async () => {
    const first = await l1.prefetch({
      intent: intent({ clientId: 'msg', clientOrderId: 'same' }),
      notional: '10',
      windows: [1000, 60000],
    });
    expect(first.duplicateClientOrderId).toBe(false);
    expect(first.counts.get(60000)).toBe(0);
    const second = await l2.prefetch({
      intent: intent({ clientId: 'msg', clientOrderId: 'same' }),
      notional: '10',
      windows: [1000, 60000],
    });
    expect(second.duplicateClientOrderId).toBe(true);
    expect(second.reserved).toBe(false);
    expect(second.counts.get(60000)).toBe(1);
    expect(second.clientOpen).toBe('10');
    await l2.recordMessage('msg', 'cancel-1');
    const third = await l1.prefetch({ intent: intent({ clientId: 'msg' }), windows: [60000] });
    expect(third.counts.get(60000)).toBe(3);
    // An accepted order's fingerprint is seen by the other replica.
    const fpIntent = intent({ clientId: 'fp' });
    await l1.recordFingerprint(fpIntent);
    const again = await l2.prefetch({
      intent: { ...fpIntent, intentId: 'other', clientOrderId: 'other' },
      windows: [],
    });
    expect(again.fingerprintSeenAt).toBeGreaterThan(0);
    expect(again.redisNow - again.fingerprintSeenAt!).toBeGreaterThanOrEqual(0);
  });

  it('amounts above 10^8 quote stay exact', async () => {
    const i = intent({ clientId: 'big' });
    await l1.prefetch({ intent: i, notional: '2500000000.123456', windows: [] });
    expect(await l1.openNotional({ clientId: 'big' })).toBe('2500000000.123456');
    await l1.release(i.intentId);
    expect(await l1.openNotional({ clientId: 'big' })).toBe('0');
  });
});
