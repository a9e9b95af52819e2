import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  bracketFor,
  bracketTable,
  maintenanceMargin,
  marginRatio,
  maxNotionalForLeverage,
} from '../../src/account/margin.js';
import { crossedLiquidation, liquidationPrice } from '../../src/account/liquidation.js';
import { Decimal } from '../../src/core/decimal.js';
import type { MarginBracket } from '../../src/core/types.js';

// The first BTCUSDT brackets as Binance published them (cum values typed in by hand, not derived).
const BTC: MarginBracket[] = [
  {
    bracket: 1,
    initialLeverage: 125,
    notionalFloor: '0',
    notionalCap: '50000',
    maintMarginRatio: '0.004',
    maintAmount: '0',
  },
  {
    bracket: 2,
    initialLeverage: 100,
    notionalFloor: '50000',
    notionalCap: '500000',
    maintMarginRatio: '0.005',
    maintAmount: '50',
  },
  {
    bracket: 3,
    initialLeverage: 50,
    notionalFloor: '500000',
    notionalCap: '8000000',
    maintMarginRatio: '0.01',
    maintAmount: '2550',
  },
];

const near = (a: Decimal | undefined, b: string, tol = '1e-9'): void => {
  expect(a).toBeDefined();
  expect(a!.minus(b).abs().lte(tol), `${a!.toFixed()} vs ${b}`).toBe(true);
};

describe('maintenance margin', () => {
  it('uses the bracket that holds the notional', () => {
    // 40,000 × 0.004 − 0 = 160
    expect(maintenanceMargin('40000', BTC).toFixed()).toBe('160');
    // 100,000 × 0.005 − 50 = 450
    expect(maintenanceMargin('100000', BTC).toFixed()).toBe('450');
    // 1,000,000 × 0.01 − 2550 = 7450
    expect(maintenanceMargin('-1000000', BTC).toFixed()).toBe('7450');
    expect(bracketFor('49999.99', BTC).bracket).toBe(1);
    expect(bracketFor('50000', BTC).bracket).toBe(2);
  });

  it('is continuous at bracket floors (that is what maintAmount is for)', () => {
    // 50,000 × 0.004 = 200 = 50,000 × 0.005 − 50
    expect(new Decimal('50000').mul('0.004').toFixed()).toBe(maintenanceMargin('50000', BTC).toFixed());
    // 500,000 × 0.005 − 50 = 2450 = 500,000 × 0.01 − 2550
    expect(maintenanceMargin('500000', BTC).toFixed()).toBe('2450');
  });

  it('bracketTable derives Binance cum values from floors and ratios', () => {
    const t = bracketTable([
      ['50000', 125, '0.004'],
      ['500000', 100, '0.005'],
      ['8000000', 50, '0.01'],
    ]);
    expect(t.map((b) => b.maintAmount)).toEqual(['0', '50', '2550']);
    expect(t.map((b) => b.notionalFloor)).toEqual(['0', '50000', '500000']);
  });

  it('maximum notional per leverage follows the bracket initial leverage', () => {
    expect(maxNotionalForLeverage(125, BTC)?.toFixed()).toBe('50000');
    expect(maxNotionalForLeverage(100, BTC)?.toFixed()).toBe('500000');
    expect(maxNotionalForLeverage(20, BTC)?.toFixed()).toBe('8000000');
    expect(maxNotionalForLeverage(126, BTC)).toBeUndefined();
  });

  it('margin ratio = MM / margin balance, with the edge cases spelled out', () => {
    expect(marginRatio('450', '9000')).toBeCloseTo(0.05, 12);
    expect(marginRatio('0', '9000')).toBe(0);
    expect(marginRatio('10', '0')).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('liquidation price (one-way)', () => {
  it('isolated long: LP = (WB − Q·EP) / (Q·MMR − Q)', () => {
    // 1 BTC long at 10,000 with 1,000 isolated margin (10x), bracket 1 (MMR 0.004, cum 0):
    // (1000 + 0 − 1·1·10000) / (1·0.004 − 1·1) = −9000 / −0.996 = 9036.144578313253...
    const r = liquidationPrice({ quantity: '1', entryPrice: '10000', balance: '1000', brackets: BTC });
    near(r?.price, '9036.144578313253012048');
    expect(r?.bracket.bracket).toBe(1);
  });

  it('isolated short: LP = (WB + Q·EP) / (Q·MMR + Q)', () => {
    // (1000 + 10000) / (0.004 + 1) = 11000 / 1.004 = 10956.175298804780876...
    const r = liquidationPrice({ quantity: '-1', entryPrice: '10000', balance: '1000', brackets: BTC });
    near(r?.price, '10956.17529880478087649');
  });

  it('moves to the next bracket when the notional at LP is beyond the first', () => {
    // 10 BTC long at 10,000, margin 10,000. Bracket 1 gives (10000 − 100000)/(0.04 − 10) = 9036.14,
    // notional 90,361 > 50,000: inconsistent. Bracket 2: (10000 + 50 − 100000)/(0.05 − 10)
    // = −89950 / −9.95 = 9040.201005025125628...; notional 90,402 is inside [50k, 500k).
    const r = liquidationPrice({ quantity: '10', entryPrice: '10000', balance: '10000', brackets: BTC });
    near(r?.price, '9040.201005025125628141');
    expect(r?.bracket.bracket).toBe(2);
    // Check: equity 10000 + 10·(LP − 10000) = 402.01005 = MM 10·LP·0.005 − 50.
    const lp = r!.price;
    near(new Decimal(10000).plus(lp.minus(10000).mul(10)), lp.mul(10).mul('0.005').minus(50).toFixed());
  });

  it('uses the bracket at the liquidation price, not at entry', () => {
    // 6 BTC at 10,000 = 60,000 notional (bracket 2 at entry), margin 12,000.
    // Bracket 2: (12000 + 50 − 60000)/(0.03 − 6) = 8031.83, notional 48,191 < 50,000: inconsistent.
    // Bracket 1: (12000 − 60000)/(6·0.004 − 6) = −48000 / −5.976 = 8032.128514056224899...
    const r = liquidationPrice({ quantity: '6', entryPrice: '10000', balance: '12000', brackets: BTC });
    expect(r?.bracket.bracket).toBe(1);
    near(r?.price, '8032.128514056224899598');
  });

  it('cross: other positions enter through TMM1 and UPNL1', () => {
    // Wallet 2,000; long 1 BTC at 10,000; other cross positions: MM 20, UPNL −100.
    // (2000 − 20 − 100 − 10000) / (0.004 − 1) = −8120 / −0.996 = 8152.610441767068...
    const long = liquidationPrice({
      quantity: '1',
      entryPrice: '10000',
      balance: '2000',
      otherMaintMargin: '20',
      otherUnrealizedPnl: '-100',
      brackets: BTC,
    });
    near(long?.price, '8152.610441767068273092');
    // Short: (2000 − 20 − 100 + 10000) / (0.004 + 1) = 11880 / 1.004 = 11832.669322709163...
    const short = liquidationPrice({
      quantity: '-1',
      entryPrice: '10000',
      balance: '2000',
      otherMaintMargin: '20',
      otherUnrealizedPnl: '-100',
      brackets: BTC,
    });
    near(short?.price, '11832.66932270916334661');
  });

  it('has no liquidation price when the long is fully collateralised or the position is flat', () => {
    // (10000 − 10000)/(−0.996) = 0 → none; more margin → negative → none.
    expect(liquidationPrice({ quantity: '1', entryPrice: '10000', balance: '10000', brackets: BTC })).toBeUndefined();
    expect(liquidationPrice({ quantity: '1', entryPrice: '10000', balance: '10500', brackets: BTC })).toBeUndefined();
    expect(liquidationPrice({ quantity: '0', entryPrice: '10000', balance: '1000', brackets: BTC })).toBeUndefined();
  });

  it('crossedLiquidation compares in the adverse direction', () => {
    const lp = new Decimal('9000');
    expect(crossedLiquidation('1', '9000', lp)).toBe(true);
    expect(crossedLiquidation('1', '9000.1', lp)).toBe(false);
    expect(crossedLiquidation('-1', '9000', lp)).toBe(true);
    expect(crossedLiquidation('-1', '8999', lp)).toBe(false);
  });

  it('property: at LP equity equals maintenance margin, and is above it on the safe side', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5000 }), // size in 0.01 BTC
        fc.integer({ min: 1000, max: 100000 }), // entry
        fc.integer({ min: 2, max: 100 }), // leverage
        fc.boolean(),
        fc.integer({ min: -500, max: 500 }), // other UPNL
        fc.integer({ min: 0, max: 300 }), // other MM
        (size, entry, lev, isLong, oUpnl, oMm) => {
          const q = new Decimal(size).div(100).mul(isLong ? 1 : -1);
          const notional = q.abs().mul(entry);
          const balance = notional.div(lev).plus(oMm).plus(Math.max(0, -oUpnl));
          const r = liquidationPrice({
            quantity: q,
            entryPrice: entry,
            balance,
            otherMaintMargin: oMm,
            otherUnrealizedPnl: oUpnl,
            brackets: BTC,
          });
          if (!r) return isLong; // only a long can be over-collateralised
          const equity = (p: Decimal): Decimal => balance.plus(oUpnl).plus(p.minus(entry).mul(q));
          const mm = (p: Decimal): Decimal => maintenanceMargin(q.abs().mul(p), BTC).plus(oMm);
          const gap = equity(r.price).minus(mm(r.price)).abs();
          const safe = r.price.mul(isLong ? '1.001' : '0.999');
          return gap.lt('1e-12') && equity(safe).gt(mm(safe));
        },
      ),
      { numRuns: 300 },
    );
  });
});
