/** Small validation helpers for the policy schema. Hand-written rather than a JSON schema so that
 * every error names its exact path and says what is wrong in words (`rules[3].when.regime:
 * unknown value "calm"`), all errors at once, without oneOf noise. */
import type { ErrorDetail } from '../../../src/core/errors.js';
import { Decimal, decimalString, parseDecimalString, type DecimalString } from '../../../src/core/decimal.js';

export type Raw = Record<string, unknown>;

export class Issues {
  readonly list: ErrorDetail[] = [];
  add(path: string, message: string): undefined {
    this.list.push({ path: path || '(root)', message });
    return undefined;
  }
}

const describe = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'string' ? `"${v}"` : `${typeof v} ${String(v)}`;

export const join = (base: string, key: string | number): string =>
  typeof key === 'number' ? `${base}[${key}]` : base ? `${base}.${key}` : key;

/** An object whose keys are all in `allowed`; unknown keys are reported one by one. */
export function object(v: unknown, path: string, allowed: readonly string[], is: Issues): Raw | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    return is.add(path, `must be a mapping, got ${describe(v)}`);
  const raw = v as Raw;
  for (const k of Object.keys(raw))
    if (!allowed.includes(k)) is.add(join(path, k), `unknown key (allowed: ${allowed.join(', ')})`);
  return raw;
}

export function string(v: unknown, path: string, is: Issues, pattern?: RegExp, hint?: string): string | undefined {
  if (typeof v !== 'string' || v.length === 0) return is.add(path, `must be a non-empty string, got ${describe(v)}`);
  if (pattern && !pattern.test(v)) return is.add(path, `${describe(v)} ${hint ?? `must match ${pattern}`}`);
  return v;
}

export function boolean(v: unknown, path: string, is: Issues): boolean | undefined {
  if (typeof v !== 'boolean') return is.add(path, `must be true or false, got ${describe(v)}`);
  return v;
}

export function integer(
  v: unknown,
  path: string,
  is: Issues,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    return is.add(path, `must be an integer in [${min}, ${max}], got ${describe(v)}`);
  return v;
}

export function number(v: unknown, path: string, is: Issues, min: number, max: number): number | undefined {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max)
    return is.add(path, `must be a number in [${min}, ${max}], got ${describe(v)}`);
  return v;
}

export function oneOf<T extends string>(v: unknown, path: string, values: readonly T[], is: Issues): T | undefined {
  if (typeof v !== 'string' || !values.includes(v as T))
    return is.add(path, `unknown value ${describe(v)} (allowed: ${values.join(', ')})`);
  return v as T;
}

/** A string or a list of strings (globs, regimes): always returned as a list. */
export function list<T>(
  v: unknown,
  path: string,
  is: Issues,
  item: (x: unknown, p: string) => T | undefined,
): T[] | undefined {
  const items = Array.isArray(v) ? v : [v];
  if (Array.isArray(v) && v.length === 0) return is.add(path, 'must not be an empty list');
  const out: T[] = [];
  items.forEach((x, i) => {
    const r = item(x, Array.isArray(v) ? join(path, i) : path);
    if (r !== undefined) out.push(r);
  });
  return out.length === items.length ? out : undefined;
}

/** A decimal written as a YAML number or a string; returned as canonical branded text. A string
 * goes through the gateway's one decimal parser (signed, no digit limit: a policy is reviewed). */
export function decimal(
  v: unknown,
  path: string,
  is: Issues,
  opts: { min?: number; positive?: boolean } = {},
): DecimalString | undefined {
  let d: Decimal;
  const parsed = typeof v === 'string' ? parseDecimalString(v, { sign: 'signed', limits: null }) : undefined;
  if (typeof v === 'number' && Number.isFinite(v)) d = new Decimal(v);
  else if (parsed?.ok) d = parsed.value;
  else return is.add(path, `must be a decimal number such as "1000" or 0.5, got ${describe(v)}`);
  if (opts.positive && d.lte(0)) return is.add(path, `must be greater than 0, got ${d.toFixed()}`);
  if (opts.min !== undefined && d.lt(opts.min)) return is.add(path, `must be at least ${opts.min}, got ${d.toFixed()}`);
  return decimalString(d);
}

const DURATION = /^([0-9]+)(ms|s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "250ms", "2s", "5m", "1h", "1d" or an integer of milliseconds. */
export function duration(
  v: unknown,
  path: string,
  is: Issues,
  opts: { min?: number; max?: number } = {},
): number | undefined {
  let ms: number | undefined;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) ms = v;
  else if (typeof v === 'string') {
    const m = DURATION.exec(v);
    if (m) ms = Number(m[1]) * UNIT_MS[m[2]!]!;
  }
  if (ms === undefined)
    return is.add(
      path,
      `must be a duration such as "500ms", "2s", "5m", "1h" (or integer milliseconds), got ${describe(v)}`,
    );
  if (opts.min !== undefined && ms < opts.min) return is.add(path, `must be at least ${opts.min} ms, got ${ms} ms`);
  if (opts.max !== undefined && ms > opts.max) return is.add(path, `must be at most ${opts.max} ms, got ${ms} ms`);
  return ms;
}

export function required(raw: Raw, key: string, path: string, is: Issues): boolean {
  if (raw[key] === undefined) {
    is.add(join(path, key), 'is required');
    return false;
  }
  return true;
}
