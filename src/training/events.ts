/** What the model said before named market events. For each event date and symbol, the event
 * hour is the bar of that UTC day with the largest absolute close-to-close move; the report lists
 * the model's hourly p_down / p_up / regime over the 12 bars before it, the peak of each, and
 * where that peak ranks among all of the symbol's scores. In-sample rows are flagged. */
import type { Regime } from '../core/types.js';

const NAMED_EVENTS = ['2021-05-19', '2022-06-13', '2022-11-08', '2024-08-05', '2025-10-10'] as const;
const LOOKBACK_BARS = 12;

interface EventRow {
  readonly t: string;
  readonly pDown: number;
  readonly pUp: number;
  readonly regime: Regime;
}
export interface EventReport {
  readonly date: string;
  readonly symbol: string;
  readonly inSample: boolean;
  readonly eventBarClose: string;
  readonly eventMovePct: number;
  readonly peakPDown: number;
  readonly peakPUp: number;
  readonly peakPDownPercentile: number;
  readonly peakPUpPercentile: number;
  readonly labelDownFired: boolean;
  readonly labelUpFired: boolean;
  readonly before: readonly EventRow[];
}

export interface SymbolSeries {
  readonly symbol: string;
  readonly t: Float64Array; // bar close times, ascending
  readonly barMs: number;
  readonly close: Float64Array;
  readonly pDown: Float64Array;
  readonly pUp: Float64Array;
  readonly regime: readonly Regime[];
  readonly down: Float64Array;
  readonly up: Float64Array;
  readonly inSample: (t: number) => boolean;
}

const pctRank = (sorted: Float64Array, v: number): number => {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    if ((sorted[m] as number) <= v) lo = m + 1;
    else hi = m;
  }
  return sorted.length ? lo / sorted.length : NaN;
};

export function eventReports(series: readonly SymbolSeries[], dates: readonly string[] = NAMED_EVENTS): EventReport[] {
  const out: EventReport[] = [];
  for (const s of series) {
    const sd = s.pDown.slice().sort();
    const su = s.pUp.slice().sort();
    for (const date of dates) {
      const d0 = Date.parse(`${date}T00:00:00Z`);
      let best = -1;
      let bestMove = 0;
      for (let i = 1; i < s.t.length; i++) {
        const open = (s.t[i] as number) - s.barMs; // bar open
        if (open < d0 || open >= d0 + 86_400_000) continue;
        const mv = Math.abs(Math.log((s.close[i] as number) / (s.close[i - 1] as number)));
        if (mv > bestMove) {
          bestMove = mv;
          best = i;
        }
      }
      if (best < LOOKBACK_BARS) continue;
      const from = best - LOOKBACK_BARS;
      const before: EventRow[] = [];
      let pd = 0;
      let pu = 0;
      let fd = false;
      let fu = false;
      for (let i = from; i < best; i++) {
        before.push({
          t: new Date(s.t[i] as number).toISOString(),
          pDown: round(s.pDown[i] as number),
          pUp: round(s.pUp[i] as number),
          regime: s.regime[i] as Regime,
        });
        pd = Math.max(pd, s.pDown[i] as number);
        pu = Math.max(pu, s.pUp[i] as number);
        fd ||= s.down[i] === 1;
        fu ||= s.up[i] === 1;
      }
      out.push({
        date,
        symbol: s.symbol,
        inSample: s.inSample(s.t[best] as number),
        eventBarClose: new Date(s.t[best] as number).toISOString(),
        eventMovePct: round(100 * (Math.exp(Math.log((s.close[best] as number) / (s.close[best - 1] as number))) - 1)),
        peakPDown: round(pd),
        peakPUp: round(pu),
        peakPDownPercentile: round(pctRank(sd, pd)),
        peakPUpPercentile: round(pctRank(su, pu)),
        labelDownFired: fd,
        labelUpFired: fu,
        before,
      });
    }
  }
  return out;
}

export const round = (v: number, d = 6): number => (Number.isFinite(v) ? Number(v.toFixed(d)) : v);
