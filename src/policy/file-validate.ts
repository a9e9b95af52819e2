/** Runs `policyFileSchema` through ajv (strict, all errors) and words each error the way a policy
 * author reads it: its path in the file (`rules[3].when.regime[0]`) and what is wrong
 * (`unknown value "calm" (allowed: …)`), one error per path, without anyOf/if noise. */
import { Ajv, type ErrorObject, type SchemaValidateFunction } from 'ajv';
import type { ErrorDetail } from '../core/errors.js';
import { DENY_CODES } from '../core/deny-codes.js';
import { ACTIONS, policyFileSchema, type PolicyFile } from './file-schema.js';
import { decimalOf, describe, durationMs } from './validate-kit.js';

/** A value keyword whose failure carries its own message. */
function valueKeyword<S>(problem: (bounds: S, data: unknown) => string | undefined): SchemaValidateFunction {
  const check: SchemaValidateFunction = (bounds: S, data: unknown) => {
    const message = problem(bounds, data);
    check.errors = message ? [{ keyword: 'value', message, params: {} }] : [];
    return message === undefined;
  };
  return check;
}

const decimalProblem = (b: { min?: number; positive?: boolean }, v: unknown): string | undefined => {
  const d = decimalOf(v);
  if (!d) return `must be a decimal number such as "1000" or 0.5, got ${describe(v)}`;
  if (b.positive && d.lte(0)) return `must be greater than 0, got ${d.toFixed()}`;
  if (b.min !== undefined && d.lt(b.min)) return `must be at least ${b.min}, got ${d.toFixed()}`;
  return undefined;
};

const durationProblem = (b: { min?: number; max?: number }, v: unknown): string | undefined => {
  const ms = durationMs(v);
  if (ms === undefined)
    return `must be a duration such as "500ms", "2s", "5m", "1h" (or integer milliseconds), got ${describe(v)}`;
  if (b.min !== undefined && ms < b.min) return `must be at least ${b.min} ms, got ${ms} ms`;
  if (b.max !== undefined && ms > b.max) return `must be at most ${b.max} ms, got ${ms} ms`;
  return undefined;
};

// strict: a keyword ajv does not know, or one that cannot apply, is a build error, not a no-op.
// verbose: errors carry the value and the schema, which the wording below reads.
const ajv = new Ajv({ allErrors: true, strict: true, verbose: true });
ajv.addVocabulary(['hint', 'needs', 'exactlyOne', 'ruleActions', 'denialCode']);
ajv.addKeyword({ keyword: 'decimal', schemaType: 'object', errors: true, validate: valueKeyword(decimalProblem) });
ajv.addKeyword({ keyword: 'duration', schemaType: 'object', errors: true, validate: valueKeyword(durationProblem) });
const validate = ajv.compile<PolicyFile>(policyFileSchema);

function pathOf(e: ErrorObject): string {
  const base = e.instancePath
    .replace(/^\//, '')
    .replace(/\/(\d+)(?=\/|$)/g, '[$1]')
    .replace(/\//g, '.')
    .replace(/~1/g, '/')
    .replace(/~0/g, '~');
  const key =
    e.keyword === 'additionalProperties'
      ? (e.params as { additionalProperty: string }).additionalProperty
      : e.keyword === 'required'
        ? (e.params as { missingProperty: string }).missingProperty
        : undefined;
  if (key === undefined) return base || '(root)';
  return base ? `${base}.${key}` : key;
}

type Annotated = {
  hint?: string;
  needs?: string[];
  exactlyOne?: string[];
  ruleActions?: boolean;
  denialCode?: boolean;
  properties?: Record<string, unknown>;
  minimum?: number;
  maximum?: number;
  type?: string | string[];
  pattern?: string;
};

function typeWords(s: Annotated): string {
  const t = Array.isArray(s.type) ? s.type[0] : s.type;
  if (s.hint) return s.hint;
  if (t === 'object') return 'must be a mapping';
  if (t === 'string') return 'must be a non-empty string';
  if (t === 'boolean') return 'must be true or false';
  if (t === 'integer') return `must be an integer in [${s.minimum}, ${s.maximum}]`;
  if (t === 'number') return `must be a number in [${s.minimum}, ${s.maximum}]`;
  if (t === 'array') return 'must be a list';
  return `must be ${String(s.type)}`;
}

/** The words of one error, or undefined for errors that only echo another (anyOf branches, if). */
function messageOf(e: ErrorObject): string | undefined {
  const s = (e.parentSchema ?? {}) as Annotated;
  const got = `got ${describe(e.data)}`;
  switch (e.keyword) {
    case 'additionalProperties':
      return `unknown key (allowed: ${Object.keys(s.properties ?? {}).join(', ')})`;
    case 'required':
      return /\/(anyOf|oneOf)\/\d+\/required$/.test(e.schemaPath) ? undefined : 'is required';
    case 'type':
      return `${typeWords(s)}, ${got}`;
    case 'minLength':
      return `must be a non-empty string, ${got}`;
    case 'pattern':
      return `${describe(e.data)} ${s.hint ?? `must match /${s.pattern}/`}`;
    case 'minimum':
    case 'maximum':
      return `${typeWords({ ...s, hint: undefined })}, ${got}`;
    case 'enum': {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
      if (s.denialCode)
        return (
          `unknown denial code ${JSON.stringify(e.data)} ` +
          `(see src/core/deny-codes.ts: ${Object.keys(DENY_CODES).slice(0, 4).join(', ')}, ...)`
        );
      return `unknown value ${describe(e.data)} (allowed: ${allowed.join(', ')})`;
    }
    case 'minItems':
      return s.hint ?? 'must not be an empty list';
    case 'minProperties':
      return s.hint ?? 'must not be empty';
    case 'anyOf':
      return s.needs ? `needs at least one of ${s.needs.join(', ')}` : undefined;
    case 'oneOf':
      if (s.exactlyOne) return `needs exactly one of ${s.exactlyOne.join(', ')}`;
      if (s.ruleActions) {
        // A rule that is not a mapping already has its type error.
        if (typeof e.data !== 'object' || e.data === null || Array.isArray(e.data)) return undefined;
        const data = e.data as Record<string, unknown>;
        const keys = Object.keys(s.properties ?? {});
        const present = keys.filter((k) => isAction(k) && Object.hasOwn(data, k) && data[k] !== undefined);
        return present.length
          ? `has ${present.length} actions (${present.join(', ')}); a rule has exactly one`
          : `needs exactly one action: ${keys.filter(isAction).join(', ')}`;
      }
      return undefined;
    case 'if':
    case 'not':
      return undefined;
    default:
      return e.message ?? 'is invalid';
  }
}
const isAction = (k: string): boolean => (ACTIONS as readonly string[]).includes(k);

/** A document the schema accepts (typed), or the worded errors, one per path, in document order. */
export function checkPolicyFile(doc: unknown): { ok: true; file: PolicyFile } | { ok: false; issues: ErrorDetail[] } {
  if (validate(doc)) return { ok: true, file: doc };
  const issues: ErrorDetail[] = [];
  const seen = new Set<string>();
  for (const e of validate.errors ?? []) {
    const message = messageOf(e);
    if (message === undefined) continue;
    const path = pathOf(e);
    // A type or union failure below an `if`, and the same value failing twice, read as one error.
    const key = `${path}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push({ path, message });
  }
  return { ok: false, issues };
}
