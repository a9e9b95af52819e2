/** The model card: the contract between `liqguard train` and the serving side. Serving reads
 * only the fields below `onnx`, `features`, `label`, `regime`, `serving`; the rest (training,
 * evaluation) is documentation kept in the same file. Validated at load: every problem at once. */
import type { ErrorDetail } from '../core/errors.js';

export interface RegimeThresholds {
  readonly stressed: number;
  readonly fragile: number;
  readonly critical: number;
}
export interface Hysteresis {
  /** A level is left only when the probability is below its threshold minus this margin ... */
  readonly margin: number;
  /** ... on this many consecutive feature updates (1 = at once). */
  readonly deescalateAfterBars: number;
}

export interface ModelCard {
  readonly schemaVersion: 1;
  readonly id: string;
  readonly onnx: {
    readonly file: string;
    readonly sha256: string;
    readonly inputName: string;
    readonly outputs: readonly string[];
    readonly irVersion: number;
    readonly opsets: Readonly<Record<string, number>>;
  };
  readonly features: { readonly names: readonly string[]; readonly barMs: number; readonly source: string };
  readonly label: {
    readonly kind: 'adverse-move';
    readonly thresholdPct: number;
    readonly horizonHours: number;
    readonly horizonBars: number;
    readonly description: string;
  };
  readonly calibration: Readonly<
    Record<'down' | 'up', { readonly method: 'platt'; readonly a: number; readonly b: number }>
  >;
  readonly regime: {
    readonly thresholds: RegimeThresholds;
    readonly hysteresis: Hysteresis;
    readonly probability: 'max(p_down, p_up)';
    readonly basis: string;
  };
  readonly serving: { readonly maxMissingFraction: number; readonly topContributions: number };
  readonly training: Readonly<Record<string, unknown>>;
  readonly evaluation: Readonly<Record<string, unknown>>;
}

const TOP_KEYS = [
  'schemaVersion',
  'id',
  'onnx',
  'features',
  'label',
  'calibration',
  'regime',
  'serving',
  'training',
  'evaluation',
];

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Returns every problem found (empty when the card is usable). */
export function validateCard(raw: unknown): ErrorDetail[] {
  const errs: ErrorDetail[] = [];
  const need = (cond: boolean, path: string, message: string): void => {
    if (!cond) errs.push({ path, message });
  };
  if (!isObj(raw)) return [{ path: '', message: 'card must be a JSON object' }];
  for (const k of Object.keys(raw)) need(TOP_KEYS.includes(k), k, `unknown key "${k}"`);
  need(raw.schemaVersion === 1, 'schemaVersion', 'must be 1');
  need(
    typeof raw.id === 'string' && /^[A-Za-z0-9._-]+$/.test(raw.id),
    'id',
    'must be a non-empty id of letters, digits, . _ -',
  );
  const o = raw.onnx;
  if (!isObj(o)) errs.push({ path: 'onnx', message: 'missing object' });
  else {
    need(
      typeof o.file === 'string' && o.file.endsWith('.onnx'),
      'onnx.file',
      'must name the .onnx file (relative to the card)',
    );
    need(
      typeof o.sha256 === 'string' && /^[0-9a-f]{64}$/.test(o.sha256),
      'onnx.sha256',
      'must be 64 lowercase hex digits',
    );
    need(typeof o.inputName === 'string', 'onnx.inputName', 'must be a string');
    need(
      Array.isArray(o.outputs) && o.outputs.includes('p_down') && o.outputs.includes('p_up'),
      'onnx.outputs',
      'must list p_down and p_up',
    );
  }
  const f = raw.features;
  if (!isObj(f)) errs.push({ path: 'features', message: 'missing object' });
  else {
    const names = f.names;
    need(
      Array.isArray(names) && names.length > 0 && names.every((n) => typeof n === 'string'),
      'features.names',
      'must be a non-empty list of feature names',
    );
    need(Array.isArray(names) && new Set(names).size === names.length, 'features.names', 'must not repeat a name');
    need(isNum(f.barMs) && f.barMs > 0, 'features.barMs', 'must be a positive number of ms');
  }
  const l = raw.label;
  if (!isObj(l)) errs.push({ path: 'label', message: 'missing object' });
  else {
    need(isNum(l.thresholdPct) && l.thresholdPct > 0, 'label.thresholdPct', 'must be > 0');
    need(isNum(l.horizonHours) && l.horizonHours > 0, 'label.horizonHours', 'must be > 0');
  }
  const c = raw.calibration;
  for (const s of ['down', 'up']) {
    const cs = isObj(c) ? c[s] : undefined;
    need(
      isObj(cs) && cs.method === 'platt' && isNum(cs.a) && isNum(cs.b),
      `calibration.${s}`,
      'must be { method: "platt", a, b }',
    );
  }
  const r = raw.regime;
  if (!isObj(r) || !isObj(r.thresholds) || !isObj(r.hysteresis))
    errs.push({ path: 'regime', message: 'must have thresholds and hysteresis' });
  else {
    const t = r.thresholds;
    need(
      isNum(t.stressed) &&
        isNum(t.fragile) &&
        isNum(t.critical) &&
        0 < (t.stressed as number) &&
        (t.stressed as number) < (t.fragile as number) &&
        (t.fragile as number) < (t.critical as number) &&
        (t.critical as number) < 1,
      'regime.thresholds',
      'must satisfy 0 < stressed < fragile < critical < 1',
    );
    need(isNum(r.hysteresis.margin) && r.hysteresis.margin >= 0, 'regime.hysteresis.margin', 'must be >= 0');
    need(
      Number.isInteger(r.hysteresis.deescalateAfterBars) && (r.hysteresis.deescalateAfterBars as number) >= 1,
      'regime.hysteresis.deescalateAfterBars',
      'must be an integer >= 1',
    );
  }
  const sv = raw.serving;
  need(
    isObj(sv) &&
      isNum(sv.maxMissingFraction) &&
      sv.maxMissingFraction >= 0 &&
      sv.maxMissingFraction <= 1 &&
      Number.isInteger(sv.topContributions),
    'serving',
    'must have maxMissingFraction in [0, 1] and integer topContributions',
  );
  need(isObj(raw.training), 'training', 'must be an object');
  need(isObj(raw.evaluation), 'evaluation', 'must be an object');
  return errs;
}
