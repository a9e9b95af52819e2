/** MarketView over one FeatureEngine per symbol: ingest any MarketEvent, snapshot a symbol with
 * features, missing names, per-input ages, data-quality flags and `degraded`. */
import type { DataQualityFlag, MarketEvent, MarketSnapshot } from '../../core/types.js';
import type { MarketView } from '../../core/stages.js';
import { defaultFeatureConfig, type FeatureConfig, type InputKind } from '../features/config.js';
import { FeatureEngine, type EngineCounters } from '../features/engine.js';
import { DEFAULT_PLAUSIBILITY, PriceJumpTracker, type PlausibilityConfig } from './plausibility.js';
import { assessQuality, type QualityConfig } from './quality.js';

export interface MarketViewOptions {
  readonly features?: FeatureConfig;
  readonly required?: readonly InputKind[];
  readonly staleAfterMs?: Partial<Record<InputKind, number>>;
  readonly coreFeatures?: readonly string[];
  readonly largeMoveBars?: number;
  readonly largeMoveAbsReturn?: number;
  readonly degradeOnImplausible?: 'any' | 'required';
  /** Price-jump and mark/index plausibility thresholds (default DEFAULT_PLAUSIBILITY). */
  readonly plausibility?: Partial<PlausibilityConfig>;
}

/** Features the baseline scorer needs; also the WARMING_UP criterion by default. */
function coreFeaturesOf(c: FeatureConfig): string[] {
  return [
    `ret_1`,
    `rv_${c.rvBars[0]}`,
    `rv_pctl_${c.pctlBars}`,
    `drawdown_pctl_${c.pctlBars}`,
    `rally_pctl_${c.pctlBars}`,
  ];
}

interface VectorEntry {
  readonly key: number;
  readonly vec: Float64Array;
  readonly features: Readonly<Record<string, number>>;
  readonly missing: readonly string[];
}

export class FeatureMarketView implements MarketView {
  readonly features: FeatureConfig;
  readonly quality: QualityConfig;
  private readonly engines = new Map<string, FeatureEngine>();
  private readonly cache = new Map<string, VectorEntry>();
  private readonly names: readonly string[];
  private readonly jumps = new Map<string, PriceJumpTracker>();
  private readonly plausibility: PlausibilityConfig;

  constructor(opts: MarketViewOptions = {}) {
    this.features = opts.features ?? defaultFeatureConfig();
    const largeMoveBars = opts.largeMoveBars ?? this.features.returnBars[1] ?? 1;
    if (largeMoveBars > Math.max(...this.features.returnBars))
      throw new RangeError(
        `largeMoveBars ${largeMoveBars} exceeds the longest return window ${Math.max(...this.features.returnBars)}`,
      );
    this.quality = Object.freeze({
      required: opts.required ?? (['bar'] as const),
      staleAfterMs: opts.staleAfterMs ?? {},
      coreFeatures: opts.coreFeatures ?? coreFeaturesOf(this.features),
      largeMoveBars,
      largeMoveAbsReturn: opts.largeMoveAbsReturn ?? 0.04,
      degradeOnImplausible: opts.degradeOnImplausible ?? 'any',
    });
    this.plausibility = Object.freeze({ ...DEFAULT_PLAUSIBILITY, ...opts.plausibility });
    this.names = new FeatureEngine('-', this.features).names;
    const unknown = this.quality.coreFeatures.filter((n) => !this.names.includes(n));
    if (unknown.length) throw new RangeError(`unknown core features: ${unknown.join(', ')}`);
  }

  ingest(event: MarketEvent): void {
    let eng = this.engines.get(event.symbol);
    if (!eng) {
      eng = new FeatureEngine(event.symbol, this.features);
      this.engines.set(event.symbol, eng);
    }
    const outcome = eng.update(event);
    if (event.type === 'bar' && (outcome === 'row' || outcome === 'accepted')) {
      let j = this.jumps.get(event.symbol);
      if (!j) this.jumps.set(event.symbol, (j = new PriceJumpTracker(this.plausibility)));
      j.onBar(event.close);
    }
  }

  snapshot(symbol: string, now: number): MarketSnapshot {
    const eng = this.engines.get(symbol);
    if (!eng || Number.isNaN(eng.asOf)) return this.noData(symbol, now);
    const { vec, features, missing } = this.vector(eng);
    const q = assessQuality(eng, vec, now, this.quality, {
      jump: this.jumps.get(symbol),
      plausibility: this.plausibility,
    });
    const m = eng.mark;
    const lastCandidates: [number, number][] = [
      [eng.lastTradeTs, eng.lastTradePrice],
      [m.lastTs, m.last],
      [eng.lastTs.bar, eng.lastClose],
    ];
    const last = lastCandidates.filter(([t, p]) => !Number.isNaN(t) && p > 0).sort((a, b) => b[0] - a[0])[0]?.[1];
    return Object.freeze({
      symbol,
      asOf: eng.asOf,
      ageMs: now - eng.asOf,
      ...(m.mark > 0 ? { mark: m.mark } : {}),
      ...(last !== undefined ? { last } : {}),
      ...(eng.bestBid > 0 ? { bid: eng.bestBid } : {}),
      ...(eng.bestAsk > 0 ? { ask: eng.bestAsk } : {}),
      features,
      missing,
      ages: Object.freeze(q.ages),
      flags: Object.freeze(q.flags),
      degraded: q.degraded,
    });
  }

  symbols(): readonly string[] {
    return [...this.engines.keys()];
  }

  /** The engine of a symbol (read-only use: counters, last times). */
  engine(symbol: string): FeatureEngine | undefined {
    return this.engines.get(symbol);
  }

  counters(): Record<string, EngineCounters> {
    return Object.fromEntries([...this.engines].map(([s, e]) => [s, { ...e.counters }]));
  }

  /** Forgets every symbol's state: a looping replay calls this before re-warming. */
  reset(): void {
    for (const e of this.engines.values()) e.reset();
    for (const j of this.jumps.values()) j.reset();
    this.cache.clear();
  }

  /** The feature vector of the engine's current version, with its frozen name → value record and
   * missing list: built once per version and shared by every snapshot of it (the audit writer
   * serialises a frozen object once, see audit/redact.ts). */
  private vector(eng: FeatureEngine): VectorEntry {
    const key = eng.version;
    const c = this.cache.get(eng.symbol);
    if (c && c.key === key) return c;
    const vec = eng.sample(eng.asOf);
    const features: Record<string, number> = {};
    const missing: string[] = [];
    this.names.forEach((n, i) => {
      const v = vec[i]!;
      features[n] = v;
      if (Number.isNaN(v)) missing.push(n);
    });
    const entry: VectorEntry = { key, vec, features: Object.freeze(features), missing: Object.freeze(missing) };
    this.cache.set(eng.symbol, entry);
    return entry;
  }

  private noData(symbol: string, now: number): MarketSnapshot {
    const features = Object.fromEntries(this.names.map((n) => [n, NaN]));
    return Object.freeze({
      symbol,
      asOf: 0,
      ageMs: now,
      features,
      missing: this.names,
      ages: {},
      flags: ['NO_DATA'] as DataQualityFlag[],
      degraded: true,
    });
  }
}

export function createMarketView(opts: MarketViewOptions = {}): FeatureMarketView {
  return new FeatureMarketView(opts);
}
