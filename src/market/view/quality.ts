/** Data-quality flags of one symbol's engine at snapshot time. Pure: engine state + now. */
import type { DataQualityFlag } from '../../core/types.js';
import { INPUT_KINDS, type InputKind } from '../features/config.js';
import type { FeatureEngine } from '../features/engine.js';
import { markImplausible, type PlausibilityConfig, type PriceJumpTracker } from './plausibility.js';

export interface QualityConfig {
  /** Inputs that must be present and fresh; their absence or staleness degrades the snapshot. */
  readonly required: readonly InputKind[];
  /** STALE when now − last event of an input exceeds this; defaults to the engine's max ages. */
  readonly staleAfterMs: Partial<Record<InputKind, number>>;
  /** WARMING_UP while any of these is NaN although bars are fresh. */
  readonly coreFeatures: readonly string[];
  /** LIQUIDATION_FEED_SILENT: |log return| over largeMoveBars ≥ largeMoveAbsReturn with no
   * liquidation notional in those bars (or a stale liquidation feed). */
  readonly largeMoveBars: number;
  readonly largeMoveAbsReturn: number;
  /** 'any' (default, fail closed): every plausibility flag degrades; 'required': only flags of
   * required inputs do. */
  readonly degradeOnImplausible: 'any' | 'required';
}

export interface Quality {
  readonly flags: DataQualityFlag[];
  readonly degraded: boolean;
  readonly ages: Record<string, number>;
  readonly staleInputs: InputKind[];
}

const FLAG_INPUT: Partial<Record<DataQualityFlag, InputKind>> = {
  OI_JUMP_WITHOUT_VOLUME: 'openInterest',
  LIQUIDATION_FEED_SILENT: 'liquidation',
  CROSSED_BOOK: 'book',
};

/** Price plausibility inputs (plausibility.ts); absent: those checks are skipped. */
export interface PlausibilityInputs {
  readonly jump?: PriceJumpTracker | undefined;
  readonly plausibility: PlausibilityConfig;
}

export function assessQuality(
  eng: FeatureEngine,
  vec: Float64Array,
  now: number,
  q: QualityConfig,
  p?: PlausibilityInputs,
): Quality {
  const flags = new Set<DataQualityFlag>();
  const ages: Record<string, number> = {};
  const staleInputs: InputKind[] = [];
  const required = new Set(q.required);
  let degraded = false;
  for (const k of INPUT_KINDS) {
    const t = eng.lastTs[k];
    if (Number.isNaN(t)) {
      if (required.has(k)) (flags.add('NO_DATA'), (degraded = true));
    } else {
      ages[k] = now - t;
      if (now - t > (q.staleAfterMs[k] ?? eng.maxAge(k))) {
        flags.add('STALE');
        staleInputs.push(k);
        if (required.has(k)) degraded = true;
      }
    }
    const rej = eng.lastReject[k];
    if (rej && !(eng.lastTs[k]! > rej.ts)) {
      flags.add(rej.reason);
      if (q.degradeOnImplausible === 'any' || required.has(k)) degraded = true;
    }
  }
  const implausible = (f: DataQualityFlag) => {
    flags.add(f);
    const k = FLAG_INPUT[f];
    if (q.degradeOnImplausible === 'any' || (k && required.has(k))) degraded = true;
  };
  if (eng.oiJump) implausible('OI_JUMP_WITHOUT_VOLUME');
  if (liquidationSilent(eng, now, q)) implausible('LIQUIDATION_FEED_SILENT');
  // Consistent but unbelievable prices: fail closed (regime unknown), whatever input is required.
  if (p?.jump?.jumped) (flags.add('PRICE_JUMP'), (degraded = true));
  const markFresh =
    !Number.isNaN(eng.lastTs.mark) && now - eng.lastTs.mark <= (q.staleAfterMs.mark ?? eng.maxAge('mark'));
  if (p && markFresh && markImplausible(eng.mark.mark, eng.mark.index, eng.lastClose, p.plausibility))
    (flags.add('MARK_INDEX_DIVERGENCE'), (degraded = true));
  const minWindow = Math.min(...eng.config.rvBars);
  if (eng.gapAtBar > eng.bars - minWindow) flags.add('FEED_GAP');
  const barFresh = !Number.isNaN(eng.lastTs.bar) && eng.asOf - eng.lastTs.bar <= eng.maxAge('bar');
  if (barFresh && q.coreFeatures.some((n) => Number.isNaN(vec[eng.names.indexOf(n)] ?? NaN))) {
    flags.add('WARMING_UP');
    degraded = true;
  }
  return { flags: [...flags], degraded, ages, staleInputs };
}

function liquidationSilent(eng: FeatureEngine, now: number, q: QualityConfig): boolean {
  if (Number.isNaN(eng.lastTs.liquidation) || eng.bars <= q.largeMoveBars) return false;
  // large move measured on closed bars: |ln(close_t / close_{t−n})|
  const move = Math.abs(eng.returnOver(q.largeMoveBars));
  if (!(move >= q.largeMoveAbsReturn)) return false;
  const stale = now - eng.lastTs.liquidation > (q.staleAfterMs.liquidation ?? eng.maxAge('liquidation'));
  return stale || eng.liqOverLastBars(q.largeMoveBars) === 0;
}
