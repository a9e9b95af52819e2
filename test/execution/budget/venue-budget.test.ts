import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Registry } from 'prom-client';
import { ManualClock } from '../../../src/core/clock.js';
import {
  BudgetState,
  DEFAULT_POLICY,
  parseBannedUntil,
  parseRetryAfter,
  VenueBudget,
  type Acquired,
  type RequestKind,
} from '../../../src/execution/budget/index.js';

const T0 = 1_700_000_020_000; // 40 s into a minute, 0 s into a 10 s window

/** Timers driven by the manual clock: advance() fires what is due. */
function fakeTimers(clock: ManualClock) {
  let timers: { at: number; fn: () => void; live: boolean }[] = [];
  return {
    setTimer(fn: () => void, ms: number) {
      const t = { at: clock.now() + ms, fn, live: true };
      timers.push(t);
      return { cancel: () => void (t.live = false) };
    },
    advance(ms: number) {
      clock.set(clock.now() + ms);
      const due = timers.filter((t) => t.live && t.at <= clock.now());
      timers = timers.filter((t) => !due.includes(t));
      for (const t of due) t.fn();
    },
  };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('BudgetState', () => {
  it('keeps new orders below the margin and lets cancels use the headroom above it', () => {
    const s = new BudgetState({
      ...DEFAULT_POLICY,
      limits: { weightPerMinute: 100, ordersPer10s: 10, ordersPerMinute: 100 },
    });
    s.observeHeaders({ 'X-Mbx-Used-Weight-1m': '80' }, T0);
    expect(s.decide('order', 1, T0)).toMatchObject({ action: 'wait', reason: 'weight', until: T0 + 20_000 });
    expect(s.decide('query', 1, T0)).toMatchObject({ action: 'wait', reason: 'weight' });
    expect(s.decide('cancel', 1, T0)).toEqual({ action: 'go' });
    // A new minute resets the count.
    expect(s.decide('order', 1, T0 + 20_000)).toEqual({ action: 'go' });
  });

  it('counts new orders per 10 s and per minute, from headers and from what it sent', () => {
    const s = new BudgetState({
      ...DEFAULT_POLICY,
      limits: { weightPerMinute: 10_000, ordersPer10s: 10, ordersPerMinute: 100 },
    });
    for (let i = 0; i < 8; i++) {
      expect(s.decide('order', 1, T0)).toEqual({ action: 'go' });
      s.commit('order', 1, T0);
    }
    expect(s.decide('order', 1, T0)).toMatchObject({ action: 'wait', reason: 'orders10s', until: T0 + 10_000 });
    expect(s.decide('cancel', 1, T0)).toEqual({ action: 'go' }); // cancels are not new orders
    s.observeHeaders({ 'x-mbx-order-count-1m': '80', 'x-mbx-order-count-10s': '0' }, T0 + 10_000);
    expect(s.decide('order', 1, T0 + 10_000)).toMatchObject({ action: 'wait', reason: 'orders1m' });
  });

  it('backs off on 429 for Retry-After, or exponentially without it', () => {
    const s = new BudgetState();
    expect(s.observe429(T0, 3)).toBe(T0 + 3000);
    expect(s.decide('cancel', 1, T0 + 2999)).toMatchObject({ action: 'wait', reason: 'backoff' });
    expect(s.decide('order', 1, T0 + 3000)).toEqual({ action: 'go' });
    const e = new BudgetState();
    expect(e.observe429(T0)).toBe(T0 + 1000);
    expect(e.observe429(T0)).toBe(T0 + 2000);
    expect(e.observe429(T0)).toBe(T0 + 4000);
    e.observeSuccess();
    expect(e.observe429(T0 + 10_000)).toBe(T0 + 11_000);
  });

  it('on 418 denies new orders and queries with VENUE_BANNED until the ban ends, but lets cancels through', () => {
    const s = new BudgetState();
    const until = s.observe418(T0, { bannedUntil: T0 + 60_000 });
    expect(s.decide('order', 1, T0 + 1)).toEqual({
      action: 'deny',
      code: 'VENUE_BANNED',
      params: { until, retryAfterMs: 59_999 },
    });
    expect(s.decide('query', 1, T0 + 1)).toMatchObject({ action: 'deny', code: 'VENUE_BANNED' });
    expect(s.decide('cancel', 1, T0 + 1)).toEqual({ action: 'go' });
    expect(s.decide('order', 1, until)).toEqual({ action: 'go' });
  });

  it('parses Binance ban bodies and Retry-After', () => {
    expect(
      parseBannedUntil(
        'binanceusdm 418 I\'m a teapot {"code":-1003,"msg":"Way too many requests; IP(1.2.3.4) banned until 1700000123456. Please use"}',
      ),
    ).toBe(1_700_000_123_456);
    expect(parseBannedUntil('nothing here')).toBeUndefined();
    expect(parseRetryAfter({ 'Retry-After': '7' })).toBe(7);
    expect(parseRetryAfter({})).toBeUndefined();
  });

  it('never lets new orders exceed margin × limit in any window (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            dt: fc.integer({ min: 0, max: 3000 }),
            kind: fc.constantFrom<RequestKind>('order', 'cancel', 'query'),
          }),
          { maxLength: 300 },
        ),
        (steps) => {
          const s = new BudgetState({
            ...DEFAULT_POLICY,
            limits: { weightPerMinute: 50, ordersPer10s: 5, ordersPerMinute: 20 },
          });
          let now = T0;
          for (const st of steps) {
            now += st.dt;
            if (s.decide(st.kind, 1, now).action === 'go') s.commit(st.kind, 1, now);
            const snap = s.snapshot(now);
            expect(snap.orders10s).toBeLessThanOrEqual(Math.floor(5 * 0.8));
            expect(snap.orders1m).toBeLessThanOrEqual(Math.floor(20 * 0.8));
            expect(snap.usedWeight).toBeLessThanOrEqual(Math.floor(50 * 0.95));
          }
        },
      ),
    );
  });
});

describe('VenueBudget', () => {
  it('queues while limited and releases cancels before queries before orders', async () => {
    const clock = new ManualClock(T0);
    const timers = fakeTimers(clock);
    const b = new VenueBudget({
      venue: 'v',
      clock,
      setTimer: timers.setTimer,
      limits: { weightPerMinute: 10_000 },
      maxWaitMs: { order: 5000, query: 5000, cancel: 5000 },
    });
    b.observeResponse(429, {}, { retryAfterSec: 2 });
    const order: string[] = [];
    const track = (name: string, p: Promise<Acquired>) => p.then((a) => order.push(`${name}:${a.ok}`));
    const all = [
      track('order1', b.acquire('order')),
      track('query', b.acquire('query')),
      track('cancel', b.acquire('cancel')),
      track('order2', b.acquire('order')),
    ];
    await settle();
    expect(order).toEqual([]);
    timers.advance(1999);
    await settle();
    expect(order).toEqual([]);
    timers.advance(1);
    await Promise.all(all);
    expect(order).toEqual(['cancel:true', 'query:true', 'order1:true', 'order2:true']);
  });

  it("denies VENUE_RATE_LIMITED when the wait would exceed the kind's maximum", async () => {
    const clock = new ManualClock(T0);
    const b = new VenueBudget({ venue: 'v', clock, setTimer: fakeTimers(clock).setTimer, maxWaitMs: { order: 1000 } });
    b.observeResponse(429, {}, { retryAfterSec: 5 });
    expect(await b.acquire('order')).toEqual({
      ok: false,
      code: 'VENUE_RATE_LIMITED',
      params: { venue: 'v', reason: 'backoff', retryAfterMs: 5000 },
    });
  });

  it('during a 418 ban answers VENUE_BANNED with until= and still sends cancels; records metrics', async () => {
    const clock = new ManualClock(T0);
    const registry = new Registry();
    const b = new VenueBudget({ venue: 'bin', clock, registry, setTimer: fakeTimers(clock).setTimer });
    b.observeResponse(418, {}, { bannedUntil: T0 + 30_000 });
    const denied = await b.acquire('order');
    expect(denied).toEqual({
      ok: false,
      code: 'VENUE_BANNED',
      params: { venue: 'bin', until: T0 + 30_000, retryAfterMs: 30_000 },
    });
    expect((await b.acquire('cancel')).ok).toBe(true);
    clock.set(T0 + 30_000);
    expect((await b.acquire('order')).ok).toBe(true);
    const text = await registry.metrics();
    expect(text).toContain('liqguard_venue_rate_limit_responses_total{venue="bin",status="418"} 1');
    expect(text).toContain('liqguard_venue_budget_requests_total{venue="bin",kind="order",outcome="VENUE_BANNED"} 1');
    expect(text).toContain('liqguard_venue_budget_requests_total{venue="bin",kind="cancel",outcome="sent"} 1');
    // A second budget on the same registry shares the metrics (no duplicate registration).
    expect(() => new VenueBudget({ venue: 'other', clock, registry })).not.toThrow();
  });

  it('tracks usage headers and denies everything queued on close', async () => {
    const clock = new ManualClock(T0);
    const timers = fakeTimers(clock);
    const b = new VenueBudget({
      venue: 'v',
      clock,
      setTimer: timers.setTimer,
      limits: { weightPerMinute: 100 },
      maxWaitMs: { order: 60_000 },
    });
    b.observeResponse(200, { 'X-MBX-USED-WEIGHT-1M': '99' });
    expect(b.snapshot().usedWeight).toBe(99);
    const p = b.acquire('order');
    b.close();
    expect(await p).toMatchObject({ ok: false, code: 'VENUE_UNAVAILABLE' });
  });
});
