/** Alerts through the whole gateway: a kill switch reaches a live webhook receiver once, while a
 * second target is down; orders are answered as usual meanwhile (delivery is off the order path),
 * and the alert and its delivery outcomes are in the audit log. */
import { createServer, type Server } from 'node:http';
import { readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_API_KEY } from '../../src/config/embedded-default.js';
import type { Gateway } from '../../src/gateway/gateway.js';
import { startEmbeddedGateway } from './support.js';

const H = { 'x-api-key': DEMO_API_KEY, 'content-type': 'application/json', 'x-operator': 'Ada' };
const BTC = 'BTC/USDT:USDT';
const ETH = 'ETH/USDT:USDT';
let receiver: Server;
let received: any[] = [];
let gotOne: () => void = () => undefined;
let gw: Gateway;
let url: string;
let varDir: string;
let downUrl: string;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      received.push(JSON.parse(data));
      res.writeHead(204).end();
      gotOne();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  // A port with nothing listening: the "down" receiver.
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  downUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}/hook`;
  await new Promise((r) => probe.close(r));
  const up = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const alerts = `
alerts:
  targets:
    - { id: ops-slack, url: "${up}", format: slack, kinds: [kill, latch, loss_limit], minSeverity: warning }
    - { id: pager, url: "${downUrl}", format: json }
  backoffMs: 60000
`;
  ({ gw, url, varDir } = await startEmbeddedGateway((y) => y.replace('scorer: model', 'scorer: baseline') + alerts));
}, 60_000);
afterAll(async () => {
  await gw?.close();
  await new Promise((r) => receiver?.close(r));
});

const post = async (path: string, body: unknown, method = 'POST') => {
  const r = await fetch(`${url}${path}`, { method, headers: H, body: JSON.stringify(body) });
  return { status: r.status, body: (await r.json()) as any };
};

describe('alerts from the gateway', () => {
  it('a kill reaches the live receiver once; the down one is retried later; orders are unaffected', async () => {
    const arrived = new Promise<void>((r) => (gotOne = r));
    const kill = await post('/v1/kill', { scope: { type: 'symbol', value: BTC }, reason: 'drill' });
    expect(kill.status).toBe(200);
    // The order path while the pager target is down and its retry waits for a minute.
    const order = await post('/v1/orders', { symbol: ETH, side: 'buy', type: 'market', quantity: '0.01' });
    expect(order.status).toBe(200);
    expect(order.body.status).toBe('filled');
    await arrived;
    await gw.alerts!.idle();
    expect(received).toHaveLength(1);
    expect(received[0].text).toBe(`:rotating_light: [critical] Kill switch ON (symbol=${BTC})`);
    expect(gw.alerts!.counts).toMatchObject({ raised: 1, sent: 1, retried: 1, failed: 0 });
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain('liqguard_alerts_sent_total{target="ops-slack"} 1');
    expect(metrics).toContain('liqguard_alerts_retried_total{target="pager"} 1');
    // The same kill again within the window is not raised twice.
    await post('/v1/kill', { scope: { type: 'symbol', value: BTC } }, 'DELETE');
    await post('/v1/kill', { scope: { type: 'symbol', value: BTC }, reason: 'again' });
    expect(gw.alerts!.counts.deduplicated).toBe(1);
    const records = readdirSync(join(varDir, 'audit'))
      .flatMap((f) =>
        readFileSync(join(varDir, 'audit', f), 'utf8')
          .trim()
          .split('\n'),
      )
      .map((l) => JSON.parse(l))
      .filter((r) => r.type === 'alert');
    const first = records.filter((r) => r.alertId === records[0].alertId);
    expect(first.map((r) => [r.phase, r.target ?? null])).toEqual([
      ['raised', null],
      ['delivered', 'ops-slack'],
    ]);
    expect(first[0]).toMatchObject({ kind: 'kill', severity: 'critical', targets: ['ops-slack', 'pager'] });
  });
});
