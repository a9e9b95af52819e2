/** The dead-man switch across real processes: `liqguard venue` and `liqguard serve` (a ccxt venue
 * pointing at it) run as child processes; a resting order goes through the gateway, the gateway
 * arms Binance's countdownCancelAll, then it is killed with SIGKILL. The venue cancels the
 * working order when the countdown runs out; the test awaits the cancel on the venue's user-data
 * stream (the ws client) and reports the delay. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DEMO_API_KEY, EMBEDDED_DEFAULT_YAML } from '../../src/config/embedded-default.js';
import { PACKAGE_ROOT } from '../../src/config/load.js';

const ETH = 'ETH/USDT:USDT';
const KEY = 'dmTestKey01';
const SECRET = 'dmTestSecret01';
const COUNTDOWN_MS = 5000;
const procs: ChildProcess[] = [];

afterAll(async () => {
  for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
});

/** Spawn `liqguard <args>` from the sources; resolve with the first match of `re` on its output. */
function liqguard(
  args: string[],
  env: Record<string, string>,
  re: RegExp,
): Promise<{ proc: ChildProcess; match: RegExpMatchArray }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(PACKAGE_ROOT, 'src/cli/main.ts'), ...args], {
    cwd: PACKAGE_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  procs.push(proc);
  let out = '';
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`liqguard ${args[0]} did not start within 90 s:\n${out}`)), 90_000);
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = re.exec(out);
      if (m) {
        clearTimeout(t);
        resolve({ proc, match: m });
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.once('exit', (code, sig) => reject(new Error(`liqguard ${args[0]} exited (${code ?? sig}):\n${out}`)));
  });
}

function gatewayYaml(urls: Record<string, string>, varDir: string): string {
  const venue = `venues:
  - id: binance-sim
    kind: ccxt
    exchangeId: binanceusdm
    symbols: [${ETH}]
    apiKeyEnv: LG_DM_VENUE_KEY
    secretEnv: LG_DM_VENUE_SECRET
    urls: ${JSON.stringify(urls)}
market:`;
  return (
    EMBEDDED_DEFAULT_YAML.replace(/venues:\n[\s\S]*?\nmarket:/, venue)
      .replace('venue: sim', 'venue: binance-sim')
      .replace('dataDir: data', `dataDir: ${join(PACKAGE_ROOT, 'data')}`)
      .replace('scorer: model', 'scorer: baseline')
      .replace('model: models', `model: ${join(PACKAGE_ROOT, 'models')}`)
      .replace('dir: policies', `dir: ${join(PACKAGE_ROOT, 'policies')}`)
      .replace('watch: true', 'watch: false')
      .replace('dir: var/audit', `dir: ${join(varDir, 'audit')}`)
      .replace('dir: var/state', `dir: ${join(varDir, 'state')}`)
      .replace('logLevel: info', 'logLevel: warn')
      .replace(/barsPerSecond: [0-9.]+/, 'barsPerSecond: 0.001') +
    `deadman:\n  countdownMs: ${COUNTDOWN_MS}\n  refreshMs: 1000\n`
  );
}

describe('dead-man switch after the gateway is killed', () => {
  it('the venue cancels the working order within the countdown', async () => {
    const venue = await liqguard(
      ['venue', '--symbols', ETH, '--speed', '0.001', '--api-key', KEY, '--api-secret', SECRET],
      {},
      /urls: (\{.*\})\n/,
    );
    const urls = JSON.parse(venue.match[1]!) as Record<string, string>;
    const http = urls.fapiPrivate!.replace(/\/fapi\/v1$/, '');

    // The venue's user-data stream: every order update of the account.
    const lk = (await (
      await fetch(`${http}/fapi/v1/listenKey`, { method: 'POST', headers: { 'X-MBX-APIKEY': KEY } })
    ).json()) as { listenKey: string };
    const ws = new WebSocket(`${urls['ws.future']}/${lk.listenKey}`);
    await new Promise((r, j) => ws.once('open', r).once('error', j));
    const updates: { c: string; X: string; at: number }[] = [];
    const waiters: (() => void)[] = [];
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString());
      if (m.e === 'ORDER_TRADE_UPDATE') updates.push({ c: m.o.c, X: m.o.X, at: Date.now() });
      for (const w of waiters.splice(0)) w();
    });
    const update = async (c: string, X: string) => {
      for (;;) {
        const u = updates.find((x) => x.c === c && x.X === X);
        if (u) return u;
        await new Promise<void>((r) => waiters.push(r));
      }
    };

    const varDir = mkdtempSync(join(tmpdir(), 'lg-deadman-'));
    const cfg = join(varDir, 'gateway.yaml');
    writeFileSync(cfg, gatewayYaml(urls, varDir));
    const gw = await liqguard(
      ['serve', '--config', cfg],
      { PORT: '0', LG_DM_VENUE_KEY: KEY, LG_DM_VENUE_SECRET: SECRET },
      /liqguard listening on (http:\/\/[0-9.:]+)/,
    );
    const url = gw.match[1]!;
    const H = { 'x-api-key': DEMO_API_KEY, 'content-type': 'application/json' };
    const market = (await (await fetch(`${url}/v1/market/${encodeURIComponent(ETH)}`, { headers: H })).json()) as {
      last: number;
    };
    const price = (Math.floor(market.last * 0.97 * 100) / 100).toFixed(2);
    const res = (await (
      await fetch(`${url}/v1/orders`, {
        method: 'POST',
        headers: H,
        body: JSON.stringify({ symbol: ETH, side: 'buy', type: 'limit', quantity: '0.05', price }),
      })
    ).json()) as any;
    expect(res.decision.kind).toBe('accept');
    expect(res.status).toBe('new');
    const child = res.children[0].clientOrderId as string;
    await update(child, 'NEW');

    // Armed: the gateway's health check counts the arms the venue acknowledged.
    for (;;) {
      const h = (await (await fetch(`${url}/healthz`)).json()) as any;
      if (/^1 symbol\(s\) armed, [1-9]/.test(h.checks?.deadman?.detail ?? '')) break;
      await new Promise((r) => setTimeout(r, 100));
    }

    const killedAt = Date.now();
    gw.proc.kill('SIGKILL');
    await new Promise((r) => gw.proc.once('exit', r));
    const cancel = await update(child, 'CANCELED');
    const delay = cancel.at - killedAt;
    process.stdout.write(
      `dead-man switch: venue cancelled ${child} ${delay} ms after SIGKILL ` +
        `(countdown ${COUNTDOWN_MS} ms, refresh 1000 ms)\n`,
    );
    expect(delay).toBeGreaterThan(0);
    // The countdown was re-armed at most one refresh before the kill; slack only for a busy host.
    expect(delay).toBeLessThan(COUNTDOWN_MS + 10_000);
    ws.close();
    venue.proc.kill('SIGTERM');
    await new Promise((r) => venue.proc.once('exit', r));
  }, 240_000);
});
