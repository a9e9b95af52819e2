/** Cluster mode throughput and latency: one replica vs two replicas (load split evenly), both on
 * the shared Redis (REDIS_URL, default redis://127.0.0.1:6379), through the real HTTP order route.
 * Each order runs the shared-limit prefetch (message count, duplicate id, exposure reservation)
 * and a policy with a message-rate and an exposure rule. Closed loop, fixed concurrency.
 *   npx tsx bench/cluster.bench.ts [seconds per scenario = 6] [concurrency = 32] */
import { join } from 'node:path';
import * as hdr from 'hdr-histogram-js';
import {
  cleanupPrefix,
  client,
  clusterConfig,
  probeRedis,
  REDIS_URL,
  runTag,
  startReplica,
  tempDir,
  uniquePrefix,
  writePolicy,
  type Replica,
} from '../test/cluster/support.js';

const seconds = Number(process.argv[2] ?? 6);
const concurrency = Number(process.argv[3] ?? 32);
const SYMBOL = 'BTC/USDT:USDT';

const POLICY = `id: cluster-test
version: 1
rules:
  - id: rate-limit
    when: { message_rate: { window: 1s, gt: 1000000 } }
    reject: { code: MAX_MESSAGE_RATE }
  - id: exposure-cap
    when: { client_exposure: { gt: 1000000000 } }
    reject: { code: EXPOSURE_LIMIT }
`;

async function scenario(replicas: number, tag: string): Promise<void> {
  const root = tempDir(`bench-${replicas}`);
  const prefix = uniquePrefix(`bench-${tag}-${replicas}`);
  writePolicy(join(root, 'policies'), POLICY);
  const who = `bench-${tag}`;
  const started: Replica[] = await Promise.all(
    Array.from({ length: replicas }, (_, i) =>
      startReplica({
        instance: `bench-${i}`,
        auditDir: join(root, 'audit'),
        stateDir: join(root, `s${i}`),
        policiesDir: join(root, 'policies'),
        enforce: 'cluster-test',
        clients: [client(who)],
        symbol: SYMBOL,
        price: 60000,
        cluster: clusterConfig(REDIS_URL, prefix),
      }),
    ),
  );
  const hist = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: 3,
  });
  const headers = { 'x-api-key': `key-${who}`, 'content-type': 'application/json' };
  let done = 0;
  let errors = 0;
  const kinds = new Map<string, number>();
  const send = async (url: string, side: string) => {
    const t0 = performance.now();
    const r = await fetch(`${url}/v1/orders`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ symbol: SYMBOL, side, type: 'market', quantity: '0.001' }),
    });
    const body = (await r.json()) as { decision?: { kind: string; code?: string } };
    hist.recordValue(Math.max(1, Math.round((performance.now() - t0) * 1000)));
    const k = r.status === 200 ? (body.decision?.code ?? body.decision?.kind ?? '?') : `http_${r.status}`;
    kinds.set(k, (kinds.get(k) ?? 0) + 1);
    if (r.status !== 200) errors++;
  };
  // Warm-up (JIT, connections, limiter scripts loaded), then measure.
  await Promise.all(
    started.map((r) => Promise.all(Array.from({ length: 50 }, (_, i) => send(r.url, i % 2 ? 'sell' : 'buy')))),
  );
  hist.reset();
  kinds.clear();
  errors = 0;
  const end = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      const url = started[w % replicas]!.url;
      let i = 0;
      while (performance.now() < end) {
        await send(url, i++ % 2 ? 'sell' : 'buy').catch(() => void errors++);
        done++;
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  const ms = (p: number) => (hist.getValueAtPercentile(p) / 1000).toFixed(2);
  console.log(
    `${replicas} replica${replicas > 1 ? 's' : ' '}  ${(done / elapsed).toFixed(0).padStart(6)} orders/s   p50 ${ms(50)} ms   p99 ${ms(99)} ms   p99.9 ${ms(99.9)} ms   (${done} orders, ${errors} errors; ${[...kinds].map(([k, n]) => `${k}=${n}`).join(' ')})`,
  );
  await Promise.all(started.map((r) => r.stop()));
  await cleanupPrefix(prefix);
}

const probe = await probeRedis();
if (!probe.ok) {
  console.error(`cluster bench: ${probe.reason}; set REDIS_URL`);
  process.exit(1);
}
console.log(
  `cluster bench: ${seconds} s per scenario, ${concurrency} concurrent requests, Redis ${REDIS_URL}, market orders through POST /v1/orders`,
);
const tag = runTag();
await scenario(1, tag);
await scenario(2, tag);
