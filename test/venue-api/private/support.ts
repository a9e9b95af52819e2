/** A `liqguard venue`-like server for tests: SimulatedExchange + EventDrivenMarketDataSource fed
 * the same synthetic bars, public + private routes on 127.0.0.1:0, and a ccxt binanceusdm client
 * pointed at it. */
import ccxt from 'ccxt';
import { afterAll, beforeAll } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import type { BarEvent } from '../../../src/core/types.js';
import { SimulatedExchange } from '../../../src/execution/simulated/index.js';
import { localBinanceUrls } from '../../../src/market/live/index.js';
import { buildBinanceServer, EventDrivenMarketDataSource } from '../../../src/binance-wire/index.js';
import { createPrivateApi, type PrivateApi } from '../../../src/venue-api/private/index.js';

export const KEY = 'testKey0001';
export const SECRET = 'testSecret0001';
const T0 = Date.UTC(2025, 9, 10, 12, 0, 0);

export interface TestVenue {
  readonly exchange: SimulatedExchange;
  readonly api: PrivateApi;
  readonly httpUrl: string;
  readonly wsUrl: string;
  readonly urls: Record<string, string>;
  readonly clock: ManualClock;
  /** Recent REST requests the server saw (method, url). */
  readonly requests: readonly { method: string; url: string }[];
  /** Websocket connections accepted (path) and hub counters. */
  readonly wsConnections: readonly { path: string }[];
  readonly ws: Readonly<{ subscribeRequests: number }>;
  bar(symbol: string, open: number, close: number, volume?: number): void;
  close(): Promise<void>;
}

export async function startTestVenue(
  opts: { orderLimits?: { per10s: number; perMinute: number } } = {},
): Promise<TestVenue> {
  const clock = new ManualClock(T0);
  const exchange = new SimulatedExchange({ clock, venueId: 'binance-sim' });
  const source = new EventDrivenMarketDataSource({ instruments: exchange.instruments(), synthesizeBook: {} });
  const api = createPrivateApi({
    exchange,
    keys: [{ apiKey: KEY, secret: SECRET, account: 'acct-1' }],
    ...(opts.orderLimits ? { orderLimits: opts.orderLimits } : {}),
  });
  const server = await buildBinanceServer({ source, clock, routes: [api.routes] });
  const { httpUrl, wsUrl } = await server.listen({ port: 0 });
  let t = T0;
  const bar = (symbol: string, open: number, close: number, volume = 1000): void => {
    const e: BarEvent = {
      type: 'bar',
      symbol,
      ts: t + 60_000,
      openTime: t,
      intervalMs: 60_000,
      open,
      high: Math.max(open, close) * 1.0005,
      low: Math.min(open, close) * 0.9995,
      close,
      volume,
    };
    t += 60_000;
    clock.set(t);
    exchange.ingest(e);
    source.ingest(e);
  };
  bar('BTC/USDT:USDT', 60_000, 60_010);
  bar('ETH/USDT:USDT', 2_400, 2_401);
  return {
    exchange,
    api,
    httpUrl,
    wsUrl,
    urls: localBinanceUrls(httpUrl, wsUrl),
    clock,
    requests: server.requests,
    wsConnections: server.wsConnections,
    ws: server.control.ws,
    bar,
    close: () => server.close(),
  };
}

/** A plain ccxt binanceusdm client for the venue (what a bot would run). */
export function ccxtClient(
  urls: Record<string, string>,
  over: { apiKey?: string; secret?: string; timeout?: number } = {},
) {
  const ex = new ccxt.binanceusdm({
    apiKey: over.apiKey ?? KEY,
    secret: over.secret ?? SECRET,
    enableRateLimit: false,
    timeout: over.timeout ?? 5000,
    options: { fetchCurrencies: false },
  });
  const api = ex.urls['api'] as Record<string, unknown>;
  for (const [k, v] of Object.entries(urls)) if (!k.includes('.')) api[k] = v;
  return ex;
}

/** A `liqguard venue` on port 0 and a ccxt client with its markets loaded, for one test file:
 * started before its tests (sized for a slow host), closed after them. */
export function withVenueAndBot(use: (v: TestVenue, bot: ReturnType<typeof ccxtClient>) => void): void {
  let venue: TestVenue | undefined;
  beforeAll(async () => {
    venue = await startTestVenue();
    const bot = ccxtClient(venue.urls);
    await bot.loadMarkets();
    use(venue, bot);
  }, 60_000);
  afterAll(async () => venue?.close());
}
