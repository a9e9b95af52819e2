import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import WebSocket from 'ws';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { ManualClock } from '../../src/core/clock.js';
import { sequentialIds } from '../../src/core/ids.js';
import { OrderStore } from '../../src/execution/order-store.js';
import { KeyRateLimiter } from '../../src/ingress/rate-limit.js';
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

const KEY_A = 'rate-key-a-0123456789';
const KEY_B = 'rate-key-b-0123456789';
let app: FastifyInstance;
let url: string;
let wall = 0;
const events: string[] = [];
const venue = new RecordingVenue(events);

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
    audit: new MemoryAudit(events),
    orders,
    observers: [metrics.observer],
    exposure: async () => ({
      openOrdersNotional: '0',
      clientNotional: '0',
      postFillQuantity: '0',
      reducesPosition: false,
    }),
  });
  const roles: ('trader' | 'viewer')[] = ['trader', 'viewer'];
  const clients = [KEY_A, KEY_B].map((apiKey, i) => ({
    id: `bot${i}`,
    apiKey,
    account: `acc${i}`,
    venue: 'sim',
    roles,
  }));
  app = await buildApp({
    clients,
    pipeline,
    orders,
    market: fixedMarket(),
    scorer: () => scorer,
    venues,
    clock,
    ids,
    metrics,
    rateLimit: { perSecond: 10, burst: 3 },
    wallNow: () => wall,
  });
  url = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => app.close());

const order = { symbol: 'BTC/USDT:USDT', side: 'buy', type: 'market', quantity: '0.5' };
async function post(key: string) {
  const headers = { 'content-type': 'application/json', 'x-api-key': key };
  const res = await fetch(`${url}/v1/orders`, { method: 'POST', headers, body: JSON.stringify(order) });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as any };
}

describe('per-key HTTP rate limit', () => {
  it('answers 429 TOO_MANY_REQUESTS past the burst, per key, forwards nothing refused, and refills with time', async () => {
    const sentBefore = events.filter((e) => e.startsWith('venue')).length;
    const a = [await post(KEY_A), await post(KEY_A), await post(KEY_A), await post(KEY_A)];
    expect(a.map((r) => r.status)).toEqual([200, 200, 200, 429]);
    expect(a[3]!.body.error.code).toBe('TOO_MANY_REQUESTS');
    expect(a[3]!.retryAfter).toBe('1');
    // Only the three accepted requests reached the venue.
    expect(events.filter((e) => e.startsWith('venue')).length - sentBefore).toBe(3);
    // Another key has its own bucket.
    expect((await post(KEY_B)).status).toBe(200);
    // 100 ms at 10/s refills one token.
    wall += 100;
    expect((await post(KEY_A)).status).toBe(200);
    expect((await post(KEY_A)).status).toBe(429);
  });

  it('counts WebSocket upgrades like any request: they pass the same onRequest hook (key as ?key= too)', async () => {
    const upgrade = (path: string) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(url.replace('http', 'ws') + path);
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('error', () => undefined);
      });
    const key = 'ws-rate-key-0123456789';
    // This app has no WebSocket endpoint: an upgrade is answered 404, until the key's burst is spent.
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push(await upgrade(`/v1/orders?key=${key}`));
    expect(statuses).toEqual([404, 404, 404, 429]);
  });

  it('does not count requests without a key (public routes, refused by auth anyway)', async () => {
    for (let i = 0; i < 5; i++) expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });
});

describe('KeyRateLimiter', () => {
  it('never admits more than burst + perSecond × elapsed over any request sequence', () => {
    const gapsMs = fc.array(fc.integer({ min: 0, max: 200 }), { maxLength: 300 });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 20 }),
        gapsMs,
        (perSecond, burst, gaps) => {
          let t = 0;
          const lim = new KeyRateLimiter({ perSecond, burst }, () => t);
          let admitted = 0;
          for (const g of gaps) {
            t += g;
            if (lim.take('k')) admitted++;
            expect(admitted).toBeLessThanOrEqual(burst + (perSecond * t) / 1000 + 1e-9);
          }
        },
      ),
    );
  });

  it('admits a steady stream at or below the rate, and everything when off', () => {
    let t = 0;
    const lim = new KeyRateLimiter({ perSecond: 100, burst: 1 }, () => t);
    for (let i = 0; i < 1000; i++, t += 10) expect(lim.take('k')).toBe(true);
    const off = new KeyRateLimiter({ perSecond: 0, burst: 1 }, () => 0);
    for (let i = 0; i < 100; i++) expect(off.take('k')).toBe(true);
  });

  it('stays bounded under a flood of distinct keys', () => {
    let t = 0;
    const lim = new KeyRateLimiter({ perSecond: 1, burst: 1 }, () => t);
    for (let i = 0; i < 25_000; i++) lim.take(`k${i}`);
    expect(lim.size).toBeLessThanOrEqual(10_000);
  });
});
