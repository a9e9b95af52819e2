/** Offline feature rows from the SAME FeatureEngine the gateway runs online (src/market): events
 * are replayed in time order and the vector is sampled at every bar close, exactly as a live
 * snapshot taken at that instant would see it. No feature is computed here. */
import type { BarEvent, FundingEvent, MarketEvent } from '../core/types.js';
import { FeatureEngine } from '../market/features/engine.js';
import { defaultFeatureConfig } from '../market/features/config.js';

export interface FeatureRows {
  readonly names: readonly string[];
  /** One row per input bar (same order), row-major, NaN = missing. */
  readonly data: Float64Array;
}

const ORDER: Record<MarketEvent['type'], number> = {
  funding: 0,
  openInterest: 1,
  liquidation: 2,
  mark: 3,
  book: 4,
  trade: 5,
  bar: 6,
};

function featureNames(barMs: number): readonly string[] {
  return new FeatureEngine('X/USDT:USDT', defaultFeatureConfig(barMs)).names;
}

/** Bars must be one symbol, one interval, ascending. Side events (funding, ...) may be any
 * subset; an event at the same ms as a bar close counts as known at that close. */
export function computeFeatureRows(
  symbol: string,
  bars: readonly BarEvent[],
  side: readonly MarketEvent[] = [],
): FeatureRows {
  const barMs = bars[0]?.intervalMs ?? 3_600_000;
  const engine = new FeatureEngine(symbol, defaultFeatureConfig(barMs));
  const F = engine.names.length;
  const data = new Float64Array(bars.length * F).fill(NaN);
  const events: { e: MarketEvent; bar: number }[] = [
    ...bars.map((e, i) => ({ e: e as MarketEvent, bar: i })),
    ...side.filter((e) => e.symbol === symbol).map((e) => ({ e, bar: -1 })),
  ];
  events.sort((a, b) => a.e.ts - b.e.ts || ORDER[a.e.type] - ORDER[b.e.type] || a.bar - b.bar);
  const row = new Float64Array(F);
  for (const { e, bar } of events) {
    const outcome = engine.update(e);
    if (bar >= 0 && outcome === 'row') data.set(engine.sample(e.ts, row), bar * F);
  }
  return { names: engine.names, data };
}
