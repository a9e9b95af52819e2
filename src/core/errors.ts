/** The catalog of request/gateway error codes (HTTP-level failures). Denials of well-formed
 * orders are NOT errors: they are decisions (see deny-codes.ts). Every code here is stable and
 * documented in docs/errors.md; a test keeps the two in sync. */
export const ERROR_CATALOG = {
  // 400: the request itself is malformed. Nothing is forwarded.
  INVALID_JSON: { status: 400, hint: 'Send a valid JSON body with content-type application/json.' },
  BODY_TOO_LARGE: { status: 413, hint: 'Order bodies are small; keep requests under the configured bodyLimit.' },
  MISSING_FIELD: { status: 400, hint: 'Add the named field.' },
  INVALID_FIELD: { status: 400, hint: 'Fix the named field; see the OpenAPI document at /docs/json.' },
  UNKNOWN_FIELD: {
    status: 400,
    hint: 'Remove the named field; unknown fields are rejected so typos never pass silently.',
  },
  INVALID_DECIMAL: {
    status: 400,
    hint:
      'Send quantities and prices as positive decimal strings such as "0.01" ' +
      '(no exponent, sign or more than 15 integer / 12 fraction digits).',
  },
  UNKNOWN_SYMBOL: {
    status: 400,
    hint: 'Use a ccxt unified symbol listed by the venue, e.g. BTC/USDT:USDT (URL-encode it in paths).',
  },
  UNKNOWN_VENUE: { status: 400, hint: 'Use a venue id from the gateway config.' },
  INVALID_REQUEST: { status: 400, hint: 'See the message and the OpenAPI document at /docs/json.' },
  DUPLICATE_JSON_KEY: { status: 400, hint: 'Send each key once per JSON object; the named key appeared twice.' },
  INVALID_URL: { status: 400, hint: 'Percent-encode the URL correctly (e.g. BTC%2FUSDT%3AUSDT).' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, hint: 'Send content-type application/json.' },
  UNSUPPORTED_CHARSET: {
    status: 415,
    hint: 'Send UTF-8 JSON: charset=utf-8 or no charset, no UTF-16/32 byte-order mark.',
  },
  URI_TOO_LONG: { status: 414, hint: 'Ids and symbols are short; check the path.' },
  HEADERS_TOO_LARGE: { status: 431, hint: 'Send smaller headers (the request line and headers must fit in 16 KiB).' },
  // 401/403: who is asking.
  UNAUTHENTICATED: { status: 401, hint: 'Send your API key in the x-api-key header (or Authorization: Bearer <key>).' },
  FORBIDDEN: { status: 403, hint: 'This API key is not allowed to do that; ask an operator for the permission.' },
  // 404/409
  NOT_FOUND: { status: 404, hint: 'Check the id; ids are returned by POST /v1/orders.' },
  CONFLICT: { status: 409, hint: 'The resource is in a state that does not allow this change.' },
  // 429/503: ingress overload or a dependency that is down.
  TOO_MANY_REQUESTS: { status: 429, hint: 'Slow down; retry after the Retry-After header.' },
  UNAVAILABLE: { status: 503, hint: 'A dependency is down; the gateway fails closed. Retry later.' },
  // 5xx: the gateway's own fault; the message is hidden from the caller and logged with the request id.
  INTERNAL: { status: 500, hint: 'Report the request id to the operators.' },
  // CLI / boot
  CONFIG_INVALID: { status: 500, hint: 'Fix every listed path in the config file and start again.' },
  POLICY_INVALID: { status: 500, hint: 'Run `liqguard policy check FILE` and fix every listed path.' },
  POLICY_TOO_LARGE: {
    status: 500,
    hint: 'Policy files are small; split or shorten the file (limit: 256 KiB), it is refused before parsing.',
  },
  POLICY_ALIAS_LIMIT: {
    status: 500,
    hint: 'Use fewer YAML aliases (*ref, limit 100 per file); alias bombs are refused.',
  },
  POLICY_TOO_MANY_RULES: { status: 500, hint: 'Keep a policy set under 500 rules; merge rules with conditions.' },
  MODEL_INVALID: { status: 500, hint: 'Re-run `liqguard train` or point scoring.model at a valid model card.' },
  AUDIT_CHAIN_BROKEN: { status: 500, hint: 'The audit log was altered; keep the file and report it to compliance.' },
  AUDIT_WRITE_FAILED: {
    status: 503,
    hint:
      'The audit log could not be written (disk full, permissions); ' +
      'the gateway fails closed until it is restarted with a writable audit directory.',
  },
  MARKET_DATA_INVALID: {
    status: 500,
    hint:
      'Fix or replace the named market-data file at the given line and column ' +
      '(see src/market/README.md for the accepted layouts).',
  },
} as const;

export type ErrorCode = keyof typeof ERROR_CATALOG;

export interface ErrorDetail {
  readonly path?: string;
  readonly message: string;
  /** A more specific catalog code for this problem (e.g. POLICY_TOO_LARGE inside POLICY_INVALID). */
  readonly code?: ErrorCode;
}

/** A failure with a stable code. `details` lists every problem found, not just the first. */
export class LiqguardError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;
  readonly details: readonly ErrorDetail[];
  readonly hint: string;
  constructor(code: ErrorCode, message: string, details: readonly ErrorDetail[] = []) {
    super(message);
    this.name = 'LiqguardError';
    this.code = code;
    this.statusCode = ERROR_CATALOG[code].status;
    this.details = details;
    this.hint = ERROR_CATALOG[code].hint;
  }
  toJSON(): { code: ErrorCode; message: string; hint: string; details?: readonly ErrorDetail[] } {
    return {
      code: this.code,
      message: this.message,
      hint: this.hint,
      ...(this.details.length ? { details: this.details } : {}),
    };
  }
}

export const isLiqguardError = (e: unknown): e is LiqguardError => e instanceof LiqguardError;
