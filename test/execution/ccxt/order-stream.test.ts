/** The ccxt venue learns of fills from the venue's user-data stream (ccxt.pro watchOrders over
 * liqguard venue's listenKey stream), not by polling; after a stream gap (the venue was down) a
 * reconciling poll reports the fill the stream missed. Polling here is every 60 s, so a report
 * within the test comes from the stream or from the gap reconciliation. */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ExecutionReport } from '../../../src/core/types.js';
import { BTC, cid, startRig, type Rig } from './support.js';
import { ds } from '../../support/decimals.js';

let rig: Rig;
beforeAll(async () => {
  rig = await startRig({ userStream: true });
});
afterAll(async () => rig?.close());

const restingBuy = (id: string, price: string) => ({
  account: 'acct-1',
  symbol: BTC,
  clientOrderId: id,
  side: 'buy' as const,
  type: 'limit' as const,
  quantity: ds('0.01'),
  price: ds(price),
  reduceOnly: false,
  postOnly: false,
  timeInForce: 'GTC' as const,
});
const filled = (id: string) =>
  new Promise<ExecutionReport>((resolve) =>
    rig.venue.onReport((r) => r.clientOrderId === id && r.status === 'filled' && resolve(r)),
  );
const polls = () => rig.v.requests.filter((r) => r.method === 'GET' && r.url.startsWith('/fapi/v1/openOrders')).length;

describe('fills from the user-data stream', () => {
  it('a resting order filled at the venue is reported from ORDER_TRADE_UPDATE, without a poll', async () => {
    await vi.waitFor(
      () =>
        expect(rig.v.wsConnections.some((c) => c.path.includes('listenKey=') || c.path.startsWith('/ws/'))).toBe(true),
      { timeout: 30_000, interval: 25 },
    );
    const id = cid('stream');
    expect((await rig.venue.placeOrder(restingBuy(id, '59500'))).status).toBe('new');
    const report = filled(id);
    rig.v.bar(BTC, 60_010, 59_400);
    const r = await report;
    expect(r).toMatchObject({ account: 'acct-1', symbol: BTC, status: 'filled', filledQuantity: '0.01' });
    expect(polls()).toBe(0);
  });

  it('after a gap the adapter reconciles by polling and reports the fill the stream missed', async () => {
    const id = cid('gap');
    expect((await rig.venue.placeOrder(restingBuy(id, '59000'))).status).toBe('new');
    const report = filled(id);
    rig.v.api.faults.inject({ kind: 'down', ms: 1500 });
    // While the venue is unreachable the order fills there; the stream cannot say so.
    rig.v.bar(BTC, 59_400, 58_900);
    const r = await report;
    expect(r).toMatchObject({ account: 'acct-1', status: 'filled', filledQuantity: '0.01' });
    expect(polls()).toBeGreaterThan(0);
  }, 60_000);
});
