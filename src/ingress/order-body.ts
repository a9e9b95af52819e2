/** Strict parser of the REST order body. This is the authority on what a valid order looks like:
 * the JSON schema in wire-schemas.ts documents it for OpenAPI, this enforces it, with one
 * stable code per kind of problem and every problem listed. Nothing is coerced: a number where a
 * decimal string belongs is an error, so a float never reaches the order path. */
import { parseDecimalString, DECIMAL_LIMITS, type DecimalString } from '../core/decimal.js';
import type { ErrorCode, ErrorDetail } from '../core/errors.js';
import type { OrderIntent } from '../core/types.js';

/** The order fields a bot sends: those of an OrderIntent, clientOrderId optional. */
export type OrderFields = Pick<
  OrderIntent,
  'symbol' | 'side' | 'type' | 'quantity' | 'price' | 'reduceOnly' | 'postOnly' | 'leverage' | 'timeInForce'
> & {
  readonly clientOrderId?: string;
};

export type OrderParse =
  { ok: true; value: OrderFields } | { ok: false; code: ErrorCode; message: string; details: ErrorDetail[] };

const ALLOWED = new Set([
  'symbol',
  'side',
  'type',
  'quantity',
  'price',
  'reduceOnly',
  'postOnly',
  'leverage',
  'clientOrderId',
  'timeInForce',
]);
const CLIENT_ORDER_ID_RE = /^[a-zA-Z0-9._:-]{1,32}$/;
const SYMBOL_RE = /^[A-Z0-9]{1,20}\/[A-Z0-9]{1,20}:[A-Z0-9]{1,20}$/;
const MAX_LEVERAGE = 125;

const { maxIntegerDigits, maxFractionDigits } = DECIMAL_LIMITS;
const DECIMAL_HINT =
  `a positive decimal string such as "0.01" ` +
  `(at most ${maxIntegerDigits} integer and ${maxFractionDigits} fraction digits, no exponent)`;

export function parseOrderBody(body: unknown): OrderParse {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return fail([{ code: 'INVALID_REQUEST', path: '(body)', message: 'the body must be a JSON object' }]);
  }
  const b = body as Record<string, unknown>;
  const errs: { code: ErrorCode; path: string; message: string }[] = [];
  for (const k of Object.keys(b))
    if (!ALLOWED.has(k)) errs.push({ code: 'UNKNOWN_FIELD', path: k, message: `unknown field "${k}"` });

  const str = (k: string): string | undefined => {
    const v = b[k];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') {
      errs.push({ code: 'INVALID_FIELD', path: k, message: `${k} must be a string, got ${typeName(v)}` });
      return undefined;
    }
    return v;
  };
  const bool = (k: string): boolean => {
    const v = b[k];
    if (v === undefined) return false;
    if (typeof v !== 'boolean')
      errs.push({ code: 'INVALID_FIELD', path: k, message: `${k} must be true or false, got ${typeName(v)}` });
    return v === true;
  };
  const decimal = (k: string, required: boolean): DecimalString | undefined => {
    const v = b[k];
    if (v === undefined || v === null) {
      if (required) errs.push({ code: 'MISSING_FIELD', path: k, message: `${k} is required` });
      return undefined;
    }
    const r = parseDecimalString(v);
    if (r.ok) return r.text;
    const why =
      r.reason === 'not_a_string'
        ? `${k} must be a decimal string, got ${typeName(v)}` +
          (typeof v === 'number' ? ` (send "${String(v)}" as a string)` : '')
        : r.reason === 'not_positive'
          ? `${k} must be greater than zero`
          : r.reason === 'too_many_digits'
            ? `${k} has too many digits: expected ${DECIMAL_HINT}`
            : `${k} is not ${DECIMAL_HINT}`;
    errs.push({ code: r.reason === 'not_a_string' ? 'INVALID_FIELD' : 'INVALID_DECIMAL', path: k, message: why });
    return undefined;
  };

  const symbol = str('symbol');
  if (b.symbol === undefined)
    errs.push({
      code: 'MISSING_FIELD',
      path: 'symbol',
      message: 'symbol is required (ccxt unified, e.g. BTC/USDT:USDT)',
    });
  else if (symbol !== undefined && !SYMBOL_RE.test(symbol))
    errs.push({
      code: 'INVALID_FIELD',
      path: 'symbol',
      message: `symbol "${clip(symbol)}" is not a ccxt unified perpetual symbol such as BTC/USDT:USDT`,
    });
  const side = enumField(b, 'side', ['buy', 'sell'] as const, true, errs);
  const type = enumField(b, 'type', ['market', 'limit'] as const, true, errs);
  const quantity = decimal('quantity', true);
  const price = decimal('price', false);
  const leverage = decimal('leverage', false);
  if (leverage !== undefined && Number(leverage) > MAX_LEVERAGE)
    errs.push({ code: 'INVALID_FIELD', path: 'leverage', message: `leverage must be at most ${MAX_LEVERAGE}` });
  const reduceOnly = bool('reduceOnly');
  const postOnly = bool('postOnly');
  const clientOrderId = str('clientOrderId');
  if (clientOrderId !== undefined && !CLIENT_ORDER_ID_RE.test(clientOrderId)) {
    errs.push({
      code: 'INVALID_FIELD',
      path: 'clientOrderId',
      message: 'clientOrderId must be 1-32 characters of letters, digits, . _ : -',
    });
  }
  let timeInForce = enumField(b, 'timeInForce', ['GTC', 'IOC', 'FOK', 'GTX'] as const, false, errs);
  if (type === 'limit' && b.price === undefined)
    errs.push({ code: 'MISSING_FIELD', path: 'price', message: 'price is required for limit orders' });
  if (type === 'market' && b.price !== undefined)
    errs.push({
      code: 'INVALID_FIELD',
      path: 'price',
      message: 'price is not allowed for market orders (use a limit order with IOC to cap the price)',
    });
  if (type === 'market' && postOnly)
    errs.push({ code: 'INVALID_FIELD', path: 'postOnly', message: 'postOnly applies to limit orders only' });
  if (postOnly && timeInForce && timeInForce !== 'GTX')
    errs.push({
      code: 'INVALID_FIELD',
      path: 'timeInForce',
      message: 'postOnly orders are GTX; omit timeInForce or send GTX',
    });
  if (postOnly) timeInForce = 'GTX';

  if (errs.length) return fail(errs);
  return {
    ok: true,
    value: {
      symbol: symbol!,
      side: side!,
      type: type!,
      quantity: quantity!,
      ...(price ? { price } : {}),
      reduceOnly,
      postOnly,
      ...(leverage ? { leverage } : {}),
      ...(clientOrderId ? { clientOrderId } : {}),
      timeInForce: timeInForce ?? (type === 'market' ? 'IOC' : 'GTC'),
    },
  };
}

function enumField<T extends string>(
  b: Record<string, unknown>,
  k: string,
  allowed: readonly T[],
  required: boolean,
  errs: { code: ErrorCode; path: string; message: string }[],
): T | undefined {
  const v = b[k];
  if (v === undefined) {
    if (required)
      errs.push({ code: 'MISSING_FIELD', path: k, message: `${k} is required (one of ${allowed.join(', ')})` });
    return undefined;
  }
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    const got = typeof v === 'string' ? JSON.stringify(clip(v)) : typeName(v);
    errs.push({
      code: 'INVALID_FIELD',
      path: k,
      message: `${k} must be one of ${allowed.join(', ')}, got ${got}`,
    });
    return undefined;
  }
  return v as T;
}

function fail(errs: { code: ErrorCode; path: string; message: string }[]): OrderParse {
  const first = errs[0]!;
  return {
    ok: false,
    code: first.code,
    message: errs.map((e) => e.message).join('; '),
    details: errs.map((e) => ({ path: e.path, message: e.message })),
  };
}

const typeName = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
const clip = (s: string): string => (s.length > 40 ? `${s.slice(0, 40)}…` : s);
