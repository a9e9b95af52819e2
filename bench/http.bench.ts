/** POST /v1/orders through the whole gateway (embedded default: replayed market, ONNX model,
 * default policy, audit on disk, simulated venue) against a bare fastify POST route as the floor,
 * measured side by side in the same run: open loop at fixed rates (µs HDR histograms; added =
 * gateway − floor), then autocannon at full speed for the throughput ratio. Each measurement is
 * repeated (BENCH_REPEATS, default 2) and printed as a range, floor and gateway alternating, because
 * the 2-core machine is shared. Load comes from this process, on the same cores: pessimistic.
 * The per-key rate limit is off here: this measures capacity, not the refusal of overload. */
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/load.js';
import { buildGateway } from '../src/gateway/gateway.js';
import { DEMO_API_KEY } from '../src/config/embedded-default.js';
import { ms, pacedLoad, type PacedResult } from './lib/paced-load.js';

const RATES = (process.env.BENCH_RATES ?? '500,2000').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 2);

const range = (xs: number[], f: (x: number) => string = (x) => x.toFixed(2)): string => {
  const lo = Math.min(...xs),
    hi = Math.max(...xs);
  return lo === hi ? f(lo) : `${f(lo)}–${f(hi)}`;
};

async function main() {
  const bare = Fastify();
  bare.post('/bare', async (req) => ({ ok: true, echo: (req.body as { quantity?: string }).quantity }));
  const bareUrl = await bare.listen({ port: 0, host: '127.0.0.1' });

  const varDir = mkdtempSync(join(tmpdir(), 'lg-bench-'));
  const loaded = loadConfig(undefined, { env: { LIQGUARD_VAR: varDir } });
  const config = { ...loaded, server: { ...loaded.server, rateLimit: { perSecond: 0, burst: 1 } } };
  const gw = await buildGateway(config, { logger: false });
  await gw.start();
  const gwUrl = await gw.app.listen({ port: 0, host: '127.0.0.1' });
  let n = 0;
  // Small alternating orders: the simulated position stays flat, so orders keep being accepted.
  const order = () =>
    JSON.stringify({ symbol: 'ETH/USDT:USDT', side: n++ % 2 ? 'sell' : 'buy', type: 'market', quantity: '0.01' });
  const gwLoad = (rate: number, seconds = SECONDS) =>
    pacedLoad({
      origin: gwUrl,
      path: '/v1/orders',
      rate,
      seconds,
      headers: { 'x-api-key': DEMO_API_KEY },
      body: order,
    });
  await gwLoad(500, 2); // warm-up (JIT, caches), not reported

  console.log(
    `POST /v1/orders (scorer ${gw.scorer().id}, policy ${gw.policies.enforcing.id}, audit fsync ${gw.config.audit.fsync}), ${SECONDS}s per rate, open loop, ${REPEATS} runs (ranges)`,
  );
  console.log(
    'rate/s   floor p50 / p99 ms     gateway p50 / p99 ms      added p50 / p99 ms        gateway achieved/s   ok/non2xx/err',
  );
  for (const rate of RATES) {
    const f: PacedResult[] = [];
    const g: PacedResult[] = [];
    for (let r = 0; r < REPEATS; r++) {
      f.push(await pacedLoad({ origin: bareUrl, path: '/bare', rate, seconds: SECONDS, body: order }));
      g.push(await gwLoad(rate));
    }
    const added = (k: 'p50us' | 'p99us') => g.map((x, i) => (x[k] - f[i]![k]) / 1000);
    console.log(
      `${String(rate).padStart(6)}   ${range(f.map((x) => x.p50us / 1000))} / ${range(f.map((x) => x.p99us / 1000))}`.padEnd(
        33,
      ) +
        `${range(g.map((x) => x.p50us / 1000))} / ${range(g.map((x) => x.p99us / 1000))}`.padEnd(26) +
        `${range(added('p50us'))} / ${range(added('p99us'))}`.padEnd(26) +
        `${range(
          g.map((x) => x.achievedRps),
          (x) => x.toFixed(0),
        )}`.padEnd(21) +
        `${g.reduce((a, x) => a + x.ok, 0)}/${g.reduce((a, x) => a + x.non2xx, 0)}/${g.reduce((a, x) => a + x.errors, 0)}`,
    );
  }
  const ratios: number[] = [];
  const gws: number[] = [];
  const bares: number[] = [];
  let non2xx = 0;
  for (let r = 0; r < REPEATS; r++) {
    const maxBare = await autocannon({
      url: `${bareUrl}/bare`,
      method: 'POST',
      connections: 32,
      duration: SECONDS,
      headers: { 'content-type': 'application/json' },
      body: order(),
    });
    const max = await autocannon({
      url: `${gwUrl}/v1/orders`,
      method: 'POST',
      connections: 32,
      duration: SECONDS,
      headers: { 'content-type': 'application/json', 'x-api-key': DEMO_API_KEY },
      requests: [{ setupRequest: (req: any) => ({ ...req, body: order() }) }],
    });
    non2xx += max.non2xx;
    gws.push(max.requests.average);
    bares.push(maxBare.requests.average);
    ratios.push(max.requests.average / maxBare.requests.average);
  }
  console.log(
    `max throughput (autocannon, 32 connections): gateway ${range(gws, (x) => x.toFixed(0))} req/s (non2xx ${non2xx}), bare fastify ${range(bares, (x) => x.toFixed(0))} req/s, ratio ${range(ratios, (x) => x.toFixed(3))} (aim ≥ 0.25)`,
  );
  await gw.close();
  await bare.close();
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
