/** The shipped defensive policy's split and throttle rules through the whole gateway: large
 * orders are split into price-protected children that aggregate into one parent; a per-client
 * throttle answers RATE_LIMIT_EXCEEDED when its queue waits too long. The two rules are taken
 * verbatim from policies/defensive.yaml (its regime rules would make the outcome depend on the
 * replayed regime at test time, which its own golden tests cover). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decimal } from '../../src/core/decimal.js';
import { DEMO_API_KEY } from '../../src/config/embedded-default.js';
import type { Gateway } from '../../src/gateway/gateway.js';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { PACKAGE_ROOT } from '../../src/config/load.js';
import { startEmbeddedGateway } from './support.js';

function defensiveCore(): string {
  const set = parse(readFileSync(join(PACKAGE_ROOT, 'policies', 'defensive.yaml'), 'utf8'));
  const keep = ['symbol-allow-list', 'work-large-orders', 'client-throttle'];
  set.id = 'defensive-core';
  set.rules = set.rules.filter((r: { id: string }) => keep.includes(r.id));
  if (set.rules.length !== keep.length) throw new Error('defensive.yaml no longer has the rules this test exercises');
  // The children are IOC limits at the collar from the mark; the live-speed replay moves an hourly
  // bar's intrabar price by more than the shipped 0.5 % often enough that, on a slow host, every
  // child could expire unfilled. This test is about splitting and aggregation, so the collar is
  // widened; the collar itself is covered by the split-plan and venue tests.
  set.rules.find((r: { id: string }) => r.id === 'work-large-orders').split.max_price_deviation_pct = 5;
  const dir = mkdtempSync(join(tmpdir(), 'lg-pol-'));
  writeFileSync(join(dir, 'defensive-core.yaml'), stringify(set));
  return dir;
}

const H = { 'x-api-key': DEMO_API_KEY, 'content-type': 'application/json' };
const ETH = 'ETH/USDT:USDT';
let gw: Gateway;
let url: string;
beforeAll(async () => {
  ({ gw, url } = await startEmbeddedGateway((y) =>
    y
      .replace('scorer: model', 'scorer: baseline')
      .replace('  dir: policies', `  dir: ${defensiveCore()}`)
      .replace('enforce: default', 'enforce: defensive-core'),
  ));
});
afterAll(async () => gw?.close());
const post = async (body: unknown) =>
  (await (await fetch(`${url}/v1/orders`, { method: 'POST', headers: H, body: JSON.stringify(body) })).json()) as any;
const get = async (id: string) => (await (await fetch(`${url}/v1/orders/${id}`, { headers: H })).json()) as any;

describe('defensive policy end to end', () => {
  it('splits a large order into children that sum to the approved size and aggregate into the parent', async () => {
    const m = (await (await fetch(`${url}/v1/market/${encodeURIComponent(ETH)}`, { headers: H })).json()) as any;
    const qty = (Math.floor((24_000 / m.last) * 1000) / 1000).toFixed(3);
    const r = await post({
      symbol: ETH,
      side: 'buy',
      type: 'market',
      quantity: qty,
      leverage: '2',
      clientOrderId: 'big-1',
    });
    if (r.decision.kind === 'deny') throw new Error(`unexpected denial: ${r.decision.detail}`);
    expect(r.decision.kind).toBe('split');
    expect(r.children.length).toBeGreaterThanOrEqual(2);
    const sum = r.children.reduce((a: Decimal, c: any) => a.plus(c.quantity), new Decimal(0));
    expect(sum.toFixed()).toBe(new Decimal(r.decision.approvedQuantity).toFixed());
    expect(new Set(r.children.map((c: any) => c.clientOrderId)).size).toBe(r.children.length);
    expect(r.children.every((c: any) => c.clientOrderId.startsWith('big-1') && c.price)).toBe(true);
    // Children go out over (replay) time; wait until every child has a terminal state.
    let p = r;
    for (let i = 0; i < 50 && p.children.some((c: any) => c.status === 'pending' || c.status === 'new'); i++) {
      await new Promise((res) => setTimeout(res, 100));
      p = await get(r.intentId);
    }
    expect(p.children.every((c: any) => ['filled', 'expired', 'canceled', 'rejected'].includes(c.status))).toBe(true);
    const filled = p.children.reduce((a: Decimal, c: any) => a.plus(c.filledQuantity), new Decimal(0));
    expect(new Decimal(p.filledQuantity).toFixed()).toBe(filled.toFixed());
    // On failure, say how each child ended.
    expect(filled.gt(0), JSON.stringify(p.children.map((c: any) => [c.status, c.code, c.reason]))).toBe(true);
  });

  it('a burst beyond the per-client throttle gets RATE_LIMIT_EXCEEDED for the orders that waited too long', async () => {
    const burst = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        post({ symbol: ETH, side: i % 2 ? 'sell' : 'buy', type: 'market', quantity: '0.01', leverage: '2' }),
      ),
    );
    const codes = burst.map((b) => b.decision.code ?? b.decision.kind);
    expect(codes.filter((c) => c === 'RATE_LIMIT_EXCEEDED').length).toBeGreaterThan(0);
    expect(burst.filter((b) => b.decision.kind !== 'deny').length).toBeGreaterThan(0);
    const limited = burst.find((b) => b.decision.code === 'RATE_LIMIT_EXCEEDED')!;
    expect(limited.decision.detail).toMatch(/^RATE_LIMIT_EXCEEDED: rule=client-throttle/);
    expect(limited.children).toEqual([]);
  });
});
