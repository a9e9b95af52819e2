/** An unmodified ccxt.binanceusdm bot, with only its base URLs pointed at the gateway, trading
 * through liqguard's Binance-compatible front door: the whole embedded-default gateway (replayed
 * real market, simulated venue, shipped policy plus a split rule) on 127.0.0.1:0. */
import ccxt from 'ccxt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_API_KEY, DEMO_API_SECRET } from '../../../src/config/embedded-default.js';
import type { SimulatedVenue } from '../../../src/execution/simulated/index.js';
import { signQuery } from '../../../src/binance-wire/signed.js';
import { ccxtBot, policyDirWith, startFrontDoorGateway, type FrontDoorGateway } from './support.js';

const BTC = 'BTC/USDT:USDT';
const ETH = 'ETH/USDT:USDT';
const XRP = 'XRP/USDT:USDT';
const WATCHER = { key: 'lg_watch_7c1d9e2f4a', secret: 'lg_watch_secret_0b3e5a7c9d1f' };
// Splits XRP orders above 1000 into 3 children one replayed hour apart (0.5 s of wall time at
// the default 2 bars/s), so the parent's fill visibly grows.
const SPLIT_RULE = `  - id: split-xrp
    when: { symbol: ${XRP}, quantity: { gt: 1000 } }
    split: { count: 3, interval: 2s }
`;

let h: FrontDoorGateway;
let bot: InstanceType<typeof ccxt.binanceusdm>;
const sim = () => h.gw.venues.get('sim') as SimulatedVenue;
const position = (symbol: string) =>
  Number(
    sim()
      .accountStateSync('demo')
      .positions.find((p) => p.symbol === symbol)?.quantity ?? 0,
  );
const lastPrice = (symbol: string) => h.gw.market.snapshot(symbol, h.gw.clock.now()).last!;
const tick = (symbol: string) => Number(sim().instrument(symbol)!.tickSize);
const priceAt = (symbol: string, f: number) =>
  Number((Math.round((lastPrice(symbol) * f) / tick(symbol)) * tick(symbol)).toFixed(8));

beforeAll(async () => {
  h = await startFrontDoorGateway({
    policyDir: policyDirWith(SPLIT_RULE),
    edit: (y) =>
      y.replace(
        'venues:',
        `  - id: watcher\n    apiKey: ${WATCHER.key}\n    apiSecret: ${WATCHER.secret}\n    account: demo\n    venue: sim\n    roles: [viewer]\nvenues:`,
      ),
  });
  bot = ccxtBot(h.url, DEMO_API_KEY, DEMO_API_SECRET);
  await bot.loadMarkets();
});
afterAll(async () => h?.gw.close());

describe('ccxt.binanceusdm against the gateway', () => {
  it('loads markets from the venue instrument specs', () => {
    const specs = sim().instruments();
    expect(Object.keys(bot.markets as object).sort()).toEqual(specs.map((s) => s.symbol).sort());
    for (const s of specs) {
      const m = bot.market(s.symbol);
      expect(m.id).toBe(s.venueSymbol);
      expect(m.swap && m.linear).toBe(true);
      expect(m.precision.price).toBe(Number(s.tickSize));
      expect(m.precision.amount).toBe(Number(s.stepSize));
      expect(m.limits.amount?.min).toBe(Number(s.minQty));
      expect(m.limits.cost?.min).toBe(Number(s.minNotional));
    }
  });

  it('public endpoints answer from the gateway market data (and the events it is fed)', async () => {
    const fr = await bot.fetchFundingRate(BTC);
    expect(fr.markPrice).toBeGreaterThan(10_000);
    expect(Math.abs(fr.markPrice! / lastPrice(BTC) - 1)).toBeLessThan(0.05);
    expect(Math.abs((await bot.fetchTime())! - Date.now())).toBeLessThan(60_000);
    // Klines are the replayed bars the gateway feeds its front door: the latest close is the
    // market view's last price.
    const bars = await bot.fetchOHLCV(ETH, '1h', undefined, 5);
    expect(bars.length).toBeGreaterThan(0);
    expect(bars.at(-1)![4]).toBe(lastPrice(ETH));
    const openTime = bars.at(-1)![0]! + 3_600_000;
    h.fd.ingest({
      type: 'bar',
      symbol: ETH,
      ts: openTime + 3_600_000,
      openTime,
      intervalMs: 3_600_000,
      open: 4400,
      high: 4420,
      low: 4390,
      close: 4410,
      volume: 12.5,
    });
    expect((await bot.fetchOHLCV(ETH, '1h', undefined, 5)).at(-1)).toEqual([openTime, 4400, 4420, 4390, 4410, 12.5]);
  });

  it('a market order goes through the pipeline, fills at the venue and is reported Binance-style', async () => {
    const before = position(BTC);
    const o = await bot.createOrder(BTC, 'market', 'buy', 0.01, undefined, { clientOrderId: 'bn-mkt-1' });
    expect(o.status).toBe('closed');
    expect(o.filled).toBe(0.01);
    expect(o.average).toBeGreaterThan(10_000);
    expect(o.clientOrderId).toBe('bn-mkt-1');
    expect(['accept', 'modify']).toContain(o.info.liqguard.decision);
    // Liquidation and margin facts after the fill, in order.info for the bot.
    expect(o.info.liqguard.risk).toMatchObject({
      postFillQuantity: expect.any(String),
      marginRatio: expect.any(Number),
    });
    expect(o.info.liqguard.risk).toHaveProperty('liquidationPriceAfterFill');
    expect(o.info.liqguard.risk).toHaveProperty('touchProbability');
    const parent = h.gw.orders.get(o.info.liqguard.intentId)!;
    expect(parent.intent.transport).toBe('binance');
    expect(parent.intent.clientId).toBe('demo');
    expect(position(BTC)).toBeCloseTo(before + 0.01, 10);
    const again = await bot.fetchOrder(o.id!, BTC);
    expect(again.id).toBe(o.id);
    expect(again.filled).toBe(0.01);
    const byClientId = await bot.fetchOrder(undefined as unknown as string, BTC, { origClientOrderId: 'bn-mkt-1' });
    expect(byClientId.id).toBe(o.id);
  });

  it('a limit order rests, is listed, fetched and cancelled; a second cancel is OrderNotFound', async () => {
    const price = priceAt(BTC, 0.955);
    const o = await bot.createOrder(BTC, 'limit', 'buy', 0.01, price);
    expect(o.status).toBe('open');
    expect(o.price).toBe(price);
    expect(o.timeInForce).toBe('GTC');
    expect((await bot.fetchOpenOrders(BTC)).map((x) => x.id)).toContain(o.id);
    expect(
      sim()
        .openOrdersSync('demo', BTC)
        .some((r) => r.clientOrderId.startsWith(o.clientOrderId!)),
    ).toBe(true);
    const c = await bot.cancelOrder(o.id!, BTC);
    expect(c.status).toBe('canceled');
    expect((await bot.fetchOrder(o.id!, BTC)).status).toBe('canceled');
    expect((await bot.fetchOpenOrders(BTC)).map((x) => x.id)).not.toContain(o.id);
    expect(
      sim()
        .openOrdersSync('demo', BTC)
        .some((r) => r.clientOrderId.startsWith(o.clientOrderId!)),
    ).toBe(false);
    await expect(bot.cancelOrder(o.id!, BTC)).rejects.toThrow(ccxt.OrderNotFound);
    await expect(bot.fetchOrder('1', BTC)).rejects.toThrow(ccxt.OrderNotFound);
  });

  it('post-only is GTX: it rests when it would not cross, and is rejected with the venue reason when it would', async () => {
    const o = await bot.createOrder(BTC, 'limit', 'buy', 0.01, priceAt(BTC, 0.955), { postOnly: true });
    expect(o.postOnly).toBe(true);
    expect(o.info.timeInForce).toBe('GTX');
    expect(h.gw.orders.get(o.info.liqguard.intentId)!.intent.postOnly).toBe(true);
    expect(o.status).toBe('open');
    const err = await bot
      .createOrder(BTC, 'limit', 'buy', 0.01, priceAt(BTC, 1.02), { postOnly: true })
      .catch((e: Error) => e);
    expect(err).toBeInstanceOf(ccxt.InvalidOrder);
    expect((err as Error).message).toMatch(/LIQGUARD VENUE_REJECTED: .*Post Only.* intentId=ord_/);
    await bot.cancelAllOrders(BTC);
    expect(await bot.fetchOpenOrders(BTC)).toEqual([]);
  });

  it('reduce-only closes a position; a reduce-only order with nothing to reduce is rejected', async () => {
    await bot.createOrder(ETH, 'market', 'buy', 0.2);
    expect(position(ETH)).toBeCloseTo(0.2, 10);
    const o = await bot.createOrder(ETH, 'market', 'sell', 0.2, undefined, { reduceOnly: true });
    expect(o.reduceOnly).toBe(true);
    expect(o.status).toBe('closed');
    expect(position(ETH)).toBe(0);
    await expect(bot.createOrder(ETH, 'market', 'sell', 0.2, undefined, { reduceOnly: true })).rejects.toThrow(
      /ReduceOnly/,
    );
  });

  it('a denial raises ccxt InvalidOrder whose message carries the denial code; the order is on record as rejected', async () => {
    const before = position(BTC);
    const err = await bot
      .createOrder(BTC, 'market', 'buy', 6, undefined, { clientOrderId: 'bn-deny-1' })
      .catch((e: Error) => e);
    expect(err).toBeInstanceOf(ccxt.InvalidOrder);
    expect((err as Error).message).toMatch(/"code":-2010/);
    expect((err as Error).message).toMatch(
      /LIQGUARD MAX_ORDER_QUANTITY: rule=max-quantity-btc .*quantity=6 max=5 intentId=ord_/,
    );
    expect(position(BTC)).toBe(before);
    const rec = await bot.fetchOrder(undefined as unknown as string, BTC, { origClientOrderId: 'bn-deny-1' });
    expect(rec.status).toBe('rejected');
    expect(rec.info.liqguard.code).toBe('MAX_ORDER_QUANTITY');
  });

  it('a cap shows as the approved size: amount = approved, the original in info.liqguard', async () => {
    const o = await bot.createOrder(BTC, 'market', 'sell', 1);
    expect(o.info.liqguard.decision).toBe('modify');
    expect(o.info.liqguard.code).toBe('REGIME_NOTIONAL_CAP');
    expect(o.info.liqguard.originalQuantity).toBe('1');
    expect(o.amount).toBe(Number(o.info.liqguard.approvedQuantity));
    expect(o.amount).toBeGreaterThan(0);
    expect(o.amount).toBeLessThan(1);
    expect(o.filled).toBe(o.amount);
    expect(o.status).toBe('closed');
  });

  it('a split is one order whose filled quantity grows as its children fill', async () => {
    const o = await bot.createOrder(XRP, 'market', 'buy', 1500, undefined, { clientOrderId: 'bn-split-1' });
    expect(o.info.liqguard.decision).toBe('split');
    expect(o.info.liqguard.children).toBe(3);
    expect(o.amount).toBe(1500);
    expect(o.filled).toBe(500); // the first child goes out at once, the others two replayed seconds apart
    expect(o.status).toBe('open');
    expect((await bot.fetchOpenOrders(XRP)).map((x) => x.id)).toEqual([o.id]);
    const seen = [o.filled!];
    let cur = o;
    for (let i = 0; i < 100 && cur.status === 'open'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      cur = await bot.fetchOrder(o.id!, XRP);
      if (cur.filled !== seen[seen.length - 1]) seen.push(cur.filled!);
    }
    expect(cur.status).toBe('closed');
    expect(cur.id).toBe(o.id);
    expect(seen).toEqual([500, 1000, 1500]);
    expect(cur.average).toBeGreaterThan(0);
    const children = h.gw.orders.get(o.info.liqguard.intentId)!.children;
    expect(children.map((c) => [c.plan.quantity, c.status])).toEqual([
      ['500', 'filled'],
      ['500', 'filled'],
      ['500', 'filled'],
    ]);
  });

  it('leverage set through POST /fapi/v1/leverage is carried by the next intents', async () => {
    const r = await bot.setLeverage(7, ETH);
    expect(r.leverage).toBe(7);
    const o = await bot.createOrder(ETH, 'market', 'buy', 0.05);
    expect(h.gw.orders.get(o.info.liqguard.intentId)!.intent.leverage).toBe('7');
    await expect(bot.setLeverage(500, ETH)).rejects.toThrow(ccxt.BadRequest);
  });

  it('positions and balance come from the venue account', async () => {
    const acct = sim().accountStateSync('demo');
    const positions = await bot.fetchPositions();
    const open = acct.positions.filter((p) => Number(p.quantity) !== 0);
    expect(positions.map((p) => p.symbol).sort()).toEqual(open.map((p) => p.symbol).sort());
    for (const p of positions) {
      const v = open.find((x) => x.symbol === p.symbol)!;
      expect(p.contracts).toBe(Math.abs(Number(v.quantity)));
      expect(p.side).toBe(Number(v.quantity) > 0 ? 'long' : 'short');
      expect(p.entryPrice).toBe(Number(v.entryPrice));
      expect(p.marginMode).toBe(v.marginMode);
    }
    // The replay moves the mark twice a second: the answer matches the account just before or after.
    const before = sim().accountStateSync('demo');
    const bal = await bot.fetchBalance();
    const after = sim().accountStateSync('demo');
    expect([before, after].map((a) => [Number(a.availableBalance), Number(a.marginBalance)])).toContainEqual([
      bal.USDT?.free,
      bal.USDT?.total,
    ]);
    expect(bal.USDT!.total!).toBeLessThan(100_000 * 1.01);
  });
});

describe('authentication as Binance does it', () => {
  it('a wrong secret is AuthenticationError (-1022); an unknown key is AuthenticationError (-2015)', async () => {
    const wrongSecret = ccxtBot(h.url, DEMO_API_KEY, 'not-the-secret');
    wrongSecret.markets = bot.markets;
    const e1 = await wrongSecret.fetchBalance().catch((e: Error) => e);
    expect(e1).toBeInstanceOf(ccxt.AuthenticationError);
    expect((e1 as Error).message).toMatch(/-1022/);
    const unknown = ccxtBot(h.url, 'lg_nobody_123', 'whatever');
    unknown.markets = bot.markets;
    const e2 = await unknown.fetchBalance().catch((e: Error) => e);
    expect(e2).toBeInstanceOf(ccxt.AuthenticationError);
    expect((e2 as Error).message).toMatch(/-2015/);
  });

  it('a stale timestamp is InvalidNonce (-1021)', async () => {
    const late = ccxtBot(h.url, DEMO_API_KEY, DEMO_API_SECRET);
    late.markets = bot.markets;
    late.options.timeDifference = 120_000; // the bot's clock runs two minutes behind
    await expect(late.fetchBalance()).rejects.toThrow(ccxt.InvalidNonce);
  });

  it('a viewer key reads but cannot trade', async () => {
    const viewer = ccxtBot(h.url, WATCHER.key, WATCHER.secret);
    viewer.markets = bot.markets;
    expect((await viewer.fetchBalance()).USDT?.total).toBeGreaterThan(0);
    const err = await viewer.createOrder(BTC, 'market', 'buy', 0.01).catch((e: Error) => e);
    expect(err).toBeInstanceOf(ccxt.AuthenticationError);
    expect((err as Error).message).toMatch(/FORBIDDEN: client=watcher lacks role=trader/);
  });

  it('a tampered body fails the signature; unknown paths answer -5000; parameters are checked', async () => {
    const qs = signQuery(
      { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.01', timestamp: Date.now() },
      DEMO_API_SECRET,
    );
    const post = (body: string) =>
      fetch(`${h.url}/fapi/v1/order`, {
        method: 'POST',
        headers: { 'X-MBX-APIKEY': DEMO_API_KEY, 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
    const tampered = await post(qs.replace('quantity=0.01', 'quantity=0.02'));
    expect(tampered.status).toBe(400);
    expect(await tampered.json()).toEqual({ code: -1022, msg: 'Signature for this request is not valid.' });
    const nf = await fetch(`${h.url}/fapi/v1/nope`);
    expect(nf.status).toBe(404);
    expect(((await nf.json()) as { code: number }).code).toBe(-5000);
    const bad = await post(
      signQuery(
        { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT_MAKER', quantity: '0.01', timestamp: Date.now() },
        DEMO_API_SECRET,
      ),
    );
    expect(await bad.json()).toMatchObject({ code: -1116 });
    // A conditional type is routed (conditional.test.ts), with Binance's checks: no trigger, -1102.
    const noStop = await post(
      signQuery(
        { symbol: 'BTCUSDT', side: 'BUY', type: 'STOP_MARKET', quantity: '0.01', timestamp: Date.now() },
        DEMO_API_SECRET,
      ),
    );
    expect(await noStop.json()).toMatchObject({ code: -1102, msg: expect.stringContaining('stopPrice') });
    const float = await post(
      signQuery(
        { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '1e-2', timestamp: Date.now() },
        DEMO_API_SECRET,
      ),
    );
    expect(await float.json()).toMatchObject({
      code: -1130,
      msg: expect.stringMatching(/^LIQGUARD INVALID_DECIMAL: quantity/),
    });
    const sym = await post(
      signQuery(
        { symbol: 'DOGEUSDT', side: 'BUY', type: 'MARKET', quantity: '1', timestamp: Date.now() },
        DEMO_API_SECRET,
      ),
    );
    expect(await sym.json()).toEqual({ code: -1121, msg: 'Invalid symbol.' });
  });
});
