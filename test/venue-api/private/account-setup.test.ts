/** `liqguard venue` account-setup endpoints, with the door's answers (binance-wire/account-setup.ts),
 * through unmodified ccxt: commissionRate, symbolConfig, multiAssetsMargin, positionSide/dual. */
import ccxt from 'ccxt';
import { describe, expect, it } from 'vitest';
import { withVenueAndBot, type TestVenue } from './support.js';

const BTC = 'BTC/USDT:USDT';
let v: TestVenue;
let bot: InstanceType<typeof ccxt.binanceusdm>;

withVenueAndBot((venue, b) => ((v = venue), (bot = b)));

describe('liqguard venue account setup', () => {
  it('commissionRate is the simulated fee schedule', async () => {
    const fee = await bot.fetchTradingFee(BTC);
    expect(fee).toMatchObject({ maker: 0.0002, taker: 0.0005 });
  });

  it('symbolConfig follows the leverage set on the venue', async () => {
    await bot.setLeverage(10, BTC);
    const rows = (await bot.fapiPrivateGetSymbolConfig({ symbol: 'BTCUSDT' })) as Record<string, unknown>[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ symbol: 'BTCUSDT', marginType: 'CROSSED', leverage: 10 });
    const all = (await bot.fapiPrivateGetSymbolConfig()) as unknown[];
    expect(all.length).toBe(v.exchange.instruments().length);
    await expect(bot.fapiPrivateGetSymbolConfig({ symbol: 'NOPEUSDT' })).rejects.toThrow(/-1121/);
  });

  it('one-way, single-asset: multiAssetsMargin and positionSide/dual read false; hedge mode is refused', async () => {
    expect(await bot.fapiPrivateGetMultiAssetsMargin()).toEqual({ multiAssetsMargin: false });
    expect((await bot.fetchPositionMode(BTC)).hedged).toBe(false);
    await expect(bot.setPositionMode(true)).rejects.toThrow(/-1130.*one-way mode only/);
    await expect(bot.setPositionMode(false)).rejects.toThrow(/-4059/);
  });
});
