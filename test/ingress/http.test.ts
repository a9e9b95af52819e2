import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { ManualClock } from '../../src/core/clock.js';
import { sequentialIds } from '../../src/core/ids.js';
import { OrderStore } from '../../src/execution/order-store.js';
import { createMetrics } from '../../src/gateway/metrics.js';
import { Pipeline } from '../../src/pipeline.js';
import {
  activeState,
  fixedMarket,
  fixedScorer,
  maxQtyPolicy,
  MemoryAudit,
  RecordingVenue,
} from '../support/stand-ins.js';

const KEY = 'test-key-0123456789';
const AUDITOR_KEY = 'auditor-key-0123456789';
let app: FastifyInstance;
let url: string;
const events: string[] = [];
const venue = new RecordingVenue(events);
const audit = new MemoryAudit(events);

beforeAll(async () => {
  const clock = new ManualClock(1_760_000_000_000);
  const ids = sequentialIds();
  const orders = new OrderStore();
  const venues = new Map([['sim', venue]]);
  const metrics = createMetrics();
  const scorer = fixedScorer('stable');
  const pipeline = new Pipeline({
    clock,
    ids,
    market: fixedMarket(),
    scorer: () => scorer,
    policy: () => maxQtyPolicy(1),
    tradingState: activeState,
    venues,
    audit,
    orders,
    observers: [metrics.observer],
    exposure: async () => ({
      openOrdersNotional: '0',
      clientNotional: '0',
      postFillQuantity: '0',
      reducesPosition: false,
    }),
  });
  app = await buildApp({
    clients: [
      { id: 'bot1', apiKey: KEY, account: 'acc1', venue: 'sim', roles: ['trader', 'viewer'] },
      { id: 'auditor', apiKey: AUDITOR_KEY, account: 'acc2', venue: 'sim', roles: ['trader', 'viewer', 'compliance'] },
    ],
    pipeline,
    orders,
    market: fixedMarket(),
    scorer: () => scorer,
    venues,
    clock,
    ids,
    metrics,
    bodyLimit: 4096,
  });
  url = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => app.close());

async function post(body: unknown, headers: Record<string, string> = { 'x-api-key': KEY }, raw?: string) {
  const res = await fetch(`${url}/v1/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: raw ?? JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}
const order = { symbol: 'BTC/USDT:USDT', side: 'buy', type: 'market', quantity: '0.5' };

describe('REST ingress over real HTTP', () => {
  it('accepts an order: 200 with decision, regime and children; audit written before the venue', async () => {
    events.length = 0;
    const r = await post({ ...order, clientOrderId: 'a1' });
    expect(r.status).toBe(200);
    expect(r.body.decision.kind).toBe('accept');
    expect(r.body.regime.regime).toBe('stable');
    expect(r.body.children).toHaveLength(1);
    expect(r.body.children[0]).toMatchObject({ clientOrderId: 'a1', status: 'filled', filledQuantity: '0.5' });
    expect(r.body.status).toBe('filled');
    expect(events.slice(0, 2)).toEqual(['audit:decision', 'venue:a1']);
    const rec = audit.records.find((x) => x.type === 'decision' && (x.body.intent as any).clientOrderId === 'a1')!;
    expect(rec.body.client).toBe('bot1');
  });

  it('a denial is a 200 decision, audited, not forwarded', async () => {
    const before = venue.placed.length;
    const r = await post({ ...order, quantity: '5' });
    expect(r.status).toBe(200);
    expect(r.body.decision).toMatchObject({ kind: 'deny', code: 'MAX_ORDER_QUANTITY', approvedQuantity: '0' });
    expect(r.body.children).toEqual([]);
    expect(venue.placed.length).toBe(before);
  });

  it('a reused clientOrderId is denied as a duplicate and not forwarded', async () => {
    await post({ ...order, clientOrderId: 'dup1' });
    const before = venue.placed.length;
    const r = await post({ ...order, clientOrderId: 'dup1' });
    expect(r.body.decision).toMatchObject({ kind: 'deny', code: 'DUPLICATE_CLIENT_ORDER_ID' });
    expect(venue.placed.length).toBe(before);
  });

  it('GET /v1/orders/:id by intentId and by clientOrderId; 404 for others', async () => {
    const r = await post({ ...order, clientOrderId: 'look1' });
    for (const id of [r.body.intentId, 'look1']) {
      const g = await fetch(`${url}/v1/orders/${id}`, { headers: { 'x-api-key': KEY } });
      expect(g.status).toBe(200);
      expect(((await g.json()) as any).intentId).toBe(r.body.intentId);
    }
    const nf = await fetch(`${url}/v1/orders/nope`, { headers: { 'x-api-key': KEY } });
    expect(nf.status).toBe(404);
    expect(((await nf.json()) as any).error.code).toBe('NOT_FOUND');
  });

  it("compliance sees another client's order but cannot cancel it; the owner can", async () => {
    const r = await post({ ...order, clientOrderId: 'own-1' });
    const seen = await fetch(`${url}/v1/orders/${r.body.intentId}`, { headers: { 'x-api-key': AUDITOR_KEY } });
    expect(seen.status).toBe(200);
    const del = await fetch(`${url}/v1/orders/${r.body.intentId}`, {
      method: 'DELETE',
      headers: { 'x-api-key': AUDITOR_KEY },
    });
    expect(del.status).toBe(403);
    expect(((await del.json()) as any).error.code).toBe('FORBIDDEN');
    const own = await fetch(`${url}/v1/orders/${r.body.intentId}`, { method: 'DELETE', headers: { 'x-api-key': KEY } });
    expect(own.status).toBe(200);
  });

  it('401 with a stable code for missing or unknown keys; Bearer works', async () => {
    expect((await post(order, {})).body.error.code).toBe('UNAUTHENTICATED');
    expect((await post(order, { 'x-api-key': 'wrong-key-123' })).status).toBe(401);
    expect((await post(order, { authorization: `Bearer ${KEY}` })).status).toBe(200);
    const g = await fetch(`${url}/v1/regime/${encodeURIComponent('BTC/USDT:USDT')}`);
    expect(g.status).toBe(401);
  });

  const bad: [string, unknown, string, string | undefined][] = [
    ['missing field', { symbol: 'BTC/USDT:USDT', side: 'buy', type: 'market' }, 'MISSING_FIELD', 'quantity'],
    ['wrong type', { ...order, quantity: 0.5 }, 'INVALID_FIELD', 'quantity'],
    ['negative quantity', { ...order, quantity: '-1' }, 'INVALID_DECIMAL', 'quantity'],
    ['zero quantity', { ...order, quantity: '0' }, 'INVALID_DECIMAL', 'quantity'],
    ['non-decimal string', { ...order, quantity: 'ten' }, 'INVALID_DECIMAL', 'quantity'],
    ['exponent 1e400', { ...order, quantity: '1e400' }, 'INVALID_DECIMAL', 'quantity'],
    ['40-digit number', { ...order, quantity: '9'.repeat(40) }, 'INVALID_DECIMAL', 'quantity'],
    ['unknown symbol', { ...order, symbol: 'DOGE/USDT:USDT' }, 'UNKNOWN_SYMBOL', 'symbol'],
    ['unknown field', { ...order, leverge: '5' }, 'UNKNOWN_FIELD', 'leverge'],
  ];
  it.each(bad)('400 for %s, naming the field, nothing forwarded', async (_n, body, code, field) => {
    const before = venue.placed.length;
    const auditBefore = audit.records.length;
    const r = await post(body);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe(code);
    expect(r.body.error.message).toContain(field);
    expect(venue.placed.length).toBe(before);
    expect(audit.records.length).toBe(auditBefore);
  });

  it('400 INVALID_JSON for a malformed body and for a raw 1e400 number', async () => {
    expect((await post(undefined, undefined, '{"symbol": "BTC/USDT:USDT",')).body.error.code).toBe('INVALID_JSON');
    const r = await post(
      undefined,
      undefined,
      '{"symbol":"BTC/USDT:USDT","side":"buy","type":"market","quantity":1e400}',
    );
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('INVALID_FIELD');
  });

  it('413 BODY_TOO_LARGE for an oversized body', async () => {
    const r = await post({ ...order, clientOrderId: 'x', pad: 'y'.repeat(10_000) });
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe('BODY_TOO_LARGE');
  });

  it('regime, market snapshot, health, metrics and OpenAPI', async () => {
    const h = { 'x-api-key': KEY };
    const reg = (await (
      await fetch(`${url}/v1/regime/${encodeURIComponent('BTC/USDT:USDT')}`, { headers: h })
    ).json()) as any;
    expect(reg).toMatchObject({ symbol: 'BTC/USDT:USDT', regime: 'stable', status: 'ok' });
    const unknown = await fetch(`${url}/v1/regime/${encodeURIComponent('FOO/USDT:USDT')}`, { headers: h });
    expect(unknown.status).toBe(400);
    const m = (await (
      await fetch(`${url}/v1/market/${encodeURIComponent('BTC/USDT:USDT')}`, { headers: h })
    ).json()) as any;
    expect(m.mark).toBe(60000);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/liqguard_decisions_total\{kind="accept"/);
    const spec = (await (await fetch(`${url}/docs/json`)).json()) as any;
    expect(spec.paths['/v1/orders'].post.requestBody.content['application/json'].schema.required).toContain('quantity');
  });
});
