/** Probability -> regime with hysteresis. Escalation is immediate (fail towards caution). A
 * higher level is left only after the probability has stayed below (that level's threshold -
 * margin) for `deescalateAfterBars` consecutive feature updates; the regime then drops to the
 * level the probability supports under the lowered thresholds. Pure: state in, state out. */
import type { Regime } from '../core/types.js';
import type { Hysteresis, RegimeThresholds } from './model-card.js';

const LEVELS: readonly Regime[] = ['stable', 'stressed', 'fragile', 'critical'];

export interface RegimeState {
  readonly regime: Regime;
  readonly below: number;
}

export function rawLevel(p: number, t: RegimeThresholds, margin = 0): number {
  if (p >= t.critical - margin) return 3;
  if (p >= t.fragile - margin) return 2;
  if (p >= t.stressed - margin) return 1;
  return 0;
}

export function nextRegime(prev: RegimeState | undefined, p: number, t: RegimeThresholds, h: Hysteresis): RegimeState {
  const raw = rawLevel(p, t);
  if (!prev) return { regime: LEVELS[raw] as Regime, below: 0 };
  const cur = LEVELS.indexOf(prev.regime);
  if (raw >= cur) return { regime: LEVELS[raw] as Regime, below: 0 };
  const lowered = rawLevel(p, t, h.margin);
  if (lowered >= cur) return { regime: prev.regime, below: 0 }; // inside the hysteresis band
  const below = prev.below + 1;
  if (below >= h.deescalateAfterBars) return { regime: LEVELS[lowered] as Regime, below: 0 };
  return { regime: prev.regime, below };
}
