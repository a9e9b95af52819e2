/** Maintenance margin from Binance-style tiered brackets, and the account margin ratio. Pure
 * Decimal arithmetic: these numbers decide liquidations in the simulated venue. */
import { Decimal, dec } from '../core/decimal.js';
import type { MarginBracket } from '../core/types.js';

type Num = Decimal | string | number;

/** The bracket whose [notionalFloor, notionalCap) holds |notional|. Notional beyond the last cap
 * stays in the last bracket (a venue refuses such positions before they exist). */
export function bracketFor(notional: Num, brackets: readonly MarginBracket[]): MarginBracket {
  if (brackets.length === 0)
    throw new Error('bracketFor: the instrument has no margin brackets; configure at least one');
  const n = dec(notional).abs();
  for (const b of brackets) if (n.lt(b.notionalCap)) return b;
  return brackets[brackets.length - 1]!;
}

/** MM = |notional| × maintMarginRatio − maintAmount, with the bracket chosen by |notional|. */
export function maintenanceMargin(notional: Num, brackets: readonly MarginBracket[]): Decimal {
  const n = dec(notional).abs();
  if (n.isZero()) return new Decimal(0);
  const b = bracketFor(n, brackets);
  return n.mul(b.maintMarginRatio).minus(b.maintAmount);
}

/** Largest position notional Binance allows at `leverage`: the cap of the last bracket whose
 * initialLeverage is at least the leverage. undefined when the leverage exceeds every bracket. */
export function maxNotionalForLeverage(leverage: Num, brackets: readonly MarginBracket[]): Decimal | undefined {
  const lev = dec(leverage);
  let cap: Decimal | undefined;
  for (const b of brackets) if (lev.lte(b.initialLeverage)) cap = dec(b.notionalCap);
  return cap;
}

/** Build a continuous bracket table from (cap, initialLeverage, maintMarginRatio) rows: each
 * maintAmount is chosen so MM is continuous at the floors, as Binance's cum values are:
 * cum_k = cum_{k-1} + floor_k × (mmr_k − mmr_{k-1}). */
export function bracketTable(
  rows: readonly (readonly [cap: string, initialLeverage: number, mmr: string])[],
): readonly MarginBracket[] {
  const out: MarginBracket[] = [];
  let floor = new Decimal(0);
  let cum = new Decimal(0);
  let prevMmr = new Decimal(0);
  rows.forEach(([cap, initialLeverage, mmr], i) => {
    const m = dec(mmr);
    if (i > 0) cum = cum.plus(floor.mul(m.minus(prevMmr)));
    out.push(
      Object.freeze({
        bracket: i + 1,
        initialLeverage,
        notionalFloor: floor.toFixed(),
        notionalCap: dec(cap).toFixed(),
        maintMarginRatio: m.toFixed(),
        maintAmount: cum.toFixed(),
      }),
    );
    floor = dec(cap);
    prevMmr = m;
  });
  return Object.freeze(out);
}

/** Account margin ratio = total maintenance margin / margin balance (wallet + unrealised PnL).
 * ≥ 1 means liquidation. 0 with no margin requirement; Infinity when the balance is ≤ 0 while
 * margin is required (serialises to null in JSON: readers must treat a missing ratio as ≥ 1). */
export function marginRatio(maintMargin: Num, marginBalance: Num): number {
  const mm = dec(maintMargin);
  const mb = dec(marginBalance);
  if (mm.lte(0)) return 0;
  if (mb.lte(0)) return Number.POSITIVE_INFINITY;
  return mm.div(mb).toNumber();
}

/** Unrealised PnL of a signed quantity entered at `entry`, valued at `mark`. */
function unrealizedPnl(quantity: Num, entry: Num, mark: Num): Decimal {
  return dec(mark).minus(entry).mul(quantity);
}
