/** Value readers shared by the policy schema's keywords (file-validate.ts) and the semantic step
 * (schema.ts, limit-schema.ts): one reading of a decimal and of a duration for both. */
import { Decimal, decimalString, parseDecimalString, type DecimalString } from '../core/decimal.js';
import type { Comparison } from './types.js';
import { CMP_KEYS, type ComparisonFile } from './file-schema.js';

export const describe = (v: unknown): string =>
  v === null
    ? 'null'
    : Array.isArray(v)
      ? 'a list'
      : typeof v === 'object'
        ? 'a mapping'
        : typeof v === 'string'
          ? `"${v}"`
          : `${typeof v} ${String(v)}`;

/** A YAML number or a decimal string through the gateway's one parser (signed, no digit limit: a
 * policy is reviewed). Undefined when it is neither. */
export function decimalOf(v: unknown): Decimal | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? new Decimal(v) : undefined;
  const parsed = parseDecimalString(v, { sign: 'signed', limits: null });
  return parsed.ok ? parsed.value : undefined;
}

const DURATION = /^([0-9]+)(ms|s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function durationMs(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 ? v : undefined;
  const m = typeof v === 'string' ? DURATION.exec(v) : null;
  return m ? Number(m[1]) * UNIT_MS[m[2]!]! : undefined;
}

// The semantic step reads values the schema has checked: a decimal parses, a duration has a unit.
export const dec = (v: number | string): DecimalString => decimalString(decimalOf(v)!);
export const ms = (v: number | string): number => durationMs(v)!;
export const listOf = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

export function compileComparison(raw: ComparisonFile): Comparison {
  const out: Record<string, DecimalString> = {};
  for (const k of CMP_KEYS) if (raw[k] !== undefined) out[k] = dec(raw[k]);
  return out;
}
