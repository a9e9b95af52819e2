/** `liqguard venue` history and batches through unmodified ccxt: fetchMyTrades (userTrades),
 * fetchOrders (allOrders), fetchFundingHistory and fetchLedger (income), createOrders (POST
 * batchOrders, conditional entries included), cancelOrders (DELETE batchOrders). Times are the
 * venue's wall clock (/fapi/v1/time), not the exchange's replay clock. */
import ccxt from 'ccxt';
import { describe, expect, it } from 'vitest';
import { withVenueAndBot, type TestVenue } from './support.js';

const BTC = 'BTC/USDT:USDT';
const ETH = 'ETH/USDT:USDT';
let v: TestVenue;
let bot: InstanceType<typeof ccxt.binanceusdm>;

withVenueAndBot((venue, b) => ((v = venue), (bot = b)));

describe('liqguard venue history and batches', () => {
  it('fetchMyTrades, fetchOrders and income follow the fills, with commission, realized PnL and wall-clock times', async () => {
    const t0 = Date.now();
    const open = await bot.createOrder(BTC, 'market', 'buy', 0.02);
    v.bar(BTC, 60_010, 61_000);
    const close = await bot.createOrder(BTC, 'market', 'sell', 0.02, undefined, { reduceOnly: true });
    const trades = await bot.fetchMyTrades(BTC);
    expect(trades.map((t) => [t.order, t.side, t.amount])).toEqual([
      [open.id, 'buy', 0.02],
      [close.id, 'sell', 0.02],
    ]);
    for (const t of trades) {
      expect(t.timestamp).toBeGreaterThanOrEqual(t0); // wall clock, while the exchange is at 2025
      expect(t.fee!.cost).toBeGreaterThan(0);
    }
    const pnl = Number(trades[1]!.info.realizedPnl);
    const ledgerPnl = v.exchange
      .ledger('acct-1')
      .filter((e) => e.kind === 'trade')
      .map((e) => Number(e.amount));
    expect(pnl).toBe(ledgerPnl[ledgerPnl.length - 1]);
    expect(pnl).toBeGreaterThan(0); // bought at ~60 010, sold at ~61 000
    const orders = await bot.fetchOrders(BTC);
    expect(orders.map((o) => [o.id, o.status])).toEqual([
      [open.id, 'closed'],
      [close.id, 'closed'],
    ]);
    expect(orders[0]!.timestamp).toBeGreaterThanOrEqual(t0);
    const income = (await bot.fapiPrivateGetIncome({ symbol: 'BTCUSDT' })) as Record<string, string>[];
    expect(income.map((x) => x.incomeType).sort()).toEqual(['COMMISSION', 'COMMISSION', 'REALIZED_PNL']);
    expect(Number(income.find((x) => x.incomeType === 'REALIZED_PNL')!.income)).toBe(pnl);
    const ledger = await bot.fetchLedger('USDT');
    expect(ledger.length).toBe(3);
  });

  it('funding payments are FUNDING_FEE income (fetchFundingHistory)', async () => {
    await bot.createOrder(ETH, 'market', 'buy', 0.5);
    const before = v.exchange.ledger('acct-1').length;
    v.exchange.ingest({ type: 'funding', symbol: ETH, ts: v.clock.now(), rate: 0.001, intervalHours: 8 });
    const entry = v.exchange
      .ledger('acct-1')
      .slice(before)
      .find((e) => e.kind === 'funding')!;
    const hist = await bot.fetchFundingHistory(ETH);
    expect(hist.map((x) => x.amount)).toEqual([Number(entry.amount)]);
    await bot.createOrder(ETH, 'market', 'sell', 0.5, undefined, { reduceOnly: true });
  });

  it('createOrders places a batch (conditional entries included), cancelOrders cancels one; failures are entries', async () => {
    await bot.createOrder(BTC, 'market', 'buy', 0.01);
    const out = await bot.createOrders([
      { symbol: BTC, type: 'limit', side: 'buy', amount: 0.01, price: 59_000 },
      { symbol: BTC, type: 'limit', side: 'buy', amount: 0.01, price: 58_000 },
      { symbol: ETH, type: 'limit', side: 'sell', amount: 0.1, price: 2_500, params: { reduceOnly: true } }, // no position: -2022
    ]);
    expect(out.map((o) => o.status)).toEqual(['open', 'open', 'rejected']);
    const stop = (await bot.fapiPrivatePostBatchOrders({
      batchOrders: [
        {
          symbol: 'BTCUSDT',
          side: 'SELL',
          type: 'STOP_MARKET',
          stopPrice: '55000',
          quantity: '0.01',
          reduceOnly: 'true',
        },
      ],
    })) as Record<string, unknown>[];
    expect(stop[0]).toMatchObject({ type: 'STOP_MARKET', status: 'NEW', stopPrice: '55000.0' });
    expect(v.exchange.conditional.waiting('acct-1', BTC)).toHaveLength(1);
    const cancelled = await bot.cancelOrders([out[0]!.id!], BTC);
    expect(cancelled.map((o) => [o.id, o.status])).toEqual([[out[0]!.id, 'canceled']]);
    const unknown = await bot.fapiPrivateDeleteBatchOrders({
      symbol: 'BTCUSDT',
      orderIdList: JSON.stringify([4242, Number(out[1]!.id)]),
    });
    expect(unknown).toMatchObject([{ code: -2011 }, { orderId: Number(out[1]!.id), status: 'CANCELED' }]);
    expect(await bot.fetchOpenOrders(BTC)).toEqual([]);
    await bot.cancelAllOrders(BTC);
  });
});
