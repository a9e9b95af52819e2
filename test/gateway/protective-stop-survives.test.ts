/** A protective stop placed through the gateway keeps working when the gateway dies: two real
 * processes, `liqguard venue` and `liqguard serve` (a kind: ccxt venue pointed at it), an
 * unmodified ccxt bot on the gateway's Binance door; the gateway is SIGKILLed, then the venue's
 * price is driven through the stop (its mark-price test hook) and the venue closes the position. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_API_KEY, DEMO_API_SECRET, EMBEDDED_DEFAULT_YAML } from '../../src/config/embedded-default.js';
import { PACKAGE_ROOT } from '../../src/config/load.js';
import { localBinanceUrls } from '../../src/market/live/index.js';
import { ccxtBot } from '../ingress/binance/support.js';
import { ccxtClient } from '../venue-api/private/support.js';
import { withCcxtVenue } from './support.js';

const BTC = 'BTC/USDT:USDT';
const KEY = 'killDrillKey1';
const SECRET = 'killDrillSecret1';
const procs: ChildProcess[] = [];

/** Spawn the liqguard CLI (from source) and wait for output matching `ready`. */
async function cli(
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
): Promise<{ proc: ChildProcess; m: RegExpMatchArray }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(PACKAGE_ROOT, 'src/cli/main.ts'), ...args], {
    cwd: PACKAGE_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  procs.push(proc);
  let out = '';
  const m = await new Promise<RegExpMatchArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`liqguard ${args[0]} did not start in 60 s: ${out}`)), 60_000);
    // The venue prints its URLs on stdout, serve its banner on stderr: watch both.
    const onData = (d: Buffer) => {
      out += d.toString();
      const hit = out.match(ready);
      if (hit) {
        clearTimeout(timer);
        resolve(hit);
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`liqguard ${args[0]} exited with ${code}: ${out}`));
    });
  });
  return { proc, m };
}

let venueHttp: string;
let venueWs: string;
let gateway: ChildProcess;
let gatewayUrl: string;

beforeAll(async () => {
  const v = await cli(
    [
      'venue',
      '--symbols',
      'BTC/USDT:USDT,ETH/USDT:USDT,XRP/USDT:USDT,BNB/USDT:USDT',
      '--speed',
      '0.001',
      '--api-key',
      KEY,
      '--api-secret',
      SECRET,
    ],
    {},
    /REST\s+(http:\/\/\S+)\/fapi\/v1[\s\S]*websocket\s+(ws:\/\/\S+)\/ws /,
  );
  venueHttp = v.m[1]!;
  venueWs = v.m[2]!;
  const dir = mkdtempSync(join(tmpdir(), 'lg-killdrill-'));
  mkdirSync(join(dir, 'audit'));
  const yaml = withCcxtVenue(EMBEDDED_DEFAULT_YAML, localBinanceUrls(venueHttp, venueWs))
    .replace('scorer: model', 'scorer: baseline')
    .replace('dir: var/audit', `dir: ${join(dir, 'audit')}`)
    .replace('dir: var/state', `dir: ${join(dir, 'state')}`)
    .replace('watch: true', 'watch: false')
    .replace(/barsPerSecond: [0-9.]+/, 'barsPerSecond: 0.001')
    // The file lives in a temp dir: the package's data, model and policies by absolute path.
    .replace('dataDir: data', `dataDir: ${join(PACKAGE_ROOT, 'data')}`)
    .replace('model: models', `model: ${join(PACKAGE_ROOT, 'models')}`)
    .replace('dir: policies', `dir: ${join(PACKAGE_ROOT, 'policies')}`);
  writeFileSync(join(dir, 'gateway.yaml'), yaml);
  const g = await cli(
    ['serve', '--config', join(dir, 'gateway.yaml')],
    { PORT: '0', LG_TEST_VENUE_KEY: KEY, LG_TEST_VENUE_SECRET: SECRET },
    /liqguard listening on (http:\/\/\S+)/,
  );
  gateway = g.proc;
  gatewayUrl = g.m[1]!;
}, 120_000);

afterAll(async () => {
  for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
});

describe('a protective stop outlives the gateway', () => {
  it('fires at liqguard venue after the gateway process was SIGKILLed', async () => {
    const bot = ccxtBot(gatewayUrl, DEMO_API_KEY, DEMO_API_SECRET);
    await bot.loadMarkets();
    const venue = ccxtClient(localBinanceUrls(venueHttp, venueWs), { apiKey: KEY, secret: SECRET });
    await venue.loadMarkets();

    const open = await bot.createOrder(BTC, 'market', 'buy', 0.01);
    expect(open.status).toBe('closed');
    const mark = Number((await venue.fetchMarkPrice(BTC)).markPrice);
    const stop = Math.round(mark * 0.97 * 10) / 10;
    const o = await bot.createOrder(BTC, 'market', 'sell', 0.01, undefined, { triggerPrice: stop, reduceOnly: true });
    expect(o.info.liqguard).toMatchObject({ decision: 'accept', heldBy: 'venue' });
    // The venue holds the stop as its own algo order.
    const atVenue = await venue.fetchOpenOrders(BTC, undefined, undefined, { trigger: true });
    expect(atVenue).toHaveLength(1);
    expect(atVenue[0]!.info).toMatchObject({ orderType: 'STOP_MARKET', reduceOnly: true, algoStatus: 'NEW' });
    expect((await venue.fetchPositions([BTC]))[0]?.contracts).toBeCloseTo(0.01);

    const exited = new Promise((r) => gateway.once('exit', (_c, signal) => r(signal)));
    gateway.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    await expect(fetch(`${gatewayUrl}/healthz`)).rejects.toThrow();

    // The market falls through the stop at the venue; nobody is left at the gateway.
    const hook = await fetch(`${venueHttp}/_liqguard/mark`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ symbol: 'BTCUSDT', markPrice: String(stop * 0.99) }),
    });
    expect(hook.status).toBe(200);
    const pos = await venue.fetchPositions([BTC]);
    expect(pos[0]?.contracts ?? 0).toBe(0);
    const fired = await venue.fetchOrder(atVenue[0]!.id!, BTC, { trigger: true });
    expect(fired.info.algoStatus).toBe('FINISHED');
    expect(await venue.fetchOpenOrders(BTC, undefined, undefined, { trigger: true })).toHaveLength(0);
  }, 60_000);
});
