/** A whole gateway (embedded default: replayed real market, simulated venue, audit on disk) with
 * the Binance front door mounted, listening on 127.0.0.1:0, and an unmodified ccxt.binanceusdm
 * pointed at it by URL only. */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ccxt from 'ccxt';
import { WebSocket } from 'ws';
import { localBinanceUrls } from '../../../src/core/ccxt-urls.js';
import type { FastifyInstance } from 'fastify';
import { EMBEDDED_DEFAULT_YAML } from '../../../src/config/embedded-default.js';
import { loadConfigText, PACKAGE_ROOT } from '../../../src/config/load.js';
import { buildGateway, type Gateway } from '../../../src/gateway/gateway.js';
import { ApiKeyAuth } from '../../../src/ingress/auth.js';
import type { BinanceFrontDoor } from '../../../src/ingress/binance/index.js';

/** The shipped default policy plus extra rules (YAML list items), in a temp policy dir. */
export function policyDirWith(extraRules: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'lg-bn-pol-'));
  const base = readFileSync(join(PACKAGE_ROOT, 'policies', 'default.yaml'), 'utf8');
  writeFileSync(join(dir, 'default.yaml'), `${base.trimEnd()}\n${extraRules}`);
  return dir;
}

export interface FrontDoorGateway {
  readonly gw: Gateway;
  readonly fd: BinanceFrontDoor;
  readonly url: string;
  readonly varDir: string;
}

type Plugin = (app: FastifyInstance, auth: ApiKeyAuth) => void | Promise<void>;

export async function startFrontDoorGateway(
  o: {
    policyDir?: string;
    edit?: (yaml: string) => string;
    plugins?: (gw: Gateway) => Plugin[];
    /** Reuse a previous gateway's state and audit (a restart). */
    varDir?: string;
  } = {},
): Promise<FrontDoorGateway> {
  const varDir = o.varDir ?? mkdtempSync(join(tmpdir(), 'lg-bn-'));
  mkdirSync(join(varDir, 'audit'), { recursive: true });
  let yaml = EMBEDDED_DEFAULT_YAML.replace('scorer: model', 'scorer: baseline')
    .replace('dir: var/audit', `dir: ${join(varDir, 'audit')}`)
    .replace('dir: var/state', `dir: ${join(varDir, 'state')}`)
    .replace('watch: true', 'watch: false')
    // Hold the replayed market still during a test (one bar per ~17 min): assertions that compare
    // two reads of the market cannot race a new bar.
    .replace(/barsPerSecond: [0-9.]+/, 'barsPerSecond: 0.001');
  if (o.policyDir) yaml = yaml.replace('dir: policies', `dir: ${o.policyDir}`);
  if (o.edit) yaml = o.edit(yaml);
  const config = loadConfigText(yaml, { env: {}, baseDir: PACKAGE_ROOT });
  const gw = await buildGateway(config, { logger: false });
  // The gateway mounts the front door itself; extra plugins (test-only endpoints) are added
  // before listen, while the app is not ready yet.
  const fd = gw.frontDoor;
  const auth = new ApiKeyAuth(config.clients);
  for (const plugin of o.plugins?.(gw) ?? []) await plugin(gw.app, auth);
  await gw.start();
  const url = await gw.app.listen({ port: 0, host: '127.0.0.1' });
  return { gw, fd, url, varDir };
}

function gatewayUrls(url: string): Record<string, string> {
  // The gateway serves no market websocket for bots: REST URLs only.
  const { ['ws.future']: _ws, ...rest } = localBinanceUrls(url, url.replace(/^http/, 'ws'));
  return rest;
}

/** An unmodified ccxt.binanceusdm whose only change is the base URLs. */
export function ccxtBot(url: string, apiKey: string, secret: string): InstanceType<typeof ccxt.binanceusdm> {
  const ex = new ccxt.binanceusdm({ apiKey, secret, enableRateLimit: false, options: { fetchCurrencies: false } });
  ex.urls.api = { ...(ex.urls.api as Record<string, string>), ...gatewayUrls(url) };
  return ex;
}

/** A raw user-data socket on /ws/<listenKey> (a listen key made with `apiKey`) that records every
 * event; resolves once the socket is open. */
export async function rawUserStream<E>(
  url: string,
  apiKey: string,
): Promise<{ ws: WebSocket; events: E[]; key: string }> {
  const res = await fetch(`${url}/fapi/v1/listenKey`, { method: 'POST', headers: { 'X-MBX-APIKEY': apiKey } });
  if (res.status !== 200) throw new Error(`listenKey: HTTP ${res.status} ${await res.text()}`);
  const { listenKey } = (await res.json()) as { listenKey: string };
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws/${listenKey}`);
  const events: E[] = [];
  ws.on('message', (d) => events.push(JSON.parse(d.toString()) as E));
  await new Promise((r, j) => ws.once('open', r).once('error', j));
  return { ws, events, key: listenKey };
}
