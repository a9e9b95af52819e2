/** Issue 13 item 7: when the venue's account read fails, submit() threw and the order got no
 * decision record at all. Now the order ends in an audited denial (ACCOUNT_UNAVAILABLE), answered
 * 200 like any denial. Real chain: gateway → ccxt adapter → liqguard venue on 127.0.0.1, with the
 * venue answering 503 to every request. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { queryAudit } from '../../src/audit/index.js';
import { DEMO_API_KEY, EMBEDDED_DEFAULT_YAML } from '../../src/config/embedded-default.js';
import { loadConfigText, PACKAGE_ROOT } from '../../src/config/load.js';
import { buildGateway, type Gateway } from '../../src/gateway/gateway.js';
import { KEY, SECRET, startTestVenue, type TestVenue } from '../venue-api/private/support.js';
import { withCcxtVenue } from '../gateway/support.js';

let v: TestVenue;
let gw: Gateway;
let url: string;
let varDir: string;
const H = { 'x-api-key': DEMO_API_KEY, 'content-type': 'application/json' };

beforeAll(async () => {
  v = await startTestVenue();
  varDir = mkdtempSync(join(tmpdir(), 'lg-stage-'));
  const yaml = withCcxtVenue(EMBEDDED_DEFAULT_YAML, v.urls)
    .replace('dir: var/audit', `dir: ${join(varDir, 'audit')}`)
    .replace('dir: var/state', `dir: ${join(varDir, 'state')}`)
    .replace('scorer: model', 'scorer: baseline')
    .replace(/barsPerSecond: [0-9.]+/, 'barsPerSecond: 0.001');
  const config = loadConfigText(yaml, {
    env: { LG_TEST_VENUE_KEY: KEY, LG_TEST_VENUE_SECRET: SECRET },
    baseDir: PACKAGE_ROOT,
  });
  gw = await buildGateway(config, { logger: false });
  await gw.start();
  url = await gw.app.listen({ port: 0, host: '127.0.0.1' });
}, 60_000);
afterAll(async () => {
  await gw?.close();
  await v?.close();
});

describe('a failing stage on the order path', () => {
  it('the venue account read fails: 200, deny ACCOUNT_UNAVAILABLE, decision audited, nothing sent', async () => {
    v.api.faults.inject({ kind: 'error', status: 503, times: 1000 });
    const sentBefore = v.requests.filter((r) => r.url.startsWith('/fapi/v1/order')).length;
    const res = await fetch(`${url}/v1/orders`, {
      method: 'POST',
      headers: H,
      body: JSON.stringify({
        symbol: 'ETH/USDT:USDT',
        side: 'buy',
        type: 'market',
        quantity: '0.01',
        clientOrderId: 'stage-acct-1',
      }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { intentId: string; decision: { kind: string; code: string; detail: string } };
    expect(body.decision).toMatchObject({ kind: 'deny', code: 'ACCOUNT_UNAVAILABLE' });
    expect(body.decision.detail).toMatch(/^ACCOUNT_UNAVAILABLE: stage=exposure /);
    const page = await queryAudit(join(varDir, 'audit'), { type: ['decision'] }, { limit: 10 });
    const rec = page.records.find((r) => r.intentId === body.intentId) as
      { outcome?: string; decision?: { code?: string } } | undefined;
    expect(rec).toMatchObject({ outcome: 'deny', decision: { code: 'ACCOUNT_UNAVAILABLE' } });
    expect(v.requests.filter((r) => r.url.startsWith('/fapi/v1/order')).length).toBe(sentBefore);
    v.api.faults.clear();
  });

  it('the market view throws: deny MARKET_DATA_UNAVAILABLE, audited', async () => {
    const snapshot = gw.market.snapshot.bind(gw.market);
    (gw.market as { snapshot: typeof snapshot }).snapshot = () => {
      throw new Error('feature engine corrupted');
    };
    try {
      const res = await fetch(`${url}/v1/orders`, {
        method: 'POST',
        headers: H,
        body: JSON.stringify({ symbol: 'ETH/USDT:USDT', side: 'buy', type: 'market', quantity: '0.01' }),
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { decision: { code: string } }).decision.code).toBe('MARKET_DATA_UNAVAILABLE');
    } finally {
      (gw.market as { snapshot: typeof snapshot }).snapshot = snapshot;
    }
  });
});
