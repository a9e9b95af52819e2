/** Fault tests: the venue's injected faults against the real ccxt code path. In every case the
 * exchange must hold at most one order per clientOrderId. */
import { afterEach, describe, expect, it } from 'vitest';
import type { ChildOrderRequest } from '../../../src/core/types.js';
import { BTC, cid, startRig, tradesOf, type Rig } from './support.js';
import { ds } from '../../support/decimals.js';

const ACCT = 'acct-1';
let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const market = (over: Partial<ChildOrderRequest> = {}): ChildOrderRequest => ({
  account: 'gw',
  symbol: BTC,
  clientOrderId: cid('f'),
  side: 'buy',
  type: 'market',
  quantity: ds('0.01'),
  reduceOnly: false,
  postOnly: false,
  timeInForce: 'GTC',
  ...over,
});

describe('accepted, then the answer is lost', () => {
  it('a timeout after the venue accepted is reconciled by clientOrderId and not sent twice', async () => {
    rig = await startRig({ timeoutMs: 300 });
    rig.v.api.faults.inject({ kind: 'acceptThenTimeout', mode: 'hang', holdMs: 5000 });
    const req = market();
    const r = await rig.venue.placeOrder(req);
    expect(r).toMatchObject({ status: 'filled', clientOrderId: req.clientOrderId, filledQuantity: '0.01' });
    expect(rig.v.api.faults.counts.acceptedThenTimedOut).toBe(1);
    expect(rig.venue.sends.get(req.clientOrderId)).toBe(1);
    expect(tradesOf(rig.v, ACCT, req.clientOrderId)).toBe(1);
  });

  it('a dropped connection after a resting order was accepted is adopted as new, not resent', async () => {
    rig = await startRig();
    rig.v.api.faults.inject({ kind: 'acceptThenTimeout', mode: 'drop' });
    const req = market({ type: 'limit', price: ds('50000.0') });
    const r = await rig.venue.placeOrder(req);
    expect(r).toMatchObject({ status: 'new', clientOrderId: req.clientOrderId });
    expect(rig.venue.sends.get(req.clientOrderId)).toBe(1);
    expect(rig.v.exchange.openOrdersSync(ACCT, BTC).filter((o) => o.clientOrderId === req.clientOrderId)).toHaveLength(
      1,
    );
  });
});

describe('5xx', () => {
  it('a 5xx before execution: absent after recvWindow, sent once more with the same id', async () => {
    rig = await startRig();
    rig.v.api.faults.inject({ kind: 'error', status: 503, path: '/fapi/v1/order', method: 'POST', times: 1 });
    const req = market();
    const r = await rig.venue.placeOrder(req);
    expect(r).toMatchObject({ status: 'filled', clientOrderId: req.clientOrderId });
    expect(rig.venue.sends.get(req.clientOrderId)).toBe(2);
    expect(tradesOf(rig.v, ACCT, req.clientOrderId)).toBe(1);
  });

  it('a venue answering 5xx to every placement gives VENUE_UNAVAILABLE after one resend', async () => {
    rig = await startRig();
    rig.v.api.faults.inject({ kind: 'error', status: 500, path: '/fapi/v1/order', method: 'POST', times: 10 });
    const req = market();
    const r = await rig.venue.placeOrder(req);
    expect(r).toMatchObject({ status: 'rejected', code: 'VENUE_UNAVAILABLE' });
    expect(r.reason).toContain('not placed after 2 attempts');
    expect(rig.venue.sends.get(req.clientOrderId)).toBe(2);
    expect(tradesOf(rig.v, ACCT, req.clientOrderId)).toBe(0);
  });

  it('when even the lookup fails, reports VENUE_UNKNOWN_STATE and resolves it later by polling', async () => {
    rig = await startRig({ timeoutMs: 300 });
    rig.v.api.faults.inject({ kind: 'acceptThenTimeout', mode: 'hang', holdMs: 5000 });
    rig.v.api.faults.inject({ kind: 'error', status: 503, path: '/fapi/v1/order', method: 'GET', times: 3 });
    const got: string[] = [];
    rig.venue.onReport((x) => got.push(`${x.clientOrderId}:${x.status}`));
    const req = market();
    const r = await rig.venue.placeOrder(req);
    expect(r).toMatchObject({ status: 'new', code: 'VENUE_UNKNOWN_STATE' });
    await rig.venue.pollNow();
    expect(got).toEqual([`${req.clientOrderId}:filled`]);
    expect(rig.venue.sends.get(req.clientOrderId)).toBe(1);
    expect(tradesOf(rig.v, ACCT, req.clientOrderId)).toBe(1);
  });
});

describe('429 then 418', () => {
  it('backs off on 429 (Retry-After), then on 418 halts new orders until the ban ends; cancels still go', async () => {
    rig = await startRig();
    const resting = market({ type: 'limit', price: ds('50000.0') });
    expect((await rig.venue.placeOrder(resting)).status).toBe('new');

    rig.v.api.faults.inject({ kind: 'rateLimit', count429: 1, retryAfterSec: 1, banMs: 60_000 });
    const req = market();
    const r = await rig.venue.placeOrder(req);
    // The 429 made the budget hold the one resend for Retry-After; the resend met the ban.
    const metrics = await rig.registry.metrics();
    expect(metrics).toContain(
      'liqguard_venue_budget_requests_total{venue="binance-sim",kind="order",outcome="waited"} 1',
    );
    expect(metrics).toContain('liqguard_venue_rate_limit_responses_total{venue="binance-sim",status="429"} 1');
    expect(rig.v.api.faults.counts).toMatchObject({ rateLimited: 1, banned: 1 });
    expect(r).toMatchObject({ status: 'rejected', code: 'VENUE_BANNED' });
    const until = rig.venue.budget.snapshot().bannedUntil;
    expect(until).toBeGreaterThan(Date.now() + 50_000);
    expect(r.reason).toContain(`until=${until}`);
    expect(tradesOf(rig.v, ACCT, req.clientOrderId)).toBe(0);

    // New orders are not even sent while banned.
    const before = rig.v.requests.length;
    const next = await rig.venue.placeOrder(market());
    expect(next).toMatchObject({ status: 'rejected', code: 'VENUE_BANNED' });
    expect(next.reason).toContain(`until=${until}`);
    expect(rig.v.requests.length).toBe(before);

    // Cancels are still attempted (this venue still answers 418 to them).
    const c = await rig.venue.cancelOrder('gw', BTC, resting.clientOrderId);
    expect(rig.v.requests.length).toBe(before + 1);
    expect(c).toMatchObject({ status: 'rejected', code: 'VENUE_BANNED' });
    expect(await rig.registry.metrics()).toContain('liqguard_venue_banned{venue="binance-sim"} 1');
  });
});

describe('venue down', () => {
  const settle = (ms = 30) => new Promise((res) => setTimeout(res, ms));

  it('connection refused gives VENUE_UNAVAILABLE at once, without resending; service resumes when it is back', async () => {
    rig = await startRig();
    rig.v.api.faults.inject({ kind: 'down' });
    await settle(); // pooled keep-alive sockets see the reset first
    const req = market();
    const r = await rig.venue.placeOrder(req);
    expect(r).toMatchObject({ status: 'rejected', code: 'VENUE_UNAVAILABLE' });
    expect(r.reason).toContain('ECONNREFUSED');
    expect(rig.venue.sends.get(req.clientOrderId)).toBe(1);
    // A lookup that cannot reach the venue is an error, not "no such order".
    await expect(rig.venue.fetchOrder('gw', BTC, req.clientOrderId)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    await expect(rig.venue.openOrders('gw', BTC)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    rig.v.api.faults.clear();
    await settle();
    expect((await rig.venue.placeOrder(market())).status).toBe('filled');
    expect(tradesOf(rig.v, ACCT, req.clientOrderId)).toBe(0);
  });

  it('a connection reset mid-request is unknown until the venue is back; then resolved by polling', async () => {
    rig = await startRig();
    const got: string[] = [];
    rig.venue.onReport((x) => got.push(`${x.clientOrderId}:${x.status}:${x.code ?? ''}`));
    await rig.venue.placeOrder(market()); // opens a keep-alive connection
    rig.v.api.faults.inject({ kind: 'down' });
    const req = market();
    const r = await rig.venue.placeOrder(req); // goes out on the socket just reset
    expect(r).toMatchObject({ status: 'new', code: 'VENUE_UNKNOWN_STATE' });
    rig.v.api.faults.clear();
    await settle(700); // past the order's recvWindow (600 ms in these tests)
    await rig.venue.pollNow();
    expect(got).toEqual([`${req.clientOrderId}:rejected:VENUE_UNAVAILABLE`]);
    expect(tradesOf(rig.v, ACCT, req.clientOrderId)).toBe(0);
  });
});

describe('credentials', () => {
  it('a wrong secret is VENUE_AUTH with the venue message', async () => {
    rig = await startRig({}, {});
    const { createCcxtVenue } = await import('../../../src/execution/ccxt/index.js');
    const { venueConfig } = await import('./support.js');
    // REST only, like the other drills: a user-data stream left reconnecting to the venue this test
    // closes would end in a refused WebSocket after the test.
    const bad = await createCcxtVenue(venueConfig(rig.v.urls, { secret: 'wrong' }), {
      clock: { now: () => Date.now() },
      options: { userStream: false },
    });
    const r = await bad.placeOrder(market());
    await bad.close();
    expect(r).toMatchObject({ status: 'rejected', code: 'VENUE_AUTH' });
    expect(r.reason).toContain('-1022');
  });
});
