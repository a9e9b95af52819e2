import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildOrderRequest, ExecutionReport } from '../../../src/core/types.js';
import { BTC, ETH, cid, startRig, type Rig } from './support.js';
import { ds } from '../../support/decimals.js';

const ACCT = 'acct-1'; // the exchange account the test key trades

let rig: Rig;
beforeAll(async () => {
  rig = await startRig();
});
afterAll(async () => rig.close());

const order = (over: Partial<ChildOrderRequest>): ChildOrderRequest => ({
  account: 'gw-acct',
  symbol: BTC,
  clientOrderId: cid(),
  side: 'buy',
  type: 'market',
  quantity: ds('0.01'),
  reduceOnly: false,
  postOnly: false,
  timeInForce: 'GTC',
  ...over,
});

describe('CcxtVenue against liqguard venue (real ccxt binanceusdm)', () => {
  it('builds instruments from exchangeInfo filters and brackets from leverageBracket', () => {
    const btc = rig.venue.instrument(BTC)!;
    const sim = rig.v.exchange.instrument(BTC)!;
    expect(btc).toMatchObject({
      venue: 'binance-sim',
      symbol: BTC,
      venueSymbol: 'BTCUSDT',
      quote: 'USDT',
      tickSize: sim.tickSize,
      stepSize: sim.stepSize,
      minQty: sim.minQty,
      minNotional: sim.minNotional,
    });
    expect(btc.brackets.map((b) => [b.initialLeverage, b.notionalCap, b.maintMarginRatio])).toEqual(
      sim.brackets.map((b) => [b.initialLeverage, b.notionalCap, b.maintMarginRatio]),
    );
    expect(rig.venue.instruments().map((i) => i.symbol)).toEqual([BTC, ETH]);
  });

  it('places a market order with the child clientOrderId and reports the fill', async () => {
    const req = order({});
    const r = await rig.venue.placeOrder(req);
    expect(r).toMatchObject({
      status: 'filled',
      clientOrderId: req.clientOrderId,
      quantity: '0.01',
      filledQuantity: '0.01',
      account: 'gw-acct',
      symbol: BTC,
    });
    const atVenue = rig.v.exchange.fetchOrderSync(ACCT, BTC, req.clientOrderId)!;
    expect(r.avgPrice).toBe(atVenue.avgPrice);
    expect(r.venueOrderId).toBe(atVenue.venueOrderId);
  });

  it('places, fetches, lists and cancels a resting limit order', async () => {
    const req = order({ type: 'limit', price: ds('50000.0'), clientOrderId: cid('lim') });
    const placed = await rig.venue.placeOrder(req);
    expect(placed).toMatchObject({ status: 'new', filledQuantity: '0' });
    expect(await rig.venue.fetchOrder('gw-acct', BTC, req.clientOrderId)).toMatchObject({
      status: 'new',
      clientOrderId: req.clientOrderId,
    });
    expect((await rig.venue.openOrders('gw-acct', BTC)).map((o) => o.clientOrderId)).toContain(req.clientOrderId);
    const c = await rig.venue.cancelOrder('gw-acct', BTC, req.clientOrderId);
    expect(c).toMatchObject({ status: 'canceled', clientOrderId: req.clientOrderId });
    expect(rig.v.exchange.openOrdersSync(ACCT, BTC).map((o) => o.clientOrderId)).not.toContain(req.clientOrderId);
    const again = await rig.venue.cancelOrder('gw-acct', BTC, req.clientOrderId);
    expect(again).toMatchObject({ status: 'rejected', code: 'VENUE_REJECTED' });
    expect(again.reason).toContain('-2011');
    expect(await rig.venue.fetchOrder('gw-acct', BTC, 'never-placed')).toBeUndefined();
  });

  it('reduce-only: reduces an open position, is rejected (-2022) on the wrong side', async () => {
    await rig.venue.placeOrder(order({ symbol: ETH, quantity: ds('0.5') }));
    const ok = await rig.venue.placeOrder(order({ symbol: ETH, side: 'sell', quantity: ds('0.2'), reduceOnly: true }));
    expect(ok).toMatchObject({ status: 'filled', filledQuantity: '0.2' });
    const bad = await rig.venue.placeOrder(order({ symbol: ETH, side: 'buy', quantity: ds('0.1'), reduceOnly: true }));
    expect(bad).toMatchObject({ status: 'rejected', code: 'VENUE_REJECTED' });
    expect(bad.reason).toContain('-2022');
  });

  it('post-only: rests when it would not take, rejected (-5022) when it would', async () => {
    const rests = await rig.venue.placeOrder(
      order({ type: 'limit', price: ds('55000.0'), postOnly: true, timeInForce: 'GTX' }),
    );
    expect(rests.status).toBe('new');
    const takes = await rig.venue.placeOrder(
      order({ type: 'limit', price: ds('65000.0'), postOnly: true, timeInForce: 'GTX' }),
    );
    expect(takes).toMatchObject({ status: 'rejected', code: 'VENUE_REJECTED' });
    expect(takes.reason).toContain('-5022');
  });

  it('enforces tick, lot and min notional before sending anything', async () => {
    const before = rig.v.requests.length;
    const tick = await rig.venue.placeOrder(order({ type: 'limit', price: ds('50000.05') }));
    expect(tick).toMatchObject({ status: 'rejected', code: 'INVALID_TICK' });
    expect(tick.reason).toContain('tickSize=0.1');
    const lot = await rig.venue.placeOrder(order({ quantity: ds('0.0105') }));
    expect(lot).toMatchObject({ status: 'rejected', code: 'INVALID_TICK' });
    expect(lot.reason).toContain('stepSize=0.001');
    const small = await rig.venue.placeOrder(order({ type: 'limit', price: ds('50000.0'), quantity: ds('0.001') }));
    expect(small).toMatchObject({ status: 'rejected', code: 'BELOW_MIN_NOTIONAL' });
    expect(small.reason).toContain('minNotional=100');
    expect(rig.v.requests.length).toBe(before);
  });

  it('maps venue rejections by class: insufficient funds', async () => {
    const r = await rig.venue.placeOrder(order({ type: 'limit', price: ds('50000.0'), quantity: ds('900') }));
    expect(r).toMatchObject({ status: 'rejected', code: 'INSUFFICIENT_FUNDS' });
    expect(r.reason).toContain('-2019');
  });

  it('syncs balance and positions into AccountState', async () => {
    const s = await rig.venue.accountState('gw-acct');
    const sim = rig.v.exchange.accountStateSync(ACCT);
    expect(s.account).toBe('gw-acct');
    expect(Number(s.walletBalance)).toBeCloseTo(Number(sim.walletBalance), 6);
    expect(Number(s.availableBalance)).toBeCloseTo(Number(sim.availableBalance), 6);
    const pos = (sym: string, list: readonly { symbol: string; quantity: string }[]) =>
      list.find((p) => p.symbol === sym)?.quantity;
    expect(pos(BTC, s.positions)).toBe(pos(BTC, sim.positions));
    expect(pos(ETH, s.positions)).toBe(pos(ETH, sim.positions));
    expect(s.positions.find((p) => p.symbol === BTC)).toMatchObject({ marginMode: 'cross', leverage: '20' });
  });

  it('reports fills of resting orders asynchronously (polling open orders)', async () => {
    const got: ExecutionReport[] = [];
    const off = rig.venue.onReport((r) => got.push(r));
    const req = order({ type: 'limit', price: ds('59500.0'), clientOrderId: cid('rest') });
    expect((await rig.venue.placeOrder(req)).status).toBe('new');
    rig.v.bar(BTC, 60_000, 59_000); // trades through the limit
    await rig.venue.pollNow();
    off();
    const mine = got.filter((r) => r.clientOrderId === req.clientOrderId);
    expect(mine.at(-1)).toMatchObject({ status: 'filled', filledQuantity: '0.01', avgPrice: '59500' });
  });

  it('counts budget outcomes and reads the usage headers', async () => {
    const snap = rig.venue.budget.snapshot();
    expect(snap.usedWeight).toBeGreaterThan(0);
    expect(snap.orders10s + snap.orders1m).toBeGreaterThan(0);
    expect(await rig.registry.metrics()).toMatch(
      /liqguard_venue_budget_requests_total\{venue="binance-sim",kind="order",outcome="sent"\} [1-9]/,
    );
  });
});
