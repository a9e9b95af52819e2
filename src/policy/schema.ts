/** A policy document → the validated set: first `policyFileSchema` (structure, types, enums,
 * patterns, unknown keys, value bounds: file-validate.ts), then this semantic step over the typed
 * value: durations → ms, decimals → canonical text, defaults, the cross-field checks the schema
 * cannot say (duplicate rule ids, split jitter within its interval). Every error with its path,
 * all at once: a rule the schema accepted is still checked when another rule failed. */
import type { ErrorDetail } from '../core/errors.js';
import type { Action, Condition, Limit, PolicySettings, Rule } from './types.js';
import { ACTIONS, type ConditionFile, type LimitFile, type RuleFile } from './file-schema.js';
import { checkPolicyFile } from './file-validate.js';
import { compileComparison, dec, listOf, ms } from './validate-kit.js';
import { compileLimitAction, compileLimitConditions } from './limit-schema.js';

export interface ParsedSet {
  readonly id: string;
  readonly version: number;
  readonly description?: string;
  readonly settings: PolicySettings;
  readonly rules: readonly Rule[];
}

/** Validate a parsed YAML document. Returns the set, or every issue found. */
export function parsePolicyDocument(doc: unknown): { ok: true; set: ParsedSet } | { ok: false; issues: ErrorDetail[] } {
  const checked = checkPolicyFile(doc);
  const issues: ErrorDetail[] = checked.ok ? [] : [...checked.issues];
  const rawRules = (doc as { rules?: unknown } | null)?.rules;
  const rules = Array.isArray(rawRules) ? (rawRules as unknown[]) : [];
  const seen = new Map<string, number>();
  rules.forEach((r, i) => {
    const rid = (r as { id?: unknown } | null)?.id;
    if (typeof rid !== 'string') return;
    const prev = seen.get(rid);
    if (prev !== undefined)
      issues.push({ path: `rules[${i}].id`, message: `duplicate rule id "${rid}" (also rules[${prev}])` });
    else seen.set(rid, i);
  });
  const clean = (i: number) =>
    checked.ok || !checked.issues.some((d) => d.path === `rules[${i}]` || d.path?.startsWith(`rules[${i}].`));
  // A rule with no schema error below it is a RuleFile: the schema checked that subtree.
  const compiled = rules.map((r, i) => (clean(i) ? compileRule(r as RuleFile, `rules[${i}]`, issues) : undefined));
  if (!checked.ok || issues.length) return { ok: false, issues: sortByDocumentOrder(issues) };
  const file = checked.file;
  return {
    ok: true,
    set: {
      id: file.id,
      version: file.version,
      ...(file.description ? { description: file.description } : {}),
      settings: { kill_allows_reduce_only: file.settings?.kill_allows_reduce_only ?? true },
      rules: compiled as Rule[],
    },
  };
}

/** Errors of rules[2] before rules[10]: sort by the rule index, keep the rest in found order. */
function sortByDocumentOrder(issues: ErrorDetail[]): ErrorDetail[] {
  const rank = (d: ErrorDetail) => {
    const m = /^rules\[(\d+)\]/.exec(d.path ?? '');
    return m ? Number(m[1]) : -1;
  };
  return issues
    .map((d, i) => ({ d, i }))
    .sort((a, b) => rank(a.d) - rank(b.d) || a.i - b.i)
    .map((x) => x.d);
}

function compileRule(raw: RuleFile, path: string, issues: ErrorDetail[]): Rule {
  const type = ACTIONS.find((a) => raw[a] !== undefined)!;
  return {
    id: raw.id,
    ...(raw.description ? { description: raw.description } : {}),
    mode: raw.mode ?? 'enforce',
    when: raw.when ? compileCondition(raw.when) : {},
    action: compileAction(type, raw, `${path}.${type}`, issues),
    ...(raw.unknown_as ? { unknown_as: raw.unknown_as } : {}),
    on_missing: raw.on_missing ?? 'match',
  };
}

function compileCondition(raw: ConditionFile): Condition {
  const out: Record<string, unknown> = {};
  for (const k of ['client', 'account', 'venue', 'symbol', 'regime'] as const)
    if (raw[k] !== undefined) out[k] = listOf(raw[k]);
  for (const k of ['side', 'reduce_only', 'order_type'] as const) if (raw[k] !== undefined) out[k] = raw[k];
  for (const k of [
    'probability',
    'notional',
    'quantity',
    'post_fill_leverage',
    'liquidation_distance_pct',
    'liquidation_distance_vol',
    'touch_probability',
    'price_deviation_pct',
    'client_exposure',
  ] as const) {
    const c = raw[k];
    if (c !== undefined) out[k] = compileComparison(c);
  }
  for (const k of ['feature', 'notional_vs'] as const) {
    const m = raw[k];
    if (m !== undefined) out[k] = Object.fromEntries(Object.entries(m).map(([n, c]) => [n, compileComparison(c)]));
  }
  for (const k of ['window_price_move_pct', 'message_rate'] as const) {
    const w = raw[k];
    if (w !== undefined) out[k] = { windowMs: ms(w.window), ...compileComparison(w) };
  }
  if (raw.duplicate) out.duplicate = { windowMs: ms(raw.duplicate.window) };
  if (raw.time)
    out.time = { ...(raw.time.days ? { days: listOf(raw.time.days) } : {}), from: raw.time.from, to: raw.time.to };
  for (const k of ['any', 'all'] as const) {
    const list = raw[k];
    if (list) out[k] = list.map(compileCondition);
  }
  if (raw.not) out.not = compileCondition(raw.not);
  compileLimitConditions(raw, out);
  return out as Condition;
}

function compileLimit(v: LimitFile): Limit {
  if (typeof v !== 'object') return dec(v);
  return Object.fromEntries(Object.entries(v).flatMap(([k, x]) => (x === undefined ? [] : [[k, dec(x)]])));
}

function compileAction(type: (typeof ACTIONS)[number], raw: RuleFile, path: string, issues: ErrorDetail[]): Action {
  switch (type) {
    case 'loss_limit':
    case 'position_limit':
    case 'self_trade':
      return compileLimitAction(raw);
    case 'cap': {
      const a = raw.cap!;
      return {
        type,
        ...(a.notional !== undefined ? { notional: compileLimit(a.notional) } : {}),
        ...(a.quantity !== undefined ? { quantity: compileLimit(a.quantity) } : {}),
        ...(a.leverage !== undefined ? { leverage: compileLimit(a.leverage) } : {}),
        ...(a.code ? { code: a.code } : {}),
      };
    }
    case 'split': {
      const a = raw.split!;
      const intervalMs = ms(a.interval);
      const jitterMs = a.jitter === undefined ? 0 : ms(a.jitter);
      if (jitterMs > intervalMs)
        issues.push({
          path: `${path}.jitter`,
          message: `must not exceed interval (${intervalMs} ms) so children stay in order`,
        });
      return {
        type,
        ...(a.child_quantity !== undefined ? { child_quantity: dec(a.child_quantity) } : {}),
        ...(a.child_notional !== undefined ? { child_notional: dec(a.child_notional) } : {}),
        ...(a.count !== undefined ? { count: a.count } : {}),
        ...(a.max_price_deviation_pct !== undefined ? { max_price_deviation_pct: a.max_price_deviation_pct } : {}),
        intervalMs,
        jitterMs,
        on_escalation: a.on_escalation ?? 'pause',
      };
    }
    case 'throttle': {
      const a = raw.throttle!;
      return {
        type,
        key: a.key,
        maxWaitMs: ms(a.max_wait),
        ...(a.rate ? { rate: { count: a.rate.count, perMs: ms(a.rate.per) } } : {}),
        ...(a.reservoir ? { reservoir: { size: a.reservoir.size, refreshMs: ms(a.reservoir.refresh) } } : {}),
        ...(a.max_concurrent ? { max_concurrent: a.max_concurrent } : {}),
      };
    }
    case 'reject': {
      const a = raw.reject ?? {};
      return { type, code: a.code ?? 'POLICY_REJECT', ...(a.message ? { message: a.message } : {}) };
    }
    case 'reduce_only':
    case 'halt': {
      const a = (type === 'halt' ? raw.halt : raw.reduce_only) ?? {};
      const common = { ...(a.latch ? { latch: a.latch } : {}), ...(a.message ? { message: a.message } : {}) };
      if (type === 'reduce_only') return { type, ...common };
      const allow = raw.halt?.allow_reduce_only ?? false;
      return { type, allow_reduce_only: allow, ...common };
    }
  }
}
