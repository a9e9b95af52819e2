/** What the model says in the first week after a start (or a listing): the feature engine is fed
 * only the bars from START on, exactly as a gateway started then would see them, and its scores
 * are compared with the full-history scores of the same bars. The week holds the 2025-10-10
 * cascade, where the first model's p_down averaged half of its full-history value. */
import type { BarEvent, FundingEvent } from '../core/types.js';
import { toUnifiedSymbol } from '../market/symbols.js';
import { buildSymbolDataset, type Dataset, type LabelSpec } from './dataset.js';
import { round } from './events.js';
import { servedScores, type ServedModel } from './served-eval.js';

const FIRST_WEEK = { start: Date.UTC(2025, 9, 6), end: Date.UTC(2025, 9, 13) } as const;
export const FIRST_WEEK_SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'XRPUSDT'] as const;

export interface FirstWeekRow {
  readonly symbol: string;
  readonly rows: number;
  readonly unknownShort: number;
  readonly meanPDownFull: number;
  readonly meanPDownShort: number;
  readonly peakPDownFull: number;
  readonly peakPDownShort: number;
  readonly meanPUpFull: number;
  readonly meanPUpShort: number;
}

const mean = (a: number[]): number => (a.length ? a.reduce((s, v) => s + v, 0) / a.length : NaN);

export async function firstWeekReport(
  m: ServedModel,
  full: Dataset,
  bars: ReadonlyMap<string, readonly BarEvent[]>,
  funding: readonly FundingEvent[],
  label: LabelSpec,
): Promise<FirstWeekRow[]> {
  const out: FirstWeekRow[] = [];
  for (const venue of FIRST_WEEK_SYMBOLS) {
    const b = bars.get(venue);
    const sym = toUnifiedSymbol(venue);
    if (!b) continue;
    const shortBars = b.filter((x) => x.openTime >= FIRST_WEEK.start && x.ts <= FIRST_WEEK.end);
    if (shortBars.length === 0) continue;
    const side = funding.filter((f) => f.ts >= FIRST_WEEK.start);
    const short = buildSymbolDataset({ symbol: sym, bars: shortBars, side }, label);
    const fullIdx: number[] = [];
    for (let i = 0; i < full.t.length; i++) {
      const t = full.t[i] as number;
      if (full.symbol[i] === sym && t > FIRST_WEEK.start && t <= FIRST_WEEK.end) fullIdx.push(i);
    }
    const s = await servedScores(m, short, Uint32Array.from(short.t.keys()));
    const f = await servedScores(m, full, fullIdx);
    const known = (p: Float64Array): number[] => Array.from(p).filter(Number.isFinite);
    // an unknown short-history score is served as regime `unknown` (most conservative), not as calm
    out.push({
      symbol: sym,
      rows: short.t.length,
      unknownShort: short.t.length - known(s.pDown).length,
      meanPDownFull: round(mean(known(f.pDown)), 4),
      meanPDownShort: round(mean(known(s.pDown)), 4),
      peakPDownFull: round(Math.max(...known(f.pDown)), 4),
      peakPDownShort: round(Math.max(...known(s.pDown)), 4),
      meanPUpFull: round(mean(known(f.pUp)), 4),
      meanPUpShort: round(mean(known(s.pUp)), 4),
    });
  }
  return out;
}
