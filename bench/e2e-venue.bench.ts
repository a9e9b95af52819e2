/** bot → venue directly (ccxt binanceusdm → liqguard venue) against bot → gateway → ccxt adapter
 * → liqguard venue (REST POST /v1/orders through the whole pipeline: market view, model, policy,
 * audit on disk, venue budget, CcxtVenue), both at the same fixed rate in one run, open loop
 * (latency from when each order was due), µs HDR histograms. Market orders of 0.01 ETH,
 * alternating sides so the position stays flat and orders keep being accepted.
 *
 * Three processes, as in production: the venue (this file with E2E_ROLE=venue), the gateway
 * (E2E_ROLE=gateway) and the bots (this process: a ccxt client for the direct path, an undici
 * pool for the gateway path). The venue's and the adapter's order-count and weight limits are
 * raised: Binance's real ones (300 orders per 10 s) cannot carry 500 orders/s from one account;
 * this measures latency, not limits. All processes share this machine's cores.
 * Each path first gets the same unmeasured warm-up at the measured rate (BENCH_WARM_SECONDS, 1):
 * without it the gateway path was measured cold (JIT, new bot connections, first audit writes),
 * which alone put its p99 near 35 ms against a warmed direct path.
 * Env: BENCH_RATE (500), BENCH_SECONDS (5); BENCH_GW_NODE_ARGS: extra node flags for the gateway
 * process only (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" or "--trace-gc"). The gateway also
 * reports its venue requests by endpoint during the gateway run; BENCH_GW_DIAG=1 adds its
 * event-loop delay and request / placeOrder / venue-round-trip histograms. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as hdr from 'hdr-histogram-js';
import ccxt from 'ccxt';
import { DEMO_API_KEY } from '../src/config/embedded-default.js';
import { loadConfig } from '../src/config/load.js';
import type { VenueConfig } from '../src/config/types.js';
import type { Venue } from '../src/core/types.js';
import { createCcxtVenue } from '../src/execution/ccxt/index.js';
import { buildGateway } from '../src/gateway/gateway.js';
import { localBinanceUrls } from '../src/market/live/index.js';
import { startSimulatedVenueServer } from '../src/venue-api/private/simulated-venue-server.js';
import { ms, pacedLoad } from './lib/paced-load.js';
import { ds } from '../test/support/decimals.js';

const RATE = Number(process.env.BENCH_RATE ?? 500);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
/** Unmeasured paced warm-up per path, at the measured rate (0 = none). */
const WARM_SECONDS = Number(process.env.BENCH_WARM_SECONDS ?? 1);
/** Gateway-side timings and event-loop delay (they cost the gateway a little: off by default). */
const DIAG = process.env.BENCH_GW_DIAG === '1';
const SYMBOLS = ['BTC/USDT:USDT', 'ETH/USDT:USDT', 'XRP/USDT:USDT', 'BNB/USDT:USDT'];
const KEYS = {
  bot: { apiKey: 'benchBot1', secret: 'benchBotSecret1' },
  gw: { apiKey: 'benchGateway1', secret: 'benchGatewaySecret1' },
};

/** Role venue: liqguard venue on real history, prices nearly still during the run. */
async function venueRole(): Promise<void> {
  const v = await startSimulatedVenueServer({
    dataDir: 'data',
    symbols: SYMBOLS,
    from: '2025-09-26',
    to: '2025-10-24',
    warmupFrom: '2025-09-20',
    speed: { barsPerSecond: 0.01 },
    keys: [
      { ...KEYS.bot, account: 'bot' },
      { ...KEYS.gw, account: 'gateway' },
    ],
    initialBalance: '10000000',
    orderLimits: { per10s: 1e9, perMinute: 1e9 },
    weightLimitPerMinute: 1e9,
  });
  process.stdout.write(JSON.stringify({ httpUrl: v.httpUrl, wsUrl: v.wsUrl }) + '\n');
  await untilParentLeaves();
  await v.close();
}

/** Role gateway: the embedded default gateway whose venue "sim" is the ccxt adapter. */
async function gatewayRole(): Promise<void> {
  const { httpUrl, wsUrl } = JSON.parse(process.env.E2E_VENUE!) as { httpUrl: string; wsUrl: string };
  const varDir = mkdtempSync(join(tmpdir(), 'lg-bench-e2e-'));
  const config = loadConfig(undefined, { env: { LIQGUARD_VAR: varDir } });
  const gw = await buildGateway(config, { logger: false });
  const simCfg = config.venues.find((v) => v.id === 'sim')!;
  const ccxtCfg: VenueConfig = {
    ...simCfg,
    kind: 'ccxt',
    exchangeId: 'binanceusdm',
    apiKey: KEYS.gw.apiKey,
    secret: KEYS.gw.secret,
    urls: localBinanceUrls(httpUrl, wsUrl),
    sandbox: false,
  };
  const adapter = await createCcxtVenue(ccxtCfg, {
    clock: gw.clock,
    options: { budget: { limits: { weightPerMinute: 1e9, ordersPer10s: 1e9, ordersPerMinute: 1e9 } } },
  });
  // src/gateway/gateway.ts builds kind: ccxt venues with Binance's real limits (300 orders / 10 s), which
  // 500 orders/s would exceed; the config has no budget knobs, so the bench builds the adapter
  // with raised limits and puts it in the gateway's venue map (looked up there per order).
  (gw.venues as Map<string, Venue>).set('sim', adapter);
  const started = new WeakMap<object, number>();
  if (DIAG) {
    gw.app.addHook('onRequest', async (req) => void started.set(req, performance.now()));
    gw.app.addHook('onResponse', async (req) => rec(h.request, started.get(req) ?? performance.now()));
  }
  await gw.start();
  const gwUrl = await gw.app.listen({ port: 0, host: '127.0.0.1' });
  // Warm the adapter (JIT, connection pool, account cache).
  for (let i = 0; i < 50; i++)
    await adapter.placeOrder({
      account: 'demo',
      symbol: 'ETH/USDT:USDT',
      clientOrderId: `warm-${i}`,
      side: i % 2 ? 'sell' : 'buy',
      type: 'market',
      quantity: ds('0.01'),
      reduceOnly: false,
      postOnly: false,
      timeInForce: 'GTC',
    });
  // Venue requests by method and path, counted from when the bots start.
  const calls = new Map<string, number>();
  const ex = adapter.exchange as unknown as {
    fetch: (url: string, method?: string, ...rest: unknown[]) => Promise<unknown>;
  };
  const fetch0 = ex.fetch.bind(ex);
  // Where the time goes inside the gateway: whole request, adapter.placeOrder, venue round trip.
  const hist = () =>
    hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });
  const h = { request: hist(), placeOrder: hist(), venueFetch: hist() };
  const rec = (hh: hdr.Histogram, t0: number) =>
    hh.recordValue(Math.max(1, Math.round((performance.now() - t0) * 1000)));
  ex.fetch = (url, method = 'GET', ...rest) => {
    const k = `${method} ${new URL(url).pathname}`;
    calls.set(k, (calls.get(k) ?? 0) + 1);
    const t0 = performance.now();
    const r = fetch0(url, method, ...rest);
    if (DIAG && method === 'POST')
      void r.then(
        () => rec(h.venueFetch, t0),
        () => undefined,
      );
    return r;
  };
  const place0 = adapter.placeOrder.bind(adapter);
  if (DIAG)
    adapter.placeOrder = (req) => {
      const t0 = performance.now();
      const r = place0(req);
      void r.then(
        () => rec(h.placeOrder, t0),
        () => undefined,
      );
      return r;
    };
  const eld = monitorEventLoopDelay({ resolution: 1 });
  let sendsAtGo = adapter.sends.size;
  process.stdout.write(JSON.stringify({ gwUrl }) + '\n');
  process.stdin.on('data', (d) => {
    if (String(d).includes('go')) {
      calls.clear();
      sendsAtGo = adapter.sends.size;
      for (const x of Object.values(h)) x.reset();
      eld.reset();
      if (DIAG) eld.enable();
    }
    if (String(d).includes('stats')) {
      eld.disable();
      const eldMs = { p50: eld.percentile(50) / 1e6, p99: eld.percentile(99) / 1e6, max: eld.max / 1e6 };
      const inside = Object.fromEntries(
        Object.entries(h).map(([k, x]) => [
          k,
          { p50: x.getValueAtPercentile(50), p99: x.getValueAtPercentile(99), max: x.maxValue },
        ]),
      );
      process.stdout.write(
        JSON.stringify({ forwarded: adapter.sends.size - sendsAtGo, eldMs, calls: Object.fromEntries(calls), inside }) +
          '\n',
      );
    }
  });
  await untilParentLeaves();
  await gw.close();
}

function untilParentLeaves(): Promise<void> {
  return new Promise((resolve) => {
    process.stdin.on('end', () => resolve());
    process.stdin.resume();
    process.once('SIGTERM', () => resolve());
  });
}

function child(
  role: string,
  env: Record<string, string> = {},
): { proc: ChildProcess; next: () => Promise<Record<string, unknown>> } {
  const nodeArgs = role === 'gateway' ? (process.env.BENCH_GW_NODE_ARGS ?? '').split(' ').filter(Boolean) : [];
  const proc = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', fileURLToPath(import.meta.url)], {
    env: { ...process.env, ...env, E2E_ROLE: role, LOG_LEVEL: 'silent' },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: proc.stdout! })[Symbol.asyncIterator]();
  return {
    proc,
    async next() {
      for (;;) {
        const r = await lines.next();
        if (r.done) throw new Error(`${role} process ended before answering`);
        if (r.value.startsWith('{')) return JSON.parse(r.value) as Record<string, unknown>;
      }
    },
  };
}

async function directLoad(
  urls: Record<string, string>,
): Promise<{ p50us: number; p99us: number; ok: number; errors: number; achievedRps: number }> {
  const ex = new ccxt.binanceusdm({
    ...KEYS.bot,
    enableRateLimit: false,
    timeout: 10_000,
    options: { fetchCurrencies: false },
  });
  Object.assign(ex.urls['api'] as object, Object.fromEntries(Object.entries(urls).filter(([k]) => !k.includes('.'))));
  await ex.loadMarkets();
  for (let i = 0; i < 50; i++)
    await ex.createOrder('ETH/USDT:USDT', 'market', i % 2 ? 'sell' : 'buy', 0.01, undefined, {
      clientOrderId: `dwarm-${i}`,
    });
  if (WARM_SECONDS > 0) await directPaced(ex, WARM_SECONDS, 'dpaced');
  return directPaced(ex, SECONDS, 'direct');
}

async function directPaced(
  ex: InstanceType<typeof ccxt.binanceusdm>,
  seconds: number,
  prefix: string,
): Promise<{ p50us: number; p99us: number; ok: number; errors: number; achievedRps: number }> {
  const h = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: 3,
  });
  const total = Math.round(RATE * seconds);
  let ok = 0;
  let errors = 0;
  const inflight: Promise<void>[] = [];
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    // From when it was due, or when it was really sent if sent early (waits under 1 ms are not slept).
    const from = Math.min(due, performance.now());
    const done = (good: boolean) => () => {
      if (good) ok++;
      else errors++;
      h.recordValue(Math.max(1, Math.round((performance.now() - from) * 1000)));
    };
    inflight.push(
      ex
        .createOrder('ETH/USDT:USDT', 'market', i % 2 ? 'sell' : 'buy', 0.01, undefined, {
          clientOrderId: `${prefix}-${i}`,
        })
        .then(done(true), done(false)),
    );
  }
  await Promise.all(inflight);
  const achievedRps = total / ((performance.now() - start) / 1000);
  return { p50us: h.getValueAtPercentile(50), p99us: h.getValueAtPercentile(99), ok, errors, achievedRps };
}

async function main(): Promise<void> {
  const venue = child('venue');
  const { httpUrl, wsUrl } = (await venue.next()) as { httpUrl: string; wsUrl: string };
  const gateway = child('gateway', { E2E_VENUE: JSON.stringify({ httpUrl, wsUrl }) });
  const { gwUrl } = (await gateway.next()) as { gwUrl: string };
  try {
    const direct = await directLoad(localBinanceUrls(httpUrl, wsUrl));
    let n = 0;
    const order = () =>
      JSON.stringify({ symbol: 'ETH/USDT:USDT', side: n++ % 2 ? 'sell' : 'buy', type: 'market', quantity: '0.01' });
    // Same warm-up as the direct path: JIT, the bots' connection pool, first audit segment.
    if (WARM_SECONDS > 0)
      await pacedLoad({
        origin: gwUrl,
        path: '/v1/orders',
        rate: RATE,
        seconds: WARM_SECONDS,
        headers: { 'x-api-key': DEMO_API_KEY },
        body: order,
      });
    gateway.proc.stdin!.write('go\n');
    const viaGw = await pacedLoad({
      origin: gwUrl,
      path: '/v1/orders',
      rate: RATE,
      seconds: SECONDS,
      headers: { 'x-api-key': DEMO_API_KEY },
      body: order,
    });
    gateway.proc.stdin!.write('stats\n');
    const { forwarded, eldMs, calls, inside } = (await gateway.next()) as {
      forwarded: number;
      eldMs: { p50: number; p99: number; max: number };
      calls: Record<string, number>;
      inside: Record<string, { p50: number; p99: number; max: number }>;
    };

    console.log(
      `e2e venue: ${RATE} orders/s for ${SECONDS}s per path, open loop; market 0.01 ETH, alternating sides; venue, gateway and bots in separate processes`,
    );
    console.log('path                                   p50 ms   p99 ms   ok/err          achieved/s');
    console.log(
      `bot → venue (ccxt)                     ${ms(direct.p50us).padStart(6)}   ${ms(direct.p99us).padStart(6)}   ${`${direct.ok}/${direct.errors}`.padEnd(14)}  ${direct.achievedRps.toFixed(0)}`,
    );
    console.log(
      `bot → gateway → ccxt adapter → venue   ${ms(viaGw.p50us).padStart(6)}   ${ms(viaGw.p99us).padStart(6)}   ${`${viaGw.ok}/${viaGw.non2xx + viaGw.errors}`.padEnd(14)}  ${viaGw.achievedRps.toFixed(0)}`,
    );
    console.log(
      `added by the gateway                   ${ms(viaGw.p50us - direct.p50us).padStart(6)}   ${ms(viaGw.p99us - direct.p99us).padStart(6)}   (aim: < 1 ms p50, < 3 ms p99)`,
    );
    console.log(
      `gateway orders forwarded to the venue: ${forwarded} of ${viaGw.sent} (others were decided without venue I/O)`,
    );
    if (DIAG)
      console.log(
        `gateway event-loop delay during its run: p50 ${eldMs.p50.toFixed(2)} ms, p99 ${eldMs.p99.toFixed(2)} ms, max ${eldMs.max.toFixed(2)} ms`,
      );
    if (DIAG)
      for (const [k, v] of Object.entries(inside))
        console.log(`gateway-side ${k.padEnd(10)}: p50 ${ms(v.p50)} ms, p99 ${ms(v.p99)} ms, max ${ms(v.max)} ms`);
    console.log(
      `gateway → venue requests during its run: ${Object.entries(calls)
        .map(([k, n]) => `${k} ×${n}`)
        .join(', ')}`,
    );
  } finally {
    venue.proc.stdin!.end();
    gateway.proc.stdin!.end();
    await Promise.all(
      [venue.proc, gateway.proc].map((p) => new Promise((r) => (p.exitCode !== null ? r(null) : p.once('exit', r)))),
    );
  }
}

const role = process.env.E2E_ROLE;
(role === 'venue' ? venueRole() : role === 'gateway' ? gatewayRole() : main()).then(
  () => {
    if (role) process.exit(0);
  },
  (e) => {
    console.error(e);
    process.exitCode = 1;
  },
);
