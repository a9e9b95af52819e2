/** Validation of the hierarchy-limit parts of a policy file: loss_limit, position_limit and
 * self_trade actions, and the daily_pnl, drawdown, margin_ratio, p_adverse,
 * order_to_trade_ratio and cancel_ratio conditions. Same conventions as schema.ts. */
import { SCOPE_LEVELS, type ScopeLevel } from '../../../src/core/limit-view.js';
import type {
  Comparison,
  LevelComparison,
  LossLimitAction,
  PositionLimitAction,
  RatioComparison,
  SelfTradeAction,
} from '../../../src/policy/types.js';
import {
  decimal,
  duration,
  integer,
  Issues,
  join,
  list,
  object,
  oneOf,
  required,
  string,
  type Raw,
} from './validate-kit.js';

export const LIMIT_ACTIONS = ['loss_limit', 'position_limit', 'self_trade'] as const;
export const LIMIT_COND_KEYS = [
  'daily_pnl',
  'drawdown',
  'margin_ratio',
  'p_adverse',
  'order_to_trade_ratio',
  'cancel_ratio',
] as const;
const CMP_KEYS = ['gt', 'gte', 'lt', 'lte'] as const;
const MAX_WINDOW_MS = 86_400_000;

function comparison(raw: Raw, path: string, is: Issues): Comparison | undefined {
  const out: Record<string, string | undefined> = {};
  for (const k of CMP_KEYS) if (raw[k] !== undefined) out[k] = decimal(raw[k], join(path, k), is);
  if (!Object.keys(out).length) return is.add(path, 'needs at least one of gt, gte, lt, lte');
  return Object.values(out).every((v) => v !== undefined) ? (out as Comparison) : undefined;
}

const level = (v: unknown, path: string, is: Issues): ScopeLevel | undefined => oneOf(v, path, SCOPE_LEVELS, is);

/** Parses the limit condition keys present in `raw` into `out`. */
export function parseLimitConditions(raw: Raw, path: string, is: Issues, out: Record<string, unknown>): void {
  for (const k of ['daily_pnl', 'drawdown'] as const) {
    if (raw[k] === undefined) continue;
    const r = object(raw[k], join(path, k), ['level', ...CMP_KEYS], is);
    if (!r || !required(r, 'level', join(path, k), is)) continue;
    const lv = level(r.level, join(join(path, k), 'level'), is);
    const { level: _l, ...rest } = r;
    const c = comparison(rest, join(path, k), is);
    if (lv && c) out[k] = { level: lv, ...c } satisfies LevelComparison;
  }
  for (const k of ['margin_ratio', 'p_adverse'] as const) {
    if (raw[k] === undefined) continue;
    const r = object(raw[k], join(path, k), CMP_KEYS, is);
    const c = r && comparison(r, join(path, k), is);
    if (c) out[k] = c;
  }
  for (const k of ['order_to_trade_ratio', 'cancel_ratio'] as const) {
    if (raw[k] === undefined) continue;
    const p = join(path, k);
    const r = object(raw[k], p, ['window', 'min_orders', ...CMP_KEYS], is);
    if (!r || !required(r, 'window', p, is)) continue;
    const windowMs = duration(r.window, join(p, 'window'), is, { min: 1000, max: MAX_WINDOW_MS });
    const minOrders = r.min_orders === undefined ? 1 : integer(r.min_orders, join(p, 'min_orders'), is, 1);
    const { window: _w, min_orders: _m, ...rest } = r;
    const c = comparison(rest, p, is);
    if (windowMs !== undefined && minOrders !== undefined && c)
      out[k] = { windowMs, minOrders, ...c } satisfies RatioComparison;
  }
}

const ids = (raw: Raw, path: string, is: Issues): { ids?: string[] } => {
  if (raw.ids === undefined) return {};
  const v = list(raw.ids, join(path, 'ids'), is, (x, p) => string(x, p, is));
  return v ? { ids: v } : {};
};

export function parseLimitAction(
  type: (typeof LIMIT_ACTIONS)[number],
  v: unknown,
  path: string,
  is: Issues,
): LossLimitAction | PositionLimitAction | SelfTradeAction | undefined {
  const before = is.list.length;
  const at = (k: string) => join(path, k);
  switch (type) {
    case 'loss_limit': {
      const raw = object(v, path, ['level', 'ids', 'daily', 'drawdown', 'on_breach'], is);
      if (!raw || !required(raw, 'level', path, is)) return undefined;
      const lv = level(raw.level, at('level'), is);
      if (raw.daily === undefined && raw.drawdown === undefined) is.add(path, 'needs at least one of daily, drawdown');
      const daily = raw.daily === undefined ? undefined : decimal(raw.daily, at('daily'), is, { positive: true });
      const drawdown =
        raw.drawdown === undefined ? undefined : decimal(raw.drawdown, at('drawdown'), is, { positive: true });
      const onBreach =
        raw.on_breach === undefined
          ? 'reduce_only'
          : oneOf(raw.on_breach, at('on_breach'), ['reduce_only', 'halt'] as const, is);
      const scopeIds = ids(raw, path, is);
      if (is.list.length !== before || !lv || !onBreach) return undefined;
      return {
        type,
        level: lv,
        ...scopeIds,
        ...(daily ? { daily } : {}),
        ...(drawdown ? { drawdown } : {}),
        on_breach: onBreach,
      };
    }
    case 'position_limit': {
      const keys = ['quantity', 'notional', 'gross_notional', 'net_notional'] as const;
      const raw = object(v, path, ['level', 'ids', ...keys], is);
      if (!raw || !required(raw, 'level', path, is)) return undefined;
      const lv = level(raw.level, at('level'), is);
      const out: Record<string, unknown> = { type, level: lv, ...ids(raw, path, is) };
      for (const k of keys) if (raw[k] !== undefined) out[k] = decimal(raw[k], at(k), is, { min: 0 });
      if (keys.every((k) => raw[k] === undefined)) is.add(path, `needs at least one of ${keys.join(', ')}`);
      return is.list.length === before && lv ? (out as unknown as PositionLimitAction) : undefined;
    }
    case 'self_trade': {
      const raw = v === null ? {} : object(v, path, ['level', 'on_cross', 'venue_mode'], is);
      if (!raw) return undefined;
      const lv = raw.level === undefined ? 'client' : level(raw.level, at('level'), is);
      const onCross =
        raw.on_cross === undefined
          ? 'deny'
          : oneOf(raw.on_cross, at('on_cross'), ['deny', 'cancel_resting'] as const, is);
      const vm =
        raw.venue_mode === undefined
          ? undefined
          : oneOf(raw.venue_mode, at('venue_mode'), ['EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH'] as const, is);
      if (is.list.length !== before || !lv || !onCross) return undefined;
      return { type, level: lv, on_cross: onCross, ...(vm ? { venue_mode: vm } : {}) };
    }
  }
}
