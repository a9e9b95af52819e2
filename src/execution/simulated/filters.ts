/** An instrument's filters as Decimals, parsed once per (frozen) spec instead of from their
 * strings on every order: decimal.js parses a string argument on each comparison. */
import { Decimal } from '../../core/decimal.js';
import type { InstrumentSpec } from '../../core/types.js';

export interface ParsedFilters {
  readonly tick: Decimal;
  readonly step: Decimal;
  readonly minQty: Decimal;
  readonly maxQty: Decimal;
  readonly minNotional: Decimal;
}

const parsed = new WeakMap<InstrumentSpec, ParsedFilters>();

export function filtersOf(inst: InstrumentSpec): ParsedFilters {
  let f = parsed.get(inst);
  if (!f) {
    f = {
      tick: new Decimal(inst.tickSize),
      step: new Decimal(inst.stepSize),
      minQty: new Decimal(inst.minQty),
      maxQty: new Decimal(inst.maxQty),
      minNotional: new Decimal(inst.minNotional),
    };
    parsed.set(inst, f);
  }
  return f;
}
