/** POST /v1/orders through the whole gateway (embedded default: replayed market, model, policy,
 * audit on disk, simulated venue) against a bare fastify route as the floor, at fixed rates.
 * Prints p50/p99 latency per rate and the ratio to the floor. Load comes from autocannon in
 * this process, on the same 2 cores: absolute numbers are pessimistic, the ratio is the point. */
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/load.js';
import { buildGateway } from '../src/gateway.js';
import { DEMO_API_KEY } from '../src/config/embedded-default.js';

const RATES = (process.env.BENCH_RATES ?? '250,500,1000,2000').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);

async function run(url: string, rate: number, headers: Record<string, string>, bodies: () => string) {
  const res = await autocannon({
    url,
    method: 'POST',
    connections: 16,
    overallRate: rate,
    duration: SECONDS,
    headers: { 'content-type': 'application/json', ...headers },
    requests: [{ setupRequest: (req: any) => ({ ...req, body: bodies() }) }],
  });
  return { p50: res.latency.p50, p99: res.latency.p99, rps: res.requests.average, non2xx: res.non2xx, errors: res.errors };
}

async function main() {
  const bare = Fastify();
  bare.post('/bare', async (req) => ({ ok: true, echo: (req.body as { quantity?: string }).quantity }));
  const bareUrl = await bare.listen({ port: 0, host: '127.0.0.1' });

  const var_ = mkdtempSync(join(tmpdir(), 'lg-bench-'));
  const config = loadConfig(undefined, { env: { LIQGUARD_VAR: var_, LOG_LEVEL: 'silent' } });
  const gw = await buildGateway(config, { logger: false });
  await gw.start();
  const gwUrl = await gw.app.listen({ port: 0, host: '127.0.0.1' });
  let n = 0;
  // Alternate sides so the simulated position stays small and orders keep being accepted.
  const order = () => JSON.stringify({ symbol: 'ETH/USDT:USDT', side: n++ % 2 ? 'sell' : 'buy', type: 'market', quantity: '0.01' });

  console.log(`rate(req/s)  floor p50/p99 (ms)   gateway p50/p99 (ms)   ratio p50/p99   gateway non2xx`);
  for (const rate of RATES) {
    const f = await run(`${bareUrl}/bare`, rate, {}, order);
    const g = await run(`${gwUrl}/v1/orders`, rate, { 'x-api-key': DEMO_API_KEY }, order);
    const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(1) : 'n/a');
    console.log(
      `${String(rate).padStart(10)}   ${f.p50.toFixed(2)} / ${f.p99.toFixed(2)}`.padEnd(36) +
        `${g.p50.toFixed(2)} / ${g.p99.toFixed(2)}`.padEnd(23) +
        `${ratio(g.p50, f.p50)} / ${ratio(g.p99, f.p99)}`.padEnd(16) +
        `${g.non2xx} (achieved ${g.rps.toFixed(0)} req/s)`,
    );
  }
  await gw.close();
  await bare.close();
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
