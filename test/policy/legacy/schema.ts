/** ORACLE ONLY: the hand-written policy validator that src/policy/file-schema.ts replaced, kept
 * unchanged (imports aside) so test/policy/file-schema.test.ts can check the schema accepts and
 * compiles exactly what it did. Nothing in src/ imports this folder. */
/** Schema of a policy file: raw YAML value → validated PolicySet fields, every error with its
 * path. The format is documented in policies/README.md; keep the two in sync. */
import { DENY_CODES, isDenyCode, type DenyCode } from '../../../src/core/deny-codes.js';
import { REGIME_ORDER, type Regime, type RegimeLabel } from '../../../src/core/types.js';
import type {
  Action,
  Comparison,
  Condition,
  Limit,
  PolicySettings,
  Rule,
  ScopeKind,
  TimeWindow,
  Weekday,
  WindowComparison,
} from '../../../src/policy/types.js';
import { LIMIT_ACTIONS, LIMIT_COND_KEYS, parseLimitAction, parseLimitConditions } from './limit-schema.js';
import {
  boolean,
  decimal,
  duration,
  integer,
  Issues,
  join,
  list,
  number,
  object,
  oneOf,
  required,
  string,
  type Raw,
} from './validate-kit.js';

const ACTIONS = ['cap', 'split', 'throttle', 'reject', 'reduce_only', 'halt', ...LIMIT_ACTIONS] as const;
const REGIMES: readonly Regime[] = ['stable', 'stressed', 'fragile', 'critical'];
const SCOPES: readonly ScopeKind[] = ['all', 'client', 'account', 'symbol', 'venue'];
const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const ID = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
const ID_HINT = 'must be lower-case letters, digits, "_", "." or "-" (at most 64)';
const HHMM = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;
const MAX_WINDOW_MS = 86_400_000;

export interface ParsedSet {
  readonly id: string;
  readonly version: number;
  readonly description?: string;
  readonly settings: PolicySettings;
  readonly rules: readonly Rule[];
}

/** Validate a parsed YAML document. Returns the set, or every issue found. */
export function parsePolicyDocument(
  doc: unknown,
): { ok: true; set: ParsedSet } | { ok: false; issues: Issues['list'] } {
  const is = new Issues();
  const raw = object(doc, '', ['id', 'version', 'description', 'settings', 'rules'], is);
  if (!raw) return { ok: false, issues: is.list };
  const id = required(raw, 'id', '', is) ? string(raw.id, 'id', is, ID, ID_HINT) : undefined;
  const version = required(raw, 'version', '', is) ? integer(raw.version, 'version', is, 1) : undefined;
  const description = raw.description === undefined ? undefined : string(raw.description, 'description', is);
  const settings = parseSettings(raw.settings, is);
  const rules: Rule[] = [];
  if (required(raw, 'rules', '', is)) {
    if (!Array.isArray(raw.rules)) is.add('rules', 'must be a list of rules');
    else {
      const seen = new Map<string, number>();
      raw.rules.forEach((r, i) => {
        const rule = parseRule(r, `rules[${i}]`, is);
        const rid = (r as Raw | null)?.id;
        if (typeof rid === 'string') {
          const prev = seen.get(rid);
          if (prev !== undefined) is.add(`rules[${i}].id`, `duplicate rule id "${rid}" (also rules[${prev}])`);
          else seen.set(rid, i);
        }
        if (rule) rules.push(rule);
      });
    }
  }
  if (is.list.length || id === undefined || version === undefined) return { ok: false, issues: is.list };
  return { ok: true, set: { id, version, ...(description ? { description } : {}), settings, rules } };
}

function parseSettings(v: unknown, is: Issues): PolicySettings {
  const defaults: PolicySettings = { kill_allows_reduce_only: true };
  if (v === undefined) return defaults;
  const raw = object(v, 'settings', ['kill_allows_reduce_only'], is);
  if (!raw) return defaults;
  const k =
    raw.kill_allows_reduce_only === undefined
      ? true
      : boolean(raw.kill_allows_reduce_only, 'settings.kill_allows_reduce_only', is);
  return { kill_allows_reduce_only: k ?? true };
}

function parseRule(v: unknown, path: string, is: Issues): Rule | undefined {
  const raw = object(v, path, ['id', 'description', 'mode', 'when', 'unknown_as', 'on_missing', ...ACTIONS], is);
  if (!raw) return undefined;
  const id = required(raw, 'id', path, is) ? string(raw.id, join(path, 'id'), is, ID, ID_HINT) : undefined;
  const mode =
    raw.mode === undefined ? 'enforce' : oneOf(raw.mode, join(path, 'mode'), ['enforce', 'shadow'] as const, is);
  const when = raw.when === undefined ? {} : parseCondition(raw.when, join(path, 'when'), is);
  const unknownAs =
    raw.unknown_as === undefined ? undefined : oneOf(raw.unknown_as, join(path, 'unknown_as'), REGIMES, is);
  const onMissing =
    raw.on_missing === undefined
      ? 'match'
      : oneOf(raw.on_missing, join(path, 'on_missing'), ['match', 'skip'] as const, is);
  const present = ACTIONS.filter((a) => raw[a] !== undefined);
  if (present.length !== 1) {
    is.add(
      path,
      present.length
        ? `has ${present.length} actions (${present.join(', ')}); a rule has exactly one`
        : `needs exactly one action: ${ACTIONS.join(', ')}`,
    );
    return undefined;
  }
  const action = parseAction(present[0]!, raw[present[0]!], join(path, present[0]!), is);
  if (!id || !mode || !when || !action || !onMissing || (raw.unknown_as !== undefined && !unknownAs)) return undefined;
  const description =
    raw.description === undefined ? undefined : string(raw.description, join(path, 'description'), is);
  return {
    id,
    ...(description ? { description } : {}),
    mode,
    when,
    action,
    ...(unknownAs ? { unknown_as: unknownAs } : {}),
    on_missing: onMissing,
  };
}

const COND_KEYS = [
  'client',
  'account',
  'venue',
  'symbol',
  'side',
  'reduce_only',
  'order_type',
  'regime',
  'probability',
  'feature',
  'notional',
  'quantity',
  'notional_vs',
  'post_fill_leverage',
  'liquidation_distance_pct',
  'liquidation_distance_vol',
  'touch_probability',
  'price_deviation_pct',
  'window_price_move_pct',
  'message_rate',
  'duplicate',
  'client_exposure',
  'time',
  'any',
  'all',
  'not',
  ...LIMIT_COND_KEYS,
] as const;
const CMP_KEYS = ['gt', 'gte', 'lt', 'lte'] as const;
const glob = (is: Issues) => (x: unknown, p: string) => string(x, p, is);

function parseCondition(v: unknown, path: string, is: Issues): Condition | undefined {
  const raw = object(v, path, COND_KEYS, is);
  if (!raw) return undefined;
  const out: Record<string, unknown> = {};
  const at = (k: string) => join(path, k);
  const before = is.list.length;
  for (const k of ['client', 'account', 'venue', 'symbol'] as const)
    if (raw[k] !== undefined) out[k] = list(raw[k], at(k), is, glob(is));
  if (raw.side !== undefined) out.side = oneOf(raw.side, at('side'), ['buy', 'sell'] as const, is);
  if (raw.reduce_only !== undefined) out.reduce_only = boolean(raw.reduce_only, at('reduce_only'), is);
  if (raw.order_type !== undefined)
    out.order_type = oneOf(raw.order_type, at('order_type'), ['market', 'limit'] as const, is);
  if (raw.regime !== undefined)
    out.regime = list(raw.regime, at('regime'), is, (x, p) => oneOf<RegimeLabel>(x, p, REGIME_ORDER, is));
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
    if (raw[k] !== undefined) out[k] = parseComparison(raw[k], at(k), is);
  }
  for (const k of ['feature', 'notional_vs'] as const) {
    if (raw[k] === undefined) continue;
    const m = object(raw[k], at(k), Object.keys((raw[k] as Raw) ?? {}), is);
    if (!m) continue;
    if (!Object.keys(m).length) is.add(at(k), 'must name at least one feature');
    const rec: Record<string, Comparison | undefined> = {};
    for (const [name, c] of Object.entries(m)) rec[name] = parseComparison(c, join(at(k), name), is);
    out[k] = rec;
  }
  for (const k of ['window_price_move_pct', 'message_rate'] as const)
    if (raw[k] !== undefined) out[k] = parseWindowComparison(raw[k], at(k), is);
  if (raw.duplicate !== undefined) {
    const d = object(raw.duplicate, at('duplicate'), ['window'], is);
    const ms =
      d && required(d, 'window', at('duplicate'), is)
        ? duration(d.window, join(at('duplicate'), 'window'), is, { min: 1, max: MAX_WINDOW_MS })
        : undefined;
    if (ms !== undefined) out.duplicate = { windowMs: ms };
  }
  if (raw.time !== undefined) out.time = parseTime(raw.time, at('time'), is);
  for (const k of ['any', 'all'] as const) {
    if (raw[k] === undefined) continue;
    if (!Array.isArray(raw[k]) || !(raw[k] as unknown[]).length)
      is.add(at(k), 'must be a non-empty list of conditions');
    else out[k] = (raw[k] as unknown[]).map((c, i) => parseCondition(c, join(at(k), i), is));
  }
  if (raw.not !== undefined) out.not = parseCondition(raw.not, at('not'), is);
  parseLimitConditions(raw, path, is, out);
  return is.list.length === before ? (out as Condition) : undefined;
}

function parseComparison(v: unknown, path: string, is: Issues): Comparison | undefined {
  const raw = object(v, path, CMP_KEYS, is);
  if (!raw) return undefined;
  const out: Record<string, string | undefined> = {};
  for (const k of CMP_KEYS) if (raw[k] !== undefined) out[k] = decimal(raw[k], join(path, k), is);
  if (!Object.keys(out).length) return is.add(path, 'needs at least one of gt, gte, lt, lte');
  return out as Comparison;
}

function parseWindowComparison(v: unknown, path: string, is: Issues): WindowComparison | undefined {
  const raw = object(v, path, ['window', ...CMP_KEYS], is);
  if (!raw || !required(raw, 'window', path, is)) return undefined;
  const windowMs = duration(raw.window, join(path, 'window'), is, { min: 1, max: MAX_WINDOW_MS });
  const { window: _w, ...rest } = raw;
  const cmp = parseComparison(rest, path, is);
  return windowMs !== undefined && cmp ? { windowMs, ...cmp } : undefined;
}

function parseTime(v: unknown, path: string, is: Issues): TimeWindow | undefined {
  const raw = object(v, path, ['days', 'from', 'to'], is);
  if (!raw) return undefined;
  const from = required(raw, 'from', path, is)
    ? string(raw.from, join(path, 'from'), is, HHMM, 'must be HH:MM (UTC)')
    : undefined;
  const to = required(raw, 'to', path, is)
    ? string(raw.to, join(path, 'to'), is, HHMM, 'must be HH:MM (UTC)')
    : undefined;
  const days =
    raw.days === undefined ? undefined : list(raw.days, join(path, 'days'), is, (x, p) => oneOf(x, p, WEEKDAYS, is));
  if (!from || !to || (raw.days !== undefined && !days)) return undefined;
  return { ...(days ? { days } : {}), from, to };
}

function parseLimit(v: unknown, path: string, is: Issues): Limit | undefined {
  if (typeof v !== 'object' || v === null) return decimal(v, path, is, { min: 0 });
  const raw = object(v, path, REGIME_ORDER, is);
  if (!raw) return undefined;
  const out: Record<string, string | undefined> = {};
  for (const [k, x] of Object.entries(raw))
    if (REGIME_ORDER.includes(k as RegimeLabel)) out[k] = decimal(x, join(path, k), is, { min: 0 });
  if (!Object.keys(raw).length) return is.add(path, 'a regime table needs at least one entry');
  return Object.values(out).every((x) => x !== undefined) ? (out as Limit) : undefined;
}

function code(v: unknown, path: string, is: Issues, fallback?: DenyCode): DenyCode | undefined {
  if (v === undefined) return fallback;
  if (typeof v === 'string' && isDenyCode(v)) return v;
  return is.add(
    path,
    `unknown denial code ${JSON.stringify(v)} ` +
      `(see src/core/deny-codes.ts: ${Object.keys(DENY_CODES).slice(0, 4).join(', ')}, ...)`,
  );
}

function parseAction(type: (typeof ACTIONS)[number], v: unknown, path: string, is: Issues): Action | undefined {
  const at = (k: string) => join(path, k);
  const before = is.list.length;
  switch (type) {
    case 'loss_limit':
    case 'position_limit':
    case 'self_trade':
      return parseLimitAction(type, v, path, is);
    case 'cap': {
      const raw = object(v, path, ['notional', 'quantity', 'leverage', 'code'], is);
      if (!raw) return undefined;
      const out: Record<string, unknown> = { type };
      for (const k of ['notional', 'quantity', 'leverage'] as const)
        if (raw[k] !== undefined) out[k] = parseLimit(raw[k], at(k), is);
      if (raw.notional === undefined && raw.quantity === undefined && raw.leverage === undefined)
        is.add(path, 'needs at least one of notional, quantity, leverage');
      if (raw.code !== undefined) out.code = code(raw.code, at('code'), is);
      return is.list.length === before ? (out as unknown as Action) : undefined;
    }
    case 'split': {
      const raw = object(
        v,
        path,
        ['child_quantity', 'child_notional', 'count', 'interval', 'jitter', 'max_price_deviation_pct', 'on_escalation'],
        is,
      );
      if (!raw) return undefined;
      const sizing = (['child_quantity', 'child_notional', 'count'] as const).filter((k) => raw[k] !== undefined);
      if (sizing.length !== 1) is.add(path, 'needs exactly one of child_quantity, child_notional, count');
      const intervalMs = required(raw, 'interval', path, is)
        ? duration(raw.interval, at('interval'), is, { max: 3_600_000 })
        : undefined;
      const jitterMs = raw.jitter === undefined ? 0 : duration(raw.jitter, at('jitter'), is);
      if (intervalMs !== undefined && jitterMs !== undefined && jitterMs > intervalMs)
        is.add(at('jitter'), `must not exceed interval (${intervalMs} ms) so children stay in order`);
      const out = {
        type,
        ...(raw.child_quantity !== undefined
          ? { child_quantity: decimal(raw.child_quantity, at('child_quantity'), is, { positive: true }) }
          : {}),
        ...(raw.child_notional !== undefined
          ? { child_notional: decimal(raw.child_notional, at('child_notional'), is, { positive: true }) }
          : {}),
        ...(raw.count !== undefined ? { count: integer(raw.count, at('count'), is, 1, 1000) } : {}),
        ...(raw.max_price_deviation_pct !== undefined
          ? {
              max_price_deviation_pct: number(
                raw.max_price_deviation_pct,
                at('max_price_deviation_pct'),
                is,
                0.0001,
                50,
              ),
            }
          : {}),
        intervalMs,
        jitterMs,
        on_escalation:
          raw.on_escalation === undefined
            ? 'pause'
            : oneOf(raw.on_escalation, at('on_escalation'), ['pause', 'cancel'] as const, is),
      };
      return is.list.length === before ? (out as Action) : undefined;
    }
    case 'throttle': {
      const raw = object(v, path, ['key', 'rate', 'max_concurrent', 'reservoir', 'max_wait'], is);
      if (!raw) return undefined;
      const key = required(raw, 'key', path, is)
        ? oneOf(raw.key, at('key'), ['client', 'account', 'symbol', 'venue'] as const, is)
        : undefined;
      const maxWaitMs = required(raw, 'max_wait', path, is)
        ? duration(raw.max_wait, at('max_wait'), is, { max: 60_000 })
        : undefined;
      let rate: { count: number; perMs: number } | undefined;
      if (raw.rate !== undefined) {
        const r = object(raw.rate, at('rate'), ['count', 'per'], is);
        const count =
          r && required(r, 'count', at('rate'), is) ? integer(r.count, join(at('rate'), 'count'), is, 1) : undefined;
        const perMs =
          r && required(r, 'per', at('rate'), is)
            ? duration(r.per, join(at('rate'), 'per'), is, { min: 1 })
            : undefined;
        if (count !== undefined && perMs !== undefined) rate = { count, perMs };
      }
      let reservoir: { size: number; refreshMs: number } | undefined;
      if (raw.reservoir !== undefined) {
        const r = object(raw.reservoir, at('reservoir'), ['size', 'refresh'], is);
        const size =
          r && required(r, 'size', at('reservoir'), is)
            ? integer(r.size, join(at('reservoir'), 'size'), is, 1)
            : undefined;
        const refreshMs =
          r && required(r, 'refresh', at('reservoir'), is)
            ? duration(r.refresh, join(at('reservoir'), 'refresh'), is, { min: 1 })
            : undefined;
        if (size !== undefined && refreshMs !== undefined) reservoir = { size, refreshMs };
      }
      const maxConcurrent =
        raw.max_concurrent === undefined ? undefined : integer(raw.max_concurrent, at('max_concurrent'), is, 1);
      if (raw.rate === undefined && raw.reservoir === undefined && raw.max_concurrent === undefined)
        is.add(path, 'needs at least one of rate, max_concurrent, reservoir');
      if (is.list.length !== before || !key || maxWaitMs === undefined) return undefined;
      return {
        type,
        key,
        maxWaitMs,
        ...(rate ? { rate } : {}),
        ...(reservoir ? { reservoir } : {}),
        ...(maxConcurrent ? { max_concurrent: maxConcurrent } : {}),
      };
    }
    case 'reject': {
      const raw = v === null ? {} : object(v, path, ['code', 'message'], is);
      if (!raw) return undefined;
      const c = code(raw.code, at('code'), is, 'POLICY_REJECT');
      const message = raw.message === undefined ? undefined : string(raw.message, at('message'), is);
      return c && is.list.length === before ? { type, code: c, ...(message ? { message } : {}) } : undefined;
    }
    case 'reduce_only':
    case 'halt': {
      const keys = type === 'halt' ? ['latch', 'message', 'allow_reduce_only'] : ['latch', 'message'];
      const raw = v === null ? {} : object(v, path, keys, is);
      if (!raw) return undefined;
      const latch = raw.latch === undefined ? undefined : oneOf(raw.latch, at('latch'), SCOPES, is);
      const message = raw.message === undefined ? undefined : string(raw.message, at('message'), is);
      const allow =
        raw.allow_reduce_only === undefined ? false : boolean(raw.allow_reduce_only, at('allow_reduce_only'), is);
      if (is.list.length !== before) return undefined;
      const common = { ...(latch ? { latch } : {}), ...(message ? { message } : {}) };
      return type === 'halt' ? { type, allow_reduce_only: allow ?? false, ...common } : { type, ...common };
    }
  }
}
