/** Platt scaling on the model margin: p = sigmoid(a * margin + b), fitted by Newton on log-loss.
 * It exports to ONNX as Mul/Add/Sigmoid, so the served probability is exactly this function. */
import { choleskySolve } from './logistic.js';
import { sigmoid } from './matrix.js';
import type { PlattCalibration } from '../scoring/tree-ensemble.js';

export function fitPlatt(margins: ArrayLike<number>, y: ArrayLike<number>, maxIter = 50): PlattCalibration {
  let a = 1;
  let b = 0;
  const n = margins.length;
  for (let it = 0; it < maxIter; it++) {
    let ga = 0;
    let gb = 0;
    let haa = 0;
    let hab = 0;
    let hbb = 0;
    for (let i = 0; i < n; i++) {
      const m = margins[i] as number;
      const p = sigmoid(a * m + b);
      const r = p - (y[i] as number);
      const w = Math.max(p * (1 - p), 1e-12);
      ga += r * m;
      gb += r;
      haa += w * m * m;
      hab += w * m;
      hbb += w;
    }
    const step = choleskySolve(Float64Array.from([haa + 1e-9, hab, hab, hbb + 1e-9]), Float64Array.from([ga, gb]), 2);
    a -= step[0] as number;
    b -= step[1] as number;
    if (Math.abs(step[0] as number) + Math.abs(step[1] as number) < 1e-10) break;
  }
  // float32 so the ONNX constants and the TS path hold the same numbers.
  return { a: Math.fround(a), b: Math.fround(b) };
}

export const applyPlatt = (cal: PlattCalibration, margins: ArrayLike<number>): Float64Array =>
  Float64Array.from(margins as ArrayLike<number>, (m) => sigmoid(cal.a * m + cal.b));
