/** Fill-to-user-stream delay on `liqguard venue`'s Binance API: market orders over REST, each
 * fill's ORDER_TRADE_UPDATE received on a /ws/<listenKey> socket. Prints, per order, the time from
 * the fill (the event's E, stamped when the exchange reports it) to receipt, and from sending the
 * order to receipt, beside the REST round trip of the same orders as the floor.
 * Run: npx tsx bench/user-stream.bench.ts */
import * as hdr from 'hdr-histogram-js';
import { WebSocket } from 'ws';
import type { BarEvent } from '../src/core/types.js';
import { ManualClock } from '../src/core/clock.js';
import { SimulatedExchange } from '../src/execution/simulated/index.js';
import { buildBinanceServer, EventDrivenMarketDataSource } from '../src/binance-wire/index.js';
import { createPrivateApi } from '../src/venue-api/private/index.js';
import { signQuery } from '../src/binance-wire/signed.js';

const N = Number(process.env.N ?? 500);
const KEY = 'benchKey0001';
const SECRET = 'benchSecret0001';
const clock = new ManualClock(Date.UTC(2025, 9, 10));
const exchange = new SimulatedExchange({ clock, venueId: 'binance-sim', initialBalance: '100000000' });
const source = new EventDrivenMarketDataSource({ instruments: exchange.instruments(), synthesizeBook: {} });
const api = createPrivateApi({
  exchange,
  keys: [{ apiKey: KEY, secret: SECRET }],
  orderLimits: { per10s: 1e9, perMinute: 1e9 },
});
const server = await buildBinanceServer({ source, clock, routes: [api.routes], weightLimitPerMinute: 1e9 });
const { httpUrl, wsUrl } = await server.listen({ port: 0 });
const bar: BarEvent = {
  type: 'bar',
  symbol: 'BTC/USDT:USDT',
  ts: clock.now() + 60_000,
  openTime: clock.now(),
  intervalMs: 60_000,
  open: 100_000,
  high: 100_050,
  low: 99_950,
  close: 100_000,
  volume: 1e6,
};
clock.set(bar.ts);
exchange.ingest(bar);
source.ingest(bar);

const { listenKey } = (await (
  await fetch(`${httpUrl}/fapi/v1/listenKey`, { method: 'POST', headers: { 'X-MBX-APIKEY': KEY } })
).json()) as { listenKey: string };
const ws = new WebSocket(`${wsUrl}/ws/${listenKey}`);
await new Promise((r) => ws.once('open', r));
const waiting = new Map<number, (at: number, E: number) => void>();
ws.on('message', (d) => {
  const at = performance.timeOrigin + performance.now();
  const m = JSON.parse(d.toString()) as { e: string; E: number; o?: { x: string; i: number } };
  if (m.e === 'ORDER_TRADE_UPDATE' && m.o?.x === 'TRADE') waiting.get(m.o.i)?.(at, m.E);
});

const hist = () =>
  hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });
const fillToStream = hist();
const sendToStream = hist();
const rest = hist();
let streamFirst = 0;
for (let i = 0; i < N; i++) {
  const q = signQuery(
    {
      symbol: 'BTCUSDT',
      side: i % 2 ? 'SELL' : 'BUY',
      type: 'MARKET',
      quantity: '0.002',
      timestamp: String(Date.now()),
    },
    SECRET,
  );
  const sent = performance.timeOrigin + performance.now();
  let pushed: { at: number; E: number } | undefined;
  const got = new Promise<void>((resolve) => {
    const res = fetch(`${httpUrl}/fapi/v1/order?${q}`, { method: 'POST', headers: { 'X-MBX-APIKEY': KEY } });
    void res.then(async (r) => {
      const body = (await r.json()) as { orderId: number; msg?: string };
      if (r.status !== 200) {
        console.error(`order refused: ${r.status} ${body.msg}`);
        process.exit(1);
      }
      const answered = performance.timeOrigin + performance.now();
      rest.recordValue(Math.max(1, Math.round((answered - sent) * 1000)));
      const done = (at: number, E: number) => {
        fillToStream.recordValue(Math.max(1, Math.round((at - E) * 1000)));
        sendToStream.recordValue(Math.max(1, Math.round((at - sent) * 1000)));
        if (at <= answered) streamFirst++;
        resolve();
      };
      if (pushed) done(pushed.at, pushed.E);
      else waiting.set(body.orderId, done);
    });
  });
  // The push can arrive before the REST answer: keep it until the order id is known.
  const early = (m: import('ws').RawData) => {
    const at = performance.timeOrigin + performance.now();
    const e = JSON.parse(m.toString()) as { e: string; E: number; o?: { x: string } };
    if (e.e === 'ORDER_TRADE_UPDATE' && e.o?.x === 'TRADE') pushed ??= { at, E: e.E };
  };
  ws.on('message', early);
  await got;
  ws.off('message', early);
}
const ms = (h: hdr.Histogram, p: number) => (h.getValueAtPercentile(p) / 1000).toFixed(2);
console.log(`user-data stream, ${N} market orders on liqguard venue (fill → ORDER_TRADE_UPDATE received):`);
console.log(
  `  fill → received       p50 ${ms(fillToStream, 50)} ms  p99 ${ms(fillToStream, 99)} ms  max ${(fillToStream.maxValue / 1000).toFixed(2)} ms  (E is whole ms: ±1 ms)`,
);
console.log(
  `  order sent → received p50 ${ms(sendToStream, 50)} ms  p99 ${ms(sendToStream, 99)} ms  max ${(sendToStream.maxValue / 1000).toFixed(2)} ms`,
);
console.log(
  `  floor: REST round trip of the same orders p50 ${ms(rest, 50)} ms  p99 ${ms(rest, 99)} ms; push before the REST answer in ${streamFirst}/${N}`,
);
ws.close();
await server.close();
