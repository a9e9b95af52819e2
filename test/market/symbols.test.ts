import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { toUnifiedSymbol, toVenueSymbol } from '../../src/market/symbols.js';

describe('symbol mapping', () => {
  it('maps USDT/USDC linear perps both ways', () => {
    expect(toUnifiedSymbol('BTCUSDT')).toBe('BTC/USDT:USDT');
    expect(toUnifiedSymbol('1000PEPEUSDT')).toBe('1000PEPE/USDT:USDT');
    expect(toVenueSymbol('ETH/USDC:USDC')).toBe('ETHUSDC');
    expect(toUnifiedSymbol('BTC/USDT:USDT')).toBe('BTC/USDT:USDT');
  });
  it('round-trips any base', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Z0-9]{1,10}$/), fc.constantFrom('USDT', 'USDC'), (base, q) => {
        const u = `${base}/${q}:${q}`;
        expect(toUnifiedSymbol(toVenueSymbol(u))).toBe(u);
      }),
    );
  });
  it('refuses what it cannot map', () => {
    expect(() => toUnifiedSymbol('BTCUSD')).toThrow(/BASE\+QUOTE/);
    expect(() => toVenueSymbol('BTC/USD:BTC')).toThrow(/not a linear perpetual/);
  });
});
