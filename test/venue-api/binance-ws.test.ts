import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { BTC, ETH, startHarness, until, type Harness } from './support.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

interface Client {
  ws: WebSocket;
  msgs: any[];
  closed: boolean;
  send(o: unknown): void;
  /** Waits for the first message (from index `from`) matching `pred`. */
  next(pred: (m: any) => boolean, from?: number): Promise<any>;
}

async function connect(path: string): Promise<Client> {
  const ws = new WebSocket(h.wsUrl + path);
  const c: Client = {
    ws,
    msgs: [],
    closed: false,
    send: (o) => ws.send(JSON.stringify(o)),
    next: (pred, from = 0) => until(() => c.msgs.slice(from).find(pred), `message on ${path}`),
  };
  ws.on('message', (d) => c.msgs.push(JSON.parse(d.toString())));
  ws.on('close', () => (c.closed = true));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return c;
}

const depthOf = (sym: string) => (m: any) => m.e === 'depthUpdate' && m.s === sym;

describe('websocket streams', () => {
  it('SUBSCRIBE answers {result:null,id}; depth diffs chain pu = previous u', async () => {
    const c = await connect('/ws');
    c.send({ method: 'SUBSCRIBE', params: ['btcusdt@depth@100ms'], id: 7 });
    expect(await c.next((m) => m.id === 7)).toEqual({ result: null, id: 7 });
    const snap: any = await (await fetch(`${h.httpUrl}/fapi/v1/depth?symbol=BTCUSDT&limit=1000`)).json();
    for (let i = 1; i <= 5; i++) h.source.setMark(BTC, 65_000 + i * 3);
    await until(() => (c.msgs.filter(depthOf('BTCUSDT')).length >= 5 ? true : undefined), '5 diffs');
    const diffs = c.msgs.filter(depthOf('BTCUSDT'));
    for (let i = 1; i < diffs.length; i++) {
      expect(diffs[i].pu).toBe(diffs[i - 1].u);
      expect(diffs[i].U).toBe(diffs[i - 1].u + 1);
    }
    // Snapshot + the diffs after it rebuild the server's book exactly.
    const bids = new Map<string, string>(snap.bids);
    const asks = new Map<string, string>(snap.asks);
    for (const d of diffs.filter((x) => x.u > snap.lastUpdateId)) {
      for (const [p, q] of d.b) Number(q) === 0 ? bids.delete(p) : bids.set(p, q);
      for (const [p, q] of d.a) Number(q) === 0 ? asks.delete(p) : asks.set(p, q);
    }
    const server: any = await (await fetch(`${h.httpUrl}/fapi/v1/depth?symbol=BTCUSDT&limit=1000`)).json();
    const sortBy = (m: Map<string, string>, dir: number) =>
      [...m.entries()].sort((x, y) => dir * (Number(x[0]) - Number(y[0])));
    expect(sortBy(bids, -1)).toEqual(server.bids);
    expect(sortBy(asks, 1)).toEqual(server.asks);
    expect(diffs.at(-1).u).toBe(server.lastUpdateId);
    c.send({ method: 'LIST_SUBSCRIPTIONS', id: 8 });
    expect((await c.next((m) => m.id === 8)).result).toEqual(['btcusdt@depth@100ms']);
    c.ws.close();
  });

  it('mark price, mini ticker, ticker, forceOrder, kline and aggTrade events', async () => {
    const c = await connect('/ws');
    c.send({
      method: 'SUBSCRIBE',
      params: [
        'ethusdt@markPrice@1s',
        'btcusdt@miniTicker',
        'btcusdt@ticker',
        'btcusdt@forceOrder',
        'btcusdt@kline_1m',
        'btcusdt@aggTrade',
      ],
      id: 1,
    });
    await c.next((m) => m.id === 1);
    h.source.setMark(ETH, 3_001.25, 0.0003);
    h.source.trade(BTC, 65_010, 0.2, 'buy');
    h.source.liquidation(BTC, 'sell', 64_900, 0.75);
    const mark = await c.next((m) => m.e === 'markPriceUpdate');
    expect(mark).toMatchObject({ s: 'ETHUSDT', p: '3001.25000000', r: '0.00030000' });
    expect(mark.T).toBeGreaterThan(mark.E);
    expect(await c.next((m) => m.e === '24hrMiniTicker')).toMatchObject({ s: 'BTCUSDT', c: '65010.0' });
    expect(await c.next((m) => m.e === '24hrTicker')).toMatchObject({ s: 'BTCUSDT', c: '65010.0', Q: '0.200' });
    expect(await c.next((m) => m.e === 'forceOrder')).toMatchObject({
      o: { s: 'BTCUSDT', S: 'SELL', p: '64900.0', q: '0.750', X: 'FILLED' },
    });
    expect(await c.next((m) => m.e === 'kline')).toMatchObject({
      s: 'BTCUSDT',
      k: { i: '1m', c: '65010.0', x: false },
    });
    expect(await c.next((m) => m.e === 'aggTrade')).toMatchObject({ s: 'BTCUSDT', p: '65010.0', q: '0.200', m: false });
    c.ws.close();
  });

  it('raw /ws/<stream> and combined /stream?streams= connections', async () => {
    const raw = await connect('/ws/ethusdt@markPrice');
    const comb = await connect('/stream?streams=ethusdt@markPrice/btcusdt@bookTicker');
    h.source.setMark(ETH, 3_002.5);
    h.source.setMark(BTC, 65_020);
    expect(await raw.next((m) => m.e === 'markPriceUpdate')).toMatchObject({ s: 'ETHUSDT', p: '3002.50000000' });
    expect(await comb.next((m) => m.stream === 'ethusdt@markPrice')).toMatchObject({
      data: { e: 'markPriceUpdate', s: 'ETHUSDT' },
    });
    const bt = await comb.next((m) => m.stream === 'btcusdt@bookTicker');
    const book = h.source.book('BTCUSDT', 1)!;
    expect(bt.data).toMatchObject({ e: 'bookTicker', b: book.bids[0]![0].toFixed(1), a: book.asks[0]![0].toFixed(1) });
    raw.ws.close();
    comb.ws.close();
  });

  it('rejects invalid streams and unknown methods with Binance error codes', async () => {
    const c = await connect('/ws');
    c.send({ method: 'SUBSCRIBE', params: ['btcusdt@nonsense'], id: 3 });
    expect(await c.next((m) => m.id === 3)).toEqual({
      error: { code: 2, msg: 'Invalid request: invalid stream' },
      id: 3,
    });
    c.ws.send('{not json');
    expect((await c.next((m) => m.error?.code === 3)).error.msg).toMatch(/Invalid JSON/);
    c.ws.close();
  });

  it('UNSUBSCRIBE stops a stream', async () => {
    const c = await connect('/ws');
    c.send({ method: 'SUBSCRIBE', params: ['ethusdt@markPrice'], id: 1 });
    await c.next((m) => m.id === 1);
    c.send({ method: 'UNSUBSCRIBE', params: ['ethusdt@markPrice'], id: 2 });
    await c.next((m) => m.id === 2);
    const before = c.msgs.length;
    h.source.setMark(ETH, 3_003);
    // A sentinel on a second stream proves the mark update was dispatched and not delivered.
    c.send({ method: 'SUBSCRIBE', params: ['btcusdt@markPrice'], id: 4 });
    await c.next((m) => m.id === 4);
    h.source.setMark(BTC, 65_030);
    await c.next((m) => m.e === 'markPriceUpdate' && m.s === 'BTCUSDT', before);
    expect(c.msgs.slice(before).filter((m) => m.s === 'ETHUSDT')).toEqual([]);
    c.ws.close();
  });
});

describe('fault controls', () => {
  it('injectDepthGap drops one diff: the next diff has pu ≠ the last u seen', async () => {
    const c = await connect('/ws/btcusdt@depth');
    h.source.setMark(BTC, 65_100);
    const first = await c.next(depthOf('BTCUSDT'));
    h.server.control.injectDepthGap('BTCUSDT');
    h.source.setMark(BTC, 65_110); // lost
    h.source.setMark(BTC, 65_120);
    const i = c.msgs.indexOf(first);
    const second = await c.next(depthOf('BTCUSDT'), i + 1);
    expect(second.pu).toBeGreaterThan(first.u);
    expect(h.server.control.faultCounts.depthDiffsDropped).toBe(1);
    c.ws.close();
  });

  it('silence stops a channel until resumed; other channels keep flowing', async () => {
    const c = await connect('/stream?streams=ethusdt@markPrice/btcusdt@markPrice');
    const id = h.server.control.silence({ symbol: 'ETHUSDT', channel: 'markPrice' });
    h.source.setMark(ETH, 3_004);
    h.source.setMark(BTC, 65_040);
    await c.next((m) => m.stream === 'btcusdt@markPrice');
    expect(c.msgs.filter((m) => m.stream === 'ethusdt@markPrice')).toEqual([]);
    h.server.control.resume(id);
    h.source.setMark(ETH, 3_005);
    expect((await c.next((m) => m.stream === 'ethusdt@markPrice')).data.p).toBe('3005.00000000');
    c.ws.close();
  });

  it('dropConnections cuts every socket; rejectConnections refuses new ones with 503', async () => {
    const a = await connect('/ws');
    const b = await connect('/stream');
    expect(h.server.control.dropConnections()).toBeGreaterThanOrEqual(2);
    await until(() => (a.closed && b.closed ? true : undefined), 'sockets closed');
    h.server.control.rejectConnections(true);
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(h.wsUrl + '/ws');
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => undefined);
    });
    expect(status).toBe(503);
    h.server.control.rejectConnections(false);
    const c = await connect('/ws');
    expect(c.ws.readyState).toBe(WebSocket.OPEN);
    c.ws.close();
  });
});

describe('user-data extension point', () => {
  it('publishUserEvent reaches connections opened with that listenKey only', async () => {
    const mine = new WebSocket(`${h.wsUrl}/private/ws?listenKey=key-A`);
    const legacy = new WebSocket(`${h.wsUrl}/ws/key-A`);
    const other = new WebSocket(`${h.wsUrl}/private/ws?listenKey=key-B`);
    const got: Record<string, any[]> = { mine: [], legacy: [], other: [] };
    for (const [k, ws] of Object.entries({ mine, legacy, other }))
      ws.on('message', (d) => got[k]!.push(JSON.parse(d.toString())));
    await Promise.all([mine, legacy, other].map((ws) => new Promise((r) => ws.once('open', r))));
    expect(h.server.ctx.hub.publishUserEvent('key-A', { e: 'ACCOUNT_UPDATE', E: 1 })).toBe(2);
    await until(() => (got.mine!.length && got.legacy!.length ? true : undefined), 'user events');
    expect(got.mine).toEqual([{ e: 'ACCOUNT_UPDATE', E: 1 }]);
    expect(got.other).toEqual([]);
    for (const ws of [mine, legacy, other]) ws.close();
  });
});
