/** Scopes shared by the kill switch and overrides: which orders a control applies to. */
import type { ErrorDetail } from '../core/errors.js';

type ScopeType = 'all' | 'client' | 'account' | 'symbol' | 'venue';
const SCOPE_TYPES: readonly ScopeType[] = ['all', 'client', 'account', 'symbol', 'venue'];

export type Scope = { readonly type: 'all' } | { readonly type: Exclude<ScopeType, 'all'>; readonly value: string };

/** The coordinates of one order, as the pipeline knows them (same shape as TradingStateView). */
export interface OrderScope {
  readonly clientId: string;
  readonly account: string;
  readonly venue: string;
  readonly symbol: string;
}

export function scopeCovers(scope: Scope, o: OrderScope): boolean {
  switch (scope.type) {
    case 'all':
      return true;
    case 'client':
      return o.clientId === scope.value;
    case 'account':
      return o.account === scope.value;
    case 'symbol':
      return o.symbol === scope.value;
    case 'venue':
      return o.venue === scope.value;
  }
}

/** Stable text form, e.g. `symbol:BTC/USDT:USDT` or `all`: the key of a kill entry. */
export const scopeKey = (s: Scope): string => (s.type === 'all' ? 'all' : `${s.type}:${s.value}`);

const sameScope = (a: Scope, b: Scope): boolean => scopeKey(a) === scopeKey(b);

/** The event-bus form (GatewayEvent 'kill' carries a string record). */
export const scopeRecord = (s: Scope): Record<string, string> =>
  s.type === 'all' ? { type: 'all' } : { type: s.type, value: s.value };

const VALUE_RE = /^[A-Za-z0-9][A-Za-z0-9_.:/@-]{0,99}$/;

/** Strict parse of `{ type, value? }`; every problem is reported with its path. */
export function parseScope(
  raw: unknown,
  path = 'scope',
): { ok: true; scope: Scope } | { ok: false; details: ErrorDetail[] } {
  const details: ErrorDetail[] = [];
  if (raw === undefined)
    return {
      ok: false,
      details: [{ path, message: `missing; send { "type": one of ${SCOPE_TYPES.join('|')}, "value": "..." }` }],
    };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return { ok: false, details: [{ path, message: 'must be an object { type, value }' }] };
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (k !== 'type' && k !== 'value') details.push({ path: `${path}.${k}`, message: 'unknown field' });
  const type = o.type;
  if (typeof type !== 'string' || !(SCOPE_TYPES as readonly string[]).includes(type)) {
    details.push({ path: `${path}.type`, message: `must be one of ${SCOPE_TYPES.join(', ')}` });
    return { ok: false, details };
  }
  if (type === 'all') {
    if (o.value !== undefined) details.push({ path: `${path}.value`, message: 'scope "all" takes no value' });
    return details.length ? { ok: false, details } : { ok: true, scope: { type: 'all' } };
  }
  if (typeof o.value !== 'string' || !VALUE_RE.test(o.value)) {
    details.push({
      path: `${path}.value`,
      message:
        `required for scope "${type}": a ${type} id such as ` +
        `${type === 'symbol' ? 'BTC/USDT:USDT' : 'demo'} (letters, digits, _ . : / @ -, at most 100)`,
    });
  }
  return details.length
    ? { ok: false, details }
    : { ok: true, scope: { type: type as Exclude<ScopeType, 'all'>, value: o.value as string } };
}
