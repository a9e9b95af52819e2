/** The door over a real ccxt code path: an unmodified ccxt bot → the gateway's door → pipeline →
 * the ccxt venue adapter → `liqguard venue`, all on 127.0.0.1 port 0.
 * - amend: ccxt editOrder on the door becomes ccxt editOrder at the venue (PUT /fapi/v1/order):
 *   the order keeps its orderId on the door AND at the venue; an increase goes through the policy;
 * - funding: a payment the venue books is read from its income (fetchFundingHistory) and shows as
 *   FUNDING_FEE income on the door and an ACCOUNT_UPDATE (reason FUNDING_FEE) on its stream. */
import ccxt from 'ccxt';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_API_KEY, DEMO_API_SECRET, EMBEDDED_DEFAULT_YAML } from '../../../src/config/embedded-default.js';
import { loadConfigText, PACKAGE_ROOT } from '../../../src/config/load.js';
import type { CcxtVenue } from '../../../src/execution/ccxt/index.js';
import { buildGateway, type Gateway } from '../../../src/gateway/gateway.js';
import { KEY, SECRET, startTestVenue, type TestVenue } from '../../venue-api/private/support.js';
import { withCcxtVenue } from '../../gateway/support.js';
import { officialClient } from './pro-support.js';
import { ccxtBot, rawUserStream } from './support.js';

const ETH = 'ETH/USDT:USDT';
let v: TestVenue;
let gw: Gateway;
let url: string;
let bot: InstanceType<typeof ccxt.binanceusdm>;
const venueOpen = () => v.exchange.openOrdersSync('acct-1', ETH);
const priceAt = (f: number) => Math.floor(gw.market.snapshot(ETH, gw.clock.now()).last! * f * 100) / 100;

beforeAll(async () => {
  v = await startTestVenue();
  const varDir = mkdtempSync(join(tmpdir(), 'lg-bn-ccxt-'));
  const yaml = withCcxtVenue(EMBEDDED_DEFAULT_YAML, v.urls)
    .replace('dir: var/audit', `dir: ${join(varDir, 'audit')}`)
    .replace('dir: var/state', `dir: ${join(varDir, 'state')}`)
    .replace(/barsPerSecond: [0-9.]+/, 'barsPerSecond: 0.001');
  const config = loadConfigText(yaml, {
    env: { LG_TEST_VENUE_KEY: KEY, LG_TEST_VENUE_SECRET: SECRET },
    baseDir: PACKAGE_ROOT,
  });
  gw = await buildGateway(config, { logger: false });
  await gw.start();
  const last = gw.market.snapshot(ETH, gw.clock.now()).last!;
  v.bar(ETH, last, last, 1e7); // the venue trades at the gateway's prices
  url = await gw.app.listen({ port: 0, host: '127.0.0.1' });
  bot = ccxtBot(url, DEMO_API_KEY, DEMO_API_SECRET);
  await bot.loadMarkets();
}, 60_000);
afterAll(async () => {
  await gw?.close();
  await v?.close();
});

describe('the door over a ccxt venue', () => {
  it('editOrder amends in place through ccxt editOrder: same orderId on the door and at the venue', async () => {
    const o = await bot.createOrder(ETH, 'limit', 'buy', 0.05, priceAt(0.97), { clientOrderId: 'cv-amend-1' });
    const [before] = venueOpen();
    const e = await bot.editOrder(o.id!, ETH, 'limit', 'buy', 0.03, priceAt(0.96));
    expect(e).toMatchObject({ id: o.id, clientOrderId: 'cv-amend-1', amount: 0.03, price: priceAt(0.96) });
    expect(venueOpen().map((r) => [r.venueOrderId, r.clientOrderId, r.quantity])).toEqual([
      [before!.venueOrderId, before!.clientOrderId, '0.03'],
    ]);
    // The official connector's modifyOrder, an increase within policy: still the same order.
    const c = officialClient(url, DEMO_API_KEY, DEMO_API_SECRET);
    const m = await (
      await c.restAPI.modifyOrder({
        symbol: 'ETHUSDT',
        orderId: Number(o.id),
        side: 'BUY' as never,
        quantity: 0.06,
        price: priceAt(0.965),
      })
    ).data();
    expect(m).toMatchObject({ orderId: Number(o.id), origQty: '0.06' });
    expect(venueOpen().map((r) => [r.venueOrderId, r.quantity])).toEqual([[before!.venueOrderId, '0.06']]);
    // Above the policy's limit: denied, the venue order untouched.
    await expect(bot.editOrder(o.id!, ETH, 'limit', 'buy', 500, priceAt(0.965))).rejects.toThrow(/"code":-2010/);
    expect(venueOpen().map((r) => r.quantity)).toEqual(['0.06']);
    await bot.cancelOrder(o.id!, ETH);
    expect(venueOpen()).toEqual([]);
  });

  it('a funding payment at the venue becomes FUNDING_FEE income and an ACCOUNT_UPDATE on the door', async () => {
    const { ws, events } = await rawUserStream<{ e: string; a?: { m: string; B: { bc: string }[] } }>(
      url,
      DEMO_API_KEY,
    );

    await bot.createOrder(ETH, 'market', 'buy', 0.05);
    const before = v.exchange.ledger('acct-1').length;
    v.exchange.ingest({ type: 'funding', symbol: ETH, ts: v.clock.now(), rate: 0.001, intervalHours: 8 });
    const entry = v.exchange
      .ledger('acct-1')
      .slice(before)
      .find((x) => x.kind === 'funding')!;
    expect(Number(entry.amount)).toBeLessThan(0);
    const venue = gw.venues.get('sim') as CcxtVenue;
    expect(await venue.pollFundingNow()).toBe(1);
    expect(await venue.pollFundingNow()).toBe(0); // each payment once
    const income = (await bot.fapiPrivateGetIncome({ incomeType: 'FUNDING_FEE' })) as Record<string, string>[];
    expect(income.map((x) => [x.symbol, x.income])).toEqual([['ETHUSDT', entry.amount]]);
    const hist = await bot.fetchFundingHistory(ETH);
    expect(hist.map((x) => x.amount)).toEqual([Number(entry.amount)]);
    await expect
      .poll(() => events.find((x) => x.e === 'ACCOUNT_UPDATE' && x.a?.m === 'FUNDING_FEE')?.a?.B[0]?.bc)
      .toBe(entry.amount);
    ws.close();
    await bot.createOrder(ETH, 'market', 'sell', 0.05, undefined, { reduceOnly: true });
  });
});
