/** Event-driven (not bar-sampled) state: funding settlements, order book, mark price and the
 * liquidation intensity. Each method validates its event and returns a rejection reason when the
 * event is implausible (it is then not folded into any feature). */
import type { BookEvent, FundingEvent, LiquidationEvent, MarkEvent } from '../../core/types.js';
import { DecayingIntensity, Ewma } from '../rolling/ewma.js';
import type { FeatureConfig } from './config.js';

export type Rejection = 'NON_POSITIVE_PRICE' | 'CROSSED_BOOK';
const DAY = 86_400_000;
const HOUR = 3_600_000;
const pos = (x: number | undefined) => x === undefined || (Number.isFinite(x) && x > 0);

export class FundingState {
  rate = NaN;
  rate8h = NaN;
  intervalHours = NaN;
  lastTs = NaN;
  firstTs = NaN;
  readonly z: Float64Array;
  private readonly ts: number[] = [];
  private readonly vals: number[] = [];
  constructor(private readonly c: FeatureConfig) {
    this.z = new Float64Array(c.fundingZDays.length).fill(NaN);
  }
  onFunding(e: FundingEvent): Rejection | undefined {
    if (!Number.isFinite(e.rate) || !(e.intervalHours > 0)) return 'NON_POSITIVE_PRICE';
    this.rate = e.rate;
    this.intervalHours = e.intervalHours;
    this.rate8h = (e.rate * 8) / e.intervalHours; // comparable across 8h/4h/1h intervals
    this.lastTs = e.ts;
    if (Number.isNaN(this.firstTs)) this.firstTs = e.ts;
    this.ts.push(e.ts);
    this.vals.push(this.rate8h);
    const maxDays = Math.max(...this.c.fundingZDays);
    let drop = 0;
    while (drop < this.ts.length && this.ts[drop]! <= e.ts - maxDays * DAY) drop++;
    if (drop > 0) (this.ts.splice(0, drop), this.vals.splice(0, drop));
    // z of the newest settlement against settlements in the last d days; NaN until d days seen
    this.c.fundingZDays.forEach((d, i) => {
      if (e.ts - this.firstTs < d * DAY) return void (this.z[i] = NaN);
      let n = 0;
      let s = 0;
      let s2 = 0;
      for (let k = this.ts.length - 1; k >= 0 && this.ts[k]! > e.ts - d * DAY; k--) (n++, (s += this.vals[k]!));
      const mean = s / n;
      for (let k = this.ts.length - n; k < this.ts.length; k++) s2 += (this.vals[k]! - mean) ** 2;
      const sd = n > 1 ? Math.sqrt(s2 / (n - 1)) : NaN;
      this.z[i] = sd > 0 ? (this.rate8h - mean) / sd : NaN;
    });
    return undefined;
  }
  /** Hours from ts to the next settlement at or after ts on the grid of the last one. At a
   * settlement hour this is 0 whether or not that settlement (often stamped a few ms late) has
   * been seen yet, so rows do not depend on millisecond jitter. */
  hoursToNext(ts: number): number {
    if (Number.isNaN(this.lastTs)) return NaN;
    const step = this.intervalHours * HOUR;
    const base = Math.floor(this.lastTs / HOUR) * HOUR;
    const k = Math.max(0, Math.ceil((ts - base) / step));
    return (base + k * step - ts) / HOUR;
  }
  reset(): void {
    this.rate = this.rate8h = this.intervalHours = this.lastTs = this.firstTs = NaN;
    this.ts.length = this.vals.length = 0;
    this.z.fill(NaN);
  }
}

export class BookState {
  depth05 = NaN;
  depth1 = NaN;
  depth2 = NaN;
  collapse = NaN;
  spreadBps = NaN;
  imbalance = NaN;
  bid = NaN;
  ask = NaN;
  private readonly baseline: Ewma;
  constructor(c: FeatureConfig) {
    this.baseline = Ewma.halfLife(c.depthBaselineHalfLifeMs);
  }
  onBook(e: BookEvent): Rejection | undefined {
    for (const side of [e.bids, e.asks])
      for (const [p, q] of side)
        if (!(p > 0) || !(q >= 0) || !Number.isFinite(p) || !Number.isFinite(q)) return 'NON_POSITIVE_PRICE';
    const bb = e.bids[0]?.[0] ?? NaN;
    const ba = e.asks[0]?.[0] ?? NaN;
    if (bb >= ba) return 'CROSSED_BOOK';
    this.bid = bb;
    this.ask = ba;
    const mid = (bb + ba) / 2; // NaN when a side is empty: depth features then missing
    this.spreadBps = ((ba - bb) / mid) * 1e4;
    let b05 = 0, b1 = 0, b2 = 0, a05 = 0, a1 = 0, a2 = 0; // prettier-ignore
    for (const [p, q] of e.bids) {
      const d = (mid - p) / mid;
      if (d > 0.02) break;
      const n = p * q;
      b2 += n;
      if (d <= 0.01) b1 += n;
      if (d <= 0.005) b05 += n;
    }
    for (const [p, q] of e.asks) {
      const d = (p - mid) / mid;
      if (d > 0.02) break;
      const n = p * q;
      a2 += n;
      if (d <= 0.01) a1 += n;
      if (d <= 0.005) a05 += n;
    }
    const ok = Number.isFinite(mid);
    this.depth05 = ok ? b05 + a05 : NaN;
    this.depth1 = ok ? b1 + a1 : NaN;
    this.depth2 = ok ? b2 + a2 : NaN;
    this.imbalance = ok && b1 + a1 > 0 ? (b1 - a1) / (b1 + a1) : NaN;
    // trailing baseline excludes the current book so a sudden collapse shows fully
    const base = this.baseline.value;
    this.collapse = base > 0 ? 1 - this.depth1 / base : NaN;
    this.baseline.pushAt(this.depth1, e.ts);
    return undefined;
  }
  reset(): void {
    this.depth05 =
      this.depth1 =
      this.depth2 =
      this.collapse =
      this.spreadBps =
      this.imbalance =
      this.bid =
      this.ask =
        NaN;
    this.baseline.clear();
  }
}

export class MarkState {
  mark = NaN;
  index = NaN;
  last = NaN;
  lastTs = NaN;
  predicted = NaN;
  nextFundingTime = NaN;
  onMark(e: MarkEvent): Rejection | undefined {
    if (!pos(e.markPrice) || !pos(e.indexPrice) || !pos(e.lastPrice)) return 'NON_POSITIVE_PRICE';
    this.mark = e.markPrice;
    this.index = e.indexPrice ?? NaN;
    if (e.lastPrice !== undefined) ((this.last = e.lastPrice), (this.lastTs = e.ts));
    this.predicted = e.fundingRate ?? NaN;
    this.nextFundingTime = e.nextFundingTime ?? NaN;
    return undefined;
  }
  reset(): void {
    this.mark = this.index = this.last = this.lastTs = this.predicted = this.nextFundingTime = NaN;
  }
}

export class LiquidationState {
  barTotal = 0;
  barLong = 0;
  barShort = 0;
  aggregatedMs = NaN;
  readonly intensity: DecayingIntensity;
  constructor(c: FeatureConfig) {
    this.intensity = new DecayingIntensity(c.liqHalfLifeMs);
  }
  onLiquidation(e: LiquidationEvent): Rejection | undefined {
    if (!(e.notional >= 0) || !Number.isFinite(e.notional)) return 'NON_POSITIVE_PRICE';
    if (e.aggregatedMs === undefined && (!(e.price > 0) || !Number.isFinite(e.price))) return 'NON_POSITIVE_PRICE';
    this.aggregatedMs = e.aggregatedMs ?? NaN;
    this.barTotal += e.notional;
    if (e.side === 'sell') this.barLong += e.notional;
    else this.barShort += e.notional;
    this.intensity.add(e.notional, e.ts);
    return undefined;
  }
  takeBar(): { total: number; long: number; short: number } {
    const r = { total: this.barTotal, long: this.barLong, short: this.barShort };
    this.barTotal = this.barLong = this.barShort = 0;
    return r;
  }
  reset(): void {
    this.barTotal = this.barLong = this.barShort = 0;
    this.aggregatedMs = NaN;
    this.intensity.clear();
  }
}
