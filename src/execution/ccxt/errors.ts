/** ccxt exceptions → stable deny codes, by class (most specific first), with the venue's
 * message kept as the reason. `isAmbiguous` says whether the venue may have acted on the
 * request anyway (a timeout, a dropped connection, a 5xx): such order placements are
 * reconciled by clientOrderId before anything else is sent. */
import ccxt from 'ccxt';
import type { DenyCode } from '../../core/deny-codes.js';

export interface MappedError {
  readonly code: DenyCode;
  readonly reason: string;
  /** 429 / 418: the venue refused without processing. */
  readonly limit?: 429 | 418;
}

const is = (e: unknown, cls: unknown): boolean =>
  typeof cls === 'function' && e instanceof (cls as new (...a: never[]) => unknown);

/** Binance futures codes that carry a more precise meaning than their ccxt class. */
const BY_VENUE_CODE: Readonly<Record<string, DenyCode>> = {
  '-4164': 'BELOW_MIN_NOTIONAL',
  '-4014': 'INVALID_TICK',
  '-1111': 'INVALID_TICK',
  '-2019': 'INSUFFICIENT_FUNDS',
};

export function mapCcxtError(e: unknown): MappedError {
  const reason = messageOf(e);
  const venueCode = /"code":\s*(-?\d+)/.exec(reason)?.[1];
  if (is(e, ccxt.DDoSProtection) || is(e, ccxt.RateLimitExceeded)) {
    return / 418 /.test(reason) || /banned until/.test(reason)
      ? { code: 'VENUE_BANNED', reason, limit: 418 }
      : { code: 'VENUE_RATE_LIMITED', reason, limit: 429 };
  }
  if (venueCode && BY_VENUE_CODE[venueCode]) return { code: BY_VENUE_CODE[venueCode]!, reason };
  if (is(e, ccxt.InsufficientFunds)) return { code: 'INSUFFICIENT_FUNDS', reason };
  if (
    is(e, ccxt.AuthenticationError) ||
    is(e, ccxt.PermissionDenied) ||
    is(e, ccxt.AccountSuspended) ||
    is(e, ccxt.InvalidNonce)
  )
    return { code: 'VENUE_AUTH', reason };
  if (
    is(e, ccxt.InvalidOrder) ||
    is(e, ccxt.BadRequest) ||
    is(e, ccxt.OperationRejected) ||
    is(e, ccxt.BadSymbol) ||
    is(e, ccxt.ArgumentsRequired)
  )
    return { code: 'VENUE_REJECTED', reason };
  if (is(e, ccxt.ExchangeNotAvailable) || is(e, ccxt.NetworkError) || is(e, ccxt.OnMaintenance))
    return { code: 'VENUE_UNAVAILABLE', reason };
  if (is(e, ccxt.OperationFailed)) return { code: 'VENUE_UNAVAILABLE', reason };
  return { code: 'VENUE_UNKNOWN_STATE', reason };
}

/** May the venue have executed the request although we got an error? Definite refusals
 * (auth, nonce, validation, funds, 429/418) are not ambiguous; transport failures and 5xx are. */
export function isAmbiguous(e: unknown): boolean {
  if (is(e, ccxt.DDoSProtection) || is(e, ccxt.RateLimitExceeded) || is(e, ccxt.InvalidNonce)) return false;
  // A parsed venue answer (auth, invalid order, funds, unknown code) is a definite refusal.
  if (is(e, ccxt.ExchangeError)) return false;
  // The connection was never made: the request cannot have reached the venue.
  if (/ECONNREFUSED|ConnectionRefused|ENOTFOUND|EAI_AGAIN/.test(messageOf(e))) return false;
  // Transport failures, timeouts, 5xx, unparseable answers, and anything unexpected.
  return true;
}

export const isOrderNotFound = (e: unknown): boolean => is(e, ccxt.OrderNotFound);

function messageOf(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.length > 500 ? `${m.slice(0, 500)}…` : m;
}
