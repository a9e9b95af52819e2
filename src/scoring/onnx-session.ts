/** The onnxruntime-node edge: one InferenceSession per model (intraOpNumThreads 1, sequential),
 * batch runs returning p_down / p_up as Float64Arrays. */
import * as ort from 'onnxruntime-node';
import { LiqguardError } from '../core/errors.js';
import type { LoadedModel } from './load-model.js';

export interface RegimeSession {
  run(features: Float32Array, rows: number): Promise<{ pDown: Float64Array; pUp: Float64Array }>;
  release(): Promise<void>;
}

export async function createRegimeSession(model: LoadedModel): Promise<RegimeSession> {
  return createSessionFromBytes(
    model.onnxBytes,
    model.card.features.names.length,
    model.card.onnx.inputName,
    model.onnxPath,
  );
}

/** The same session from the graph bytes (training scores its fresh model through the served path). */
export async function createSessionFromBytes(
  bytes: Uint8Array,
  width: number,
  input: string,
  label: string,
): Promise<RegimeSession> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
  } catch (e) {
    throw new LiqguardError(
      'MODEL_INVALID',
      `onnxruntime cannot load ${label} (${(e as Error).message}). Re-run \`liqguard train\`.`,
    );
  }
  return {
    async run(features, rows) {
      if (features.length !== rows * width)
        throw new RangeError(`expected ${rows} x ${width} features, got ${features.length} values`);
      const out = await session.run({ [input]: new ort.Tensor('float32', features, [rows, width]) });
      const get = (k: string): Float64Array => Float64Array.from((out[k] as ort.Tensor).data as Float32Array);
      return { pDown: get('p_down'), pUp: get('p_up') };
    },
    release: () => session.release(),
  };
}
