/** The liquidation price computed without per-bracket division (issue 15) equals the textbook
 * loop it replaced (each bracket's LP divided out, then its notional checked against the
 * bracket): same bracket, same price to the last digit, for random positions, balances and
 * bracket tables, frozen (cached) or not. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { liquidationPrice, type LiquidationInput } from '../../src/account/liquidation.js';
import { bracketTable } from '../../src/account/margin.js';
import { dec, Decimal } from '../../src/core/decimal.js';
import type { MarginBracket } from '../../src/core/types.js';

/** The implementation before issue 15, kept as the reference. */
function reference(i: LiquidationInput): { price: Decimal; bracket: MarginBracket } | undefined {
  const q = dec(i.quantity);
  if (q.isZero()) return undefined;
  const side = q.gt(0) ? 1 : -1;
  const size = q.abs();
  const ep = dec(i.entryPrice);
  const base = dec(i.balance)
    .minus(i.otherMaintMargin ?? 0)
    .plus(i.otherUnrealizedPnl ?? 0)
    .minus(size.mul(ep).mul(side));
  for (let k = 0; k < i.brackets.length; k++) {
    const b = i.brackets[k]!;
    const denom = size.mul(b.maintMarginRatio).minus(size.mul(side));
    const lp = base.plus(b.maintAmount).div(denom);
    if (lp.lte(0)) continue;
    const notional = size.mul(lp);
    const last = k === i.brackets.length - 1;
    if (notional.gte(b.notionalFloor) && (last || notional.lte(b.notionalCap))) return { price: lp, bracket: b };
  }
  return undefined;
}

const decimalText = (maxInt: number, frac: number) =>
  fc
    .tuple(fc.integer({ min: 0, max: maxInt }), fc.integer({ min: 0, max: 10 ** frac - 1 }))
    .map(([i, f]) => `${i}.${String(f).padStart(frac, '0')}`);

const table = fc
  .array(
    fc.tuple(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 125 }), fc.integer({ min: 1, max: 400 })),
    {
      minLength: 1,
      maxLength: 8,
    },
  )
  .map((rows) => {
    // caps increasing, mmr increasing (as on Binance): cumulative sums of the draws
    let cap = 0;
    let mmr = 0;
    return rows.map(([c, lev, m]) => {
      cap += c * 10_000;
      mmr += m;
      return [String(cap), lev, (mmr / 10_000).toFixed(4)] as const;
    });
  })
  .map((rows) => bracketTable(rows));

describe('liquidationPrice without per-bracket division', () => {
  it('equals the reference loop (same bracket, same price), cached or not', () => {
    fc.assert(
      fc.property(
        table,
        decimalText(500, 3),
        fc.boolean(),
        decimalText(120_000, 2),
        decimalText(2_000_000, 4),
        decimalText(5_000, 2),
        decimalText(5_000, 2),
        fc.boolean(),
        fc.boolean(),
        (brackets, qty, short, entry, balance, otherMM, otherUpnl, negUpnl, frozen) => {
          const input: LiquidationInput = {
            quantity: short ? `-${qty}` : qty,
            entryPrice: entry,
            balance,
            otherMaintMargin: otherMM,
            otherUnrealizedPnl: negUpnl ? `-${otherUpnl}` : otherUpnl,
            brackets: frozen ? brackets : brackets.map((b) => ({ ...b })),
          };
          const got = liquidationPrice(input);
          const want = reference(input);
          expect(got === undefined).toBe(want === undefined);
          if (got && want) {
            expect(got.price.toFixed()).toBe(want.price.toFixed());
            expect(got.bracket.bracket).toBe(want.bracket.bracket);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('finds the bracket the notional at LP lies in when a position spans several brackets', () => {
    const brackets = bracketTable([
      ['50000', 125, '0.004'],
      ['250000', 100, '0.005'],
      ['3000000', 50, '0.01'],
    ]);
    // 10 BTC long at 10,000 with 20,000 collateral: LP ≈ 8,000, notional ≈ 80,000 (bracket 2)
    const r = liquidationPrice({ quantity: '10', entryPrice: '10000', balance: '20000', brackets });
    expect(r?.bracket.bracket).toBe(2);
    expect(r?.price.toFixed()).toBe(
      reference({ quantity: '10', entryPrice: '10000', balance: '20000', brackets })!.price.toFixed(),
    );
  });
});
