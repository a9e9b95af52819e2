/** pipeline.submit in process (no HTTP): the whole decision path of the embedded default
 * (snapshot, ONNX score (cached per bar), exposure, policy, audit append on disk, simulated fill,
 * execution record). Prints p50/p99 per order, orders/s and the process CPU time per order
 * (user + system, so it includes the audit write(2) and GC), over BENCH_REPEATS runs.
 * BENCH_PROFILE=<file.cpuprofile> records a CPU profile of the measured runs only (no start-up);
 * summarise it with `node --import tsx bench/lib/cpuprofile-top.ts <file>`. */
import * as hdr from 'hdr-histogram-js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { loadConfig } from '../src/config/load.js';
import { buildGateway } from '../src/gateway/gateway.js';
import type { OrderIntent } from '../src/core/types.js';
import { ds } from '../test/support/decimals.js';

const N = Number(process.env.BENCH_ORDERS ?? 5000);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 2);
const gw = await buildGateway(
  loadConfig(undefined, { env: { LIQGUARD_VAR: mkdtempSync(join(tmpdir(), 'lg-bench-')) } }),
  { logger: false },
);
await gw.start();
let n = 0;
const mk = (): OrderIntent => ({
  intentId: `b${n}`,
  clientOrderId: `b${n}`,
  clientId: 'demo',
  account: 'demo',
  venue: 'sim',
  symbol: 'ETH/USDT:USDT',
  side: n++ % 2 ? 'sell' : 'buy',
  type: 'market',
  quantity: ds('0.01'),
  reduceOnly: false,
  postOnly: false,
  timeInForce: 'IOC',
  receivedAt: gw.clock.now(),
  transport: 'rest',
});
for (let i = 0; i < 500; i++) await gw.pipeline.submit(mk());
console.log(
  `pipeline.submit (scorer ${gw.scorer().id}, policy ${gw.policies.enforcing.id}, audit fsync ${gw.config.audit.fsync}): ${N} orders per run`,
);
const profileOut = process.env.BENCH_PROFILE;
const session = profileOut ? new Session() : undefined;
if (session) {
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
}
for (let r = 0; r < REPEATS; r++) {
  const h = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 10_000_000,
    numberOfSignificantValueDigits: 3,
  });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const s = performance.now();
    await gw.pipeline.submit(mk());
    h.recordValue(Math.max(1, Math.round((performance.now() - s) * 1000)));
  }
  const secs = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuUs = (cpu.user + cpu.system) / N;
  console.log(
    `  run ${r + 1}: p50 ${h.getValueAtPercentile(50)} µs   p99 ${h.getValueAtPercentile(99)} µs   max ${h.maxValue} µs   ${(N / secs).toFixed(0)} orders/s (one core, sequential)   CPU ${cpuUs.toFixed(0)} µs/order`,
  );
}
if (session && profileOut) {
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(profileOut, JSON.stringify(profile));
  console.log(`  profile of the measured runs: ${profileOut}`);
}
await gw.close();
