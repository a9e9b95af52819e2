/** The liquidation-pressure feature (issue 14) from CoinGlass' Binance liquidation series
 * (data/coinglass_multi_liq_oi): for a bar closing at t, the last UTC day that has closed by t
 * (a day counts only from its close), its long (short) liquidations in USD over the median of the
 * 30 closed days before it, as a log ratio. Daily file where it exists (2020-12-23 → 2025-05-11),
 * later days summed from the 4 h file when all six bars are there (the PROVENANCE checks the two
 * agree on the overlap). Pure over parsed rows; reading is liq-ablation.ts. */

export const LIQ_FEATURES = ['liq_long_ratio_30d', 'liq_short_ratio_30d'] as const;
const DAY = 86_400_000;
const WINDOW_DAYS = 30;
const MIN_DAYS = 20;
/** added to both sides of the ratio: a day with no recorded liquidation is not -infinity */
const FLOOR_USD = 1_000;

export interface LiqRow {
  readonly time: number; // bar open, epoch ms
  readonly long: number; // longs liquidated, USD
  readonly short: number;
}

/** Parses `time,...,aggregated_long_liquidation_usd,aggregated_short_liquidation_usd[,...]`. */
export function parseLiqCsv(text: string, file: string): LiqRow[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const head = (lines[0] ?? '').split(',');
  const col = (n: string): number => {
    const j = head.indexOf(n);
    if (j < 0) throw new Error(`${file}: no column ${n}`);
    return j;
  };
  const [ti, li, si] = [col('time'), col('aggregated_long_liquidation_usd'), col('aggregated_short_liquidation_usd')];
  return lines.slice(1).map((l, k) => {
    const c = l.split(',');
    const r = { time: Number(c[ti]), long: Number(c[li]), short: Number(c[si]) };
    if (!Number.isFinite(r.time) || !(r.long >= 0) || !(r.short >= 0))
      throw new Error(`${file}:${k + 2}: bad liquidation row "${l}"`);
    return r;
  });
}

/** One row per UTC day: the daily file, then days after its end summed from complete 4 h days. */
export function dailyLiquidations(daily: readonly LiqRow[], fourHour: readonly LiqRow[]): LiqRow[] {
  const out = new Map<number, LiqRow>();
  for (const r of daily) out.set(Math.floor(r.time / DAY) * DAY, { ...r, time: Math.floor(r.time / DAY) * DAY });
  const last = Math.max(-Infinity, ...out.keys());
  const sums = new Map<number, { long: number; short: number; bars: number }>();
  for (const r of fourHour) {
    const d = Math.floor(r.time / DAY) * DAY;
    if (d <= last) continue;
    const s = sums.get(d) ?? { long: 0, short: 0, bars: 0 };
    sums.set(d, { long: s.long + r.long, short: s.short + r.short, bars: s.bars + 1 });
  }
  for (const [d, s] of sums) if (s.bars === 6) out.set(d, { time: d, long: s.long, short: s.short });
  return [...out.values()].sort((a, b) => a.time - b.time);
}

const median = (v: number[]): number => {
  const s = v.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

/** Feature columns for bar close times `t` (NaN where the day or its 30-day history is absent). */
export function liqPressureColumns(
  t: ArrayLike<number>,
  days: readonly LiqRow[],
): Record<(typeof LIQ_FEATURES)[number], Float64Array> {
  const byDay = new Map(days.map((d) => [d.time, d]));
  const cache = new Map<number, [number, number]>();
  const at = (d: number): [number, number] => {
    const hit = cache.get(d);
    if (hit) return hit;
    const cur = byDay.get(d);
    const hist: LiqRow[] = [];
    for (let k = 1; k <= WINDOW_DAYS; k++) {
      const h = byDay.get(d - k * DAY);
      if (h) hist.push(h);
    }
    const v: [number, number] =
      cur && hist.length >= MIN_DAYS
        ? [
            Math.log((cur.long + FLOOR_USD) / (median(hist.map((h) => h.long)) + FLOOR_USD)),
            Math.log((cur.short + FLOOR_USD) / (median(hist.map((h) => h.short)) + FLOOR_USD)),
          ]
        : [NaN, NaN];
    cache.set(d, v);
    return v;
  };
  const long = new Float64Array(t.length);
  const short = new Float64Array(t.length);
  for (let i = 0; i < t.length; i++) {
    // the newest day whose close (start + DAY) is at or before t
    const d = Math.floor((t[i] as number) / DAY) * DAY - DAY;
    [long[i], short[i]] = at(d);
  }
  return { liq_long_ratio_30d: long, liq_short_ratio_30d: short };
}
