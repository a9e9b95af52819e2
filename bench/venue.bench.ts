/** Simulated exchange throughput: orders/s through SimulatedExchange (market round trips, limit
 * place + cancel) with per-call latency, and bar ingest rate with resting orders and open
 * positions to check (real BTCUSDT hourly bars, 2025). Run: npx tsx bench/venue.bench.ts */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import * as hdr from 'hdr-histogram-js';
import { ManualClock } from '../src/core/clock.js';
import type { BarEvent, ChildOrderRequest } from '../src/core/types.js';
import { SimulatedExchange } from '../src/execution/simulated/exchange.js';
import { ds } from '../test/support/decimals.js';

const BTC = 'BTC/USDT:USDT';
const H = 3_600_000;

function loadBars(): BarEvent[] {
  const text = gunzipSync(
    readFileSync(new URL('../data/binance_um_klines_1h/BTCUSDT_1h.csv.gz', import.meta.url)),
  ).toString('utf8');
  const out: BarEvent[] = [];
  for (const line of text.split('\n').slice(1)) {
    const c = line.split(',');
    if (c.length < 6) continue;
    const openTime = Number(c[0]);
    out.push({
      type: 'bar',
      symbol: BTC,
      openTime,
      ts: openTime + H,
      intervalMs: H,
      open: Number(c[1]),
      high: Number(c[2]),
      low: Number(c[3]),
      close: Number(c[4]),
      volume: Number(c[5]),
    });
  }
  return out;
}

const bars = loadBars();
const clock = new ManualClock(bars[0]!.openTime);
let n = 0;
const req = (o: Partial<ChildOrderRequest>): ChildOrderRequest => ({
  account: 'bench',
  symbol: BTC,
  clientOrderId: `b${++n}`,
  side: 'buy',
  type: 'market',
  quantity: ds('0.01'),
  reduceOnly: false,
  postOnly: false,
  timeInForce: 'GTC',
  ...o,
});

function timed(label: string, count: number, fn: (i: number) => void): void {
  const h = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 1e9, numberOfSignificantValueDigits: 3 });
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    const s = process.hrtime.bigint();
    fn(i);
    h.recordValue(Number(process.hrtime.bigint() - s));
  }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const us = (p: number) => (h.getValueAtPercentile(p) / 1000).toFixed(1);
  console.log(
    `${label.padEnd(44)} ${Math.round(count / secs)
      .toString()
      .padStart(8)} ops/s   p50 ${us(50)} µs  p99 ${us(99)} µs  max ${us(100)} µs`,
  );
}

// ─── orders ─────────────────────────────────────────────────────────────────────────────────
{
  const ex = new SimulatedExchange({ clock, maxLedgerEntries: 50_000 });
  for (const b of bars.slice(0, 50)) ex.ingest(b);
  const N = 20_000;
  timed('market orders (buy/sell round trips)', N, (i) => ex.placeOrderSync(req({ side: i % 2 ? 'sell' : 'buy' })));
  const below = Math.floor(Number(ex.lastPrice(BTC)) * 0.9);
  timed('limit place (resting, 0..2000 open)', 2000, (i) =>
    ex.placeOrderSync(req({ type: 'limit', price: ds(String(below - (i % 500))), clientOrderId: `L${i}` })),
  );
  timed('limit cancel', 2000, (i) => ex.cancelOrderSync('bench', BTC, `L${i}`));
  const accounts = Array.from({ length: 100 }, (_, i) => `acct${i}`);
  timed('market orders across 100 accounts', N, (i) =>
    ex.placeOrderSync(req({ account: accounts[i % 100]!, side: (i / 100) % 2 < 1 ? 'buy' : 'sell' })),
  );
  timed('accountStateSync (1 position)', 20_000, () => ex.accountStateSync('acct7'));
}

// ─── bar ingest ─────────────────────────────────────────────────────────────────────────────
for (const [accounts, resting] of [
  [0, 0],
  [100, 0],
  [100, 200],
] as const) {
  const ex = new SimulatedExchange({ clock: new ManualClock(bars[0]!.openTime), initialBalance: '10000000' });
  ex.ingest(bars[0]!);
  const p = Number(ex.lastPrice(BTC));
  for (let a = 0; a < accounts; a++) {
    ex.setMarginMode(`p${a}`, BTC, a % 2 ? 'isolated' : 'cross');
    ex.placeOrderSync(req({ account: `p${a}`, side: a % 3 ? 'buy' : 'sell', quantity: ds('0.05'), leverage: ds('2') }));
  }
  // Resting orders far from the market: checked on every step, rarely filled.
  for (let r = 0; r < resting; r++)
    ex.placeOrderSync(
      req({ account: `r${r % 10}`, type: 'limit', price: ds(String(Math.floor(p * 0.3) + r)), quantity: ds('0.01') }),
    );
  const t0 = process.hrtime.bigint();
  for (const b of bars.slice(1)) ex.ingest(b);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const label = `bar ingest (${accounts} positions, ${resting} resting orders)`;
  console.log(
    `${label.padEnd(44)} ${Math.round((bars.length - 1) / secs)
      .toString()
      .padStart(8)} bars/s   (${bars.length - 1} real BTCUSDT 1h bars, 13 path steps each)`,
  );
}
