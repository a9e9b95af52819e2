/** Market-wide stress features (issue 14 exploration): for each bar close t, aggregates over the
 * markets whose bar closes at t (only markets allowed by `include`: the fitted ones, so the
 * held-out group stays out of every fitted input), plus BTC's own drawdown / rally / volatility.
 * Known at t: every input is a feature of a bar that closed at t. Not servable by the gateway's
 * per-symbol feature engine; an ablation only. */
import type { Dataset } from './dataset.js';

export const MARKET_FEATURES = [
  'mkt_dd24_frac',
  'mkt_rally24_frac',
  'mkt_rv_ratio_med',
  'mkt_ret4_mean',
  'btc_drawdown_24',
  'btc_rally_24',
  'btc_rv_24',
] as const;
const MIN_MARKETS = 5;
const MOVE = 0.05;

export function marketWideColumns(
  ds: Dataset,
  include: (symbol: string) => boolean,
  btc = 'BTC/USDT:USDT',
): Record<(typeof MARKET_FEATURES)[number], Float64Array> {
  const col = (n: string): number => {
    const j = ds.names.indexOf(n);
    if (j < 0) throw new Error(`feature ${n} missing`);
    return j;
  };
  const [dd, ra, rv, rvL, r4] = ['drawdown_24', 'rally_24', 'rv_24', 'rv_168', 'ret_4'].map(col) as number[];
  const v = (i: number, j: number): number => ds.data[i * ds.cols + j] as number;
  const byT = new Map<number, number[]>();
  for (let i = 0; i < ds.t.length; i++) {
    const a = byT.get(ds.t[i] as number) ?? [];
    a.push(i);
    byT.set(ds.t[i] as number, a);
  }
  const n = ds.t.length;
  const out = Object.fromEntries(MARKET_FEATURES.map((f) => [f, new Float64Array(n).fill(NaN)])) as Record<
    (typeof MARKET_FEATURES)[number],
    Float64Array
  >;
  for (const idx of byT.values()) {
    const m = idx.filter((i) => include(ds.symbol[i] as string));
    const fin = (j: number): number[] => m.filter((i) => Number.isFinite(v(i, j)));
    const ddRows = fin(dd as number);
    const raRows = fin(ra as number);
    const ratios = m
      .map((i) => v(i, rv as number) / v(i, rvL as number))
      .filter(Number.isFinite)
      .sort((a, b) => a - b);
    const r4Rows = fin(r4 as number);
    const b = idx.find((i) => ds.symbol[i] === btc);
    const vals = {
      mkt_dd24_frac:
        ddRows.length >= MIN_MARKETS ? ddRows.filter((i) => v(i, dd as number) <= -MOVE).length / ddRows.length : NaN,
      mkt_rally24_frac:
        raRows.length >= MIN_MARKETS ? raRows.filter((i) => v(i, ra as number) >= MOVE).length / raRows.length : NaN,
      mkt_rv_ratio_med: ratios.length >= MIN_MARKETS ? (ratios[ratios.length >> 1] as number) : NaN,
      mkt_ret4_mean:
        r4Rows.length >= MIN_MARKETS ? r4Rows.reduce((s, i) => s + v(i, r4 as number), 0) / r4Rows.length : NaN,
      btc_drawdown_24: b === undefined ? NaN : v(b, dd as number),
      btc_rally_24: b === undefined ? NaN : v(b, ra as number),
      btc_rv_24: b === undefined ? NaN : v(b, rv as number),
    };
    for (const i of idx) for (const f of MARKET_FEATURES) out[f][i] = vals[f];
  }
  return out;
}
