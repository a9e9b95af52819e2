import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_API_KEY } from '../../src/config/embedded-default.js';
import type { Gateway } from '../../src/gateway/gateway.js';
import { REGIME_LEVEL } from '../../src/gateway/metrics.js';
import { startEmbeddedGateway } from './support.js';

let gw: Gateway;
let url: string;
beforeAll(async () => {
  ({ gw, url } = await startEmbeddedGateway());
}, 60_000);
afterAll(async () => gw?.close());

const headers = { 'content-type': 'application/json', 'x-api-key': DEMO_API_KEY };
const sample = (text: string, name: string, labels = ''): number | undefined => {
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`${name}${labels} `) || (labels === '' && l.startsWith(`${name} `)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
};

describe('order-path latency histograms and the regime gauge on /metrics', () => {
  it('observes decision, audit write, venue round trip and end to end once per order; regime per symbol', async () => {
    const before = await (await fetch(`${url}/metrics`)).text();
    const n0 = sample(before, 'liqguard_order_end_to_end_seconds_count') ?? 0;
    for (const side of ['buy', 'sell']) {
      const res = await fetch(`${url}/v1/orders`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ symbol: 'ETH/USDT:USDT', side, type: 'market', quantity: '0.01' }),
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as any).decision.kind).toBe('accept');
    }
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(
      sample(text, 'liqguard_decision_seconds_count')! - (sample(before, 'liqguard_decision_seconds_count') ?? 0),
    ).toBe(2);
    expect(
      sample(text, 'liqguard_audit_write_seconds_count')! - (sample(before, 'liqguard_audit_write_seconds_count') ?? 0),
    ).toBe(2);
    expect(sample(text, 'liqguard_order_end_to_end_seconds_count')! - n0).toBe(2);
    expect(sample(text, 'liqguard_venue_round_trip_seconds_count', '{venue="sim"}')).toBeGreaterThanOrEqual(2);
    // Buckets are cumulative and the +Inf bucket equals the count.
    expect(sample(text, 'liqguard_audit_write_seconds_bucket', '{le="+Inf"}')).toBe(
      sample(text, 'liqguard_audit_write_seconds_count'),
    );
    // End to end includes the decision and the audit write.
    expect(sample(text, 'liqguard_order_end_to_end_seconds_sum')!).toBeGreaterThanOrEqual(
      sample(text, 'liqguard_audit_write_seconds_sum')! - 1e-9,
    );

    // Every traded symbol has a regime level once scored (orders or the ticker).
    expect(Object.values(REGIME_LEVEL)).toContain(sample(text, 'liqguard_regime_level', '{symbol="ETH/USDT:USDT"}'));
    // The gauge follows regime events on the bus (the ticker's too), not only orders.
    const ts = gw.clock.now();
    gw.bus.publish({
      type: 'regime',
      symbol: 'TEST/USDT:USDT',
      ts,
      score: {
        status: 'unavailable',
        symbol: 'TEST/USDT:USDT',
        asOf: ts,
        regime: 'unknown',
        reason: 'test',
        scorer: 'model',
        modelId: 'm',
      } as any,
    });
    const after = await (await fetch(`${url}/metrics`)).text();
    expect(sample(after, 'liqguard_regime_level', '{symbol="TEST/USDT:USDT"}')).toBe(-1);
    expect(sample(after, 'liqguard_regime_probability', '{symbol="TEST/USDT:USDT"}')).toBeUndefined();
  }, 60_000);

  it('loads the documented rate-limit defaults from the embedded config', () => {
    expect(gw.config.server.rateLimit).toEqual({ perSecond: 2000, burst: 4000 });
  });
});
