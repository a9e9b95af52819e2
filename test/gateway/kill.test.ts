/** Kill switch through the whole gateway: new orders stop, a resting order is cancelled, a
 * reduce-only exit still passes (default policy), the kill survives a restart until lifted. */
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { DEMO_API_KEY } from '../../src/config/embedded-default.js';
import { EMBEDDED_DEFAULT_YAML } from '../../src/config/embedded-default.js';
import { loadConfigText, PACKAGE_ROOT } from '../../src/config/load.js';
import { buildGateway, type Gateway } from '../../src/gateway/gateway.js';
import { verifyAudit } from '../../src/audit/verify.js';
import { startEmbeddedGateway } from './support.js';

const H = { 'x-api-key': DEMO_API_KEY, 'content-type': 'application/json', 'x-operator': 'Ada' };
const BTC = 'BTC/USDT:USDT';
const gateways: Gateway[] = [];
afterAll(async () => {
  for (const g of gateways) await g.close().catch(() => undefined);
});

const post = async (url: string, path: string, body: unknown, method = 'POST') => {
  const r = await fetch(`${url}${path}`, { method, headers: H, body: JSON.stringify(body) });
  return { status: r.status, body: (await r.json()) as any };
};

describe('kill switch end to end', () => {
  it('stops new orders, cancels working ones, lets reduce-only exits through, survives a restart', async () => {
    const edit = (y: string) => y.replace('scorer: model', 'scorer: baseline');
    const { gw, url, varDir } = await startEmbeddedGateway(edit);
    gateways.push(gw);
    const open = await post(url, '/v1/orders', { symbol: BTC, side: 'buy', type: 'market', quantity: '0.01' });
    expect(open.body.status).toBe('filled');
    const m = (await (await fetch(`${url}/v1/market/${encodeURIComponent(BTC)}`, { headers: H })).json()) as any;
    const resting = await post(url, '/v1/orders', {
      symbol: BTC,
      side: 'buy',
      type: 'limit',
      quantity: '0.01',
      price: (Math.floor(m.last * 0.97 * 10) / 10).toFixed(1),
    });
    expect(resting.body.status).toBe('new');

    const kill = await post(url, '/v1/kill', { scope: { type: 'symbol', value: BTC }, reason: 'drill' });
    expect(kill.status).toBe(200);
    expect(kill.body.cancelled).toBeGreaterThanOrEqual(1);
    const after = (await (await fetch(`${url}/v1/orders/${resting.body.intentId}`, { headers: H })).json()) as any;
    expect(after.status).toBe('canceled');

    const denied = await post(url, '/v1/orders', { symbol: BTC, side: 'buy', type: 'market', quantity: '0.01' });
    expect(denied.body.decision).toMatchObject({ kind: 'deny', code: 'KILL_SWITCH' });
    const exit = await post(url, '/v1/orders', {
      symbol: BTC,
      side: 'sell',
      type: 'market',
      quantity: '0.01',
      reduceOnly: true,
    });
    expect(exit.body.decision.kind).not.toBe('deny');
    const eth = await post(url, '/v1/orders', {
      symbol: 'ETH/USDT:USDT',
      side: 'buy',
      type: 'market',
      quantity: '0.01',
    });
    expect(eth.body.decision.kind).not.toBe('deny');

    // Restart on the same state directory: the kill is still in force.
    await gw.close();
    const yaml = edit(EMBEDDED_DEFAULT_YAML)
      .replace('dir: var/audit', `dir: ${join(varDir, 'audit')}`)
      .replace('dir: var/state', `dir: ${join(varDir, 'state')}`);
    const gw2 = await buildGateway(loadConfigText(yaml, { env: {}, baseDir: PACKAGE_ROOT }), { logger: false });
    gateways.push(gw2);
    await gw2.start();
    const url2 = await gw2.app.listen({ port: 0, host: '127.0.0.1' });
    const still = await post(url2, '/v1/orders', { symbol: BTC, side: 'buy', type: 'market', quantity: '0.01' });
    expect(still.body.decision.code).toBe('KILL_SWITCH');
    const lift = await post(url2, '/v1/kill', { scope: { type: 'symbol', value: BTC } }, 'DELETE');
    expect(lift.status).toBe(200);
    const again = await post(url2, '/v1/orders', { symbol: BTC, side: 'buy', type: 'market', quantity: '0.01' });
    expect(again.body.decision.kind).not.toBe('deny');

    // Both the kill and the lift are audited with the operator's identity; the chain verifies
    // across the restart.
    await gw2.close();
    const v = await verifyAudit(join(varDir, 'audit'));
    expect(v.ok).toBe(true);
    const { queryAudit } = await import('../../src/audit/query.js');
    const kills = await queryAudit(join(varDir, 'audit'), { types: ['kill', 'unkill'] } as any);
    const ops = kills.records.map((r: any) => `${r.type}:${r.operator}`);
    expect(ops).toEqual(expect.arrayContaining(['kill:demo/Ada', 'unkill:demo/Ada']));
  });
});
