import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RegimeScore } from '../../src/core/types.js';
import { call, KEYS, startTestGateway, type TestGateway } from '../dashboard/fixtures.js';

let g: TestGateway;
let wsUrl: string;
beforeAll(async () => {
  g = await startTestGateway();
  wsUrl = g.url.replace('http', 'ws') + '/v1/stream';
});
afterAll(async () => g.app.close());

/** A ws client that keeps every message and lets a test wait for one that matches. */
class Client {
  readonly ws: WebSocket;
  readonly messages: any[] = [];
  private waiters: { pred: (m: any) => boolean; resolve: (m: any) => void }[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  constructor(url: string, opts: WebSocket.ClientOptions = {}) {
    this.ws = new WebSocket(url, opts);
    this.ws.on('message', (d) => {
      const m = JSON.parse(d.toString());
      this.messages.push(m);
      this.waiters = this.waiters.filter((w) => (w.pred(m) ? (w.resolve(m), false) : true));
    });
    this.closed = new Promise((resolve) =>
      this.ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }
  next(pred: (m: any) => boolean): Promise<any> {
    const found = this.messages.find(pred);
    return found ? Promise.resolve(found) : new Promise((resolve) => this.waiters.push({ pred, resolve }));
  }
  send(m: unknown): void {
    this.ws.send(typeof m === 'string' ? m : JSON.stringify(m));
  }
  async subscribe(m: Record<string, unknown>): Promise<void> {
    this.send({ op: 'subscribe', ...m });
    await this.next((x) => x.type === 'subscribed');
  }
  of(type: string): any[] {
    return this.messages.filter((m) => m.type === type);
  }
}
const open = async (key: string, opts: WebSocket.ClientOptions = {}) => {
  const c = new Client(wsUrl, { headers: { 'x-api-key': key }, ...opts });
  await c.next((m) => m.type === 'hello');
  return c;
};

const score = (symbol: string, probability: number, contributions = 0): RegimeScore => ({
  status: 'ok',
  symbol,
  asOf: 1,
  scorer: 'model',
  modelId: 'm',
  modelSha256: '0'.repeat(64),
  pDown: probability,
  pUp: 0,
  probability,
  regime: probability > 0.5 ? 'fragile' : 'stable',
  horizonHours: 4,
  contributions: Array.from({ length: contributions }, (_, i) => ({
    feature: `feature_${i}_with_a_long_descriptive_name`,
    value: i * 1.2345678,
    contribution: i / 1000,
  })),
});
const order = (clientOrderId: string) => ({
  symbol: 'BTC/USDT:USDT',
  side: 'buy',
  type: 'market',
  quantity: '0.5',
  clientOrderId,
});

describe('WebSocket /v1/stream', () => {
  it('refuses an upgrade without a known key (401) and answers a plain GET with a clear 400', async () => {
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(wsUrl, { headers: { 'x-api-key': 'wrong' } });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => undefined);
    });
    expect(status).toBe(401);
    const r = await call(g.url, 'GET', '/v1/stream', KEYS.viewer);
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/WebSocket/);
  });

  it('answers an upgrade to a path without a WebSocket endpoint with 404 and the reason, at once', async () => {
    for (const path of ['/healthz', '/v1/nowhere']) {
      const answer = await new Promise<{ status: number; body: string }>((resolve) => {
        const ws = new WebSocket(g.url.replace('http', 'ws') + path, { headers: { 'x-api-key': KEYS.viewer } });
        ws.on('unexpected-response', (_req, res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        ws.on('error', () => undefined);
      });
      expect(answer.status, path).toBe(404);
      expect(JSON.parse(answer.body).error.code, path).toBe('NOT_FOUND');
    }
  });

  it('accepts the key as a header, a Bearer token or ?key= (browsers)', async () => {
    for (const c of [
      new Client(wsUrl, { headers: { 'x-api-key': KEYS.viewer } }),
      new Client(wsUrl, { headers: { authorization: `Bearer ${KEYS.viewer}` } }),
      new Client(`${wsUrl}?key=${KEYS.viewer}`),
    ]) {
      expect(await c.next((m) => m.type === 'hello')).toMatchObject({ client: 'watch', privileged: false });
      c.ws.close();
    }
  });

  it('regime updates, filtered by symbol; unsubscribe stops them; ping answers pong', async () => {
    const c = await open(KEYS.viewer);
    await c.subscribe({ channels: ['regime'], symbols: ['BTC/USDT:USDT'] });
    g.bus.publish({ type: 'regime', symbol: 'ETH/USDT:USDT', ts: 1, score: score('ETH/USDT:USDT', 0.2) });
    g.bus.publish({ type: 'regime', symbol: 'BTC/USDT:USDT', ts: 2, score: score('BTC/USDT:USDT', 0.7) });
    const m = await c.next((x) => x.type === 'regime');
    expect(m).toMatchObject({ symbol: 'BTC/USDT:USDT', regime: 'fragile', probability: 0.7, ts: 2 });
    c.send({ op: 'unsubscribe', channels: ['regime'] });
    await c.next((x) => x.type === 'unsubscribed');
    g.bus.publish({ type: 'regime', symbol: 'BTC/USDT:USDT', ts: 3, score: score('BTC/USDT:USDT', 0.1) });
    c.send({ op: 'ping', id: 'p1' });
    expect(await c.next((x) => x.type === 'pong')).toMatchObject({ id: 'p1' });
    expect(c.of('regime').map((x) => x.ts)).toEqual([2]); // the pong came after ts 3 would have
    c.ws.close();
  });

  it('traders see only their own decisions and reports; operators see all and can filter by client', async () => {
    const bot = await open(KEYS.bot);
    const ops = await open(KEYS.ops);
    const opsBot2 = await open(KEYS.ops);
    await bot.subscribe({ channels: ['decision', 'execution'] });
    await ops.subscribe({ channels: ['decision'] });
    await opsBot2.subscribe({ channels: ['decision'], clients: ['bot2'] });
    await call(g.url, 'POST', '/v1/orders', KEYS.other, order('s1'));
    await call(g.url, 'POST', '/v1/orders', KEYS.bot, { ...order('s2'), quantity: '5' });
    await ops.next((m) => m.type === 'decision' && m.clientOrderId === 's2');
    await opsBot2.next((m) => m.type === 'decision' && m.clientOrderId === 's1');
    const mine = await bot.next((m) => m.type === 'decision');
    expect(mine).toMatchObject({
      client: 'bot1',
      clientOrderId: 's2',
      outcome: 'deny',
      rules: ['max-qty'],
      decision: { code: 'MAX_ORDER_QUANTITY' },
    });
    await call(g.url, 'POST', '/v1/orders', KEYS.bot, order('s3'));
    const report = await bot.next((m) => m.type === 'execution');
    expect(report).toMatchObject({ client: 'bot1', report: { clientOrderId: 's3', status: 'filled' } });
    expect(bot.of('decision').map((m) => m.clientOrderId)).toEqual(['s2', 's3']);
    await ops.next((m) => m.type === 'decision' && m.clientOrderId === 's3');
    expect(ops.of('decision').map((m) => m.clientOrderId)).toEqual(['s1', 's2', 's3']);
    expect(opsBot2.of('decision').every((m) => m.client === 'bot2')).toBe(true);
    for (const c of [bot, ops, opsBot2]) c.ws.close();
  });

  it.each([
    ['not json', 1007, /INVALID_JSON/],
    [{ op: 'dance' }, 4400, /op must be/],
    [{ op: 'subscribe', channels: ['regime', 'gossip'] }, 4400, /unknown channel "gossip"/],
    [{ op: 'subscribe', channels: [] }, 4400, /non-empty/],
    [{ op: 'subscribe', channels: ['regime'], symbol: 'BTC' }, 4400, /UNKNOWN_FIELD: symbol/],
    [{ op: 'subscribe', channels: ['override'] }, 4403, /operator or compliance/],
    [{ op: 'subscribe', channels: ['decision'], clients: ['bot2'] }, 4403, /only follow its own/],
  ])('closes with a code and a reason for a bad message %j', async (msg, code, reason) => {
    const c = await open(KEYS.bot);
    c.send(msg);
    const closed = await c.closed;
    expect(closed.code).toBe(code);
    expect(closed.reason).toMatch(reason);
  });

  it('closes 1003 on a binary frame', async () => {
    const c = await open(KEYS.bot);
    c.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect((await c.closed).code).toBe(1003);
  });

  it('backpressure: drops messages for a socket that cannot keep up and tells it how many', async () => {
    const small = await startTestGateway({ maxBufferedBytes: 1 });
    try {
      const c = new Client(small.url.replace('http', 'ws') + '/v1/stream', { headers: { 'x-api-key': KEYS.ops } });
      await c.next((m) => m.type === 'hello');
      await c.subscribe({ channels: ['regime'] });
      const n = 8000;
      // One synchronous burst of ~20 MB: the kernel buffers fill and the rest must be dropped.
      for (let i = 0; i < n; i++)
        small.bus.publish({ type: 'regime', symbol: 'BTC/USDT:USDT', ts: i, score: score('BTC/USDT:USDT', 0.3, 40) });
      expect(small.stream.stats().dropped).toBeGreaterThan(0);
      // Once drained, the next message is preceded by the count of what was dropped.
      await new Promise<void>((resolve) => {
        const poll = () =>
          c.of('regime').length + small.stream.stats().dropped >= n ? resolve() : setTimeout(poll, 20);
        poll();
      });
      await new Promise((r) => setTimeout(r, 50));
      small.bus.publish({ type: 'regime', symbol: 'BTC/USDT:USDT', ts: n, score: score('BTC/USDT:USDT', 0.3) });
      const notice = await c.next((m) => m.type === 'dropped');
      await c.next((m) => m.type === 'regime' && m.ts === n);
      expect(notice.count).toBe(small.stream.stats().dropped);
      expect(c.of('regime').length - 1 + notice.count).toBe(n);
      c.ws.close();
    } finally {
      await small.app.close();
    }
  });

  it('heartbeat: a socket that never answers pings is terminated; a live one is kept', async () => {
    const hb = await startTestGateway({ heartbeatMs: 40 });
    try {
      const url = hb.url.replace('http', 'ws') + '/v1/stream';
      const dead = new Client(url, { headers: { 'x-api-key': KEYS.viewer }, autoPong: false });
      const live = new Client(url, { headers: { 'x-api-key': KEYS.viewer } });
      let pings = 0;
      live.ws.on('ping', () => pings++);
      expect((await dead.closed).code).toBe(1006); // terminated without a close frame
      await new Promise<void>((resolve) => live.ws.on('ping', () => pings >= 3 && resolve()));
      expect(live.ws.readyState).toBe(WebSocket.OPEN);
      live.ws.close();
    } finally {
      await hb.app.close();
    }
  });

  it('says goodbye with 1001 when the gateway closes', async () => {
    const other = await startTestGateway();
    const c = new Client(other.url.replace('http', 'ws') + '/v1/stream', { headers: { 'x-api-key': KEYS.viewer } });
    await c.next((m) => m.type === 'hello');
    await other.app.close();
    expect((await c.closed).code).toBe(1001);
  });
});
