/** Feature-engine configuration and the ordered feature catalog derived from it.
 * Bar windows are in bars of `barIntervalMs`; book, mark, funding and liquidation windows are in
 * time. Names carry the window in bars (rv_24 = 24 bars), so a 5-minute engine has other names
 * than an hourly one and a model card can never silently mix them. */

export type InputKind = 'bar' | 'trade' | 'book' | 'mark' | 'funding' | 'openInterest' | 'liquidation';
export const INPUT_KINDS: readonly InputKind[] = [
  'bar',
  'trade',
  'book',
  'mark',
  'funding',
  'openInterest',
  'liquidation',
];

export interface FeatureConfig {
  readonly barIntervalMs: number;
  readonly returnBars: readonly number[];
  readonly rvBars: readonly number[]; // first one feeds rv_pctl
  readonly rangeBars: number; // parkinson_N, gk_N
  readonly pctlBars: number; // long window of the percentiles
  readonly drawdownBars: readonly number[]; // first one feeds drawdown_pctl / rally_pctl
  readonly flowBars: number; // taker_imbalance_N, cvd_N
  readonly volumeZBars: number;
  readonly oiChangeBars: number;
  readonly oiAccelBars: number;
  readonly oiZBars: number;
  readonly liqBaselineBars: number;
  readonly liqShareBars: number;
  readonly liqHalfLifeMs: number;
  readonly fundingZDays: readonly number[];
  readonly depthBaselineHalfLifeMs: number;
  /** |1-bar OI change| above this (log) with bar volume under oiJumpVolumeFrac × typical volume
   * raises OI_JUMP_WITHOUT_VOLUME. */
  readonly oiJumpThreshold: number;
  readonly oiJumpVolumeFrac: number;
  /** An input older than this when a row is sampled contributes NaN (missing), never a stale value. */
  readonly maxAgeMs: Readonly<Record<InputKind, number>>;
}

const HOUR = 3_600_000;

/** Defaults for hourly bars; for another interval the bar windows keep their span in hours
 * (5m: rv_288 instead of rv_24), except 1-bar returns. */
export function defaultFeatureConfig(barIntervalMs = HOUR): FeatureConfig {
  const ok =
    Number.isInteger(barIntervalMs) && barIntervalMs > 0 && (HOUR % barIntervalMs === 0 || barIntervalMs % HOUR === 0);
  if (!ok) {
    throw new RangeError(`barIntervalMs must divide or be a multiple of one hour, got ${barIntervalMs}`);
  }
  const w = (hours: number) => Math.max(1, Math.round((hours * HOUR) / barIntervalMs));
  return Object.freeze({
    barIntervalMs,
    returnBars: Object.freeze([1, w(4), w(24)].filter((v, i, a) => a.indexOf(v) === i)),
    rvBars: Object.freeze([w(24), w(168)]),
    rangeBars: w(24),
    pctlBars: w(720),
    drawdownBars: Object.freeze([w(24), w(168)]),
    flowBars: w(24),
    volumeZBars: w(168),
    oiChangeBars: w(24),
    oiAccelBars: w(4),
    oiZBars: w(168),
    liqBaselineBars: w(168),
    liqShareBars: w(24),
    liqHalfLifeMs: 2 * HOUR,
    fundingZDays: Object.freeze([7, 30]),
    depthBaselineHalfLifeMs: 30 * 60_000,
    oiJumpThreshold: 0.1,
    oiJumpVolumeFrac: 0.25,
    maxAgeMs: Object.freeze({
      bar: 2 * barIntervalMs + 60_000,
      trade: 5 * 60_000,
      book: 30_000,
      mark: 30_000,
      funding: 17 * HOUR,
      openInterest: 2 * Math.max(barIntervalMs, 5 * 60_000) + 60_000,
      liquidation: 6 * HOUR, // per-order feeds; aggregated series use 2 × their bucket + 1 min
    }),
  });
}

export interface FeatureCatalog {
  readonly names: readonly string[];
  /** Input each feature depends on (its staleness masks the feature). */
  readonly inputOf: Readonly<Record<string, InputKind>>;
}

export function featureCatalog(c: FeatureConfig): FeatureCatalog {
  const inputOf: Record<string, InputKind> = {};
  const add = (kind: InputKind, ...names: string[]) => names.forEach((n) => (inputOf[n] = kind));
  const P = c.pctlBars;
  add('bar', ...c.returnBars.map((n) => `ret_${n}`));
  add('bar', ...c.rvBars.map((n) => `rv_${n}`), `parkinson_${c.rangeBars}`, `gk_${c.rangeBars}`, `rv_pctl_${P}`);
  add(
    'bar',
    ...c.drawdownBars.map((n) => `drawdown_${n}`),
    ...c.drawdownBars.map((n) => `rally_${n}`),
    `drawdown_pctl_${P}`,
    `rally_pctl_${P}`,
  );
  add('bar', `taker_imbalance_${c.flowBars}`, `cvd_${c.flowBars}`, `volume_z_${c.volumeZBars}`);
  add(
    'funding',
    'funding_rate',
    'funding_rate_8h',
    ...c.fundingZDays.map((d) => `funding_z_${d}d`),
    'time_to_funding_h',
  );
  add('openInterest', 'oi_change_1', `oi_change_${c.oiChangeBars}`, 'oi_accel', `oi_z_${c.oiZBars}`, 'oi_vs_price');
  add('liquidation', 'liq_notional_ratio', `liq_long_share_${c.liqShareBars}`, 'liq_intensity');
  add('book', 'depth_05', 'depth_1', 'depth_2', 'depth_collapse', 'spread_bps', 'book_imbalance');
  add('mark', 'mark_last_gap_bps', 'mark_index_gap_bps', 'funding_predicted');
  return Object.freeze({ names: Object.freeze(Object.keys(inputOf)), inputOf: Object.freeze(inputOf) });
}
