/** OnnxRegimeScorer: the trained model behind the RegimeScorer interface. Per symbol it caches
 * the score of the last snapshot.asOf (ORT runs once per feature update, however many orders
 * ask), carries the hysteresis state, and attaches the top Saabas contributions of the side that
 * sets the probability. Degraded snapshots, or too many missing features, give 'unavailable'. */
import type { FeatureContribution, MarketSnapshot, RegimeScore, RegimeScorer } from '../core/types.js';
import type { LoadedModel } from './load-model.js';
import { LiqguardError } from '../core/errors.js';
import { createRegimeSession, type RegimeSession } from './onnx-session.js';
import { nextRegime, type RegimeState } from './regime.js';
import { pathContributions } from './tree-ensemble.js';

export interface OnnxScorerOptions {
  /** Feature names the online feature engine produces; every model feature must be among them. */
  readonly engineFeatureNames?: readonly string[];
}

interface Entry {
  readonly asOf: number;
  readonly result: Promise<RegimeScore>;
}

/** Builds the model's input row from a snapshot by name; absent or non-finite inputs are NaN. */
function featureVector(
  names: readonly string[],
  features: Readonly<Record<string, number>>,
): { x: Float32Array; missing: string[] } {
  const x = new Float32Array(names.length);
  const missing: string[] = [];
  names.forEach((n, j) => {
    const v = features[n];
    if (typeof v === 'number' && Number.isFinite(v)) x[j] = v;
    else {
      x[j] = NaN;
      missing.push(n);
    }
  });
  return { x, missing };
}

export class OnnxRegimeScorer implements RegimeScorer {
  readonly kind = 'model' as const;
  readonly id: string;
  readonly sha256: string;
  private readonly cache = new Map<string, Entry>();
  private readonly states = new Map<string, RegimeState>();

  private constructor(
    private readonly model: LoadedModel,
    private readonly session: RegimeSession,
  ) {
    this.id = model.card.id;
    this.sha256 = model.sha256;
  }

  static async create(model: LoadedModel, opts: OnnxScorerOptions = {}): Promise<OnnxRegimeScorer> {
    if (opts.engineFeatureNames) {
      const have = new Set(opts.engineFeatureNames);
      const absent = model.card.features.names.filter((n) => !have.has(n));
      if (absent.length) {
        throw new LiqguardError(
          'MODEL_INVALID',
          `model ${model.card.id} needs features the feature engine does not produce: ${absent.join(', ')}. Retrain with \`liqguard train\` against the current feature engine.`,
          absent.map((n) => ({ path: 'features.names', message: `unknown feature ${n}` })),
        );
      }
    }
    return new OnnxRegimeScorer(model, await createRegimeSession(model));
  }

  score(snapshot: MarketSnapshot, _now: number): Promise<RegimeScore> {
    const hit = this.cache.get(snapshot.symbol);
    if (hit && hit.asOf === snapshot.asOf) return hit.result;
    // Frozen: every order of the bar shares this score, and the audit writer serialises a deeply
    // frozen object once (audit/redact.ts).
    const result = this.compute(snapshot).then(freezeScore);
    this.cache.set(snapshot.symbol, { asOf: snapshot.asOf, result });
    return result;
  }

  async close(): Promise<void> {
    await this.session.release();
  }

  private unavailable(s: MarketSnapshot, reason: string): RegimeScore {
    return {
      status: 'unavailable',
      symbol: s.symbol,
      asOf: s.asOf,
      regime: 'unknown',
      reason,
      scorer: 'model',
      modelId: this.id,
    };
  }

  private async compute(s: MarketSnapshot): Promise<RegimeScore> {
    const card = this.model.card;
    if (s.degraded) return this.unavailable(s, `market data degraded: ${s.flags.join(', ') || 'no flag given'}`);
    const { x, missing } = featureVector(card.features.names, s.features);
    if (missing.length > card.serving.maxMissingFraction * card.features.names.length) {
      return this.unavailable(
        s,
        `${missing.length} of ${card.features.names.length} model features missing ` +
          `(${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''})`,
      );
    }
    let pDown: number;
    let pUp: number;
    try {
      const r = await this.session.run(x, 1);
      pDown = r.pDown[0] as number;
      pUp = r.pUp[0] as number;
    } catch (e) {
      return this.unavailable(s, `model error: ${(e as Error).message}`);
    }
    const probability = Math.max(pDown, pUp);
    const state = nextRegime(this.states.get(s.symbol), probability, card.regime.thresholds, card.regime.hysteresis);
    this.states.set(s.symbol, state);
    const side = pDown >= pUp ? 'down' : 'up';
    return {
      status: 'ok',
      symbol: s.symbol,
      asOf: s.asOf,
      scorer: 'model',
      modelId: this.id,
      modelSha256: this.sha256,
      pDown,
      pUp,
      probability,
      regime: state.regime,
      horizonHours: card.label.horizonHours,
      contributions: topContributions(this.model, side, x, card.serving.topContributions),
      note: `contributions explain p_${side} (Saabas path attribution, log-odds before calibration)${missing.length ? `; missing: ${missing.join(', ')}` : ''}`,
    };
  }
}

function freezeScore(s: RegimeScore): RegimeScore {
  if (s.status === 'ok') for (const c of s.contributions) Object.freeze(c);
  if (s.status === 'ok') Object.freeze(s.contributions);
  return Object.freeze(s);
}

function topContributions(
  model: LoadedModel,
  side: 'down' | 'up',
  x: ArrayLike<number>,
  k: number,
): FeatureContribution[] {
  const { contributions } = pathContributions(model.decoded.sides[side].model, x);
  const names = model.card.features.names;
  return Array.from(contributions, (c, j) => ({ feature: names[j] as string, value: x[j] as number, contribution: c }))
    .filter((c) => c.contribution !== 0)
    .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution) || (a.feature < b.feature ? -1 : 1))
    .slice(0, k);
}
