/** Bar-sampled features: returns, volatility, range vol, percentiles, drawdown/rally, taker flow,
 * volume, open interest and liquidations aggregated per bar. Updated once per closed bar. */
import { Ring } from '../rolling/ring.js';
import { RollingStats } from '../rolling/rolling-stats.js';
import { RollingExtreme } from '../rolling/extrema.js';
import { RollingPercentile } from '../rolling/percentile.js';
import type { BarEvent } from '../../core/types.js';
import type { FeatureConfig } from './config.js';

const GK_K = 2 * Math.LN2 - 1;

/** Per-bar inputs from other streams, as of the bar close (NaN when absent or stale). */
export interface BarSideInputs {
  readonly oi: number; // open interest, USD
  readonly liqTotal: number; // liquidation notional within the bar, USD
  readonly liqLong: number;
  readonly liqShort: number;
}

export class BarState {
  bars = 0;
  lastOpenTime = NaN;
  lastClose = NaN;
  gapAtBar = -Infinity; // bar count when the last gap was seen
  oiJump = false;
  private readonly closes: Ring;
  private readonly rv: RollingStats[];
  private readonly park: RollingStats;
  private readonly gk: RollingStats;
  private readonly rvPctl: RollingPercentile;
  private readonly highs: RollingExtreme[];
  private readonly lows: RollingExtreme[];
  private readonly ddPctl: RollingPercentile;
  private readonly rallyPctl: RollingPercentile;
  private readonly delta: RollingStats;
  private readonly vol: RollingStats;
  private readonly logVol: RollingStats;
  private readonly oi: Ring;
  private readonly oiStats: RollingStats;
  private readonly liq: RollingStats;
  private readonly liqLong: RollingStats;
  private readonly liqShort: RollingStats;
  /** Bar features, in catalog order of `slots` (NaN = missing). */
  readonly out: Float64Array;

  constructor(
    private readonly c: FeatureConfig,
    private readonly slots: BarSlots,
  ) {
    this.closes = new Ring(Math.max(...c.returnBars) + 1);
    this.rv = c.rvBars.map((n) => new RollingStats(n));
    this.park = new RollingStats(c.rangeBars);
    this.gk = new RollingStats(c.rangeBars);
    this.rvPctl = new RollingPercentile(c.pctlBars);
    this.highs = c.drawdownBars.map((n) => new RollingExtreme(n, 'max'));
    this.lows = c.drawdownBars.map((n) => new RollingExtreme(n, 'min'));
    this.ddPctl = new RollingPercentile(c.pctlBars);
    this.rallyPctl = new RollingPercentile(c.pctlBars);
    this.delta = new RollingStats(c.flowBars);
    this.vol = new RollingStats(c.flowBars);
    this.logVol = new RollingStats(c.volumeZBars);
    this.oi = new Ring(c.oiChangeBars + 2 * c.oiAccelBars + 1);
    this.oiStats = new RollingStats(c.oiZBars);
    this.liq = new RollingStats(c.liqBaselineBars);
    this.liqLong = new RollingStats(c.liqShareBars);
    this.liqShort = new RollingStats(c.liqShareBars);
    this.out = new Float64Array(slots.size).fill(NaN);
  }

  /** Mean liquidation notional per bar over the baseline window (NaN until full). */
  liqBaselinePerBar(): number {
    return this.liq.mean();
  }

  onBar(e: BarEvent, side: BarSideInputs): void {
    const c = this.c;
    const s = this.slots;
    const o = this.out;
    if (this.bars > 0 && e.openTime > this.lastOpenTime + e.intervalMs) this.gapAtBar = this.bars;
    const r = Number.isNaN(this.lastClose) ? NaN : Math.log(e.close / this.lastClose);
    this.bars++;
    this.lastOpenTime = e.openTime;
    this.lastClose = e.close;
    this.closes.push(e.close);
    c.returnBars.forEach((n, i) => (o[s.ret[i]!] = Math.log(e.close / this.closes.at(n))));
    this.rv.forEach((w, i) => {
      w.push(r);
      o[s.rv[i]!] = w.std();
    });
    const hl = Math.log(e.high / e.low);
    const co = Math.log(e.close / e.open);
    this.park.push(hl * hl);
    this.gk.push(0.5 * hl * hl - GK_K * co * co);
    o[s.parkinson] = Math.sqrt(this.park.mean() / (4 * Math.LN2));
    o[s.gk] = Math.sqrt(Math.max(0, this.gk.mean()));
    const rv0 = o[s.rv[0]!]!;
    this.rvPctl.push(rv0);
    o[s.rvPctl] = this.rvPctl.rank(rv0);
    this.highs.forEach((h, i) => {
      h.push(e.high);
      o[s.drawdown[i]!] = h.full ? e.close / h.value() - 1 : NaN;
    });
    this.lows.forEach((l, i) => {
      l.push(e.low);
      o[s.rally[i]!] = l.full ? e.close / l.value() - 1 : NaN;
    });
    const depth = -o[s.drawdown[0]!]!;
    const rally = o[s.rally[0]!]!;
    this.ddPctl.push(depth);
    this.rallyPctl.push(rally);
    o[s.drawdownPctl] = this.ddPctl.rank(depth);
    o[s.rallyPctl] = this.rallyPctl.rank(rally);
    // taker flow: NaN when the source has no taker-buy volume (group A klines)
    const tb = e.takerBuyVolume ?? NaN;
    this.delta.push(2 * tb - e.volume);
    this.vol.push(e.volume);
    const dSum = this.delta.sum();
    const vSum = this.vol.sum();
    o[s.cvd] = dSum;
    o[s.takerImbalance] = vSum > 0 ? dSum / vSum : NaN;
    const lv = e.volume >= 0 ? Math.log1p(e.volume) : NaN;
    this.logVol.push(lv);
    o[s.volumeZ] = this.logVol.zscore(lv);
    this.onOi(side.oi, e.volume, o[s.ret[c.returnBars.length - 1]!]!);
    this.onLiq(side);
  }

  private onOi(oi: number, volume: number, retLong: number): void {
    const c = this.c;
    const s = this.slots;
    const o = this.out;
    this.oi.push(oi);
    this.oiStats.push(oi);
    const lr = (a: number, b: number) => Math.log(this.oi.at(a) / this.oi.at(b));
    const ch1 = lr(0, 1);
    const chN = lr(0, c.oiChangeBars);
    o[s.oiChange1] = ch1;
    o[s.oiChangeN] = chN;
    o[s.oiAccel] = lr(0, c.oiAccelBars) - lr(c.oiAccelBars, 2 * c.oiAccelBars);
    o[s.oiZ] = this.oiStats.zscore(oi);
    o[s.oiVsPrice] = chN * Math.sign(retLong);
    // OI cannot jump without trading: only judged when the typical volume is known
    const typical = Math.expm1(this.logVol.mean());
    this.oiJump = Math.abs(ch1) > c.oiJumpThreshold && typical > 0 && volume < c.oiJumpVolumeFrac * typical;
  }

  private onLiq(side: BarSideInputs): void {
    const s = this.slots;
    const o = this.out;
    this.liq.push(side.liqTotal);
    this.liqLong.push(side.liqLong);
    this.liqShort.push(side.liqShort);
    const base = this.liq.mean();
    o[s.liqRatio] = Number.isNaN(side.liqTotal) || Number.isNaN(base) ? NaN : side.liqTotal / Math.max(base, 1);
    const l = this.liqLong.sum();
    const sh = this.liqShort.sum();
    o[s.liqShare] = l + sh > 0 ? l / (l + sh) : NaN;
  }

  returnOver(n: number): number {
    return Math.log(this.closes.at(0) / this.closes.at(n));
  }

  /** Sum of liquidation notional over the last n bars (NaN if any is missing or fewer bars). */
  liqOverLastBars(n: number): number {
    let t = 0;
    for (let k = 0; k < n; k++) t += this.liq.newest(k);
    return t;
  }

  reset(): void {
    for (const x of [
      this.closes,
      ...this.rv,
      this.park,
      this.gk,
      this.rvPctl,
      ...this.highs,
      ...this.lows,
      this.ddPctl,
      this.rallyPctl,
      this.delta,
      this.vol,
      this.logVol,
      this.oi,
      this.oiStats,
      this.liq,
      this.liqLong,
      this.liqShort,
    ])
      x.clear();
    this.out.fill(NaN);
    this.bars = 0;
    this.lastOpenTime = this.lastClose = NaN;
    this.gapAtBar = -Infinity;
    this.oiJump = false;
  }
}

/** Indices of the bar features inside BarState.out (and the engine vector: same order, first). */
export interface BarSlots {
  readonly size: number;
  readonly ret: readonly number[];
  readonly rv: readonly number[];
  readonly parkinson: number;
  readonly gk: number;
  readonly rvPctl: number;
  readonly drawdown: readonly number[];
  readonly rally: readonly number[];
  readonly drawdownPctl: number;
  readonly rallyPctl: number;
  readonly takerImbalance: number;
  readonly cvd: number;
  readonly volumeZ: number;
  readonly oiChange1: number;
  readonly oiChangeN: number;
  readonly oiAccel: number;
  readonly oiZ: number;
  readonly oiVsPrice: number;
  readonly liqRatio: number;
  readonly liqShare: number;
}
