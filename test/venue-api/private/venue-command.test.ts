import { describe, expect, it } from 'vitest';
import { DEMO_VENUE_KEY, DEMO_VENUE_SECRET, parseVenueArgs } from '../../../src/cli/commands/venue.js';
import { localBinanceUrls } from '../../../src/market/live/index.js';
import { startSimulatedVenueServer } from '../../../src/venue-api/private/simulated-venue-server.js';
import { ccxtClient } from './support.js';

describe('liqguard venue arguments', () => {
  it('reads flags and env credentials, and names what is wrong', () => {
    const a = parseVenueArgs(['--port', '9100', '--symbols', 'BTC/USDT:USDT', '--speed', '60x', '--loop'], {
      LIQGUARD_VENUE_API_KEY: 'k1',
      LIQGUARD_VENUE_API_SECRET: 's1',
    });
    expect(a).toMatchObject({
      port: 9100,
      symbols: ['BTC/USDT:USDT'],
      speed: { multiplier: 60 },
      loop: true,
      apiKey: 'k1',
      apiSecret: 's1',
    });
    expect(parseVenueArgs(['--speed=3', '--api-key', 'k', '--api-secret', 's'], {})).toMatchObject({
      speed: { barsPerSecond: 3 },
    });
    expect(parseVenueArgs([], {})).toMatchObject({ apiKey: DEMO_VENUE_KEY, apiSecret: DEMO_VENUE_SECRET });
    expect(parseVenueArgs(['--api-key', 'k'], {})).toContain('--api-secret');
    expect(parseVenueArgs(['--port', 'x', '--api-key', 'k', '--api-secret', 's'], {})).toContain('--port');
    expect(parseVenueArgs(['--speed', '-1', '--api-key', 'k', '--api-secret', 's'], {})).toContain('--speed');
    expect(parseVenueArgs(['--bogus'], {})).toContain('unknown argument "--bogus"');
  });
});

describe('the simulated venue server on real history', () => {
  it('replays data/ into the exchange and the market data, and trades through ccxt', async () => {
    const v = await startSimulatedVenueServer({
      dataDir: 'data',
      symbols: ['BTC/USDT:USDT'],
      from: '2025-10-10',
      to: '2025-10-11',
      warmupFrom: '2025-10-09',
      speed: { barsPerSecond: 1 },
      keys: [{ apiKey: 'cliKey1', secret: 'cliSecret1', account: 'main' }],
    });
    try {
      const ex = ccxtClient(localBinanceUrls(v.httpUrl, v.wsUrl), { apiKey: 'cliKey1', secret: 'cliSecret1' });
      await ex.loadMarkets();
      const ticker = await ex.fetchTicker('BTC/USDT:USDT');
      expect(ticker.last).toBeGreaterThan(10_000);
      expect(Number(v.exchange.markPrice('BTC/USDT:USDT'))).toBeGreaterThan(10_000);
      const o = await ex.createOrder('BTC/USDT:USDT', 'market', 'buy', 0.01, undefined, { clientOrderId: 'cli-1' });
      expect(o.status).toBe('closed');
      expect(v.exchange.fetchOrderSync('main', 'BTC/USDT:USDT', 'cli-1')?.status).toBe('filled');
      const pos = await ex.fetchPositions(['BTC/USDT:USDT']);
      expect(pos[0]?.contracts).toBe(0.01);
    } finally {
      await v.close();
    }
  });
});
