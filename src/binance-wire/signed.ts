/** Binance SIGNED-endpoint checks (HMAC-SHA256), shared by `liqguard venue`'s private routes and
 * the gateway's Binance-compatible front door. Pure: the caller passes the raw query string, the
 * raw body, the X-MBX-APIKEY header, its `now` and a secret lookup.
 *
 * Binance's rules (developers.binance.com, "SIGNED endpoint security"):
 * - totalParams = query string concatenated with the request body (no separator); the signature
 *   is HMAC-SHA256(secret, totalParams without the `signature` parameter), lowercase hex. It may
 *   sit in either part.
 * - `timestamp` is mandatory; the request is valid if timestamp < serverTime + 1000 and
 *   serverTime - timestamp <= recvWindow (default 5000, at most 60000).
 * The order of checks follows Binance: API key, mandatory parameters, recvWindow, signature,
 * then the time window (a forged request never learns whether its timestamp was acceptable). */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface SignedRequestInput {
  readonly method: string;
  /** Raw query string without the leading `?` (may be empty). */
  readonly queryString: string;
  /** Raw request body (application/x-www-form-urlencoded), empty when none. */
  readonly body: string;
  readonly apiKeyHeader: string | undefined;
  readonly now: number;
  secretFor(apiKey: string): string | undefined;
  /** Upper bound on recvWindow; Binance: 60000. */
  readonly maxRecvWindowMs?: number;
}

export type SignedRequestResult =
  | { readonly ok: true; readonly apiKey: string; readonly params: Record<string, string> }
  | { readonly ok: false; readonly httpStatus: number; readonly code: number; readonly msg: string };

const DEFAULT_RECV_WINDOW_MS = 5000;
export const MAX_RECV_WINDOW_MS = 60_000;
/** How far ahead of server time a timestamp may be. */
const MAX_CLOCK_AHEAD_MS = 1000;

const API_KEY_RE = /^[A-Za-z0-9_-]{1,128}$/;
const SIGNATURE_RE = /^[0-9a-fA-F]{64}$/;

const fail = (httpStatus: number, code: number, msg: string): SignedRequestResult => ({
  ok: false,
  httpStatus,
  code,
  msg,
});

/** Binance's error bodies for the signed-request checks. */
export const signedErrors = {
  apiKeyFormat: () => fail(401, -2014, 'API-key format invalid.'),
  invalidKey: () => fail(401, -2015, 'Invalid API-key, IP, or permissions for action.'),
  mandatory: (p: string) => fail(400, -1102, `Mandatory parameter '${p}' was not sent, was empty/null, or malformed.`),
  duplicate: () => fail(400, -1101, 'Duplicate values for a parameter detected.'),
  badRecvWindow: (max: number) => fail(400, -1131, `recvWindow must be less than ${max}.`),
  badSignature: () => fail(400, -1022, 'Signature for this request is not valid.'),
  outsideWindow: () => fail(400, -1021, 'Timestamp for this request is outside of the recvWindow.'),
  ahead: () => fail(400, -1021, `Timestamp for this request was ${MAX_CLOCK_AHEAD_MS}ms ahead of the server's time.`),
} as const;

export function verifySignedRequest(input: SignedRequestInput): SignedRequestResult {
  const key = input.apiKeyHeader?.trim();
  if (!key || !API_KEY_RE.test(key)) return signedErrors.apiKeyFormat();
  const secret = input.secretFor(key);
  if (secret === undefined) return signedErrors.invalidKey();

  const query = stripSignature(input.queryString);
  const body = stripSignature(input.body);
  const signature = query.signature ?? body.signature;
  if (query.signature !== undefined && body.signature !== undefined) return signedErrors.duplicate();

  const params: Record<string, string> = {};
  for (const [k, v] of [...parsePairs(query.rest), ...parsePairs(body.rest)]) {
    if (Object.prototype.hasOwnProperty.call(params, k)) return signedErrors.duplicate();
    params[k] = v;
  }

  const ts = params.timestamp;
  if (ts === undefined || ts === '' || !/^[0-9]{1,16}$/.test(ts)) return signedErrors.mandatory('timestamp');
  if (signature === undefined || signature === '') return signedErrors.mandatory('signature');
  const maxWindow = input.maxRecvWindowMs ?? MAX_RECV_WINDOW_MS;
  let recvWindow = DEFAULT_RECV_WINDOW_MS;
  if (params.recvWindow !== undefined) {
    if (!/^[0-9]{1,9}$/.test(params.recvWindow)) return signedErrors.mandatory('recvWindow');
    recvWindow = Number(params.recvWindow);
    if (recvWindow > maxWindow) return signedErrors.badRecvWindow(maxWindow);
  }

  if (!SIGNATURE_RE.test(signature)) return signedErrors.badSignature();
  const expected = createHmac('sha256', secret)
    .update(query.rest + body.rest)
    .digest();
  if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) return signedErrors.badSignature();

  const timestamp = Number(ts);
  if (timestamp >= input.now + MAX_CLOCK_AHEAD_MS) return signedErrors.ahead();
  if (input.now - timestamp > recvWindow) return signedErrors.outsideWindow();
  return { ok: true, apiKey: key, params };
}

/** `k=v&k2=v2` with the `signature` pair removed verbatim (the rest stays byte-for-byte as sent,
 * because the HMAC covers the raw encoding). */
function stripSignature(raw: string): { rest: string; signature: string | undefined } {
  if (raw === '') return { rest: '', signature: undefined };
  const parts = raw.split('&');
  const kept: string[] = [];
  let signature: string | undefined;
  for (const p of parts) {
    if (p.startsWith('signature=')) signature = decode(p.slice('signature='.length));
    else kept.push(p);
  }
  return { rest: kept.join('&'), signature };
}

function parsePairs(raw: string): [string, string][] {
  if (raw === '') return [];
  const out: [string, string][] = [];
  for (const p of raw.split('&')) {
    if (p === '') continue;
    const i = p.indexOf('=');
    out.push(i < 0 ? [decode(p), ''] : [decode(p.slice(0, i)), decode(p.slice(i + 1))]);
  }
  return out;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** `k=v&...&signature=hex` as a Binance client would send it (values URI-encoded, insertion
 * order kept). For tests and for clients of liqguard's own Binance-compatible endpoints. */
export function signQuery(params: Readonly<Record<string, string | number | boolean>>, secret: string): string {
  const qs = Object.entries(params)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
  return `${qs}&signature=${hmacHex(qs, secret)}`;
}

export function hmacHex(payload: string, secret: string): string {
  return createHmac('sha256', secret).update(payload).digest('hex');
}
