import { describe, expect, it } from 'vitest';
import { BTC, ETH, bar, flat, order, setup } from './helpers.js';
import { ds } from '../../support/decimals.js';

describe('market orders', () => {
  it('fill at the path price plus square-root impact, rounded up to the tick, taker fee', () => {
    const { ex } = setup();
    ex.ingest(bar(BTC, 0, 10000, 10100, 9900, 10000, 1000));
    // σ_bar = ln(10100/9900)/(2√ln2) = 0.0120116245; impact(1) = 0.0001 + σ·√(1/1000) = 0.00047984
    // 10000 × 1.00047984 = 10004.798 → tick 0.1 up → 10004.8; fee 10004.8 × 0.0005 = 5.0024
    const r = ex.placeOrderSync(order({ quantity: ds('1') })).report;
    expect(r.status).toBe('filled');
    expect(r.avgPrice).toBe('10004.8');
    expect(r.fee).toBe('5.0024');
    expect(ex.accountStateSync('a1').walletBalance).toBe('99994.9976');
    // impact(10) = 0.0001 + σ·√(10/1000) = 0.00130116 → 10013.0116 → 10013.1
    const big = ex.placeOrderSync(order({ quantity: ds('10') })).report;
    expect(big.avgPrice).toBe('10013.1');
    // a sell pays the impact the other way: 10000 × (1 − 0.00047984) = 9995.2016 → down → 9995.2
    expect(ex.placeOrderSync(order({ side: 'sell', quantity: ds('1') })).report.avgPrice).toBe('9995.2');
  });

  it('without a price there is nothing to fill against', () => {
    const { ex } = setup();
    const res = ex.placeOrderSync(order());
    expect(res.report.status).toBe('rejected');
    expect(res.reject?.venueCode).toBe(-1000);
  });
});

describe('limit orders', () => {
  it('rest until the path trades through the price, then fill as maker at the limit', () => {
    const { ex, reports } = setup();
    ex.ingest(flat(BTC, 0, 10000));
    const placed = ex.placeOrderSync(order({ type: 'limit', price: ds('9950'), clientOrderId: 'rest1' })).report;
    expect(placed.status).toBe('new');
    ex.ingest(bar(BTC, 1, 10000, 10050, 9960, 10040)); // low above the limit
    ex.ingest(bar(BTC, 2, 10040, 10060, 9950, 10000)); // touches, does not trade through
    expect(ex.fetchOrderSync('a1', BTC, 'rest1')?.status).toBe('new');
    ex.ingest(bar(BTC, 3, 10040, 10060, 9940, 10000));
    const fill = reports.filter((x) => x.origin === 'venue' && x.r.clientOrderId === 'rest1');
    expect(fill).toHaveLength(1);
    expect(fill[0]!.r.status).toBe('filled');
    expect(fill[0]!.r.lastFillPrice).toBe('9950');
    expect(fill[0]!.r.fee).toBe('1.99'); // 9950 × 0.0002
    // bearish bar O→H→L→C in 3×4 steps: H→L goes 10030, 10000, 9970, 9940; crossed at step 8 of 12
    expect(fill[0]!.r.ts).toBe(bar(BTC, 3, 0, 0, 0, 0).openTime + (8 / 12) * 3_600_000);
    expect(ex.openOrdersSync('a1')).toHaveLength(0);
  });

  it('partially fills when the bar volume caps participation, then completes', () => {
    const { ex, reports } = setup();
    ex.ingest(flat(BTC, 0, 10000));
    ex.placeOrderSync(order({ type: 'limit', price: ds('9950'), quantity: ds('5'), clientOrderId: 'p1' }));
    ex.ingest(bar(BTC, 1, 10000, 10000, 9900, 9990, 20)); // 10 % of 20 = 2 BTC
    expect(ex.fetchOrderSync('a1', BTC, 'p1')).toMatchObject({ status: 'partially_filled', filledQuantity: '2' });
    ex.ingest(bar(BTC, 2, 9990, 10000, 9900, 9990, 100));
    const mine = reports.filter((x) => x.r.clientOrderId === 'p1').map((x) => [x.r.status, x.r.filledQuantity]);
    expect(mine).toEqual([
      ['new', '0'],
      ['partially_filled', '2'],
      ['filled', '5'],
    ]);
  });

  it('a marketable limit takes up to its limit; IOC expires, FOK kills, GTC rests the rest', () => {
    const { ex } = setup();
    ex.ingest(bar(BTC, 0, 10000, 10100, 9900, 10000, 10));
    // room = 10010/10000 − 1 = 0.001; q_max = V·((room − 0.0001)/σ)² = 10·(0.0009/0.0120116)² = 0.0561 → 0.056
    // impact(0.056) = 0.0001 + σ·√0.0056 = 0.00099887 → 10009.9887 → 10010.0 (≤ limit)
    const ioc = ex.placeOrderSync(
      order({ type: 'limit', price: ds('10010'), quantity: ds('5'), timeInForce: 'IOC' }),
    ).report;
    expect(ioc).toMatchObject({ status: 'expired', filledQuantity: '0.056', avgPrice: '10010' });
    const fok = ex.placeOrderSync(
      order({ type: 'limit', price: ds('10010'), quantity: ds('5'), timeInForce: 'FOK' }),
    ).report;
    expect(fok).toMatchObject({ status: 'expired', filledQuantity: '0' });
    const gtc = ex.placeOrderSync(
      order({ type: 'limit', price: ds('10010'), quantity: ds('5'), clientOrderId: 'g1' }),
    ).report;
    expect(gtc).toMatchObject({ status: 'partially_filled', filledQuantity: '0.056' });
    expect(ex.openOrdersSync('a1').map((o) => o.clientOrderId)).toEqual(['g1']);
    const small = ex.placeOrderSync(
      order({ type: 'limit', price: ds('10010'), quantity: ds('0.05'), timeInForce: 'FOK' }),
    ).report;
    expect(small.status).toBe('filled');
  });

  it('postOnly (GTX) is rejected when it would take, and rests when it would not', () => {
    const { ex } = setup();
    ex.ingest(flat(BTC, 0, 10000));
    const take = ex.placeOrderSync(order({ type: 'limit', side: 'sell', price: ds('9990'), postOnly: true }));
    expect(take.report).toMatchObject({ status: 'rejected', code: 'VENUE_REJECTED' });
    expect(take.reject?.venueCode).toBe(-5022);
    const gtx = ex.placeOrderSync(order({ type: 'limit', side: 'buy', price: ds('10010'), timeInForce: 'GTX' }));
    expect(gtx.reject?.venueCode).toBe(-5022);
    expect(
      ex.placeOrderSync(order({ type: 'limit', side: 'buy', price: ds('9990'), postOnly: true })).report.status,
    ).toBe('new');
  });

  it('filters: tick, step, min quantity, min notional (waived for reduceOnly)', () => {
    const { ex } = setup();
    ex.ingest(flat(BTC, 0, 10000));
    expect(ex.placeOrderSync(order({ type: 'limit', price: ds('9990.05') })).reject?.venueCode).toBe(-4014);
    expect(ex.placeOrderSync(order({ quantity: ds('0.0015') })).reject?.venueCode).toBe(-1111);
    expect(ex.placeOrderSync(order({ quantity: ds('0.005') })).reject).toMatchObject({
      venueCode: -4164,
      message: "Order's notional must be no smaller than 100 (unless you choose reduce only).",
    });
    expect(ex.placeOrderSync(order({ quantity: ds('2000') })).reject?.venueCode).toBe(-4005);
    expect(ex.placeOrderSync(order({ quantity: ds('-1') })).reject?.venueCode).toBe(-1102);
    expect(ex.placeOrderSync(order({ clientOrderId: 'has space' })).reject?.venueCode).toBe(-4015);
    ex.placeOrderSync(order({ quantity: ds('1') }));
    expect(ex.placeOrderSync(order({ side: 'sell', quantity: ds('0.005'), reduceOnly: true })).report.status).toBe(
      'filled',
    );
  });

  it('a live clientOrderId cannot be reused; a finished one can', () => {
    const { ex } = setup();
    ex.ingest(flat(BTC, 0, 10000));
    ex.placeOrderSync(order({ type: 'limit', price: ds('9000'), clientOrderId: 'dup' }));
    const again = ex.placeOrderSync(order({ type: 'limit', price: ds('9000'), clientOrderId: 'dup' }));
    expect(again.reject).toMatchObject({ venueCode: -4116, message: 'ClientOrderId is duplicated.' });
    expect(ex.cancelOrderSync('a1', BTC, 'dup').report.status).toBe('canceled');
    expect(ex.cancelOrderSync('a1', BTC, 'dup').reject?.venueCode).toBe(-2011);
    expect(ex.cancelOrderSync('a1', BTC, 'nope').reject?.venueCode).toBe(-2013);
    expect(ex.placeOrderSync(order({ type: 'limit', price: ds('9000'), clientOrderId: 'dup' })).report.status).toBe(
      'new',
    );
  });
});

describe('reduceOnly', () => {
  it('is rejected without a position or on the same side, trimmed when too large', () => {
    const { ex } = setup();
    ex.ingest(flat(BTC, 0, 10000));
    const none = ex.placeOrderSync(order({ side: 'sell', reduceOnly: true }));
    expect(none.report).toMatchObject({
      status: 'rejected',
      code: 'VENUE_REJECTED',
      reason: '-2022 ReduceOnly Order is rejected.',
    });
    ex.placeOrderSync(order({ quantity: ds('1') }));
    expect(ex.placeOrderSync(order({ side: 'buy', reduceOnly: true })).reject?.venueCode).toBe(-2022);
    const trim = ex.placeOrderSync(order({ side: 'sell', quantity: ds('2'), reduceOnly: true })).report;
    expect(trim).toMatchObject({ status: 'expired', filledQuantity: '1' });
    expect(ex.accountStateSync('a1').positions).toHaveLength(0);
  });

  it('a resting reduceOnly order expires when the position is gone before it fills', () => {
    const { ex, reports } = setup();
    ex.ingest(flat(BTC, 0, 10000));
    ex.placeOrderSync(order({ quantity: ds('1') }));
    ex.placeOrderSync(
      order({
        type: 'limit',
        side: 'sell',
        price: ds('10500'),
        quantity: ds('1'),
        reduceOnly: true,
        clientOrderId: 'tp',
      }),
    );
    ex.placeOrderSync(order({ side: 'sell', quantity: ds('1') })); // closed by hand
    ex.ingest(bar(BTC, 1, 10000, 10600, 10000, 10550));
    expect(reports.find((x) => x.r.clientOrderId === 'tp' && x.origin === 'venue')?.r).toMatchObject({
      status: 'expired',
      filledQuantity: '0',
    });
    expect(ex.accountStateSync('a1').positions).toHaveLength(0);
  });
});

describe('margin', () => {
  it('rejects an order whose initial margin exceeds the available balance (-2019)', () => {
    const { ex } = setup({ impact: { halfSpread: 0 } });
    ex.ingest(flat(BTC, 0, 10000));
    // 200 BTC × 10,000 / 20x = 100,000 + fee 1,000 > 100,000 available
    const r = ex.placeOrderSync(order({ quantity: ds('200') }));
    expect(r.report).toMatchObject({
      status: 'rejected',
      code: 'INSUFFICIENT_FUNDS',
      reason: '-2019 Margin is insufficient.',
    });
    // 190 BTC: 95,000 + 950 fits
    expect(ex.placeOrderSync(order({ quantity: ds('190') })).report.status).toBe('filled');
  });

  it('open orders reserve margin; reducing orders need none', () => {
    const { ex } = setup({ impact: { halfSpread: 0 }, initialBalance: '10000' });
    ex.ingest(flat(BTC, 0, 10000));
    // resting buy 15 @ 9000 at 20x reserves 6,750; then a 8 BTC market buy needs 4,000 + 40 > 3,250
    ex.placeOrderSync(order({ type: 'limit', price: ds('9000'), quantity: ds('15') }));
    expect(ex.accountStateSync('a1').availableBalance).toBe('3250');
    expect(ex.placeOrderSync(order({ quantity: ds('8') })).reject?.venueCode).toBe(-2019);
    expect(ex.placeOrderSync(order({ quantity: ds('6') })).report.status).toBe('filled');
    expect(ex.placeOrderSync(order({ side: 'sell', quantity: ds('6') })).report.status).toBe('filled');
  });

  it('the reserve follows orders as they rest and leave', () => {
    const { ex } = setup({ initialBalance: '20000' });
    ex.ingest(flat(BTC, 0, 10000));
    // each buy 1 @ 9000 at 20x reserves 450
    ex.placeOrderSync(order({ type: 'limit', price: ds('9000'), clientOrderId: 'x1' }));
    expect(ex.accountStateSync('a1').availableBalance).toBe('19550');
    ex.placeOrderSync(order({ type: 'limit', price: ds('9000'), clientOrderId: 'x2' }));
    expect(ex.accountStateSync('a1').availableBalance).toBe('19100');
    ex.cancelOrderSync('a1', BTC, 'x1');
    expect(ex.accountStateSync('a1').availableBalance).toBe('19550');
    expect(ex.setLeverage('a1', BTC, '10')).toBeUndefined(); // 9000 / 10 = 900
    expect(ex.accountStateSync('a1').availableBalance).toBe('19100');
  });

  it('caps the position at the bracket limit of the leverage (-2027)', () => {
    const { ex } = setup();
    ex.ingest(flat(BTC, 0, 10000));
    expect(ex.placeOrderSync(order({ quantity: ds('6'), leverage: ds('125') })).reject?.venueCode).toBe(-2027); // 60k > 50k
    expect(ex.placeOrderSync(order({ quantity: ds('1'), leverage: ds('126') })).reject?.venueCode).toBe(-4028);
    expect(ex.placeOrderSync(order({ quantity: ds('4'), leverage: ds('125') })).report.status).toBe('filled');
  });

  it('margin mode cannot change with a position or open orders', () => {
    const { ex } = setup();
    ex.ingest(flat(BTC, 0, 10000));
    ex.ingest(flat(ETH, 0, 1000));
    ex.placeOrderSync(order({ quantity: ds('1') }));
    expect(ex.setMarginMode('a1', BTC, 'isolated')?.venueCode).toBe(-4048);
    ex.placeOrderSync(order({ symbol: ETH, type: 'limit', price: ds('900'), quantity: ds('1') }));
    expect(ex.setMarginMode('a1', ETH, 'isolated')?.venueCode).toBe(-4047);
    expect(ex.setMarginMode('a2', ETH, 'isolated')).toBeUndefined();
  });
});
