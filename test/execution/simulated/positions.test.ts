import { describe, expect, it } from 'vitest';
import { Decimal } from '../../../src/core/decimal.js';
import { BTC, ETH, HOUR, T0, bar, flat, order, setup } from './helpers.js';
import { ds } from '../../support/decimals.js';

describe('positions and PnL', () => {
  it('realises PnL on close; fees and PnL are in the ledger and the wallet is their sum', () => {
    const { ex } = setup({ impact: { halfSpread: 0 } });
    ex.ingest(flat(BTC, 0, 10000)); // σ = 0 and no spread: fills at the path price
    ex.placeOrderSync(order({ quantity: ds('1') })); // fee 10000 × 0.0005 = 5
    ex.ingest(bar(BTC, 1, 10000, 11000, 10000, 11000));
    ex.ingest(flat(BTC, 2, 11000));
    const st = ex.accountStateSync('a1');
    expect(st.positions[0]).toMatchObject({
      quantity: '1',
      entryPrice: '10000',
      unrealizedPnl: '1000',
      marginMode: 'cross',
      leverage: '20',
    });
    // available = wallet 99,995 + uPnL 1,000 − IM 11,000/20
    expect(st.availableBalance).toBe('100445');
    ex.placeOrderSync(order({ side: 'sell', quantity: ds('1') })); // realised (11000 − 10000)·1 = 1000, fee 5.5
    const ledger = ex.ledger('a1');
    expect(ledger.map((e) => [e.kind, e.amount])).toEqual([
      ['deposit', '100000'],
      ['trade', '0'],
      ['fee', '-5'],
      ['trade', '1000'],
      ['fee', '-5.5'],
    ]);
    expect(ex.accountStateSync('a1').walletBalance).toBe('100989.5');
    const sum = ledger.reduce((s, e) => s.plus(e.amount), new Decimal(0));
    expect(sum.toFixed()).toBe('100989.5');
  });

  it('averages the entry on increase, flips at the fill price', () => {
    const { ex } = setup({ impact: { halfSpread: 0 } });
    ex.ingest(flat(BTC, 0, 10000));
    ex.placeOrderSync(order({ quantity: ds('1') }));
    ex.ingest(flat(BTC, 1, 12000));
    ex.placeOrderSync(order({ quantity: ds('1') }));
    expect(ex.accountStateSync('a1').positions[0]?.entryPrice).toBe('11000'); // (10000 + 12000)/2
    ex.placeOrderSync(order({ side: 'sell', quantity: ds('3') })); // closes 2 (+2000), opens 1 short at 12000
    const p = ex.accountStateSync('a1').positions[0];
    expect(p).toMatchObject({ quantity: '-1', entryPrice: '12000' });
    expect(
      ex
        .ledger('a1')
        .filter((e) => e.kind === 'trade')
        .map((e) => e.amount),
    ).toEqual(['0', '0', '2000']);
  });
});

describe('liquidation', () => {
  it('isolated long: LP from the brackets, liquidated at the step the mark crosses it', () => {
    const { ex, reports } = setup({ impact: { halfSpread: 0 } });
    ex.ingest(flat(BTC, 0, 10000));
    ex.ingest(flat(ETH, 0, 1000));
    expect(ex.setMarginMode('a1', BTC, 'isolated')).toBeUndefined();
    ex.placeOrderSync(order({ quantity: ds('1'), leverage: ds('10') })); // margin 10000/10 = 1000, fee 5
    ex.placeOrderSync(order({ type: 'limit', price: ds('8000'), quantity: ds('0.02'), clientOrderId: 'btc-bid' }));
    ex.placeOrderSync(
      order({ symbol: ETH, type: 'limit', price: ds('900'), quantity: ds('1'), clientOrderId: 'eth-bid' }),
    );
    const pos = ex.accountStateSync('a1').positions[0]!;
    // LP = (1000 − 10000)/(0.004 − 1) = 9036.144578313253
    expect(pos).toMatchObject({ marginMode: 'isolated', isolatedMargin: '1000', liquidationPrice: '9036.14457831' });

    // bearish bar O→H→L→C: H→L runs 9750 (step 5), 9500 (6), 9250 (7), 9000 (8): crossed at step 8
    ex.ingest(bar(BTC, 1, 10000, 10000, 9000, 9500));
    const liq = reports.filter((x) => x.r.liquidation);
    expect(liq).toHaveLength(1);
    expect(liq[0]!.origin).toBe('venue');
    expect(liq[0]!.r).toMatchObject({
      status: 'filled',
      side: 'sell',
      quantity: '1',
      avgPrice: '9036.14457831',
      liquidation: true,
    });
    expect(liq[0]!.r.ts).toBe(T0 + HOUR + (8 / 12) * HOUR);
    expect(liq[0]!.r.clientOrderId).toMatch(/^autoclose-/);
    // open orders of BTC cancelled, ETH untouched
    expect(reports.find((x) => x.r.clientOrderId === 'btc-bid' && x.r.status === 'canceled')?.origin).toBe('venue');
    expect(ex.openOrdersSync('a1').map((o) => o.clientOrderId)).toEqual(['eth-bid']);
    // wallet: 100000 − 5 + (9036.14457831 − 10000) − MM 9036.14457831 × 0.004 = 98995: the whole margin is gone
    expect(ex.accountStateSync('a1').walletBalance).toBe('98995');
    expect(
      ex
        .ledger('a1')
        .slice(-2)
        .map((e) => [e.kind, e.amount]),
    ).toEqual([
      ['liquidation', '-963.85542169'],
      ['liquidation_fee', '-36.14457831'],
    ]);
    // insurance: clearance fee 36.14457831 + venue unwind at step price (9000 − 9036.144578313253)·1
    const expected = new Decimal('36.14457831').plus(new Decimal(9000).minus(new Decimal(9000).div('0.996')));
    expect(new Decimal(ex.insuranceFund()).minus(expected).abs().lt('1e-20')).toBe(true);
  });

  it('is not triggered before the mark reaches the LP', () => {
    const { ex, reports } = setup({ impact: { halfSpread: 0 } });
    ex.ingest(flat(BTC, 0, 10000));
    ex.setMarginMode('a1', BTC, 'isolated');
    ex.placeOrderSync(order({ quantity: ds('1'), leverage: ds('10') }));
    ex.ingest(bar(BTC, 1, 10000, 10000, 9037, 9500)); // low just above 9036.14
    expect(reports.some((x) => x.r.liquidation)).toBe(false);
    expect(ex.accountStateSync('a1').positions).toHaveLength(1);
  });

  it('cross short with a small wallet: LP on the wallet, every cross position closed', () => {
    const { ex, reports } = setup({ impact: { halfSpread: 0 }, initialBalance: '1000' });
    ex.ingest(flat(BTC, 0, 10000));
    ex.placeOrderSync(order({ side: 'sell', quantity: ds('1') })); // fee 5 → wallet 995
    // LP = (995 + 10000)/(0.004 + 1) = 10951.195219123506
    expect(ex.accountStateSync('a1').positions[0]?.liquidationPrice).toBe('10951.19521912');
    ex.ingest(bar(BTC, 1, 10000, 11200, 10000, 11000)); // bullish O→L→H→C: L→H 10300, 10600, 10900, 11200
    const liq = reports.find((x) => x.r.liquidation)!.r;
    expect(liq).toMatchObject({ side: 'buy', avgPrice: '10951.19521912' });
    expect(liq.ts).toBe(T0 + HOUR + (8 / 12) * HOUR);
    // 995 − 951.19521912 − MM 10951.19521912 × 0.004 (43.80478088) = 0
    expect(ex.accountStateSync('a1')).toMatchObject({ walletBalance: '0', positions: [] });
  });

  it('cross: a loss on one symbol moves the LP of the other and liquidates both', () => {
    const { ex, reports } = setup({ impact: { halfSpread: 0 }, initialBalance: '3000' });
    ex.ingest(flat(BTC, 0, 10000));
    ex.ingest(flat(ETH, 0, 1000));
    ex.placeOrderSync(order({ quantity: ds('1') })); // fee 5
    ex.placeOrderSync(order({ symbol: ETH, quantity: ds('10') })); // fee 5 → wallet 2990
    // BTC LP with ETH at 1000 (MM 10000 × 0.004 = 40, uPnL 0): (2990 − 40 − 10000)/(−0.996) = 7078.31325301
    expect(ex.accountStateSync('a1').positions.find((p) => p.symbol === BTC)?.liquidationPrice).toBe('7078.31325301');
    ex.ingest(flat(ETH, 1, 900)); // ETH uPnL −1000, MM 36: LP = (2990 − 36 − 1000 − 10000)/(−0.996) = 8078.31325301
    expect(ex.accountStateSync('a1').positions.find((p) => p.symbol === BTC)?.liquidationPrice).toBe('8078.31325301');
    ex.ingest(bar(BTC, 1, 10000, 10000, 8000, 8100));
    const liq = reports.filter((x) => x.r.liquidation).map((x) => [x.r.symbol, x.r.avgPrice]);
    expect(liq).toEqual([
      [BTC, '8078.31325301'],
      [ETH, '900'],
    ]);
    expect(ex.accountStateSync('a1').positions).toHaveLength(0);
    expect(Math.abs(Number(ex.accountStateSync('a1').walletBalance))).toBeLessThan(1e-6);
  });
});

describe('funding', () => {
  it('longs pay shorts when the rate is positive: payment = size × mark × rate', () => {
    const { ex } = setup({ impact: { halfSpread: 0 } });
    ex.ingest(flat(BTC, 0, 10000));
    ex.placeOrderSync(order({ account: 'long', quantity: ds('2') }));
    ex.placeOrderSync(order({ account: 'short', side: 'sell', quantity: ds('0.5') }));
    ex.ingest(flat(BTC, 1, 10100));
    ex.ingest({ type: 'funding', symbol: BTC, ts: T0 + 2 * HOUR, rate: 0.0001, intervalHours: 8 });
    // long: −2 × 10100 × 0.0001 = −2.02; short: +0.5 × 10100 × 0.0001 = +0.505
    expect(ex.ledger('long').at(-1)).toMatchObject({
      kind: 'funding',
      amount: '-2.02',
      rate: '0.0001',
      price: '10100',
    });
    expect(ex.ledger('short').at(-1)).toMatchObject({ kind: 'funding', amount: '0.505' });
    ex.ingest({ type: 'funding', symbol: BTC, ts: T0 + 10 * HOUR, rate: -0.0003, intervalHours: 8 });
    expect(ex.ledger('long').at(-1)?.amount).toBe('6.06'); // −2 × 10100 × −0.0003
    // wallet: 100000 − fee 10 − 2.02 + 6.06
    expect(ex.accountStateSync('long').walletBalance).toBe('99994.04');
  });

  it('an isolated position pays funding from its own margin', () => {
    const { ex } = setup({ impact: { halfSpread: 0 } });
    ex.ingest(flat(BTC, 0, 10000));
    ex.setMarginMode('a1', BTC, 'isolated');
    ex.placeOrderSync(order({ quantity: ds('1'), leverage: ds('10') }));
    ex.ingest({ type: 'funding', symbol: BTC, ts: T0 + 8 * HOUR, rate: 0.01, intervalHours: 8 });
    // margin 1000 − 1 × 10000 × 0.01 = 900 → LP = (900 − 10000)/(−0.996) = 9136.54618474
    expect(ex.accountStateSync('a1').positions[0]).toMatchObject({
      isolatedMargin: '900',
      liquidationPrice: '9136.54618474',
    });
  });
});

describe('state and history', () => {
  it('account state adds up: margin balance, maintenance margin, margin ratio', () => {
    const { ex } = setup({ impact: { halfSpread: 0 } });
    ex.ingest(flat(BTC, 0, 10000));
    ex.placeOrderSync(order({ quantity: ds('10') })); // 100k notional, fee 50
    ex.ingest(flat(BTC, 1, 9900));
    const st = ex.accountStateSync('a1');
    // MM: 99,000 × 0.005 − 50 = 445; margin balance 99,950 − 1,000 = 98,950
    expect(st).toMatchObject({ walletBalance: '99950', marginBalance: '98950', maintMargin: '445' });
    expect(st.marginRatio).toBeCloseTo(445 / 98950, 12);
    expect(ex.equityHistory('a1').at(-1)).toMatchObject({ ts: T0 + 2 * HOUR, wallet: '99950', equity: '98950' });
  });
});

describe('mark and trade events', () => {
  it('a mark event moves the mark and can liquidate; a trade event fills resting orders', () => {
    const { ex, reports } = setup({ impact: { halfSpread: 0 } });
    ex.ingest(flat(BTC, 0, 10000));
    ex.setMarginMode('a1', BTC, 'isolated');
    ex.placeOrderSync(order({ quantity: ds('1'), leverage: ds('10') })); // LP 9036.14457831
    ex.placeOrderSync(
      order({ account: 'b', type: 'limit', price: ds('9500'), quantity: ds('0.1'), clientOrderId: 'bid' }),
    );
    ex.ingest({ type: 'trade', symbol: BTC, ts: T0 + 2 * HOUR, price: 9400, quantity: 1, takerSide: 'sell' });
    expect(reports.filter((x) => x.r.clientOrderId === 'bid').at(-1)).toMatchObject({
      origin: 'venue',
      r: { status: 'filled', lastFillPrice: '9500' },
    });
    expect(ex.markPrice(BTC)).toBe('10000'); // trades do not move an existing mark
    ex.ingest({ type: 'mark', symbol: BTC, ts: T0 + 3 * HOUR, markPrice: 9100 });
    expect(reports.some((x) => x.r.liquidation)).toBe(false);
    ex.ingest({ type: 'mark', symbol: BTC, ts: T0 + 4 * HOUR, markPrice: 9030 });
    expect(reports.find((x) => x.r.liquidation)?.r).toMatchObject({
      account: 'a1',
      ts: T0 + 4 * HOUR,
      avgPrice: '9036.14457831',
    });
  });
});
