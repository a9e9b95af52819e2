/** POST /v1/orders through the whole gateway (embedded default: replayed market, ONNX model,
 * default policy, audit on disk, simulated venue) against a bare fastify route as the floor, at
 * fixed rates (open loop, µs HDR histograms), then autocannon at full speed for throughput.
 * Load comes from this process, on the same 2 cores: absolute numbers are pessimistic. */
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/load.js';
import { buildGateway } from '../src/gateway/gateway.js';
import { DEMO_API_KEY } from '../src/config/embedded-default.js';
import { ms, pacedLoad } from './lib/paced-load.js';

const RATES = (process.env.BENCH_RATES ?? '250,500,1000,2000').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);

async function main() {
  const bare = Fastify();
  bare.post('/bare', async (req) => ({ ok: true, echo: (req.body as { quantity?: string }).quantity }));
  const bareUrl = await bare.listen({ port: 0, host: '127.0.0.1' });

  const varDir = mkdtempSync(join(tmpdir(), 'lg-bench-'));
  const config = loadConfig(undefined, { env: { LIQGUARD_VAR: varDir } });
  const gw = await buildGateway(config, { logger: false });
  await gw.start();
  const gwUrl = await gw.app.listen({ port: 0, host: '127.0.0.1' });
  let n = 0;
  // Small alternating orders: the simulated position stays flat, so orders keep being accepted.
  const order = () => JSON.stringify({ symbol: 'ETH/USDT:USDT', side: n++ % 2 ? 'sell' : 'buy', type: 'market', quantity: '0.01' });

  console.log(`POST /v1/orders (scorer ${gw.scorer().id}, policy ${gw.policies.enforcing.id}), ${SECONDS}s per rate, open loop`);
  console.log('rate/s   floor p50 / p99 ms    gateway p50 / p99 ms    added p50 / p99 ms   ratio p50 / p99    gateway ok/non2xx/err');
  // The floor's p50 is often under the 1 µs resolution: the ratio uses at least 1 µs.
  const ratio = (g: number, f: number) => (g / Math.max(1, f)).toFixed(1);
  for (const rate of RATES) {
    const f = await pacedLoad({ origin: bareUrl, path: '/bare', rate, seconds: SECONDS, body: order });
    const g = await pacedLoad({ origin: gwUrl, path: '/v1/orders', rate, seconds: SECONDS, headers: { 'x-api-key': DEMO_API_KEY }, body: order });
    console.log(
      `${String(rate).padStart(6)}   ${ms(f.p50us)} / ${ms(f.p99us)}`.padEnd(32) +
        `${ms(g.p50us)} / ${ms(g.p99us)}`.padEnd(24) +
        `${ms(g.p50us - f.p50us)} / ${ms(g.p99us - f.p99us)}`.padEnd(21) +
        `${ratio(g.p50us, f.p50us)} / ${ratio(g.p99us, f.p99us)}`.padEnd(19) +
        `${g.ok}/${g.non2xx}/${g.errors}`,
    );
  }
  const max = await autocannon({ url: `${gwUrl}/v1/orders`, method: 'POST', connections: 32, duration: SECONDS, headers: { 'content-type': 'application/json', 'x-api-key': DEMO_API_KEY }, requests: [{ setupRequest: (req: any) => ({ ...req, body: order() }) }] });
  const maxBare = await autocannon({ url: `${bareUrl}/bare`, method: 'POST', connections: 32, duration: SECONDS, headers: { 'content-type': 'application/json' }, body: order() });
  console.log(`max throughput (autocannon, 32 connections): gateway ${max.requests.average.toFixed(0)} req/s (non2xx ${max.non2xx}), bare fastify ${maxBare.requests.average.toFixed(0)} req/s`);
  await gw.close();
  await bare.close();
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
