/** FeatureEngine: rolling features of one symbol, updated per MarketEvent. The same code runs
 * online (MarketView) and offline (computeFeatureRows), so training sees exactly what serving sees.
 * Rows are sampled at each bar close; `sample(ts)` gives the vector as of any event time. */
import type { BarEvent, MarketEvent } from '../../core/types.js';
import { BarState, type BarSlots } from './bar-state.js';
import {
  featureCatalog,
  INPUT_KINDS,
  type FeatureCatalog,
  type FeatureConfig,
  type InputKind,
  defaultFeatureConfig,
} from './config.js';
import { BookState, FundingState, LiquidationState, MarkState, type Rejection } from './side-state.js';

export type UpdateOutcome = 'row' | 'accepted' | 'rejected' | 'ignored';

export interface EngineCounters {
  accepted: number;
  rejected: number;
  ignored: number; // duplicate / out-of-order bars, bars of another interval, other symbols
}

export class FeatureEngine {
  readonly catalog: FeatureCatalog;
  readonly names: readonly string[];
  /** Last accepted event time per input (NaN = never). */
  readonly lastTs: Record<InputKind, number>;
  /** Last rejected event per input: reason and time; active while newer than the last accepted. */
  readonly lastReject: Partial<Record<InputKind, { reason: Rejection; ts: number }>> = {};
  readonly counters: EngineCounters = { accepted: 0, rejected: 0, ignored: 0 };
  asOf = NaN;
  /** Bumped by every accepted or rejected event and by reset(): a cache key for snapshots. */
  version = 0;
  lastTradePrice = NaN;
  lastTradeTs = NaN;
  private readonly bar: BarState;
  private readonly funding: FundingState;
  private readonly book: BookState;
  private readonly markS = new MarkState();
  private readonly liq: LiquidationState;
  private readonly ix: Record<string, number> = {};
  private readonly barIdx: number[];
  private oiValue = NaN;
  private oiTs = NaN;

  constructor(
    readonly symbol: string,
    readonly config: FeatureConfig = defaultFeatureConfig(),
  ) {
    this.catalog = featureCatalog(config);
    this.names = this.catalog.names;
    this.names.forEach((n, i) => (this.ix[n] = i));
    this.lastTs = Object.fromEntries(INPUT_KINDS.map((k) => [k, NaN])) as Record<InputKind, number>;
    this.bar = new BarState(config, this.slots());
    this.funding = new FundingState(config);
    this.book = new BookState(config);
    this.liq = new LiquidationState(config);
    // features held in BarState.out: bar features plus OI and liquidations aggregated per bar
    this.barIdx = this.names.flatMap((n, i) => (this.isBarSampled(n) ? [i] : []));
  }

  get bars(): number {
    return this.bar.bars;
  }
  get lastClose(): number {
    return this.bar.lastClose;
  }
  get oiJump(): boolean {
    return this.bar.oiJump;
  }
  get gapAtBar(): number {
    return this.bar.gapAtBar;
  }
  get mark(): MarkState {
    return this.markS;
  }
  get bestBid(): number {
    return this.book.bid;
  }
  get bestAsk(): number {
    return this.book.ask;
  }
  get liquidationAggregatedMs(): number {
    return this.liq.aggregatedMs;
  }
  /** Log return over the last n closed bars (NaN when fewer). */
  returnOver(n: number): number {
    return this.bar.returnOver(n);
  }
  /** Liquidation notional summed over the last n closed bars. */
  liqOverLastBars(n: number): number {
    return this.bar.liqOverLastBars(n);
  }

  update(e: MarketEvent): UpdateOutcome {
    if (e.symbol !== this.symbol) return this.ignore();
    const kind: InputKind = e.type;
    let rej: Rejection | undefined;
    switch (e.type) {
      case 'bar':
        return this.onBar(e);
      case 'trade':
        if (!(e.price > 0) || !Number.isFinite(e.price) || !(e.quantity >= 0)) rej = 'NON_POSITIVE_PRICE';
        else ((this.lastTradePrice = e.price), (this.lastTradeTs = e.ts));
        break;
      case 'book':
        rej = this.book.onBook(e);
        break;
      case 'mark':
        rej = this.markS.onMark(e);
        break;
      case 'funding':
        rej = this.funding.onFunding(e);
        break;
      case 'openInterest': {
        const v = e.openInterestValue ?? (e.openInterest !== undefined ? e.openInterest * this.bar.lastClose : NaN);
        if (!(v > 0) && !Number.isNaN(v)) rej = 'NON_POSITIVE_PRICE';
        else if (!Number.isNaN(v)) ((this.oiValue = v), (this.oiTs = e.ts));
        else return this.ignore(); // base OI before any price: cannot be valued yet
        break;
      }
      case 'liquidation':
        rej = this.liq.onLiquidation(e);
        break;
    }
    return rej ? this.reject(kind, rej, e.ts) : this.accept(kind, e.ts);
  }

  private onBar(e: BarEvent): UpdateOutcome {
    if (e.intervalMs !== this.config.barIntervalMs || e.openTime <= this.bar.lastOpenTime) return this.ignore();
    const prices = [e.open, e.high, e.low, e.close];
    if (
      prices.some((p) => !(p > 0) || !Number.isFinite(p)) ||
      e.high < e.low ||
      e.high < Math.max(e.open, e.close) ||
      e.low > Math.min(e.open, e.close) ||
      e.volume < 0
    ) {
      return this.reject('bar', 'NON_POSITIVE_PRICE', e.ts);
    }
    const fresh = (k: InputKind, t: number) => !Number.isNaN(t) && e.ts - t <= this.maxAge(k);
    const liqFresh = fresh('liquidation', this.lastTs.liquidation);
    const l = this.liq.takeBar();
    this.bar.onBar(e, {
      oi: fresh('openInterest', this.oiTs) ? this.oiValue : NaN,
      liqTotal: liqFresh ? l.total : NaN,
      liqLong: liqFresh ? l.long : NaN,
      liqShort: liqFresh ? l.short : NaN,
    });
    this.accept('bar', e.ts);
    return 'row';
  }

  /** Max age of an input at sampling time; aggregated liquidation series use their bucket length. */
  maxAge(k: InputKind): number {
    if (k === 'liquidation' && this.liq.aggregatedMs > 0) return 2 * this.liq.aggregatedMs + 60_000;
    return this.config.maxAgeMs[k];
  }

  /** The feature vector as of `ts` (normally the newest event time). Inputs older than their max
   * age at `ts` contribute NaN. Deterministic: depends only on the events ingested and ts. */
  sample(ts: number, out: Float64Array = new Float64Array(this.names.length)): Float64Array {
    out.fill(NaN);
    const fresh = (k: InputKind) => !Number.isNaN(this.lastTs[k]) && ts - this.lastTs[k] <= this.maxAge(k);
    if (fresh('bar')) for (const i of this.barIdx) out[i] = this.bar.out[i]!;
    const ix = this.ix;
    const set = (name: string, v: number) => (out[ix[name]!] = v);
    if (fresh('funding')) {
      const f = this.funding;
      set('funding_rate', f.rate);
      set('funding_rate_8h', f.rate8h);
      this.config.fundingZDays.forEach((d, i) => set(`funding_z_${d}d`, f.z[i]!));
      const mNext =
        fresh('mark') && this.markS.nextFundingTime > ts ? (this.markS.nextFundingTime - ts) / 3_600_000 : NaN;
      set('time_to_funding_h', Number.isNaN(mNext) ? f.hoursToNext(ts) : mNext);
    }
    if (fresh('liquidation')) {
      const basePerHour = this.bar.liqBaselinePerBar() / (this.config.barIntervalMs / 3_600_000);
      set('liq_intensity', this.liq.intensity.ratePerHourAt(ts) / Math.max(basePerHour, 1));
    } else {
      for (const n of ['liq_notional_ratio', `liq_long_share_${this.config.liqShareBars}`]) set(n, NaN);
    }
    if (!fresh('openInterest'))
      for (const n of [
        'oi_change_1',
        `oi_change_${this.config.oiChangeBars}`,
        'oi_accel',
        `oi_z_${this.config.oiZBars}`,
        'oi_vs_price',
      ])
        set(n, NaN);
    if (fresh('book')) {
      const b = this.book;
      set('depth_05', b.depth05);
      set('depth_1', b.depth1);
      set('depth_2', b.depth2);
      set('depth_collapse', b.collapse);
      set('spread_bps', b.spreadBps);
      set('book_imbalance', b.imbalance);
    }
    if (fresh('mark')) {
      const m = this.markS;
      const last = this.lastTradeTs > m.lastTs && fresh('trade') ? this.lastTradePrice : m.last;
      set('mark_last_gap_bps', ((m.mark - last) / last) * 1e4);
      set('mark_index_gap_bps', ((m.mark - m.index) / m.index) * 1e4);
      set('funding_predicted', m.predicted);
    }
    return out;
  }

  /** Clears all state (used when a replay loops back in time). */
  reset(): void {
    this.bar.reset();
    this.funding.reset();
    this.book.reset();
    this.markS.reset();
    this.liq.reset();
    this.version++;
    for (const k of INPUT_KINDS) this.lastTs[k] = NaN;
    for (const k of INPUT_KINDS) delete this.lastReject[k];
    this.asOf = this.oiValue = this.oiTs = this.lastTradePrice = this.lastTradeTs = NaN;
  }

  private accept(kind: InputKind, ts: number): UpdateOutcome {
    this.counters.accepted++;
    this.version++;
    this.lastTs[kind] = Number.isNaN(this.lastTs[kind]) ? ts : Math.max(this.lastTs[kind], ts);
    this.asOf = Number.isNaN(this.asOf) ? ts : Math.max(this.asOf, ts);
    return 'accepted';
  }
  private reject(kind: InputKind, reason: Rejection, ts: number): UpdateOutcome {
    this.counters.rejected++;
    this.version++;
    this.lastReject[kind] = { reason, ts };
    this.asOf = Number.isNaN(this.asOf) ? ts : Math.max(this.asOf, ts);
    return 'rejected';
  }
  private ignore(): UpdateOutcome {
    this.counters.ignored++;
    return 'ignored';
  }

  private isBarSampled(n: string): boolean {
    const k = this.catalog.inputOf[n];
    return k === 'bar' || k === 'openInterest' || n === 'liq_notional_ratio' || n.startsWith('liq_long_share_');
  }

  private slots(): BarSlots {
    const c = this.config;
    const i = (n: string) => {
      const v = this.ix[n];
      if (v === undefined) throw new Error(`feature ${n} missing from catalog`);
      return v;
    };
    return {
      size: this.names.length,
      ret: c.returnBars.map((n) => i(`ret_${n}`)),
      rv: c.rvBars.map((n) => i(`rv_${n}`)),
      parkinson: i(`parkinson_${c.rangeBars}`),
      gk: i(`gk_${c.rangeBars}`),
      rvPctl: i(`rv_pctl_${c.pctlBars}`),
      drawdown: c.drawdownBars.map((n) => i(`drawdown_${n}`)),
      rally: c.drawdownBars.map((n) => i(`rally_${n}`)),
      drawdownPctl: i(`drawdown_pctl_${c.pctlBars}`),
      rallyPctl: i(`rally_pctl_${c.pctlBars}`),
      takerImbalance: i(`taker_imbalance_${c.flowBars}`),
      cvd: i(`cvd_${c.flowBars}`),
      volumeZ: i(`volume_z_${c.volumeZBars}`),
      oiChange1: i('oi_change_1'),
      oiChangeN: i(`oi_change_${c.oiChangeBars}`),
      oiAccel: i('oi_accel'),
      oiZ: i(`oi_z_${c.oiZBars}`),
      oiVsPrice: i('oi_vs_price'),
      liqRatio: i('liq_notional_ratio'),
      liqShare: i(`liq_long_share_${c.liqShareBars}`),
    };
  }
}
