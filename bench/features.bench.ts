/** Feature-update throughput (events/s) and memory per symbol for 50 and 200 symbols.
 * Run: npx tsx bench/features.bench.ts
 * Aim (issue 3): 200k events/s on one core, under 1 MB per symbol. */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as hdr from 'hdr-histogram-js';
import type { MarketEvent } from '../src/core/types.js';
import { createMarketView } from '../src/market/view/market-view.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const H = 3_600_000;
const T0 = Date.parse('2025-01-01T00:00:00Z');

let seed = 12345;
const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;

const sym = (i: number) => `S${i}/USDT:USDT`;

/** One hour of one symbol: funding every 8 h, OI, aggregated liquidations, the bar last. */
function slowHour(s: string, h: number, price: number[], i: number): MarketEvent[] {
  const o = price[i]!;
  const c = o * Math.exp((rnd() - 0.5) * 0.02);
  price[i] = c;
  const ts = T0 + (h + 1) * H;
  const evs: MarketEvent[] = [];
  if (h % 8 === 7) evs.push({ type: 'funding', symbol: s, ts, rate: (rnd() - 0.4) * 2e-4, intervalHours: 8 });
  evs.push({ type: 'openInterest', symbol: s, ts, openInterestValue: 1e9 * (1 + rnd() * 0.01) });
  evs.push({
    type: 'liquidation',
    symbol: s,
    ts,
    side: 'sell',
    price: NaN,
    quantity: NaN,
    notional: rnd() * 1e6,
    aggregatedMs: H,
  });
  evs.push({
    type: 'bar',
    symbol: s,
    ts,
    openTime: ts - H,
    intervalMs: H,
    open: o,
    high: Math.max(o, c) * 1.002,
    low: Math.min(o, c) * 0.998,
    close: c,
    volume: 1000 * rnd() + 10,
    takerBuyVolume: 500 * rnd(),
  });
  return evs;
}

/** Live-like events within one hour of one symbol: books (10 levels), marks, trades. */
function fastEvents(s: string, h: number, p: number, perHour: number): MarketEvent[] {
  const evs: MarketEvent[] = [];
  for (let k = 0; k < perHour; k++) {
    const ts = T0 + h * H + Math.floor(((k + 1) * H) / (perHour + 1));
    const r = k % 3;
    if (r === 0) {
      const bids = Array.from({ length: 10 }, (_, j) => [p * (1 - 0.0005 * (j + 1)), rnd() * 5] as [number, number]);
      const asks = Array.from({ length: 10 }, (_, j) => [p * (1 + 0.0005 * (j + 1)), rnd() * 5] as [number, number]);
      evs.push({ type: 'book', symbol: s, ts, bids, asks });
    } else if (r === 1)
      evs.push({
        type: 'mark',
        symbol: s,
        ts,
        markPrice: p * 1.0001,
        indexPrice: p,
        lastPrice: p,
        fundingRate: 1e-4,
        nextFundingTime: T0 + (h + 8) * H,
      });
    else evs.push({ type: 'trade', symbol: s, ts, price: p, quantity: rnd(), takerSide: rnd() < 0.5 ? 'buy' : 'sell' });
  }
  return evs;
}

function run(n: number, quiet = false): void {
  gc();
  // Float64Array backing stores live outside the JS heap: count both
  const mem = () => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  const heap0 = mem();
  const view = createMarketView();
  const price = Array.from({ length: n }, () => 100);
  const warmHours = 800; // > 720 + 24 bars: every window, incl. the 720-bar percentiles, is full
  // bar-driven stream (what hourly replay produces): build per hour, time only the ingest
  let barEvents = 0;
  let barNs = 0n;
  for (let h = 0; h < warmHours; h++) {
    const evs: MarketEvent[] = [];
    for (let i = 0; i < n; i++) evs.push(...slowHour(sym(i), h, price, i));
    const t = process.hrtime.bigint();
    for (const e of evs) view.ingest(e);
    barNs += process.hrtime.bigint() - t;
    barEvents += evs.length;
  }
  gc();
  const heap1 = mem();
  // live-like mix: 60 book/mark/trade events per symbol-hour plus the hourly events
  const mixHours = Math.max(4, Math.round(2_400_000 / (n * 64)));
  let mixEvents = 0;
  let mixNs = 0n;
  for (let h = warmHours; h < warmHours + mixHours; h++) {
    const evs: MarketEvent[] = [];
    for (let i = 0; i < n; i++) evs.push(...fastEvents(sym(i), h, price[i]!, 60), ...slowHour(sym(i), h, price, i));
    evs.sort((a, b) => a.ts - b.ts);
    const t = process.hrtime.bigint();
    for (const e of evs) view.ingest(e);
    mixNs += process.hrtime.bigint() - t;
    mixEvents += evs.length;
  }
  // snapshot latency (what each order pays), after a fresh event so the vector is recomputed
  const hist = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 10_000_000,
    numberOfSignificantValueDigits: 3,
  });
  const tEnd = T0 + (warmHours + mixHours) * H;
  for (let k = 0; k < 20_000; k++) {
    const s = sym(k % n);
    view.ingest({ type: 'trade', symbol: s, ts: tEnd + k, price: 100, quantity: 1, takerSide: 'buy' });
    const t = process.hrtime.bigint();
    const snap = view.snapshot(s, tEnd + k);
    hist.recordValue(Number(process.hrtime.bigint() - t));
    if (snap.symbol !== s) throw new Error('bad snapshot');
  }
  const eps = (events: number, ns: bigint) => Math.round(events / (Number(ns) / 1e9));
  if (quiet) return;
  console.log(`symbols=${n}`);
  console.log(
    `  bar stream (bars+funding+OI+liquidations): ${barEvents} events, ${eps(barEvents, barNs).toLocaleString('en-US')} events/s`,
  );
  console.log(
    `  live-like mix (books 10 lvl, marks, trades + hourly): ${mixEvents} events, ${eps(mixEvents, mixNs).toLocaleString('en-US')} events/s`,
  );
  console.log(`  memory per symbol (warm, all windows full): ${((heap1 - heap0) / n / 1024).toFixed(1)} KiB`);
  console.log(
    `  snapshot() after an update: p50 ${(hist.getValueAtPercentile(50) / 1000).toFixed(1)} µs, p99 ${(hist.getValueAtPercentile(99) / 1000).toFixed(1)} µs`,
  );
  if (view.symbols().length !== n) throw new Error('symbol count');
}

console.log('liqguard feature engine benchmark (one core; after a 10-symbol JIT warm-up run)');
run(10, true);
for (const n of [50, 200]) run(n);
