/** The whole gateway on the embedded default (real replayed market data, real simulated venue,
 * shipped policy, audit on disk) over real HTTP on port 0. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_API_KEY } from '../../src/config/embedded-default.js';
import { verifyAudit } from '../../src/audit/verify.js';
import type { Gateway } from '../../src/gateway/gateway.js';
import type { SimulatedVenue } from '../../src/execution/simulated/index.js';
import { startEmbeddedGateway } from './support.js';
import { mkdtempSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { PACKAGE_ROOT } from '../../src/config/load.js';
import { expandRecord } from '../../src/audit/compact.js';

let gw: Gateway;
let url: string;
let varDir: string;
const H = { 'x-api-key': DEMO_API_KEY, 'content-type': 'application/json' };
const BTC = 'BTC/USDT:USDT';

beforeAll(async () => {
  ({ gw, url, varDir } = await startEmbeddedGateway());
});
afterAll(async () => gw?.close());

async function order(body: Record<string, unknown>) {
  const r = await fetch(`${url}/v1/orders`, { method: 'POST', headers: H, body: JSON.stringify(body) });
  return { status: r.status, body: (await r.json()) as any };
}
const auditLines = () =>
  readdirSync(join(varDir, 'audit'))
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .flatMap((f) =>
      readFileSync(join(varDir, 'audit', f), 'utf8')
        .trim()
        .split('\n'),
    )
    .map((l) => expandRecord(JSON.parse(l))); // v2 decision records are read as their v1 body

describe('gateway end to end on the embedded default', () => {
  it('scores the replayed market: a warm regime with its explanation, not a stub', async () => {
    const r = (await (await fetch(`${url}/v1/regime/${encodeURIComponent(BTC)}`, { headers: H })).json()) as any;
    expect(r.status).toBe('ok');
    expect(['stable', 'stressed', 'fragile', 'critical']).toContain(r.regime);
    expect(r.probability).toBeGreaterThan(0);
    expect(r.probability).toBeLessThan(1);
    expect(r.contributions.length).toBeGreaterThan(0);
    // The embedded default scores with the trained ONNX model named by models/default.json.
    const pointer = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'models', 'default.json'), 'utf8'));
    expect(r).toMatchObject({ scorer: 'model', modelId: pointer.model });
    const m = (await (await fetch(`${url}/v1/market/${encodeURIComponent(BTC)}`, { headers: H })).json()) as any;
    // Hourly replay has no mark-price stream: mark is missing (never a made-up value), last is set.
    expect(m.mark).toBeNull();
    expect(m.last).toBeGreaterThan(10_000);
    expect(m.degraded).toBe(false);
    expect(m.features.rv_24).toBeGreaterThan(0);
  });

  it('a market order is scored, audited, filled by the simulated venue, and reported back', async () => {
    const r = await order({
      symbol: BTC,
      side: 'buy',
      type: 'market',
      quantity: '0.01',
      leverage: '10',
      clientOrderId: 'e2e-mkt-1',
    });
    expect(r.status).toBe(200);
    expect(['accept', 'modify']).toContain(r.body.decision.kind);
    expect(r.body.decision.policy.id).toBe('default');
    expect(r.body.decision.trace.length).toBeGreaterThan(5);
    expect(r.body.status).toBe('filled');
    expect(Number(r.body.avgPrice)).toBeGreaterThan(10_000);
    const sim = gw.venues.get('sim') as SimulatedVenue;
    const pos = sim.accountStateSync('demo').positions.find((p) => p.symbol === BTC);
    expect(Number(pos?.quantity)).toBeCloseTo(0.01, 10);
    // The decision record precedes the execution record and carries inputs and versions.
    const lines = auditLines();
    const dIdx = lines.findIndex((l) => l.type === 'decision' && l.intentId === r.body.intentId);
    const eIdx = lines.findIndex((l) => l.type === 'execution' && l.intentId === r.body.intentId);
    expect(dIdx).toBeGreaterThan(-1);
    expect(eIdx).toBeGreaterThan(dIdx);
    const d = lines[dIdx];
    expect(d.client).toBe('demo');
    expect(d.policy.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(d.model.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(d.market.features.rv_24).toBeGreaterThan(0);
    expect(d.score.regime).toBe(r.body.regime.regime);
  });

  it('an oversized order is denied with a catalog code and never reaches the venue', async () => {
    const sim = gw.venues.get('sim') as SimulatedVenue;
    const before = sim.accountStateSync('demo').positions.find((p) => p.symbol === BTC)?.quantity ?? '0';
    const r = await order({ symbol: BTC, side: 'buy', type: 'market', quantity: '6' });
    expect(r.body.decision).toMatchObject({ kind: 'deny', code: 'MAX_ORDER_QUANTITY', approvedQuantity: '0' });
    expect(r.body.decision.detail).toMatch(/^MAX_ORDER_QUANTITY: /);
    expect(r.body.children).toEqual([]);
    expect(sim.accountStateSync('demo').positions.find((p) => p.symbol === BTC)?.quantity ?? '0').toBe(before);
  });

  it('the regime cap resizes a large order down and shows original and approved size', async () => {
    const r = await order({ symbol: BTC, side: 'sell', type: 'market', quantity: '1' });
    expect(r.body.decision.kind).toBe('modify');
    expect(r.body.decision.code).toBe('REGIME_NOTIONAL_CAP');
    expect(r.body.decision.originalQuantity).toBe('1');
    expect(Number(r.body.decision.approvedQuantity)).toBeLessThan(1);
    expect(Number(r.body.decision.approvedQuantity)).toBeGreaterThan(0);
    expect(Number(r.body.filledQuantity)).toBe(Number(r.body.decision.approvedQuantity));
  });

  it('a resting limit order can be fetched and cancelled; the cancel is audited', async () => {
    const m = (await (await fetch(`${url}/v1/market/${encodeURIComponent(BTC)}`, { headers: H })).json()) as any;
    const price = (Math.floor(m.last * 0.97 * 10) / 10).toFixed(1);
    const r = await order({
      symbol: BTC,
      side: 'buy',
      type: 'limit',
      quantity: '0.01',
      price,
      clientOrderId: 'e2e-lim-1',
    });
    expect(r.body.decision.kind).not.toBe('deny');
    expect(r.body.status).toBe('new');
    const g = (await (await fetch(`${url}/v1/orders/e2e-lim-1`, { headers: H })).json()) as any;
    expect(g.intentId).toBe(r.body.intentId);
    const c = (await (
      await fetch(`${url}/v1/orders/${r.body.intentId}`, { method: 'DELETE', headers: { 'x-api-key': DEMO_API_KEY } })
    ).json()) as any;
    expect(c.status).toBe('canceled');
    expect(
      auditLines().some((l) => l.type === 'execution' && l.intentId === r.body.intentId && l.status === 'canceled'),
    ).toBe(true);
  });

  it('GET /v1/audit filters by client and outcome and paginates with a cursor', async () => {
    const get = async (q: string) => (await (await fetch(`${url}/v1/audit?${q}`, { headers: H })).json()) as any;
    const denies = await get('client=demo&outcome=deny');
    expect(denies.records.length).toBeGreaterThan(0);
    expect(
      denies.records.every((r: any) => r.type === 'decision' && r.decision.kind === 'deny' && r.client === 'demo'),
    ).toBe(true);
    const execs = await get('client=demo&type=execution');
    expect(execs.records.length).toBeGreaterThan(0);
    const seen: number[] = [];
    let page = await get('limit=2');
    while (true) {
      seen.push(...page.records.map((r: any) => r.seq));
      if (!page.nextCursor) break;
      page = await get(`limit=2&cursor=${encodeURIComponent(page.nextCursor)}`);
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThan(5);
    const bad = await fetch(`${url}/v1/audit?limit=abc`, { headers: H });
    expect(bad.status).toBe(400);
  });

  it('the audit log verifies as an unbroken hash chain', async () => {
    const v = await verifyAudit(join(varDir, 'audit'));
    expect(v.failures).toEqual([]);
    expect(v.ok).toBe(true);
    expect(v.records).toBeGreaterThan(5);
  });
});

describe('a missing or corrupt model refuses to start', () => {
  it.each([
    ['missing', (dir: string) => dir],
    [
      'corrupt',
      (dir: string) => {
        const pointer = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'models', 'default.json'), 'utf8'));
        copyFileSync(join(PACKAGE_ROOT, 'models', `${pointer.model}.json`), join(dir, `${pointer.model}.json`));
        writeFileSync(join(dir, 'default.json'), JSON.stringify(pointer));
        writeFileSync(join(dir, `${pointer.model}.onnx`), 'not an onnx file');
        return dir;
      },
    ],
  ])('%s model → MODEL_INVALID with what to do', async (_name, prepare) => {
    const dir = prepare(mkdtempSync(join(tmpdir(), 'lg-model-')));
    await expect(startEmbeddedGateway((y) => y.replace(/model: models .*/, `model: ${dir}`))).rejects.toMatchObject({
      code: 'MODEL_INVALID',
      message: expect.stringMatching(/liqguard train/),
    });
  });
});
