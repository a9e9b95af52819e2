/** Baseline regime scorer: a transparent formula, not a trained model.
 *
 *   v = rv_pctl_720        (percentile of 24-bar realised vol within its last 720 values)
 *   d = drawdown_pctl_720  (percentile of the 24-bar drawdown depth within its last 720 values)
 *   u = rally_pctl_720     (percentile of the 24-bar rally from the trailing low)
 *   pDown = σ(a + wv·(v − ½) + wm·(d − ½))     pUp = σ(a + wv·(v − ½) + wm·(u − ½))
 *   probability = max(pDown, pUp); regime by thresholds on probability.
 * With the defaults (a = −2, wv = 4, wm = 3) median inputs give 0.12 (stable) and the top
 * percentile on both give 0.82 (critical). These are scores shaped like probabilities, not
 * calibrated probabilities. Fail closed: a degraded snapshot or a missing input gives
 * 'unavailable' (regime 'unknown'). */
import { createHash } from 'node:crypto';
import type { FeatureContribution, MarketSnapshot, Regime, RegimeScore, RegimeScorer } from '../core/types.js';

export interface BaselineParams {
  readonly volFeature: string;
  readonly downFeature: string;
  readonly upFeature: string;
  readonly intercept: number;
  readonly volWeight: number;
  readonly moveWeight: number;
  readonly thresholds: { readonly stressed: number; readonly fragile: number; readonly critical: number };
  readonly horizonHours: number;
}

export const DEFAULT_BASELINE_PARAMS: BaselineParams = Object.freeze({
  volFeature: 'rv_pctl_720',
  downFeature: 'drawdown_pctl_720',
  upFeature: 'rally_pctl_720',
  intercept: -2,
  volWeight: 4,
  moveWeight: 3,
  thresholds: Object.freeze({ stressed: 0.25, fragile: 0.5, critical: 0.75 }),
  horizonHours: 4,
});

export const BASELINE_NOTE = 'baseline scorer: volatility and drawdown percentiles, not a trained model';
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

function regimeFor(p: number, t: BaselineParams['thresholds']): Regime {
  if (p >= t.critical) return 'critical';
  if (p >= t.fragile) return 'fragile';
  if (p >= t.stressed) return 'stressed';
  return 'stable';
}

export class BaselineScorer implements RegimeScorer {
  readonly id = 'baseline-v0';
  readonly kind = 'baseline' as const;
  readonly sha256: string;
  readonly params: BaselineParams;

  constructor(params: Partial<BaselineParams> = {}) {
    const p = { ...DEFAULT_BASELINE_PARAMS, ...params };
    const t = p.thresholds;
    if (!(0 < t.stressed && t.stressed < t.fragile && t.fragile < t.critical && t.critical < 1)) {
      throw new RangeError(
        `baseline thresholds must satisfy 0 < stressed < fragile < critical < 1, got ${JSON.stringify(t)}`,
      );
    }
    this.params = Object.freeze(p);
    this.sha256 = createHash('sha256')
      .update(JSON.stringify({ id: this.id, params: canonical(p) }))
      .digest('hex');
  }

  score(snapshot: MarketSnapshot, _now: number): Promise<RegimeScore> {
    return Promise.resolve(this.scoreSync(snapshot));
  }

  /** The same, synchronously (the formula needs no I/O). */
  scoreSync(s: MarketSnapshot): RegimeScore {
    const p = this.params;
    const unavailable = (reason: string): RegimeScore => ({
      status: 'unavailable',
      symbol: s.symbol,
      asOf: s.asOf,
      regime: 'unknown',
      reason,
      scorer: 'baseline',
      modelId: this.id,
    });
    if (s.degraded) return unavailable(`market data degraded${s.flags.length ? `: ${s.flags.join(',')}` : ''}`);
    const names = [p.volFeature, p.downFeature, p.upFeature];
    const absent = names.filter((n) => !Number.isFinite(s.features[n]));
    if (absent.length) return unavailable(`missing features: ${absent.join(',')}`);
    const [v, d, u] = names.map((n) => s.features[n]!) as [number, number, number];
    const cv = p.volWeight * (v - 0.5);
    const cd = p.moveWeight * (d - 0.5);
    const cu = p.moveWeight * (u - 0.5);
    const pDown = sigmoid(p.intercept + cv + cd);
    const pUp = sigmoid(p.intercept + cv + cu);
    const probability = Math.max(pDown, pUp);
    const contributions: FeatureContribution[] = [
      { feature: p.volFeature, value: v, contribution: cv },
      { feature: p.downFeature, value: d, contribution: cd },
      { feature: p.upFeature, value: u, contribution: cu },
    ].sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));
    return {
      status: 'ok',
      symbol: s.symbol,
      asOf: s.asOf,
      scorer: 'baseline',
      modelId: this.id,
      modelSha256: this.sha256,
      pDown,
      pUp,
      probability,
      regime: regimeFor(probability, p.thresholds),
      horizonHours: p.horizonHours,
      contributions,
      note: BASELINE_NOTE,
    };
  }
}

/** JSON with sorted keys, so the hash does not depend on property order. */
function canonical(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(canonical);
  if (x && typeof x === 'object')
    return Object.fromEntries(
      Object.keys(x)
        .sort()
        .map((k) => [k, canonical((x as Record<string, unknown>)[k])]),
    );
  return x;
}

function createBaselineScorer(params: Partial<BaselineParams> = {}): BaselineScorer {
  return new BaselineScorer(params);
}
