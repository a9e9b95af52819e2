/** A two-person override bypasses exactly one rule, in its scope, until revoked; the bypassed
 * rule is still traced and marked. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_API_KEY } from '../../src/config/embedded-default.js';
import type { Gateway } from '../../src/gateway/gateway.js';
import { startEmbeddedGateway } from './support.js';

const BTC = 'BTC/USDT:USDT';
let gw: Gateway;
let url: string;
beforeAll(async () => {
  ({ gw, url } = await startEmbeddedGateway((y) => y.replace('scorer: model', 'scorer: baseline')));
});
afterAll(async () => gw?.close());
const call = async (path: string, body: unknown, person: string) => {
  const r = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'x-api-key': DEMO_API_KEY, 'content-type': 'application/json', 'x-operator': person },
    body: JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json()) as any };
};
const tooBig = { symbol: BTC, side: 'buy', type: 'limit', quantity: '6', price: '1000', reduceOnly: false };

describe('override workflow through the gateway', () => {
  it('needs a second operator, then bypasses only its rule, in its scope, until revoked', async () => {
    const before = await call('/v1/orders', tooBig, 'bot');
    expect(before.body.decision.code).toBe('MAX_ORDER_QUANTITY');

    const req = await call(
      '/v1/overrides',
      {
        ruleId: 'max-quantity-btc',
        scope: { type: 'symbol', value: BTC },
        reason: 'block trade agreed with risk',
        ttlMs: 600_000,
      },
      'alice',
    );
    expect(req.status).toBe(201);
    const id = req.body.id;
    expect((await call(`/v1/overrides/${id}/approve`, {}, 'alice')).status).toBe(403);
    const pending = await call('/v1/orders', tooBig, 'bot');
    expect(pending.body.decision.code).toBe('MAX_ORDER_QUANTITY');

    expect((await call(`/v1/overrides/${id}/approve`, {}, 'bob')).status).toBe(200);
    const during = await call('/v1/orders', tooBig, 'bot');
    // The quantity rule no longer decides; other rules (price collar on this far-away price) still do.
    expect(during.body.decision.code).not.toBe('MAX_ORDER_QUANTITY');
    const t = during.body.decision.trace.find((x: any) => x.ruleId === 'max-quantity-btc');
    expect(t).toMatchObject({ mode: 'shadow', matched: true });
    expect(t.detail).toContain(`[overridden: ${id}]`);

    expect((await call(`/v1/overrides/${id}/revoke`, { reason: 'done' }, 'bob')).status).toBe(200);
    const after = await call('/v1/orders', tooBig, 'bot');
    expect(after.body.decision.code).toBe('MAX_ORDER_QUANTITY');
  });
});
