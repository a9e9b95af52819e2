/** JSON schema of a policy file as written (the raw YAML document), in TypeBox so that the type of a
 * document that passed it (`PolicyFile`) is derived from the schema, never written beside it. The
 * format is documented in policies/README.md; keep the two in sync.
 *
 * Annotation keywords (registered with ajv in file-validate.ts) carry the words of an error:
 * `hint` (what a value must be), `needs` / `exactlyOne` (keys of which one must be present), and
 * `denialCode`. Two value keywords are checked by code there: `decimal` (through the one
 * `parseDecimalString` parser, with `min`/`positive`) and `duration` ("2s" or integer ms, with bounds). */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { DENY_CODES, type DenyCode } from '../core/deny-codes.js';
import { SCOPE_LEVELS } from '../core/limit-view.js';
import { REGIME_ORDER } from '../core/types.js';

const MAX_WINDOW_MS = 86_400_000;
const ID = '^[a-z0-9][a-z0-9_.-]{0,63}$';
const ID_HINT = 'must be lower-case letters, digits, "_", "." or "-" (at most 64)';
const HHMM = '^([01][0-9]|2[0-3]):[0-5][0-9]$';
const { Optional } = Type;

const strictObject = <P extends Record<string, TSchema>>(properties: P, options: object = {}) =>
  Type.Object(properties, { additionalProperties: false, ...options });
/** `enum` rather than a union of literals: ajv reports one error naming the allowed values. */
const oneOf = <T extends string>(values: readonly T[]) => Type.Unsafe<T>({ enum: [...values] });
const text = (options: object = {}) => Type.String({ minLength: 1, ...options });
const integer = (minimum: number, maximum = Number.MAX_SAFE_INTEGER) => Type.Integer({ minimum, maximum });
/** A YAML number or a decimal string; its bounds are checked by the `decimal` keyword. */
const decimal = (bounds: { min?: number; positive?: boolean } = {}) =>
  Type.Unsafe<number | string>({ decimal: bounds });
/** "250ms", "2s", "5m", "1h", "1d" or integer milliseconds; bounds in ms. */
const duration = (bounds: { min?: number; max?: number } = {}) => Type.Unsafe<number | string>({ duration: bounds });
/** One value or a non-empty list of them (globs, regimes, weekdays): compiled to a list. */
const oneOrList = <T extends TSchema>(item: T) =>
  Type.Unsafe<Static<T> | Static<T>[]>({
    if: { type: 'array' },
    then: { type: 'array', minItems: 1, items: item },
    else: item,
  });
/** A branch "key k is present" (strictRequired wants the property declared beside `required`). */
const present = (k: string) => ({ properties: { [k]: true }, required: [k] });
const needs = (keys: readonly string[]) => ({ anyOf: keys.map(present), needs: keys });
const exactlyOne = (keys: readonly string[]) => ({ oneOf: keys.map(present), exactlyOne: keys });

export const CMP_KEYS = ['gt', 'gte', 'lt', 'lte'] as const;
const bounds = { gt: Optional(decimal()), gte: Optional(decimal()), lt: Optional(decimal()), lte: Optional(decimal()) };
const comparison = strictObject(bounds, needs(CMP_KEYS));
const windowComparison = strictObject({ window: duration({ min: 1, max: MAX_WINDOW_MS }), ...bounds }, needs(CMP_KEYS));
const levelComparison = strictObject({ level: oneOf(SCOPE_LEVELS), ...bounds }, needs(CMP_KEYS));
const ratioComparison = strictObject(
  { window: duration({ min: 1000, max: MAX_WINDOW_MS }), min_orders: Optional(integer(1)), ...bounds },
  needs(CMP_KEYS),
);
const namedComparisons = (hint: string) => Type.Record(Type.String(), comparison, { minProperties: 1, hint });
const glob = oneOrList(text());
const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

const conditionSchema = Type.Recursive(
  (This) =>
    strictObject({
      client: Optional(glob),
      account: Optional(glob),
      venue: Optional(glob),
      symbol: Optional(glob),
      side: Optional(oneOf(['buy', 'sell'] as const)),
      reduce_only: Optional(Type.Boolean()),
      order_type: Optional(oneOf(['market', 'limit'] as const)),
      regime: Optional(oneOrList(oneOf(REGIME_ORDER))),
      probability: Optional(comparison),
      feature: Optional(namedComparisons('must name at least one feature')),
      notional: Optional(comparison),
      quantity: Optional(comparison),
      notional_vs: Optional(namedComparisons('must name at least one feature')),
      post_fill_leverage: Optional(comparison),
      liquidation_distance_pct: Optional(comparison),
      liquidation_distance_vol: Optional(comparison),
      touch_probability: Optional(comparison),
      price_deviation_pct: Optional(comparison),
      window_price_move_pct: Optional(windowComparison),
      message_rate: Optional(windowComparison),
      duplicate: Optional(strictObject({ window: duration({ min: 1, max: MAX_WINDOW_MS }) })),
      client_exposure: Optional(comparison),
      time: Optional(
        strictObject({
          days: Optional(oneOrList(oneOf(weekdays))),
          from: text({ pattern: HHMM, hint: 'must be HH:MM (UTC)' }),
          to: text({ pattern: HHMM, hint: 'must be HH:MM (UTC)' }),
        }),
      ),
      any: Optional(Type.Array(This, { minItems: 1, hint: 'must be a non-empty list of conditions' })),
      all: Optional(Type.Array(This, { minItems: 1, hint: 'must be a non-empty list of conditions' })),
      not: Optional(This),
      daily_pnl: Optional(levelComparison),
      drawdown: Optional(levelComparison),
      margin_ratio: Optional(comparison),
      p_adverse: Optional(comparison),
      order_to_trade_ratio: Optional(ratioComparison),
      cancel_ratio: Optional(ratioComparison),
    }),
  { $id: 'PolicyCondition' },
);

const tableEntry = Optional(decimal({ min: 0 }));
const regimeTable = strictObject(
  { stable: tableEntry, stressed: tableEntry, fragile: tableEntry, critical: tableEntry, unknown: tableEntry },
  { minProperties: 1, hint: 'a regime table needs at least one entry' },
);
/** A fixed limit or a table by regime. */
const limit = Type.Unsafe<number | string | Static<typeof regimeTable>>({
  if: { type: 'object' },
  then: regimeTable,
  else: decimal({ min: 0 }),
});
const denialCode = Type.Unsafe<DenyCode>({ enum: Object.keys(DENY_CODES), denialCode: true });
const scopeKind = oneOf(['all', 'client', 'account', 'symbol', 'venue'] as const);
/** An action written as `reject:` with nothing after it is YAML null: the defaults. */
const orNull = <T extends TSchema>(schema: T) =>
  Type.Unsafe<Static<T> | null>({
    if: { type: 'object' },
    then: schema,
    else: { type: 'null', hint: 'must be a mapping' },
  });
const ids = oneOrList(text());

const actions = {
  cap: strictObject(
    { notional: Optional(limit), quantity: Optional(limit), leverage: Optional(limit), code: Optional(denialCode) },
    needs(['notional', 'quantity', 'leverage']),
  ),
  split: strictObject(
    {
      child_quantity: Optional(decimal({ positive: true })),
      child_notional: Optional(decimal({ positive: true })),
      count: Optional(integer(1, 1000)),
      interval: duration({ max: 3_600_000 }),
      jitter: Optional(duration()),
      max_price_deviation_pct: Optional(Type.Number({ minimum: 0.0001, maximum: 50 })),
      on_escalation: Optional(oneOf(['pause', 'cancel'] as const)),
    },
    exactlyOne(['child_quantity', 'child_notional', 'count']),
  ),
  throttle: strictObject(
    {
      key: oneOf(['client', 'account', 'symbol', 'venue'] as const),
      rate: Optional(strictObject({ count: integer(1), per: duration({ min: 1 }) })),
      max_concurrent: Optional(integer(1)),
      reservoir: Optional(strictObject({ size: integer(1), refresh: duration({ min: 1 }) })),
      max_wait: duration({ max: 60_000 }),
    },
    needs(['rate', 'max_concurrent', 'reservoir']),
  ),
  reject: orNull(strictObject({ code: Optional(denialCode), message: Optional(text()) })),
  reduce_only: orNull(strictObject({ latch: Optional(scopeKind), message: Optional(text()) })),
  halt: orNull(
    strictObject({
      latch: Optional(scopeKind),
      message: Optional(text()),
      allow_reduce_only: Optional(Type.Boolean()),
    }),
  ),
  loss_limit: strictObject(
    {
      level: oneOf(SCOPE_LEVELS),
      ids: Optional(ids),
      daily: Optional(decimal({ positive: true })),
      drawdown: Optional(decimal({ positive: true })),
      on_breach: Optional(oneOf(['reduce_only', 'halt'] as const)),
    },
    needs(['daily', 'drawdown']),
  ),
  position_limit: strictObject(
    {
      level: oneOf(SCOPE_LEVELS),
      ids: Optional(ids),
      quantity: Optional(decimal({ min: 0 })),
      notional: Optional(decimal({ min: 0 })),
      gross_notional: Optional(decimal({ min: 0 })),
      net_notional: Optional(decimal({ min: 0 })),
    },
    needs(['quantity', 'notional', 'gross_notional', 'net_notional']),
  ),
  self_trade: orNull(
    strictObject({
      level: Optional(oneOf(SCOPE_LEVELS)),
      on_cross: Optional(oneOf(['deny', 'cancel_resting'] as const)),
      venue_mode: Optional(oneOf(['EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH'] as const)),
    }),
  ),
};
export const ACTIONS = Object.keys(actions) as (keyof typeof actions)[];

const ruleSchema = strictObject(
  {
    id: text({ pattern: ID, hint: ID_HINT }),
    description: Optional(text()),
    mode: Optional(oneOf(['enforce', 'shadow'] as const)),
    when: Optional(conditionSchema),
    unknown_as: Optional(oneOf(['stable', 'stressed', 'fragile', 'critical'] as const)),
    on_missing: Optional(oneOf(['match', 'skip'] as const)),
    ...Type.Partial(Type.Object(actions)).properties,
  },
  { oneOf: ACTIONS.map(present), ruleActions: true },
);

export const policyFileSchema = strictObject({
  id: text({ pattern: ID, hint: ID_HINT }),
  version: integer(1),
  description: Optional(text()),
  settings: Optional(strictObject({ kill_allows_reduce_only: Optional(Type.Boolean()) })),
  rules: Type.Array(ruleSchema, { hint: 'must be a list of rules' }),
});

/** A policy document that passed `policyFileSchema`: the type is the schema's. */
export type PolicyFile = Static<typeof policyFileSchema>;
export type RuleFile = Static<typeof ruleSchema>;
export type ConditionFile = Static<typeof conditionSchema>;
export type ComparisonFile = Static<typeof comparison>;
export type LimitFile = Static<typeof limit>;
