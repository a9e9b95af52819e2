/** Hot reload through the whole gateway: a valid edit takes effect on the next order (with the new
 * sha256 in the decision); an invalid edit keeps the old set and says why. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_API_KEY } from '../../src/config/embedded-default.js';
import { PACKAGE_ROOT } from '../../src/config/load.js';
import type { Gateway } from '../../src/gateway/gateway.js';
import { startEmbeddedGateway } from './support.js';

const H = { 'x-api-key': DEMO_API_KEY, 'content-type': 'application/json', 'x-operator': 'Ada' };
const dir = mkdtempSync(join(tmpdir(), 'lg-reload-'));
const original = readFileSync(join(PACKAGE_ROOT, 'policies', 'default.yaml'), 'utf8');
let gw: Gateway;
let url: string;
beforeAll(async () => {
  writeFileSync(join(dir, 'default.yaml'), original);
  ({ gw, url } = await startEmbeddedGateway((y) =>
    y
      .replace('scorer: model', 'scorer: baseline')
      .replace('  dir: policies', `  dir: ${dir}`)
      .replace('watch: true', 'watch: false'),
  ));
});
afterAll(async () => gw?.close());
const order = async () =>
  (await (
    await fetch(`${url}/v1/orders`, {
      method: 'POST',
      headers: H,
      body: JSON.stringify({ symbol: 'BTC/USDT:USDT', side: 'buy', type: 'limit', quantity: '2', price: '1000' }),
    })
  ).json()) as any;
const reload = async () => fetch(`${url}/v1/policies/reload`, { method: 'POST', headers: H, body: '{}' });

describe('policy hot reload through the gateway', () => {
  it('a valid edit applies to the next order; an invalid one keeps the old set', async () => {
    const before = await order();
    expect(before.decision.code).not.toBe('MAX_ORDER_QUANTITY');
    const oldSha = before.decision.policy.sha256;

    writeFileSync(join(dir, 'default.yaml'), original.replace('quantity: { gt: 5 } }', 'quantity: { gt: 1 } }'));
    expect((await reload()).status).toBe(200);
    const after = await order();
    expect(after.decision.code).toBe('MAX_ORDER_QUANTITY');
    expect(after.decision.policy.sha256).not.toBe(oldSha);

    writeFileSync(join(dir, 'default.yaml'), original.replace('id: default', 'id: default\nbogus_key: 1'));
    const bad = await reload();
    expect(bad.status).toBe(409);
    expect(((await bad.json()) as any).error.message).toMatch(/bogus_key/);
    expect((await order()).decision.policy.sha256).toBe(after.decision.policy.sha256);
  });
});
