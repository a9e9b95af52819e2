import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import type { RegimeScore } from '../../src/core/types.js';
import { RegimeTicker } from '../../src/dashboard/regime-ticker.js';
import { EventBus, type GatewayEvent } from '../../src/core/events.js';
import { call, KEYS, startTestGateway, type TestGateway } from './fixtures.js';
import { fixedMarket, fixedScorer } from '../support/stand-ins.js';

let g: TestGateway;
beforeAll(async () => {
  g = await startTestGateway();
});
afterAll(async () => g.app.close());

const score = (p: number): RegimeScore => ({
  status: 'ok',
  symbol: 'BTC/USDT:USDT',
  asOf: 1,
  scorer: 'model',
  modelId: 'm',
  modelSha256: '0'.repeat(64),
  pDown: p,
  pUp: 0,
  probability: p,
  regime: 'stressed',
  horizonHours: 4,
  contributions: [{ feature: 'rv_24', value: 0.1, contribution: 0.4 }],
});

describe('dashboard server side', () => {
  it('serves the page with a strict CSP, its assets and uPlot from node_modules; nothing else', async () => {
    const page = await fetch(g.url + '/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain('/assets/uplot.js');
    const uplot = await fetch(g.url + '/assets/uplot.js');
    expect(uplot.headers.get('content-type')).toMatch(/javascript/);
    expect(await uplot.text()).toContain('uPlot');
    for (const f of ['app.js', 'app.css', 'dom.js', 'uplot.css'])
      expect((await fetch(`${g.url}/assets/${f}`)).status).toBe(200);
    expect((await fetch(g.url + '/assets/..%2Fplugin.ts')).status).toBe(404);
    expect((await fetch(g.url + '/assets/nope.js')).status).toBe(404);
  });

  it('summary: versions, counters per outcome and rule, regime history and data quality per symbol', async () => {
    expect((await call(g.url, 'GET', '/v1/dashboard/summary', undefined)).status).toBe(401);
    g.bus.publish({ type: 'regime', symbol: 'BTC/USDT:USDT', ts: 1000, score: score(0.3) });
    g.bus.publish({ type: 'regime', symbol: 'BTC/USDT:USDT', ts: 2000, score: score(0.4) });
    await call(g.url, 'POST', '/v1/orders', KEYS.bot, {
      symbol: 'BTC/USDT:USDT',
      side: 'buy',
      type: 'market',
      quantity: '0.5',
    });
    await call(g.url, 'POST', '/v1/orders', KEYS.bot, {
      symbol: 'BTC/USDT:USDT',
      side: 'buy',
      type: 'market',
      quantity: '5',
    });
    const s = (await call(g.url, 'GET', '/v1/dashboard/summary', KEYS.viewer)).body;
    expect(s.versions).toMatchObject({
      model: { id: 'stand-in', kind: 'baseline' },
      policy: { id: 'default', version: 1 },
    });
    expect(s.counters.outcomes).toEqual({ accept: 1, deny: 1 });
    expect(s.counters.rules).toEqual([{ ruleId: 'max-qty', mode: 'enforce', matched: 1, outcomes: { deny: 1 } }]);
    const btc = s.symbols[0];
    expect(btc.history).toEqual({ ts: [1000, 2000], p: [0.3, 0.4], regime: ['stressed', 'stressed'] });
    expect(btc.regime).toMatchObject({ probability: 0.4, contributions: [{ feature: 'rv_24' }] });
    expect(btc.quality).toMatchObject({ flags: [], degraded: false });
    expect(s.overrides).toEqual([]); // viewers do not see overrides
  });

  it('decision detail: inputs, trace, children and reports for the owner and operators; 404 for other clients', async () => {
    const o = (
      await call(g.url, 'POST', '/v1/orders', KEYS.bot, {
        symbol: 'BTC/USDT:USDT',
        side: 'sell',
        type: 'market',
        quantity: '0.2',
        clientOrderId: 'det-1',
      })
    ).body;
    for (const key of [KEYS.bot, KEYS.ops]) {
      const d = (await call(g.url, 'GET', `/v1/dashboard/decisions/${o.intentId}`, key)).body;
      expect(d).toMatchObject({
        intentId: o.intentId,
        intent: { clientOrderId: 'det-1', side: 'sell' },
        decision: { kind: 'accept' },
        score: { regime: 'stable' },
        market: { mark: 60000 },
      });
      expect(d.order.children).toHaveLength(1);
      expect(d.reports.map((r: { status: string }) => r.status)).toEqual(['filled']);
    }
    expect((await call(g.url, 'GET', `/v1/dashboard/decisions/${o.intentId}`, KEYS.other)).status).toBe(404);
    expect((await call(g.url, 'GET', '/v1/dashboard/decisions/ord_nope', KEYS.ops)).status).toBe(404);
  });
});

describe('regime ticker', () => {
  it('publishes a regime event per symbol only when its snapshot moved on', async () => {
    const clock = new ManualClock(1_000);
    const bus = new EventBus();
    const seen: GatewayEvent[] = [];
    bus.subscribe((e) => seen.push(e));
    const market = fixedMarket(); // asOf = now: every clock step is new data
    const frozen = { ...market, snapshot: (s: string) => market.snapshot(s, 500) };
    const ticker = new RegimeTicker({
      bus,
      market,
      scorer: () => fixedScorer('stressed'),
      symbols: () => ['BTC/USDT:USDT'],
      clock,
    });
    expect(await ticker.tick()).toBe(1);
    expect(await ticker.tick()).toBe(0); // same snapshot: nothing new
    clock.advance(1000);
    expect(await ticker.tick()).toBe(1);
    expect(seen.map((e) => e.type === 'regime' && [e.ts, e.score.regime])).toEqual([
      [1000, 'stressed'],
      [2000, 'stressed'],
    ]);
    const still = new RegimeTicker({
      bus,
      market: frozen,
      scorer: () => fixedScorer(),
      symbols: () => ['BTC/USDT:USDT'],
      clock,
    });
    await still.tick();
    clock.advance(5000);
    expect(await still.tick()).toBe(0);
  });
});
