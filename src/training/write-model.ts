/** Writes models/<id>.onnx, <id>.json and <id>.md (and optionally default.json). JSON is
 * stringified with stable key order (insertion order of a deterministic build) and a newline. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TrainResult } from './train-run.js';

export function cardJson(card: unknown): string {
  return JSON.stringify(card, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n';
}

export function writeModel(
  outDir: string,
  r: TrainResult,
  setDefault: boolean,
): { onnx: string; card: string; markdown: string } {
  mkdirSync(outDir, { recursive: true });
  const paths = {
    onnx: join(outDir, `${r.id}.onnx`),
    card: join(outDir, `${r.id}.json`),
    markdown: join(outDir, `${r.id}.md`),
  };
  writeFileSync(paths.onnx, r.onnx);
  writeFileSync(paths.card, cardJson(r.card));
  writeFileSync(paths.markdown, r.markdown);
  if (setDefault) writeFileSync(join(outDir, 'default.json'), JSON.stringify({ model: r.id }, null, 2) + '\n');
  return paths;
}
