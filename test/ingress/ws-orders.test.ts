/** WebSocket order entry on the whole embedded-default gateway (replayed market, simulated
 * venue, shipped policy) on 127.0.0.1:0: submit/cancel with the REST semantics, pushed order
 * updates, bad messages, cancel-on-disconnect, and the venue dead-man switch against a venue
 * object that records its arm calls. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DEMO_API_KEY } from '../../src/config/embedded-default.js';
import { randomIds } from '../../src/core/ids.js';
import type { Venue } from '../../src/core/types.js';
import type { Gateway } from '../../src/gateway/gateway.js';
import { wsOrderEntry, type IntervalTimers } from '../../src/ingress/ws-orders.js';
import { startFrontDoorGateway, type FrontDoorGateway } from './binance/support.js';

const BTC = 'BTC/USDT:USDT';
const ETH = 'ETH/USDT:USDT';
const XRP = 'XRP/USDT:USDT';
const VIEWER_KEY = 'lg_view_only_42aa';

let h: FrontDoorGateway;
let entry: ReturnType<typeof wsOrderEntry>;
let dmEntry: ReturnType<typeof wsOrderEntry>;
const armCalls: { symbol: string; ms: number }[] = [];
let failArm = false;
const intervals: { fn: () => void; ms: number }[] = [];
const fakeTimers: IntervalTimers = {
  setInterval: (fn, ms) => intervals.push({ fn, ms }),
  clearInterval: () => undefined,
};

/** The simulated venue seen through an object that also has a dead-man switch (as the ccxt
 * adapter exposes Binance's countdownCancelAll), recording each arm call. */
function withDeadman(venue: Venue): Venue {
  const v = Object.create(venue) as Venue & { armDeadman(symbol: string, ms: number): Promise<void> };
  v.armDeadman = async (symbol, ms) => {
    armCalls.push({ symbol, ms });
    if (failArm) throw new Error('venue down');
  };
  return v;
}

function plugins(gw: Gateway) {
  const base = { pipeline: gw.pipeline, orders: gw.orders, clock: gw.clock, ids: randomIds(), bus: gw.bus };
  entry = gw.wsOrders; // the gateway's own entry at /v1/ws/orders
  const sim = gw.venues.get('sim')!;
  dmEntry = wsOrderEntry({
    ...base,
    venues: new Map([['sim', withDeadman(sim)]]),
    path: '/v1/ws/orders-dm',
    timers: fakeTimers,
    deadman: { countdownMs: 45_000, refreshMs: 10_000 },
  });
  return [dmEntry.plugin];
}

beforeAll(async () => {
  h = await startFrontDoorGateway({
    plugins,
    edit: (y) =>
      y.replace(
        'venues:',
        `  - id: viewer\n    apiKey: ${VIEWER_KEY}\n    account: demo\n    venue: sim\n    roles: [viewer]\nvenues:`,
      ),
  });
});
afterAll(async () => h?.gw.close());

interface Conn {
  readonly ws: WebSocket;
  readonly msgs: any[];
  next(pred: (m: any) => boolean): Promise<any>;
  call(msg: Record<string, unknown>): Promise<any>;
  close(): Promise<void>;
}
let seq = 0;
async function connect(
  query = '',
  path = '/v1/ws/orders',
  headers: Record<string, string> = { 'x-api-key': DEMO_API_KEY },
): Promise<Conn> {
  const ws = new WebSocket(`${h.url.replace('http', 'ws')}${path}${query}`, { headers });
  const msgs: any[] = [];
  const waiters: { pred: (m: any) => boolean; resolve: (m: any) => void }[] = [];
  ws.on('message', (d) => {
    const m = JSON.parse(d.toString());
    msgs.push(m);
    for (const w of [...waiters]) if (w.pred(m)) (waiters.splice(waiters.indexOf(w), 1), w.resolve(m));
  });
  await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
  const next = (pred: (m: any) => boolean) => {
    const found = msgs.find(pred);
    return found ? Promise.resolve(found) : new Promise<any>((resolve) => waiters.push({ pred, resolve }));
  };
  await next((m) => m.type === 'hello');
  return {
    ws,
    msgs,
    next,
    async call(msg) {
      const id = msg.id ?? `m${++seq}`;
      ws.send(JSON.stringify({ ...msg, id }));
      return next((m) => m.id === id && 'ok' in m);
    },
    close: () => new Promise<void>((r) => (ws.once('close', () => r()), ws.close())),
  };
}
const lastPrice = (s: string) => h.gw.market.snapshot(s, h.gw.clock.now()).last!;
const restingBuy = (symbol: string, extra: Record<string, unknown> = {}) => {
  const tick = Number(h.gw.venues.get('sim')!.instrument(symbol)!.tickSize);
  const price = (Math.round((lastPrice(symbol) * 0.955) / tick) * tick).toFixed(
    Math.max(0, -Math.floor(Math.log10(tick))),
  );
  const quantity = symbol === XRP ? '100' : '0.01';
  return { op: 'submit', order: { symbol, side: 'buy', type: 'limit', quantity, price, ...extra } };
};
// Waits for a condition the socket's messages make true; the cap only turns a hang into a failure
// (it was 2 s, which a busy host can exceed).
const until = async (cond: () => boolean) => {
  const end = Date.now() + 20_000;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  expect(cond()).toBe(true);
};

describe('ws order entry: the POST /v1/orders verb over a socket', () => {
  it('submits with the REST decision body; the order is an intent with transport ws', async () => {
    const c = await connect();
    const hello = c.msgs[0];
    expect(hello).toMatchObject({ type: 'hello', client: 'demo', cancelOnDisconnect: true, deadman: false });
    const r = await c.call({
      op: 'submit',
      order: { symbol: BTC, side: 'buy', type: 'market', quantity: '0.01', clientOrderId: 'ws-mkt-1' },
    });
    expect(r.ok).toBe(true);
    expect(r.result).toMatchObject({ clientOrderId: 'ws-mkt-1', client: 'demo', symbol: BTC, status: 'filled' });
    expect(['accept', 'modify']).toContain(r.result.decision.kind);
    expect(r.result.decision.trace.length).toBeGreaterThan(3);
    expect(r.result.regime.regime).toBeDefined();
    const rest = (await (
      await fetch(`${h.url}/v1/orders/${r.result.intentId}`, { headers: { 'x-api-key': DEMO_API_KEY } })
    ).json()) as any;
    expect(rest.status).toBe('filled');
    expect(rest.decision).toEqual(r.result.decision);
    expect(h.gw.orders.get(r.result.intentId)!.intent.transport).toBe('ws');
    // The answer carries the fill: no push repeats it.
    expect(c.msgs.filter((m) => m.type === 'order')).toEqual([]);
    await c.close();
  });

  it('a denial is a value: ok with decision deny and its code', async () => {
    const c = await connect();
    const r = await c.call({ op: 'submit', order: { symbol: BTC, side: 'buy', type: 'market', quantity: '6' } });
    expect(r.ok).toBe(true);
    expect(r.result.status).toBe('rejected');
    expect(r.result.decision).toMatchObject({ kind: 'deny', code: 'MAX_ORDER_QUANTITY', approvedQuantity: '0' });
    expect(r.result.decision.detail).toMatch(/^MAX_ORDER_QUANTITY: /);
    await c.close();
  });

  it('cancels by intentId or clientOrderId and pushes updates of its orders, whoever changed them', async () => {
    const c = await connect();
    const a = await c.call(restingBuy(BTC, { clientOrderId: 'ws-lim-a' }));
    expect(a.result.status).toBe('new');
    expect(a.result.risk).toMatchObject({ postFillQuantity: expect.any(String), marginRatio: expect.any(Number) });
    expect(a.result.risk).toHaveProperty('distanceToLiquidationVol');
    const ca = await c.call({ op: 'cancel', intentId: a.result.intentId });
    expect(ca).toMatchObject({ ok: true, result: { intentId: a.result.intentId, status: 'canceled' } });
    const b = await c.call(restingBuy(BTC, { clientOrderId: 'ws-lim-b' }));
    const cb = await c.call({ op: 'cancel', clientOrderId: 'ws-lim-b' });
    expect(cb.result).toMatchObject({ intentId: b.result.intentId, status: 'canceled' });
    // An order cancelled over REST: its update is pushed to the session that placed it.
    const d = await c.call(restingBuy(BTC, { clientOrderId: 'ws-lim-d' }));
    await fetch(`${h.url}/v1/orders/${d.result.intentId}`, {
      method: 'DELETE',
      headers: { 'x-api-key': DEMO_API_KEY },
    });
    const push = await c.next((m) => m.type === 'order' && m.order.intentId === d.result.intentId);
    expect(push.order.status).toBe('canceled');
    expect(push.report).toMatchObject({ status: 'canceled', symbol: BTC });
    expect(push.report.clientOrderId.startsWith('ws-lim-d')).toBe(true);
    await c.close();
  });

  it('bad messages get an error answer naming the problem, and the socket stays open', async () => {
    const c = await connect();
    c.ws.send('{nope');
    expect((await c.next((m) => m.ok === false && m.error.code === 'INVALID_JSON')).id).toBeNull();
    expect((await c.call({ op: 'launch' })).error).toMatchObject({
      code: 'INVALID_FIELD',
      message: expect.stringMatching(/op must be/),
    });
    expect((await c.call({ op: 'ping', extra: 1 })).error).toMatchObject({ code: 'UNKNOWN_FIELD' });
    c.ws.send(JSON.stringify({ op: 'submit', order: {} }));
    expect(
      (await c.next((m) => m.ok === false && m.error.code === 'MISSING_FIELD' && m.id === null)).error.message,
    ).toMatch(/id is required/);
    const float = await c.call({ op: 'submit', order: { symbol: BTC, side: 'buy', type: 'market', quantity: 0.01 } });
    expect(float.error).toMatchObject({
      code: 'INVALID_FIELD',
      message: expect.stringMatching(/quantity must be a decimal string/),
    });
    const sym = await c.call({
      op: 'submit',
      order: { symbol: 'DOGE/USDT:USDT', side: 'buy', type: 'market', quantity: '1' },
    });
    expect(sym.error.code).toBe('UNKNOWN_SYMBOL');
    expect((await c.call({ op: 'cancel', intentId: 'ord_missing' })).error.code).toBe('NOT_FOUND');
    expect((await c.call({ op: 'cancel', intentId: 'x', clientOrderId: 'y' })).error.code).toBe('INVALID_FIELD');
    c.ws.send(JSON.stringify({ op: 'ping', id: 'p1' }));
    expect(await c.next((m) => m.type === 'pong')).toMatchObject({ id: 'p1' });
    expect(entry.stats().badMessages).toBeGreaterThanOrEqual(5);
    await c.close();
  });

  it('refuses connections without a key, without the trader role, or with a bad option', async () => {
    const status = (path: string, headers: Record<string, string>) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(`${h.url.replace('http', 'ws')}${path}`, { headers });
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('open', () => (ws.close(), resolve(101)));
      });
    expect(await status('/v1/ws/orders', {})).toBe(401);
    expect(await status('/v1/ws/orders', { 'x-api-key': VIEWER_KEY })).toBe(403);
    expect(await status('/v1/ws/orders?cancelOnDisconnect=maybe', { 'x-api-key': DEMO_API_KEY })).toBe(400);
    expect(await status(`/v1/ws/orders?key=${DEMO_API_KEY}`, {})).toBe(101);
  });
});

describe('cancel-on-disconnect', () => {
  it('cancels the working orders of a closed session (default), and keeps them with cancelOnDisconnect=false', async () => {
    const keep = await connect('?cancelOnDisconnect=false');
    expect(keep.msgs[0].cancelOnDisconnect).toBe(false);
    const kept = (await keep.call(restingBuy(ETH))).result.intentId as string;
    await keep.close();
    const drop = await connect();
    const dropped = (await drop.call(restingBuy(ETH))).result.intentId as string;
    const filled = (
      await drop.call({ op: 'submit', order: { symbol: ETH, side: 'buy', type: 'market', quantity: '0.01' } })
    ).result.intentId as string;
    const before = entry.stats().disconnectCancels;
    await drop.close();
    await until(() => h.gw.orders.get(dropped)!.status === 'canceled');
    expect(entry.stats().disconnectCancels - before).toBe(1); // the filled order is not working
    expect(h.gw.orders.get(filled)!.status).toBe('filled');
    await until(() => entry.stats().connections === 0);
    expect(h.gw.orders.get(kept)!.status).toBe('new');
    await h.gw.pipeline.cancel(kept, 'test cleanup');
  });
});

describe('cancel-on-disconnect at gateway shutdown', () => {
  it('closing the gateway ends the sessions and cancels their working orders before the venue closes', async () => {
    let own: ReturnType<typeof wsOrderEntry> | undefined;
    const g = await startFrontDoorGateway({ plugins: (gw) => ((own = gw.wsOrders), []) });
    const ws = new WebSocket(`${g.url.replace('http', 'ws')}/v1/ws/orders`, { headers: { 'x-api-key': DEMO_API_KEY } });
    const answers: any[] = [];
    ws.on('message', (d) => answers.push(JSON.parse(d.toString())));
    await new Promise((r) => ws.once('open', r));
    const last = g.gw.market.snapshot(BTC, g.gw.clock.now()).last!;
    ws.send(
      JSON.stringify({
        op: 'submit',
        id: 1,
        order: {
          symbol: BTC,
          side: 'buy',
          type: 'limit',
          quantity: '0.01',
          price: (Math.round(last * 0.955 * 10) / 10).toFixed(1),
        },
      }),
    );
    await until(() => answers.some((m) => m.id === 1));
    const intentId = answers.find((m) => m.id === 1).result.intentId as string;
    expect(g.gw.orders.get(intentId)!.status).toBe('new');
    await g.gw.close();
    expect(g.gw.orders.get(intentId)!.status).toBe('canceled');
    expect(own!.stats().disconnectCancels).toBe(1);
  });
});

describe('venue dead-man switch', () => {
  it('arms the symbols of cancel-on-disconnect sessions, refreshes them, and disarms when the last session ends', async () => {
    armCalls.length = 0;
    const refresh = intervals.find((i) => i.ms === 10_000)!;
    expect(refresh).toBeDefined();
    const a = await connect('', '/v1/ws/orders-dm');
    expect(a.msgs[0].deadman).toBe(true);
    await a.call(restingBuy(BTC));
    expect(armCalls).toEqual([{ symbol: BTC, ms: 45_000 }]);
    await a.call(restingBuy(BTC));
    expect(armCalls).toHaveLength(1); // already armed: the refresh timer keeps it armed
    const b = await connect('', '/v1/ws/orders-dm');
    await b.call(restingBuy(ETH));
    const off = await connect('?cancelOnDisconnect=false', '/v1/ws/orders-dm');
    expect(off.msgs[0].deadman).toBe(false);
    await off.call(restingBuy(XRP));
    expect(armCalls).toEqual([
      { symbol: BTC, ms: 45_000 },
      { symbol: ETH, ms: 45_000 },
    ]);
    armCalls.length = 0;
    refresh.fn();
    expect(armCalls.sort((x, y) => x.symbol.localeCompare(y.symbol))).toEqual([
      { symbol: BTC, ms: 45_000 },
      { symbol: ETH, ms: 45_000 },
    ]);
    armCalls.length = 0;
    await a.close();
    await until(() => armCalls.some((c) => c.symbol === BTC && c.ms === 0));
    expect(armCalls).toEqual([{ symbol: BTC, ms: 0 }]);
    failArm = true;
    refresh.fn();
    await until(() => dmEntry.stats().deadmanErrors === 1);
    failArm = false;
    armCalls.length = 0;
    await b.close();
    await until(() => armCalls.length === 1);
    expect(armCalls).toEqual([{ symbol: ETH, ms: 0 }]);
    const xrp = await off.call({ op: 'cancel', intentId: off.msgs.find((m) => m.ok)!.result.intentId });
    expect(xrp.result.status).toBe('canceled');
    await off.close();
  });
});
