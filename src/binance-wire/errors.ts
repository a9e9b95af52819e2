/** Binance error bodies: `{ "code": -1121, "msg": "Invalid symbol." }` with Binance's HTTP
 * statuses (4XX for a bad request, 429 rate limit, 418 ban, 5XX internal). Codes and texts are
 * Binance's own so that ccxt maps them to the same exception classes as in production. */
export class BinanceApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    msg: string,
  ) {
    super(msg);
    this.name = 'BinanceApiError';
  }
  body(): { code: number; msg: string } {
    return { code: this.code, msg: this.message };
  }
}

export const binanceErrors = {
  unknown: () => new BinanceApiError(500, -1000, 'An unknown error occurred while processing the request.'),
  tooManyRequests: (limit: number) =>
    new BinanceApiError(
      429,
      -1003,
      `Too many requests; current limit of IP is ${limit} requests per minute. Please use the websocket for ` +
        `live updates to avoid polling the API.`,
    ),
  illegalChars: (param: string) =>
    new BinanceApiError(
      400,
      -1100,
      `Illegal characters found in parameter '${param}'; legal range is '^[A-Z0-9-_.]{1,20}$'.`,
    ),
  mandatory: (param: string) =>
    new BinanceApiError(400, -1102, `Mandatory parameter '${param}' was not sent, was empty/null, or malformed.`),
  invalidInterval: () => new BinanceApiError(400, -1120, 'Invalid interval.'),
  invalidSymbol: () => new BinanceApiError(400, -1121, 'Invalid symbol.'),
  invalidParam: (param: string) => new BinanceApiError(400, -1130, `Data sent for parameter '${param}' is not valid.`),
  notFound: (method: string, path: string) =>
    new BinanceApiError(404, -5000, `Path ${path}, Method ${method} is invalid`),
} as const;
