/** Shared by the venue-api and market/live tests: a local Binance USD-M-compatible server with an
 * in-memory source, a ccxt binanceusdm pointed at it, a loopback guard, and a pump that keeps
 * the market moving so websocket watchers have something to receive. */
import http from 'node:http';
import net from 'node:net';
import ccxt from 'ccxt';
import { systemClock, type Clock } from '../../src/core/clock.js';
import { localBinanceUrls } from '../../src/market/live/exchange.js';
import {
  buildBinanceServer,
  InMemoryMarketDataSource,
  perpInstrument,
  type BinanceServer,
} from '../../src/binance-wire/index.js';

export const BTC = 'BTC/USDT:USDT';
export const ETH = 'ETH/USDT:USDT';

export interface Harness {
  readonly source: InMemoryMarketDataSource;
  readonly server: BinanceServer;
  readonly httpUrl: string;
  readonly wsUrl: string;
  close(): Promise<void>;
}

export async function startHarness(opts: { weightLimitPerMinute?: number; clock?: Clock } = {}): Promise<Harness> {
  const clock = opts.clock ?? systemClock;
  const source = new InMemoryMarketDataSource({
    instruments: [
      perpInstrument('local', 'BTCUSDT'),
      perpInstrument('local', 'ETHUSDT', { tickSize: '0.01', stepSize: '0.001', minNotional: '20', maxLeverage: 100 }),
    ],
    clock,
  });
  source.setMark(BTC, 65_000, 0.0001);
  source.setMark(ETH, 3_000, -0.00005);
  source.setOpenInterest(BTC, 81_234.5);
  source.setOpenInterest(ETH, 1_500_000);
  const server = await buildBinanceServer({
    source,
    clock,
    ...(opts.weightLimitPerMinute ? { weightLimitPerMinute: opts.weightLimitPerMinute } : {}),
  });
  const { httpUrl, wsUrl } = await server.listen({ host: '127.0.0.1', port: 0 });
  return { source, server, httpUrl, wsUrl, close: () => server.close() };
}

/** Moves marks and prints trades every `everyMs` (deterministic values, not deterministic timing). */
export function pump(source: InMemoryMarketDataSource, everyMs = 15): { stop(): void; ticks(): number } {
  let i = 0;
  const t = setInterval(() => {
    i++;
    const btc = 65_000 + (i % 20) * 0.5;
    const eth = 3_000 + (i % 10) * 0.03;
    source.setMark(BTC, btc, 0.0001);
    source.setMark(ETH, eth, -0.00005);
    source.trade(BTC, btc, 0.01, i % 2 ? 'buy' : 'sell');
    if (i % 3 === 0) source.liquidation(BTC, 'sell', btc - 50, 0.25);
  }, everyMs);
  return { stop: () => clearInterval(t), ticks: () => i };
}

type ProExchange = InstanceType<typeof ccxt.pro.binanceusdm>;

/** ccxt.pro binanceusdm with every URL on the local server. */
export function localBinanceusdm(h: Harness): ProExchange {
  const ex = new ccxt.pro.binanceusdm({
    enableRateLimit: false,
    options: { fetchCurrencies: false, ws: { backoff: { base: 0 } } },
  });
  const api = ex.urls['api'] as Record<string, unknown>;
  for (const [path, url] of Object.entries(localBinanceUrls(h.httpUrl, h.wsUrl))) {
    const [a, b] = path.split('.') as [string, string | undefined];
    if (b) (api[a] as Record<string, string>)[b] = url;
    else api[a] = url;
  }
  ex.httpAgent = new http.Agent({ keepAlive: true });
  return ex;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost', '::ffff:127.0.0.1']);

/** Records the destination of every outgoing TCP connection in this process and refuses any that
 * is not loopback, so a test can assert that nothing left 127.0.0.1. */
export function guardLoopback(): { hosts: string[]; refused: string[]; restore(): void } {
  const hosts: string[] = [];
  const refused: string[] = [];
  const proto = net.Socket.prototype as unknown as { connect: (...args: unknown[]) => unknown };
  const original = proto.connect;
  proto.connect = function (this: net.Socket, ...args: unknown[]) {
    const first = args[0];
    const opts = (Array.isArray(first) ? first[0] : first) as { host?: string; path?: string } | number | string;
    const host =
      typeof opts === 'object' && opts !== null
        ? opts.path
          ? 'unix'
          : (opts.host ?? 'localhost')
        : typeof args[1] === 'string'
          ? args[1]
          : 'localhost';
    hosts.push(host);
    if (host !== 'unix' && !LOOPBACK.has(host)) {
      refused.push(host);
      this.destroy(new Error(`test guard: connection to ${host} refused (only 127.0.0.1 is allowed)`));
      return this;
    }
    return original.apply(this, args);
  };
  return { hosts, refused, restore: () => void (proto.connect = original) };
}

/** Resolves with the first value of `get()` that is not undefined, polling every 10 ms. */
export async function until<T>(get: () => T | undefined, what: string, timeoutMs = 8_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
