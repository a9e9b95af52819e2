/** Batch feature computation for training and evaluation: the incremental engine run over an
 * event array, one row per accepted bar close. No separate offline code path exists. */
import type { MarketEvent } from '../../core/types.js';
import { defaultFeatureConfig, type FeatureConfig } from './config.js';
import { FeatureEngine } from './engine.js';

export interface FeatureRow {
  readonly symbol: string;
  readonly openTime: number;
  readonly ts: number; // bar close time: features use only events with ts <= this
  readonly features: Float64Array; // in `names` order; NaN = missing
}

export interface FeatureTable {
  readonly names: readonly string[];
  readonly rows: FeatureRow[];
}

/** Events must be in time order (as ReplayFeed emits them). Symbols are processed independently. */
export function computeFeatureRows(
  events: Iterable<MarketEvent>,
  config: FeatureConfig = defaultFeatureConfig(),
): FeatureTable {
  const engines = new Map<string, FeatureEngine>();
  const rows: FeatureRow[] = [];
  let names: readonly string[] | undefined;
  for (const e of events) {
    let eng = engines.get(e.symbol);
    if (!eng) {
      eng = new FeatureEngine(e.symbol, config);
      engines.set(e.symbol, eng);
      names ??= eng.names;
    }
    if (eng.update(e) === 'row' && e.type === 'bar')
      rows.push({ symbol: e.symbol, openTime: e.openTime, ts: e.ts, features: eng.sample(e.ts) });
  }
  return { names: names ?? new FeatureEngine('-', config).names, rows };
}

/** One row as a name → value record (NaN kept). */
export function rowRecord(names: readonly string[], row: FeatureRow): Record<string, number> {
  const out: Record<string, number> = {};
  names.forEach((n, i) => (out[n] = row.features[i]!));
  return out;
}
