/** The official connector @binance/derivatives-trading-usds-futures, unmodified, against the
 * gateway's door: base URLs are its only change. It signs every POST/DELETE with
 * `Content-Type: application/json` and an empty body (refused with -1130 before this fix). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_API_KEY, DEMO_API_SECRET } from '../../../src/config/embedded-default.js';
import type { SimulatedVenue } from '../../../src/execution/simulated/index.js';
import { officialClient } from './pro-support.js';
import { startFrontDoorGateway, type FrontDoorGateway } from './support.js';

const BTC = 'BTC/USDT:USDT';
let h: FrontDoorGateway;
let c: ReturnType<typeof officialClient>;
const sim = () => h.gw.venues.get('sim') as SimulatedVenue;
const data = async <T>(p: Promise<{ data(): Promise<T> }>): Promise<T> => (await p).data();
const as = <T>(v: string) => v as unknown as T;
const mark = () => h.gw.market.snapshot(BTC, h.gw.clock.now()).last!;

beforeAll(async () => {
  h = await startFrontDoorGateway();
  c = officialClient(h.url, DEMO_API_KEY, DEMO_API_SECRET);
}, 60_000);
afterAll(async () => h?.gw.close());

describe('official connector against the door', () => {
  it('places, queries and cancels orders (signed POST/DELETE with an empty JSON body)', async () => {
    const o = await data(
      c.restAPI.newOrder({
        symbol: 'BTCUSDT',
        side: as('BUY'),
        type: as('MARKET'),
        quantity: 0.01,
        newClientOrderId: 'oc-mkt-1',
      }),
    );
    expect(o).toMatchObject({ symbol: 'BTCUSDT', status: 'FILLED', executedQty: '0.01', clientOrderId: 'oc-mkt-1' });
    expect(Math.abs((o.updateTime as number) - Date.now())).toBeLessThan(60_000); // wall clock
    expect(Number.isInteger(o.updateTime)).toBe(true);
    const px = Math.round(mark() * 0.95 * 10) / 10;
    const lim = await data(
      c.restAPI.newOrder({
        symbol: 'BTCUSDT',
        side: as('BUY'),
        type: as('LIMIT'),
        quantity: 0.01,
        price: px,
        timeInForce: as('GTC'),
      }),
    );
    expect(lim.status).toBe('NEW');
    const q = await data(c.restAPI.queryOrder({ symbol: 'BTCUSDT', orderId: lim.orderId! }));
    expect(q.orderId).toBe(lim.orderId);
    const cancelled = await data(c.restAPI.cancelOrder({ symbol: 'BTCUSDT', orderId: lim.orderId! }));
    expect(cancelled.status).toBe('CANCELED');
  });

  it('history: userTrades, allOrders and income reflect the fills, with commission and realized PnL', async () => {
    await data(
      c.restAPI.newOrder({
        symbol: 'BTCUSDT',
        side: as('SELL'),
        type: as('MARKET'),
        quantity: 0.01,
        newClientOrderId: 'oc-close-1',
      }),
    );
    const trades = await data(c.restAPI.accountTradeList({ symbol: 'BTCUSDT' }));
    expect(trades.length).toBeGreaterThanOrEqual(2);
    const [buy, sell] = trades.slice(-2);
    expect(buy).toMatchObject({ side: 'BUY', qty: '0.01', realizedPnl: '0', commissionAsset: 'USDT' });
    expect(sell!.side).toBe('SELL');
    // Closing the long realizes (sell - buy) × 0.01.
    expect(Number(sell!.realizedPnl)).toBeCloseTo((Number(sell!.price) - Number(buy!.price)) * 0.01, 8);
    expect(Number(sell!.commission)).toBeGreaterThan(0);
    const orders = await data(c.restAPI.allOrders({ symbol: 'BTCUSDT' }));
    expect(orders.map((o) => o.clientOrderId)).toEqual(expect.arrayContaining(['oc-mkt-1', 'oc-close-1']));
    const times = orders.map((o) => Number(o.time));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const income = await data(c.restAPI.getIncomeHistory({ symbol: 'BTCUSDT' }));
    const commissions = income.filter((x) => x.incomeType === 'COMMISSION');
    expect(commissions.length).toBe(trades.length);
    expect(commissions.reduce((s, x) => s + Number(x.income), 0)).toBeCloseTo(
      -trades.reduce((s, t) => s + Number(t.commission), 0),
      8,
    );
    if (Number(sell!.realizedPnl) !== 0)
      expect(income.some((x) => x.incomeType === 'REALIZED_PNL' && x.income === sell!.realizedPnl)).toBe(true);
  });

  it('batchOrders: each order through the pipeline on its own, answered in Binance batch format', async () => {
    const px = Math.round(mark() * 0.95 * 10) / 10;
    const res = await data(
      c.restAPI.placeMultipleOrders({
        batchOrders: [
          {
            symbol: 'BTCUSDT',
            side: as('BUY'),
            type: as('LIMIT'),
            quantity: 0.01,
            price: px,
            timeInForce: as('GTC'),
            newClientOrderId: 'oc-b-1',
          },
          { symbol: 'BTCUSDT', side: as('BUY'), type: as('MARKET'), quantity: 50 }, // over the fat-finger limit
          { symbol: 'NOPEUSDT', side: as('BUY'), type: as('MARKET'), quantity: 1 },
        ],
      }),
    );
    expect(res).toHaveLength(3);
    expect(res[0]).toMatchObject({ clientOrderId: 'oc-b-1', status: 'NEW' });
    expect(res[1]).toMatchObject({ code: -2010 });
    expect((res[1] as { msg: string }).msg).toMatch(/^LIQGUARD MAX_ORDER_QUANTITY/);
    expect(res[2]).toMatchObject({ code: -1121 });
    const id = (res[0] as { orderId: number }).orderId;
    const cancelled = await data(c.restAPI.cancelMultipleOrders({ symbol: 'BTCUSDT', orderIdList: [id, 12345] }));
    expect(cancelled[0]).toMatchObject({ orderId: id, status: 'CANCELED' });
    expect(cancelled[1]).toMatchObject({ code: -2013 });
  });

  it('account setup: position mode, multi-assets, margin type, symbol config, brackets, commission', async () => {
    expect(await data(c.restAPI.getCurrentPositionMode())).toEqual({ dualSidePosition: false });
    expect(await data(c.restAPI.getCurrentMultiAssetsMode())).toEqual({ multiAssetsMargin: false });
    await expect(c.restAPI.changePositionMode({ dualSidePosition: as('true') })).rejects.toThrow(/one-way mode only/);
    await expect(c.restAPI.changeMarginType({ symbol: 'BTCUSDT', marginType: as('ISOLATED') })).rejects.toThrow(
      /cross margin only/,
    );
    await expect(c.restAPI.changeMarginType({ symbol: 'BTCUSDT', marginType: as('CROSSED') })).rejects.toThrow(
      /No need to change margin type/,
    );
    const cfg = await data(c.restAPI.symbolConfiguration({ symbol: 'BTCUSDT' }));
    expect(cfg[0]).toMatchObject({ symbol: 'BTCUSDT', marginType: 'CROSSED', leverage: 20 });
    expect(Number(cfg[0]!.maxNotionalValue)).toBeGreaterThan(0);
    const rate = await data(c.restAPI.userCommissionRate({ symbol: 'BTCUSDT' }));
    expect(rate).toMatchObject({ symbol: 'BTCUSDT', makerCommissionRate: '0.0002', takerCommissionRate: '0.0005' });
    const brackets = await data(c.restAPI.notionalAndLeverageBrackets({ symbol: 'BTCUSDT' }));
    expect(JSON.stringify(brackets)).toContain('initialLeverage');
    // The simulated venue charges what commissionRate says: taker fee of the last fill.
    const t = (await data(c.restAPI.accountTradeList({ symbol: 'BTCUSDT' }))).at(-1)!;
    if (!t.maker) expect(Number(t.commission)).toBeCloseTo(Number(t.quoteQty) * 0.0005, 8);
    expect(sim().id).toBe('sim');
  });

  it('market data: a non-empty book around the mark; listenKey start/keepalive/close', async () => {
    const book = await data(c.restAPI.orderBook({ symbol: 'BTCUSDT', limit: 5 }));
    expect(book.bids!.length).toBe(5);
    expect(book.asks!.length).toBe(5);
    const bid = Number(book.bids![0]![0]);
    const ask = Number(book.asks![0]![0]);
    expect(bid).toBeLessThan(ask);
    const m = Number(((await data(c.restAPI.markPrice({ symbol: 'BTCUSDT' }))) as { markPrice: string }).markPrice);
    expect(bid).toBeLessThanOrEqual(m);
    expect(ask).toBeGreaterThanOrEqual(m);
    const { listenKey } = await data(c.restAPI.startUserDataStream());
    expect(listenKey).toMatch(/^[0-9a-f]{64}$/);
    expect(await data(c.restAPI.keepaliveUserDataStream())).toEqual({ listenKey });
    expect(await data(c.restAPI.closeUserDataStream())).toEqual({});
  });
});
