/** The whole chain of issue 6, all on 127.0.0.1 port 0: an unmodified ccxt.binanceusdm bot →
 * liqguard's Binance-compatible front door → the pipeline (replayed market, ONNX model, default
 * policy plus a split rule, audit on disk) → the ccxt venue adapter → liqguard venue (the
 * simulated exchange behind a Binance USD-M API with HMAC). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ccxt from 'ccxt';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyAudit } from '../../src/audit/index.js';
import { DEMO_API_KEY, DEMO_API_SECRET, EMBEDDED_DEFAULT_YAML } from '../../src/config/embedded-default.js';
import { loadConfigText, PACKAGE_ROOT } from '../../src/config/load.js';
import { buildGateway, type Gateway } from '../../src/gateway/gateway.js';
import { KEY, SECRET, startTestVenue, type TestVenue } from '../venue-api/private/support.js';
import { ccxtBot, policyDirWith } from '../ingress/binance/support.js';
import { withCcxtVenue } from './support.js';

const BTC = 'BTC/USDT:USDT';
const ETH = 'ETH/USDT:USDT';
const XRP = 'XRP/USDT:USDT';
const SPLIT_RULE = `  - id: split-xrp
    when: { symbol: ${XRP}, quantity: { gt: 1000 } }
    split: { count: 3, interval: 2s }
`;
let v: TestVenue;
let gw: Gateway;
let bot: InstanceType<typeof ccxt.binanceusdm>;
let varDir: string;
const venueOrder = (symbol: string, id: string) => v.exchange.fetchOrderSync('acct-1', symbol, id);
const venueQty = (symbol: string) =>
  Number(v.exchange.accountStateSync('acct-1').positions.find((p) => p.symbol === symbol)?.quantity ?? 0);

beforeAll(async () => {
  v = await startTestVenue();
  varDir = mkdtempSync(join(tmpdir(), 'lg-chain-'));
  const yaml = withCcxtVenue(EMBEDDED_DEFAULT_YAML, v.urls)
    .replace('dir: var/audit', `dir: ${join(varDir, 'audit')}`)
    .replace('dir: var/state', `dir: ${join(varDir, 'state')}`)
    .replace('  dir: policies', `  dir: ${policyDirWith(SPLIT_RULE)}`)
    .replace(/barsPerSecond: [0-9.]+/, 'barsPerSecond: 0.001'); // hold the replayed market still
  const config = loadConfigText(yaml, {
    env: { LG_TEST_VENUE_KEY: KEY, LG_TEST_VENUE_SECRET: SECRET },
    baseDir: PACKAGE_ROOT,
  });
  gw = await buildGateway(config, { logger: false });
  await gw.start();
  // The venue trades at the prices the gateway sees (the same replayed history).
  for (const s of [BTC, ETH, XRP]) {
    const last = gw.market.snapshot(s, gw.clock.now()).last!;
    v.bar(s, last, last, 1e7);
  }
  const url = await gw.app.listen({ port: 0, host: '127.0.0.1' });
  bot = ccxtBot(url, DEMO_API_KEY, DEMO_API_SECRET);
  await bot.loadMarkets();
}, 30_000);
afterAll(async () => {
  await gw?.close();
  await v?.close();
});

describe('ccxt bot → gateway → pipeline → ccxt adapter → liqguard venue', () => {
  it('market order: decided, forwarded once, filled at the venue, reported back', async () => {
    const o = await bot.createOrder(ETH, 'market', 'buy', 0.05, undefined, { clientOrderId: 'chain-mkt-1' });
    expect(o.status).toBe('closed');
    expect(o.filled).toBe(0.05);
    expect(venueOrder(ETH, 'chain-mkt-1')).toMatchObject({ status: 'filled', filledQuantity: '0.05' });
    expect(venueQty(ETH)).toBeCloseTo(0.05, 10);
  });

  it('limit order rests at the venue; fetch and cancel go through the chain', async () => {
    const price = Math.floor(gw.market.snapshot(ETH, gw.clock.now()).last! * 0.97 * 100) / 100;
    const o = await bot.createOrder(ETH, 'limit', 'buy', 0.05, price, { clientOrderId: 'chain-lim-1' });
    expect(o.status).toBe('open');
    expect(venueOrder(ETH, 'chain-lim-1')?.status).toBe('new');
    expect((await bot.fetchOrder(o.id!, ETH)).status).toBe('open');
    await bot.cancelOrder(o.id!, ETH);
    expect(venueOrder(ETH, 'chain-lim-1')?.status).toBe('canceled');
    expect((await bot.fetchOrder(o.id!, ETH)).status).toBe('canceled');
  });

  it('post-only rests as GTX; reduce-only closes the position at the venue', async () => {
    const price = Math.floor(gw.market.snapshot(ETH, gw.clock.now()).last! * 0.98 * 100) / 100;
    const p = await bot.createOrder(ETH, 'limit', 'buy', 0.05, price, { postOnly: true, clientOrderId: 'chain-po-1' });
    expect(p.status).toBe('open');
    expect(venueOrder(ETH, 'chain-po-1')?.status).toBe('new');
    await bot.cancelOrder(p.id!, ETH);
    const r = await bot.createOrder(ETH, 'market', 'sell', 0.05, undefined, {
      reduceOnly: true,
      clientOrderId: 'chain-ro-1',
    });
    expect(r.status).toBe('closed');
    expect(venueOrder(ETH, 'chain-ro-1')).toMatchObject({ status: 'filled' });
    expect(venueQty(ETH)).toBe(0);
  });

  it('a denial raises in the bot with the denial code, and nothing reaches the venue', async () => {
    const err = await bot
      .createOrder(ETH, 'market', 'buy', 200, undefined, { clientOrderId: 'chain-deny-1' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ccxt.InvalidOrder);
    expect(String((err as Error).message)).toContain('MAX_ORDER_QUANTITY');
    expect(venueOrder(ETH, 'chain-deny-1')).toBeUndefined();
  });

  it('a cap forwards the approved size only', async () => {
    const o = await bot.createOrder(BTC, 'market', 'buy', 1, undefined, { clientOrderId: 'chain-cap-1' });
    expect(o.info.liqguard.decision).toBe('modify');
    const approved = Number(o.info.liqguard.approvedQuantity);
    expect(approved).toBeGreaterThan(0);
    expect(approved).toBeLessThan(1);
    expect(Number(venueOrder(BTC, 'chain-cap-1')?.quantity)).toBe(approved);
  });

  it('a split is one order for the bot and three child orders at the venue', async () => {
    const o = await bot.createOrder(XRP, 'market', 'buy', 1500, undefined, { clientOrderId: 'chain-split' });
    expect(o.info.liqguard.decision).toBe('split');
    let cur = o;
    for (let i = 0; i < 100 && cur.status === 'open'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      cur = await bot.fetchOrder(o.id!, XRP);
    }
    expect(cur.status).toBe('closed');
    expect(cur.filled).toBe(1500);
    const children = gw.orders.get(o.info.liqguard.intentId)!.children.map((c) => c.plan.clientOrderId);
    expect(children).toHaveLength(3);
    for (const id of children) expect(venueOrder(XRP, id)).toMatchObject({ status: 'filled', filledQuantity: '500' });
  });

  it('positions and balance come from the venue through the adapter; the audit verifies', async () => {
    await gw.venues.get('sim')!.accountState('demo'); // refresh the adapter's account cache
    await new Promise((r) => setTimeout(r, 300));
    const positions = await bot.fetchPositions([XRP]);
    expect(positions.find((p) => p.symbol === XRP)?.contracts).toBe(1500);
    const bal = await bot.fetchBalance();
    expect((bal.total as unknown as Record<string, number>)['USDT']).toBeGreaterThan(0);
    const verified = await verifyAudit(join(varDir, 'audit'));
    expect(verified.ok).toBe(true);
  });
});
