/** Hierarchy limits through the whole gateway on an injected clock: a desk's daily loss latches
 * it at the mark that crosses the limit (bus event, audit record), new exposure is denied with
 * LOSS_LIMIT while a reduce-only exit passes, GET /v1/limits shows it, an operator reset clears
 * it; the order answer carries the liquidation and margin facts. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { queryAudit } from '../../src/audit/query.js';
import { loadConfigText, PACKAGE_ROOT } from '../../src/config/load.js';
import { ManualClock } from '../../src/core/clock.js';
import type { BarEvent } from '../../src/core/types.js';
import type { GatewayEvent } from '../../src/core/events.js';
import { buildGateway, type Gateway } from '../../src/gateway/gateway.js';

const BTC = 'BTC/USDT:USDT';
const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 5, 0, 0, 0);
const gateways: Gateway[] = [];
afterAll(async () => {
  for (const g of gateways) await g.close().catch(() => undefined);
});

const POLICY = `id: fund
version: 1
rules:
  - id: macro-daily-loss
    loss_limit: { level: desk, ids: [macro], daily: 500, on_breach: reduce_only }
  - id: bot-position
    when: { symbol: [BTC/USDT:USDT] }
    position_limit: { level: client, quantity: 0.5 }
  - id: no-self-trade
    self_trade: { level: client, on_cross: cancel_resting }
`;

function bar(t: number, close: number): BarEvent {
  return {
    type: 'bar',
    symbol: BTC,
    ts: t,
    openTime: t - HOUR,
    intervalMs: HOUR,
    open: close,
    high: close,
    low: close,
    close,
    volume: 1000,
  };
}

async function start(): Promise<{ gw: Gateway; url: string; clock: ManualClock; events: GatewayEvent[]; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'lg-limits-'));
  mkdirSync(join(dir, 'policies'));
  writeFileSync(join(dir, 'policies', 'fund.yaml'), POLICY);
  const yaml = `instance: limits
clients:
  - { id: trader-a, apiKey: key-trader-a, account: main, venue: sim, roles: [trader, viewer] }
  - { id: trader-b, apiKey: key-trader-b, account: main, venue: sim, roles: [trader, viewer] }
  - { id: ops, apiKey: key-operator, account: main, venue: sim, roles: [viewer, operator] }
venues:
  - { id: sim, kind: simulated, initialBalance: "100000", symbols: [BTC/USDT:USDT] }
market: { source: none, staleAfterMs: 7200000 }
scoring: { scorer: baseline }
policies: { dir: ${JSON.stringify(join(dir, 'policies'))}, enforce: fund, watch: false }
audit: { dir: ${JSON.stringify(join(dir, 'audit'))}, rotateDaily: false }
state: { dir: ${JSON.stringify(join(dir, 'state'))} }
hierarchy:
  firm: fund
  dayStart: "00:00"
  timeZone: UTC
  desks:
    - id: macro
      strategies:
        - { id: trend, clients: [trader-a] }
        - { id: carry, clients: [trader-b] }
`;
  const clock = new ManualClock(T0);
  const gw = await buildGateway(loadConfigText(yaml, { env: {}, baseDir: PACKAGE_ROOT }), {
    clock,
    wallClock: clock,
    logger: false,
    admission: false,
  });
  gateways.push(gw);
  const events: GatewayEvent[] = [];
  gw.bus.subscribe((e) => e.type === 'latch' && events.push(e));
  for (let i = 0; i < 48; i++) gw.ingest(bar(T0 + i * 60_000, 100000));
  clock.set(T0 + 48 * 60_000);
  const url = await gw.app.listen({ port: 0, host: '127.0.0.1' });
  return { gw, url, clock, events, dir };
}

const call = async (url: string, key: string, path: string, body?: unknown, method = body ? 'POST' : 'GET') => {
  const r = await fetch(`${url}${path}`, {
    method,
    headers: { 'x-api-key': key, 'content-type': 'application/json', 'x-operator': 'Ada' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: r.status, body: (await r.json()) as any };
};
const order = (url: string, key: string, o: Record<string, unknown>) =>
  call(url, key, '/v1/orders', { symbol: BTC, type: 'market', ...o });

describe('hierarchy limits end to end', () => {
  it('latches a desk on its daily loss, denies new exposure, lets exits through, and an operator resets it', async () => {
    const { gw, url, clock, events, dir } = await start();
    const a = await order(url, 'key-trader-a', { side: 'buy', quantity: '0.3' });
    expect(a.body.status).toBe('filled');
    expect(a.body.risk).toMatchObject({ postFillQuantity: '0.3' });
    expect(typeof a.body.risk.marginRatio).toBe('number');
    // Cross margin, 30k of BTC on a 100k account: no liquidation price exists (it would be below 0).
    expect(a.body.risk).toHaveProperty('liquidationPriceAfterFill', null);
    expect(a.body.risk.postFillLeverage).toBeGreaterThan(0);
    // The position limit resizes trader-a's next buy to what is left of 0.5.
    const capped = await order(url, 'key-trader-a', { side: 'buy', quantity: '0.4' });
    expect(capped.body.decision).toMatchObject({ kind: 'modify', code: 'POSITION_LIMIT', approvedQuantity: '0.2' });
    const b = await order(url, 'key-trader-b', { side: 'buy', quantity: '0.3' });
    expect(b.body.status).toBe('filled');
    expect(events).toEqual([]);

    // Desk macro holds 0.8 BTC: a fall of 1000 USDT costs about 800 (plus fees), past the 500 limit.
    clock.advance(60_000);
    gw.ingest(bar(clock.now(), 99000));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'latch', scope: { level: 'desk', id: 'macro' }, state: 'reduce_only' });
    expect((events[0] as { reason: string }).reason).toMatch(
      /^LOSS_LIMIT: rule=macro-daily-loss level=desk scope=macro dailyPnl=-/,
    );

    const denied = await order(url, 'key-trader-b', { side: 'buy', quantity: '0.01' });
    expect(denied.body.decision).toMatchObject({ kind: 'deny', code: 'LOSS_LIMIT' });
    const exit = await order(url, 'key-trader-b', { side: 'sell', quantity: '0.1', reduceOnly: true });
    expect(exit.body.decision.kind).not.toBe('deny');

    const limits = await call(url, 'key-operator', '/v1/limits');
    expect(limits.body.scopes.find((s: any) => s.scope.level === 'desk')).toMatchObject({
      scope: { id: 'macro' },
      latch: { state: 'reduce_only', ruleId: 'macro-daily-loss' },
    });
    expect((await call(url, 'key-trader-a', '/v1/limits/reset', { level: 'desk', id: 'macro' })).status).toBe(403);
    const reset = await call(url, 'key-operator', '/v1/limits/reset', { level: 'desk', id: 'macro' });
    expect(reset).toMatchObject({ status: 200, body: { state: 'cleared', operator: 'ops/Ada' } });
    expect(events.at(-1)).toMatchObject({
      state: 'cleared',
      operator: 'ops/Ada',
      scope: { level: 'desk', id: 'macro' },
    });
    expect((await call(url, 'key-operator', '/v1/limits/reset', { level: 'desk', id: 'macro' })).status).toBe(409);
    const again = await order(url, 'key-trader-b', { side: 'buy', quantity: '0.01' });
    expect(again.body.decision.kind).toBe('accept');

    // Self-trade prevention, cancel mode: trader-b's resting sell is cancelled before its
    // crossing buy goes out.
    const resting = await order(url, 'key-trader-b', {
      side: 'sell',
      type: 'limit',
      price: '101000',
      quantity: '0.05',
    });
    expect(resting.body.status).toBe('new');
    const crossing = await order(url, 'key-trader-b', {
      side: 'buy',
      type: 'limit',
      price: '101500',
      quantity: '0.01',
    });
    expect(crossing.body.decision.kind).toBe('accept');
    expect(crossing.body.decision.trace.find((t: any) => t.ruleId === 'no-self-trade')).toMatchObject({
      outcome: 'pass',
      params: { resting: resting.body.intentId },
    });
    expect((await call(url, 'key-trader-b', `/v1/orders/${resting.body.intentId}`)).body.status).toBe('canceled');
    expect(crossing.body.status).toBe('filled');

    const latches = (await queryAudit(join(dir, 'audit'), { type: ['latch'] })).records;
    expect(latches.map((r) => r.state)).toEqual(['reduce_only', 'cleared']);
  });
});
