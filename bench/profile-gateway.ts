/** CPU profile of the gateway under the http bench's load: the embedded default (as in http.bench.ts,
 * rate limit off) serves POST /v1/orders while autocannon, in child processes so that their CPU is not
 * in the profile, drives it with 2 × 16 connections (buy and sell, so the position stays flat). The
 * profiler (node:inspector) runs only during the load, after a warm-up, so start-up and replay
 * loading are left out. `node --import tsx bench/profile-gateway.ts [out.cpuprofile]`, then
 * `node --import tsx bench/lib/cpuprofile-top.ts out.cpuprofile` for the tables. */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/load.js';
import { buildGateway } from '../src/gateway/gateway.js';
import { DEMO_API_KEY } from '../src/config/embedded-default.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const loaded = loadConfig(undefined, { env: { LIQGUARD_VAR: mkdtempSync(join(tmpdir(), 'lg-prof-')) } });
const config = { ...loaded, server: { ...loaded.server, rateLimit: { perSecond: 0, burst: 1 } } };
const gw = await buildGateway(config, { logger: false });
await gw.start();
const url = await gw.app.listen({ port: 0, host: '127.0.0.1' });
const body = JSON.stringify({ symbol: 'ETH/USDT:USDT', side: 'buy', type: 'market', quantity: '0.01' });
const body2 = JSON.stringify({ symbol: 'ETH/USDT:USDT', side: 'sell', type: 'market', quantity: '0.01' });
// autocannon's CLI cannot alternate bodies; two runs in parallel (buy and sell) keep the position flat.
const run = (b: string, seconds = SECONDS) =>
  new Promise<{ total: number; non2xx: number }>((resolve, reject) => {
    let out = '';
    const child = spawn(
      process.execPath,
      [
        join('node_modules', 'autocannon', 'autocannon.js'),
        '-c',
        '16',
        '-d',
        String(seconds),
        '-m',
        'POST',
        '-H',
        'content-type=application/json',
        '-H',
        `x-api-key=${DEMO_API_KEY}`,
        '-j',
        '-b',
        b,
        `${url}/v1/orders`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`autocannon exited ${code}`));
      const r = JSON.parse(out) as { requests: { total: number }; non2xx: number };
      resolve({ total: r.requests.total, non2xx: r.non2xx });
    });
  });
await Promise.all([run(body, 2), run(body2, 2)]); // warm-up (JIT, caches)
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 200 });
await session.post('Profiler.start');
const cpu0 = process.cpuUsage();
const done = await Promise.all([run(body), run(body2)]);
const cpu = process.cpuUsage(cpu0);
const { profile } = await session.post('Profiler.stop');
const out = process.argv[2] ?? join(tmpdir(), `gateway-${Date.now()}.cpuprofile`);
writeFileSync(out, JSON.stringify(profile));
const orders = done.reduce((a, r) => a + r.total, 0);
const non2xx = done.reduce((a, r) => a + r.non2xx, 0);
console.log(
  `${orders} orders (non2xx ${non2xx}) in ${SECONDS} s, ${(orders / SECONDS).toFixed(0)}/s; gateway process CPU ${((cpu.user + cpu.system) / orders).toFixed(0)} µs/order; profile ${out}`,
);
await gw.close();
process.exit(0);
