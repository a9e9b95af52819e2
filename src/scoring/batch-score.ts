/** Scores a whole feature matrix with the ONNX session (one batch run) and walks the hysteresis
 * over the rows in time order: what `liqguard score` prints and `liqguard evaluate` measures.
 * Row r depends only on rows <= r (features are causal, hysteresis runs forward). */
import type { RegimeLabel } from '../core/types.js';
import type { LoadedModel } from './load-model.js';
import type { RegimeSession } from './onnx-session.js';
import { nextRegime, type RegimeState } from './regime.js';

export interface BatchScores {
  readonly pDown: Float64Array;
  readonly pUp: Float64Array;
  readonly regime: RegimeLabel[];
  readonly missing: Uint16Array;
}

/** `rows` x names (card order), NaN = missing. Rows with more missing features than the card
 * allows get NaN probabilities and regime 'unknown' (and do not move the hysteresis state). */
export async function scoreBatch(
  model: LoadedModel,
  session: RegimeSession,
  data: Float64Array,
  rows: number,
): Promise<BatchScores> {
  const card = model.card;
  const F = card.features.names.length;
  const maxMissing = card.serving.maxMissingFraction * F;
  const { pDown, pUp } =
    rows > 0
      ? await session.run(Float32Array.from(data), rows)
      : { pDown: new Float64Array(0), pUp: new Float64Array(0) };
  const regime: RegimeLabel[] = [];
  const missing = new Uint16Array(rows);
  let st: RegimeState | undefined;
  for (let r = 0; r < rows; r++) {
    let m = 0;
    for (let j = 0; j < F; j++) if (!Number.isFinite(data[r * F + j] as number)) m++;
    missing[r] = m;
    if (m > maxMissing) {
      pDown[r] = NaN;
      pUp[r] = NaN;
      regime.push('unknown');
      continue;
    }
    st = nextRegime(st, Math.max(pDown[r] as number, pUp[r] as number), card.regime.thresholds, card.regime.hysteresis);
    regime.push(st.regime);
  }
  return { pDown, pUp, regime, missing };
}
