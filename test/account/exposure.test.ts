import { describe, expect, it } from 'vitest';
import { computeExposure, type ExposureInput } from '../../src/account/exposure.js';
import { touchProbability } from '../../src/account/normal.js';
import { bracketTable } from '../../src/account/margin.js';
import type { AccountState, InstrumentSpec, OrderIntent, PositionState } from '../../src/core/types.js';
import { ds } from '../support/decimals.js';

const brackets = bracketTable([
  ['50000', 125, '0.004'],
  ['500000', 100, '0.005'],
  ['8000000', 50, '0.01'],
]);
const instrument: InstrumentSpec = {
  venue: 'sim',
  symbol: 'BTC/USDT:USDT',
  venueSymbol: 'BTCUSDT',
  base: 'BTC',
  quote: 'USDT',
  tickSize: '0.1',
  stepSize: '0.001',
  minQty: '0.001',
  maxQty: '1000',
  minNotional: '100',
  maxLeverage: 125,
  brackets,
};

const intent = (o: Partial<OrderIntent>): OrderIntent => ({
  intentId: 'i1',
  clientOrderId: 'c1',
  clientId: 'bot',
  account: 'acc',
  venue: 'sim',
  symbol: 'BTC/USDT:USDT',
  side: 'buy',
  type: 'market',
  quantity: ds('1'),
  reduceOnly: false,
  postOnly: false,
  timeInForce: 'GTC',
  receivedAt: 0,
  transport: 'rest',
  ...o,
});
const position = (o: Partial<PositionState>): PositionState => ({
  account: 'acc',
  symbol: 'BTC/USDT:USDT',
  quantity: '0',
  entryPrice: '0',
  leverage: '10',
  marginMode: 'cross',
  isolatedMargin: '0',
  unrealizedPnl: '0',
  ...o,
});
const account = (wallet: string, positions: PositionState[], maintMargin = '0'): AccountState => ({
  account: 'acc',
  walletBalance: wallet,
  availableBalance: wallet,
  marginBalance: wallet,
  maintMargin,
  marginRatio: 0,
  positions,
});
const base = (o: Partial<ExposureInput>): ExposureInput => ({
  intent: intent({}),
  instrument,
  markPrice: '10000',
  horizonSigma: 0.05,
  regimeVolScale: 1,
  openOrdersNotional: '0',
  ...o,
});

describe('computeExposure', () => {
  it('opening an isolated long: LP, distance in % and vol units, touch probability', () => {
    // buy 1 @ limit 10,000, 10x isolated → margin 1,000 → LP = 9000/0.996 = 9036.14457831
    const e = computeExposure(
      base({
        intent: intent({ type: 'limit', price: ds('10000'), leverage: ds('10') }),
        account: account('100000', []),
        defaultMarginMode: 'isolated',
      }),
    );
    expect(e.postFillQuantity).toBe('1');
    expect(e.reducesPosition).toBe(false);
    expect(e.liquidationPriceAfterFill).toBe('9036.14457831');
    // (10000 − 9036.1446) / 10000 × 100 = 9.638554...
    expect(e.distanceToLiquidationPct).toBeCloseTo(9.6385542, 6);
    const d = Math.log(10000 / 9036.144578313253);
    expect(e.distanceToLiquidationVol).toBeCloseTo(d / 0.05, 9);
    expect(e.touchProbability).toBeCloseTo(touchProbability(d, 0.05), 12);
    // leverage = notional / (isolated margin + upnl) = 10000 / 1000
    expect(e.postFillLeverage).toBeCloseTo(10, 12);
    // margin ratio = MM 40 / (wallet 100000 + 0)
    expect(e.marginRatioAfterFill).toBeCloseTo(40 / 100000, 12);
  });

  it('a stressed regime raises the touch probability of the same order', () => {
    const calm = computeExposure(base({ account: account('2000', []) }));
    const stressed = computeExposure(base({ account: account('2000', []), regimeVolScale: 2 }));
    expect(stressed.touchProbability!).toBeGreaterThan(calm.touchProbability!);
    expect(stressed.distanceToLiquidationVol).toBe(calm.distanceToLiquidationVol);
  });

  it('a reducing order realises PnL and moves the cross LP away', () => {
    // long 2 @ 10,000, cross, wallet 5,000, mark 11,000; sell 1 at market.
    const pos = position({ quantity: '2', entryPrice: '10000', unrealizedPnl: '2000' });
    const acc = account('5000', [pos], '88');
    const before = computeExposure(
      base({ markPrice: '11000', account: acc, intent: intent({ side: 'buy', quantity: ds('0.001') }) }),
    );
    const e = computeExposure(
      base({ markPrice: '11000', account: acc, intent: intent({ side: 'sell', quantity: ds('1') }) }),
    );
    expect(e.reducesPosition).toBe(true);
    expect(e.postFillQuantity).toBe('1');
    // realised (11000 − 10000)·1 = 1000 → wallet 6000; LP = (6000 − 10000)/(0.004 − 1) = 4016.06425703
    expect(e.liquidationPriceAfterFill).toBe('4016.06425703');
    expect(Number(e.liquidationPriceAfterFill)).toBeLessThan(Number(before.liquidationPriceAfterFill));
    // leverage 11000 / (6000 + 1000 upnl); margin ratio 44 / 7000
    expect(e.postFillLeverage).toBeCloseTo(11000 / 7000, 12);
    expect(e.marginRatioAfterFill).toBeCloseTo(44 / 7000, 12);
    expect(e.position).toBe(pos);
  });

  it('reduceOnly is trimmed to the position and never opens the other side', () => {
    const acc = account('5000', [position({ quantity: '2', entryPrice: '10000', unrealizedPnl: '0' })]);
    const e = computeExposure(
      base({ account: acc, intent: intent({ side: 'sell', quantity: ds('3'), reduceOnly: true }) }),
    );
    expect(e.postFillQuantity).toBe('0');
    expect(e.reducesPosition).toBe(true);
    expect(e.liquidationPriceAfterFill).toBeUndefined();
    expect(e.postFillLeverage).toBe(0);
    const wrongSide = computeExposure(
      base({ account: acc, intent: intent({ side: 'buy', quantity: ds('1'), reduceOnly: true }) }),
    );
    expect(wrongSide.postFillQuantity).toBe('2');
    expect(wrongSide.reducesPosition).toBe(false);
  });

  it('a flip opens the remainder at the fill price', () => {
    const acc = account('5000', [position({ quantity: '1', entryPrice: '10000', unrealizedPnl: '0' })]);
    const e = computeExposure(base({ account: acc, intent: intent({ side: 'sell', quantity: ds('3') }) }));
    expect(e.postFillQuantity).toBe('-2');
    expect(e.reducesPosition).toBe(false);
    // short 2 @ 10,000 cross, wallet 5000: (5000 + 20000)/(2·0.004 + 2) = 25000/2.008 = 12450.19920319
    expect(e.liquidationPriceAfterFill).toBe('12450.19920319');
  });

  it('cross LP counts the other positions; unknown MM falls back to the account residual', () => {
    // other: ETH short, cross, MM 20 (given), UPNL −100. Wallet 2000, buy 1 BTC @ 10000.
    // (2000 − 20 − 100 − 10000)/(0.004 − 1) = 8152.61044177
    const eth = {
      ...position({ symbol: 'ETH/USDT:USDT', quantity: '-10', entryPrice: '1000', unrealizedPnl: '-100' }),
      maintMargin: '20',
    };
    const e = computeExposure(base({ account: account('2000', [eth]) }));
    expect(e.liquidationPriceAfterFill).toBe('8152.61044177');
    const noMM = position({ symbol: 'ETH/USDT:USDT', quantity: '-10', entryPrice: '1000', unrealizedPnl: '-100' });
    const residual = computeExposure(base({ account: account('2000', [noMM], '20') }));
    expect(residual.liquidationPriceAfterFill).toBe('8152.61044177');
    // clientNotional: |−10| × (1000 + (−100/−10)) = 10,100 + the order 10,000 + open orders 0
    expect(residual.clientNotional).toBe('20100');
  });

  it('reports distance 0 and touch 1 when the mark is already beyond the LP', () => {
    const acc = account('2000', [
      position({
        quantity: '1',
        entryPrice: '10000',
        unrealizedPnl: '-2000',
        marginMode: 'isolated',
        isolatedMargin: '1000',
      }),
    ]);
    const e = computeExposure(base({ markPrice: '8000', account: acc, intent: intent({ quantity: ds('0.001') }) }));
    expect(e.distanceToLiquidationPct).toBe(0);
    expect(e.touchProbability).toBe(1);
  });
});
