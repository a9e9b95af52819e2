/** How a liqguard outcome that is not a working order reaches a Binance client: an error body
 * whose `msg` carries the denial, so ccxt raises an exception with the reason.
 *
 *   policy / gateway denial          HTTP 400  {"code": -2010, "msg": "LIQGUARD MAX_ORDER_QUANTITY: ... intentId=ord_…"}  → ccxt InvalidOrder
 *   throttle / message-rate denial   HTTP 400  {"code": -1015, ...}                                                    → ccxt RateLimitExceeded
 *   venue rejected every child       HTTP 400  {"code": -2010, "msg": "LIQGUARD VENUE_REJECTED: ..."}                   → ccxt InvalidOrder
 *
 * -2010 and -1015 are in ccxt's exchange-wide table, so the mapping holds on any host (the
 * per-market tables ccxt keys by binance.com URLs do not apply to a gateway URL). HTTP 429 is
 * kept for ingress overload: ccxt turns it into DDoSProtection, which bots treat as "back off
 * the whole API", too strong for one order's throttle. */
import type { DenyCode } from '../../core/deny-codes.js';
import type { ParentOrder } from '../../execution/order-store.js';
import { BinanceApiError } from '../../binance-wire/errors.js';

const RATE_CODES: ReadonlySet<string> = new Set<DenyCode>([
  'RATE_LIMIT_EXCEEDED',
  'MAX_MESSAGE_RATE',
  'VENUE_RATE_LIMITED',
]);

const NEW_ORDER_REJECTED = -2010;
const TOO_MANY_ORDERS = -1015;

/** The error for a parent the gateway denied or the venue rejected outright, else undefined. */
export function rejectionOf(p: ParentOrder): BinanceApiError | undefined {
  if (p.decision.kind === 'deny') {
    const code = p.decision.code ?? 'POLICY_REJECT';
    return new BinanceApiError(
      400,
      RATE_CODES.has(code) ? TOO_MANY_ORDERS : NEW_ORDER_REJECTED,
      message(p.decision.detail ?? code, p.intentId),
    );
  }
  if (p.status !== 'rejected') return undefined;
  const child = p.children.find((c) => c.code) ?? p.children[0];
  const code = child?.code ?? 'VENUE_REJECTED';
  const detail = child?.reason ? `${code}: reason=${JSON.stringify(child.reason)}` : code;
  return new BinanceApiError(
    400,
    RATE_CODES.has(code) ? TOO_MANY_ORDERS : NEW_ORDER_REJECTED,
    message(detail, p.intentId),
  );
}

/** `LIQGUARD CODE: k=v … intentId=…`: the rendered denial with the intent id appended. */
function message(detail: string, intentId: string): string {
  return `LIQGUARD ${detail}${detail.includes(':') ? '' : ':'} intentId=${intentId}`;
}
