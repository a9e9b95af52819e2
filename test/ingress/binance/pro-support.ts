/** ccxt.pro binanceusdm and the official connector, both unmodified, pointed at a Binance-compatible
 * server (the gateway's door or `liqguard venue`) by URL only. */
import http from 'node:http';
import { DerivativesTradingUsdsFutures } from '@binance/derivatives-trading-usds-futures';
import ccxt from 'ccxt';
import { localBinanceUrls } from '../../../src/core/ccxt-urls.js';

export type ProBot = InstanceType<typeof ccxt.pro.binanceusdm>;

export function proBot(httpUrl: string, apiKey: string, secret: string): ProBot {
  const ex = new ccxt.pro.binanceusdm({
    apiKey,
    secret,
    enableRateLimit: false,
    options: { fetchCurrencies: false, ws: { backoff: { base: 0 } } },
  });
  const api = ex.urls['api'] as Record<string, unknown>;
  for (const [path, url] of Object.entries(localBinanceUrls(httpUrl, httpUrl.replace(/^http/, 'ws')))) {
    const [a, b] = path.split('.') as [string, string | undefined];
    if (b) (api[a] as Record<string, string>)[b] = url;
    else api[a] = url;
  }
  ex.httpAgent = new http.Agent({ keepAlive: true });
  return ex;
}

export function officialClient(httpUrl: string, apiKey: string, apiSecret: string): DerivativesTradingUsdsFutures {
  return new DerivativesTradingUsdsFutures({
    configurationRestAPI: { apiKey, apiSecret, basePath: httpUrl },
    configurationWebsocketStreams: { wsURL: `${httpUrl.replace(/^http/, 'ws')}` },
  });
}

/** Resolves with the first message for which `match` is true (or rejects on close/error first). */
export function nextMessage<T = Record<string, unknown>>(
  ws: import('ws').WebSocket,
  match: (m: T) => boolean,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMsg = (d: import('ws').RawData) => {
      const m = JSON.parse(d.toString()) as T;
      if (!match(m)) return;
      ws.off('message', onMsg);
      resolve(m);
    };
    ws.on('message', onMsg);
    ws.once('close', (code, reason) => reject(new Error(`closed ${code} ${reason.toString()}`)));
    ws.once('error', reject);
  });
}
