/** Funding on the door: a funding settlement the simulated venue books becomes a FUNDING_FEE
 * income record (ccxt fetchFundingHistory / GET /fapi/v1/income) and an ACCOUNT_UPDATE with
 * reason FUNDING_FEE on the user-data stream. */
import ccxt from 'ccxt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_API_KEY, DEMO_API_SECRET } from '../../../src/config/embedded-default.js';
import type { SimulatedVenue } from '../../../src/execution/simulated/index.js';
import { ccxtBot, rawUserStream, startFrontDoorGateway, type FrontDoorGateway } from './support.js';

const ETH = 'ETH/USDT:USDT';
let h: FrontDoorGateway;
let bot: InstanceType<typeof ccxt.binanceusdm>;
const sim = () => h.gw.venues.get('sim') as SimulatedVenue;

type Ev = { e: string; a?: { m: string; B: { a: string; wb: string; bc: string }[]; P: { s: string; pa: string }[] } };

beforeAll(async () => {
  h = await startFrontDoorGateway({});
  bot = ccxtBot(h.url, DEMO_API_KEY, DEMO_API_SECRET);
  await bot.loadMarkets();
}, 60_000);
afterAll(async () => h?.gw.close());

describe('funding on the door', () => {
  it('a settlement shows as FUNDING_FEE income and an ACCOUNT_UPDATE (reason FUNDING_FEE)', async () => {
    const { ws, events } = await rawUserStream<Ev>(h.url, DEMO_API_KEY);

    await bot.createOrder(ETH, 'market', 'buy', 0.5);
    const ledgerBefore = sim().exchange.ledger('demo').length;
    sim().ingest({ type: 'funding', symbol: ETH, ts: h.gw.clock.now(), rate: 0.001, intervalHours: 8 });
    const entry = sim()
      .exchange.ledger('demo')
      .slice(ledgerBefore)
      .find((e) => e.kind === 'funding')!;
    expect(Number(entry.amount)).toBeLessThan(0); // a long pays a positive rate

    const income = (await bot.fapiPrivateGetIncome({ incomeType: 'FUNDING_FEE' })) as Record<string, string>[];
    expect(income).toHaveLength(1);
    expect(income[0]).toMatchObject({
      symbol: 'ETHUSDT',
      incomeType: 'FUNDING_FEE',
      income: entry.amount,
      asset: 'USDT',
    });
    const hist = await bot.fetchFundingHistory(ETH);
    expect(hist.map((x) => x.amount)).toEqual([Number(entry.amount)]);

    await expect.poll(() => events.find((e) => e.e === 'ACCOUNT_UPDATE' && e.a?.m === 'FUNDING_FEE')).toBeDefined();
    const up = events.find((e) => e.e === 'ACCOUNT_UPDATE' && e.a?.m === 'FUNDING_FEE')!;
    expect(up.a!.B[0]).toMatchObject({ a: 'USDT', bc: entry.amount, wb: entry.balance });
    expect(up.a!.P[0]).toMatchObject({ s: 'ETHUSDT', pa: '0.5' });
    ws.close();
  });

  it('no position, no payment: nothing is recorded', async () => {
    await bot.createOrder(ETH, 'market', 'sell', 0.5, undefined, { reduceOnly: true });
    sim().ingest({ type: 'funding', symbol: ETH, ts: h.gw.clock.now(), rate: 0.001, intervalHours: 8 });
    const income = (await bot.fapiPrivateGetIncome({ incomeType: 'FUNDING_FEE' })) as unknown[];
    expect(income).toHaveLength(1);
  });
});
