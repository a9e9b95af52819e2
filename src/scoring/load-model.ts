/** Loads and checks a model at start: card schema, the .onnx file's sha256 against the card,
 * the graph's input name, width and outputs against the card, and the calibration constants in
 * the graph against the card. Anything wrong is MODEL_INVALID with what to do about it. */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { LiqguardError, type ErrorDetail } from '../core/errors.js';
import { validateCard, type ModelCard } from './model-card.js';
import { decodeOnnx, type DecodedModel } from './onnx-decode.js';

export interface LoadedModel {
  readonly card: ModelCard;
  readonly cardPath: string;
  readonly onnxPath: string;
  readonly onnxBytes: Uint8Array;
  readonly sha256: string;
  readonly decoded: DecodedModel;
}

const fail = (message: string, details: ErrorDetail[] = []): never => {
  throw new LiqguardError('MODEL_INVALID', message, details);
};
const REDO = 'Run `liqguard train` to rebuild it, or point scoring.model at a valid card (models/<id>.json).';

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return fail(
      `model card ${path} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}). ${REDO}`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    return fail(`model card ${path} is not valid JSON (${(e as Error).message}). ${REDO}`);
  }
}

/** `target` is a card path (models/<id>.json) or a models directory holding `default.json`
 * ({ "model": "<id>" }), which names the default card. */
function resolveCardPath(target: string): string {
  let isDir = false;
  try {
    isDir = statSync(target).isDirectory();
  } catch {
    return fail(`model path ${target} does not exist. ${REDO}`);
  }
  if (!isDir) return resolve(target);
  const ptr = readJson(join(target, 'default.json'));
  const id = (ptr as { model?: unknown } | null)?.model;
  if (typeof id !== 'string' || !/^[A-Za-z0-9._-]+$/.test(id))
    return fail(`${join(target, 'default.json')} must be {"model": "<id>"} naming models/<id>.json. ${REDO}`);
  return resolve(target, `${id}.json`);
}

export function loadModel(target: string): LoadedModel {
  const cardPath = resolveCardPath(target);
  const raw = readJson(cardPath);
  const errs = validateCard(raw);
  if (errs.length)
    fail(`model card ${cardPath} is invalid: ${errs.map((e) => `${e.path}: ${e.message}`).join('; ')}. ${REDO}`, errs);
  const card = raw as ModelCard;
  const onnxPath = resolve(dirname(cardPath), card.onnx.file);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(onnxPath);
  } catch (e) {
    return fail(
      `model file ${onnxPath} named by ${cardPath} cannot be read ` +
        `(${(e as NodeJS.ErrnoException).code ?? (e as Error).message}). ${REDO}`,
    );
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (sha256 !== card.onnx.sha256)
    fail(
      `model file ${onnxPath} has sha256 ${sha256} but the card says ${card.onnx.sha256}: the file was ` +
        `altered or belongs to another card. ${REDO}`,
    );
  let decoded: DecodedModel;
  try {
    decoded = decodeOnnx(bytes);
  } catch (e) {
    return fail(`model file ${onnxPath} is not a liqguard regime graph (${(e as Error).message}). ${REDO}`);
  }
  const problems: ErrorDetail[] = [];
  if (decoded.inputName !== card.onnx.inputName)
    problems.push({
      path: 'onnx.inputName',
      message: `graph input is "${decoded.inputName}", card says "${card.onnx.inputName}"`,
    });
  if (decoded.featureCount !== card.features.names.length)
    problems.push({
      path: 'features.names',
      message: `graph takes ${decoded.featureCount} features, card lists ${card.features.names.length}`,
    });
  for (const o of ['p_down', 'p_up'])
    if (!decoded.outputs.includes(o)) problems.push({ path: 'onnx.outputs', message: `graph has no output ${o}` });
  for (const s of ['down', 'up'] as const) {
    const g = decoded.sides[s].calibration;
    const c = card.calibration[s];
    if (Math.fround(c.a) !== g.a || Math.fround(c.b) !== g.b)
      problems.push({ path: `calibration.${s}`, message: `card (${c.a}, ${c.b}) differs from graph (${g.a}, ${g.b})` });
  }
  if (problems.length)
    fail(
      `model ${card.id} does not match its card: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}. ${REDO}`,
      problems,
    );
  return { card, cardPath, onnxPath, onnxBytes: bytes, sha256, decoded };
}
