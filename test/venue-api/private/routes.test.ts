import ccxt from 'ccxt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { signQuery } from '../../../src/binance-wire/signed.js';
import { KEY, SECRET, ccxtClient, startTestVenue, type TestVenue } from './support.js';

let v: TestVenue;
beforeAll(async () => {
  v = await startTestVenue({ orderLimits: { per10s: 1000, perMinute: 5000 } });
});
afterAll(async () => v.close());

async function call(
  method: string,
  path: string,
  params: Record<string, string | number>,
  opts: { key?: string; secret?: string; inBody?: boolean } = {},
) {
  const qs = signQuery({ ...params, timestamp: Date.now() }, opts.secret ?? SECRET);
  const inBody = opts.inBody ?? method === 'POST';
  const res = await fetch(`${v.httpUrl}${path}${inBody ? '' : `?${qs}`}`, {
    method,
    headers: {
      'X-MBX-APIKEY': opts.key ?? KEY,
      ...(inBody ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    },
    ...(inBody ? { body: qs } : {}),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
}

describe('HMAC checks through real ccxt', () => {
  it('a bad signature raises AuthenticationError with Binance -1022', async () => {
    const ex = ccxtClient(v.urls, { secret: 'not-the-secret' });
    await ex.loadMarkets();
    const err = await ex.fetchBalance().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ccxt.AuthenticationError);
    expect(String(err)).toContain('-1022');
  });

  it('an unknown API key raises AuthenticationError with -2015', async () => {
    const ex = ccxtClient(v.urls, { apiKey: 'someoneElse01' });
    await ex.loadMarkets();
    const err = await ex.fetchPositions().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ccxt.AuthenticationError);
    expect(String(err)).toContain('-2015');
  });

  it('a stale timestamp raises InvalidNonce with -1021', async () => {
    const ex = ccxtClient(v.urls);
    await ex.loadMarkets();
    ex.options['timeDifference'] = 30_000; // the client's clock is 30 s behind
    const err = await ex.fetchOpenOrders('BTC/USDT:USDT').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ccxt.InvalidNonce);
    expect(String(err)).toContain('-1021');
  });
});

describe('Binance-shaped answers', () => {
  it('POST /fapi/v1/order answers the order and the order-count headers; duplicates and bad params get Binance codes', async () => {
    const r = await call('POST', '/fapi/v1/order', {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      timeInForce: 'GTC',
      quantity: '0.010',
      price: '50000.0',
      newClientOrderId: 'raw-1',
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      symbol: 'BTCUSDT',
      clientOrderId: 'raw-1',
      status: 'NEW',
      type: 'LIMIT',
      side: 'BUY',
      price: '50000.0',
      origQty: '0.010',
      executedQty: '0.000',
      positionSide: 'BOTH',
      timeInForce: 'GTC',
    });
    expect(typeof r.body.orderId).toBe('number');
    expect(Number(r.headers.get('x-mbx-order-count-10s'))).toBeGreaterThanOrEqual(1);
    expect(Number(r.headers.get('x-mbx-order-count-1m'))).toBeGreaterThanOrEqual(1);
    const dup = await call('POST', '/fapi/v1/order', {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      timeInForce: 'GTC',
      quantity: '0.010',
      price: '50000.0',
      newClientOrderId: 'raw-1',
    });
    expect(dup).toMatchObject({ status: 400, body: { code: -4116 } });
    const tick = await call('POST', '/fapi/v1/order', {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      timeInForce: 'GTC',
      quantity: '0.010',
      price: '50000.05',
    });
    expect(tick.body.code).toBe(-4014);
    const noTif = await call('POST', '/fapi/v1/order', {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      quantity: '0.010',
      price: '50000.0',
    });
    expect(noTif.body).toMatchObject({ code: -1102 });
    expect(noTif.body.msg).toContain("'timeInForce'");
    const notional = await call('POST', '/fapi/v1/order', {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      timeInForce: 'GTC',
      quantity: '0.001',
      price: '50000.0',
    });
    expect(notional.body.code).toBe(-4164);
    const badSym = await call('POST', '/fapi/v1/order', {
      symbol: 'NOPEUSDT',
      side: 'BUY',
      type: 'MARKET',
      quantity: '1',
    });
    expect(badSym.body).toEqual({ code: -1121, msg: 'Invalid symbol.' });

    const got = await call('GET', '/fapi/v1/order', { symbol: 'BTCUSDT', orderId: r.body.orderId });
    expect(got.body).toMatchObject({ clientOrderId: 'raw-1', status: 'NEW' });
    expect(typeof got.body.time).toBe('number');
    const del = await call('DELETE', '/fapi/v1/order', { symbol: 'BTCUSDT', origClientOrderId: 'raw-1' });
    expect(del.body).toMatchObject({ clientOrderId: 'raw-1', status: 'CANCELED' });
    expect((await call('DELETE', '/fapi/v1/order', { symbol: 'BTCUSDT', origClientOrderId: 'raw-1' })).body.code).toBe(
      -2011,
    );
    expect((await call('GET', '/fapi/v1/order', { symbol: 'BTCUSDT', origClientOrderId: 'nope' })).body).toEqual({
      code: -2013,
      msg: 'Order does not exist.',
    });
  });

  it('signature may travel in the query string of a POST too; a missing API key is -2014', async () => {
    const r = await call('POST', '/fapi/v1/leverage', { symbol: 'ETHUSDT', leverage: 10 }, { inBody: false });
    expect(r.body).toMatchObject({ leverage: 10, symbol: 'ETHUSDT' });
    const res = await fetch(`${v.httpUrl}/fapi/v2/balance?${signQuery({ timestamp: Date.now() }, SECRET)}`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ code: -2014, msg: 'API-key format invalid.' });
  });

  it('allOpenOrders cancels every open order of the symbol; positionRisk v2/v3, account and balance are Binance-shaped', async () => {
    for (const id of ['a-1', 'a-2'])
      await call('POST', '/fapi/v1/order', {
        symbol: 'BTCUSDT',
        side: 'BUY',
        type: 'LIMIT',
        timeInForce: 'GTC',
        quantity: '0.010',
        price: '51000.0',
        newClientOrderId: id,
      });
    expect((await call('GET', '/fapi/v1/openOrders', { symbol: 'BTCUSDT' })).body).toHaveLength(2);
    expect((await call('DELETE', '/fapi/v1/allOpenOrders', { symbol: 'BTCUSDT' })).body).toEqual({
      code: 200,
      msg: 'The operation of cancel all open order is done.',
    });
    expect((await call('GET', '/fapi/v1/openOrders', {})).body).toEqual([]);

    await call('POST', '/fapi/v1/order', { symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: '0.020' });
    const v2 = (await call('GET', '/fapi/v2/positionRisk', {})).body as any[];
    expect(v2.map((p) => p.symbol).sort()).toEqual(['BNBUSDT', 'BTCUSDT', 'ETHUSDT', 'XRPUSDT']);
    const btc = v2.find((p) => p.symbol === 'BTCUSDT');
    expect(btc).toMatchObject({ positionAmt: '-0.020', marginType: 'cross', leverage: '20', positionSide: 'BOTH' });
    expect(v2.find((p) => p.symbol === 'ETHUSDT')).toMatchObject({ positionAmt: '0.000', leverage: '10' });
    const v3 = (await call('GET', '/fapi/v3/positionRisk', {})).body as any[];
    expect(v3.map((p) => p.symbol)).toEqual(['BTCUSDT']);
    expect(v3[0]).not.toHaveProperty('leverage');
    const acct = (await call('GET', '/fapi/v3/account', {})).body;
    const sim = v.exchange.accountStateSync('acct-1');
    expect(Number(acct.totalWalletBalance)).toBeCloseTo(Number(sim.walletBalance), 6);
    expect(acct.assets[0]).toMatchObject({ asset: 'USDT' });
    expect(acct.positions).toHaveLength(1);
    const bal = (await call('GET', '/fapi/v2/balance', {})).body;
    expect(bal[0]).toMatchObject({ asset: 'USDT' });
    expect(Number(bal[0].availableBalance)).toBeCloseTo(Number(sim.availableBalance), 6);
    const mt = await call('POST', '/fapi/v1/marginType', { symbol: 'BTCUSDT', marginType: 'ISOLATED' });
    expect(mt.body.code).toBe(-4048); // a position is open
    expect((await call('POST', '/fapi/v1/marginType', { symbol: 'XRPUSDT', marginType: 'CROSSED' })).body.code).toBe(
      -4046,
    );
    expect((await call('POST', '/fapi/v1/marginType', { symbol: 'XRPUSDT', marginType: 'ISOLATED' })).body).toEqual({
      code: 200,
      msg: 'success',
    });
    const br = (await call('GET', '/fapi/v1/leverageBracket', { symbol: 'BTCUSDT' })).body;
    expect(br.symbol).toBe('BTCUSDT');
    expect(br.brackets[0]).toMatchObject({ bracket: 1, notionalFloor: 0 });
  });

  it("countdownCancelAll cancels the symbol's open orders when the countdown runs out", async () => {
    await call('POST', '/fapi/v1/order', {
      symbol: 'ETHUSDT',
      side: 'BUY',
      type: 'LIMIT',
      timeInForce: 'GTC',
      quantity: '0.100',
      price: '2000.00',
      newClientOrderId: 'dms-1',
    });
    expect((await call('POST', '/fapi/v1/countdownCancelAll', { symbol: 'ETHUSDT', countdownTime: 50 })).body).toEqual({
      symbol: 'ETHUSDT',
      countdownTime: '50',
    });
    expect(v.exchange.openOrdersSync('acct-1', 'ETH/USDT:USDT').map((o) => o.clientOrderId)).toContain('dms-1');
    // The countdown runs on the server's real timers: wait for its effect, not for a guessed time.
    await waitFor(() => v.exchange.fetchOrderSync('acct-1', 'ETH/USDT:USDT', 'dms-1')?.status === 'canceled');
    expect(v.exchange.fetchOrderSync('acct-1', 'ETH/USDT:USDT', 'dms-1')?.status).toBe('canceled');
  });
});

describe('user-data stream', () => {
  it("pushes ORDER_TRADE_UPDATE and ACCOUNT_UPDATE to the listen key's connections", async () => {
    const lk = await fetch(`${v.httpUrl}/fapi/v1/listenKey`, { method: 'POST', headers: { 'X-MBX-APIKEY': KEY } });
    const { listenKey } = (await lk.json()) as { listenKey: string };
    expect(listenKey).toMatch(/^[0-9a-f]{64}$/);
    const ws = new WebSocket(`${v.wsUrl}/ws/${listenKey}`);
    await new Promise((r) => ws.once('open', r));
    const msgs: any[] = [];
    ws.on('message', (m) => msgs.push(JSON.parse(String(m))));
    await call('POST', '/fapi/v1/order', {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'MARKET',
      quantity: '0.010',
      newClientOrderId: 'ws-1',
    });
    await waitFor(() => msgs.some((m) => m.e === 'ORDER_TRADE_UPDATE') && msgs.some((m) => m.e === 'ACCOUNT_UPDATE'));
    ws.close();
    const otu = msgs.find((m) => m.e === 'ORDER_TRADE_UPDATE');
    expect(otu.o).toMatchObject({
      s: 'BTCUSDT',
      c: 'ws-1',
      S: 'BUY',
      o: 'MARKET',
      x: 'TRADE',
      X: 'FILLED',
      z: '0.010',
      ps: 'BOTH',
    });
    expect(Number(otu.o.n)).toBeGreaterThan(0);
    const au = msgs.find((m) => m.e === 'ACCOUNT_UPDATE');
    expect(au.a.B[0].a).toBe('USDT');
    expect(au.a.P[0]).toMatchObject({ s: 'BTCUSDT', ps: 'BOTH' });
    // A stranger's key cannot get a listen key.
    expect(
      (await fetch(`${v.httpUrl}/fapi/v1/listenKey`, { method: 'POST', headers: { 'X-MBX-APIKEY': 'strangerKey1' } }))
        .status,
    ).toBe(401);
  });
});

describe('fault control endpoint', () => {
  it('validates faults, serves them and clears them', async () => {
    const bad = await fetch(`${v.httpUrl}/_liqguard/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'error', status: 404 }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).msg).toContain('"status" must be 500..599');
    const ok = await fetch(`${v.httpUrl}/_liqguard/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'error', status: 503, path: '/fapi/v1/time', times: 1 }),
    });
    expect(ok.status).toBe(200);
    const hit = await fetch(`${v.httpUrl}/fapi/v1/time`);
    expect(hit.status).toBe(503);
    expect(((await hit.json()) as any).code).toBe(-1001);
    expect((await fetch(`${v.httpUrl}/fapi/v1/time`)).status).toBe(200);
    await fetch(`${v.httpUrl}/_liqguard/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'rateLimit', count429: 1, retryAfterSec: 2, banMs: 1000 }),
    });
    const r429 = await fetch(`${v.httpUrl}/fapi/v1/time`);
    expect(r429.status).toBe(429);
    expect(r429.headers.get('retry-after')).toBe('2');
    const r418 = await fetch(`${v.httpUrl}/fapi/v1/time`);
    expect(r418.status).toBe(418);
    expect(((await r418.json()) as any).msg).toMatch(/banned until \d{13}/);
    expect((await fetch(`${v.httpUrl}/_liqguard/faults`, { method: 'DELETE' })).status).toBe(200);
    expect((await fetch(`${v.httpUrl}/fapi/v1/time`)).status).toBe(200);
    const counts = (await (await fetch(`${v.httpUrl}/_liqguard/faults`)).json()) as any;
    expect(counts.counts).toMatchObject({ errors: 1, rateLimited: 1, banned: 1 });
  });
});

/** Poll a condition an event makes true; the cap only turns a hang into a failure. */
async function waitFor(cond: () => boolean, capMs = 20_000): Promise<void> {
  const end = Date.now() + capMs;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
}
