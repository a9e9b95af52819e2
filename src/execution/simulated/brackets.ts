/** Maintenance-margin bracket tables for the simulated venue. They are MODELLED ON Binance's
 * published USD-M leverage brackets (GET /fapi/v1/leverageBracket, as shown on binance.com),
 * not fetched live: Binance changes them often, so treat them as realistic, not current.
 * maintAmount (Binance "cum") is derived so maintenance margin is continuous at every floor. */
import { bracketTable } from '../../account/margin.js';
import type { MarginBracket } from '../../core/types.js';

/** BTCUSDT: 125x up to 50k notional, down to 1x above 300M. */
export const BTCUSDT_BRACKETS: readonly MarginBracket[] = bracketTable([
  ['50000', 125, '0.004'],
  ['500000', 100, '0.005'],
  ['8000000', 50, '0.01'],
  ['50000000', 20, '0.025'],
  ['80000000', 10, '0.05'],
  ['100000000', 5, '0.1'],
  ['120000000', 4, '0.125'],
  ['200000000', 3, '0.15'],
  ['300000000', 2, '0.25'],
  ['500000000', 1, '0.5'],
]);

/** ETHUSDT: same shape as BTC with smaller caps. */
export const ETHUSDT_BRACKETS: readonly MarginBracket[] = bracketTable([
  ['50000', 125, '0.004'],
  ['500000', 100, '0.005'],
  ['2000000', 50, '0.01'],
  ['10000000', 20, '0.025'],
  ['30000000', 10, '0.05'],
  ['50000000', 5, '0.1'],
  ['60000000', 4, '0.125'],
  ['80000000', 3, '0.15'],
  ['100000000', 2, '0.25'],
  ['150000000', 1, '0.5'],
]);

/** Generic liquid alt (XRP, BNB and any other symbol): 75x in the first bracket. */
export const ALT_BRACKETS: readonly MarginBracket[] = bracketTable([
  ['10000', 75, '0.005'],
  ['100000', 50, '0.01'],
  ['500000', 25, '0.02'],
  ['1000000', 10, '0.05'],
  ['5000000', 5, '0.1'],
  ['10000000', 4, '0.125'],
  ['20000000', 3, '0.15'],
  ['30000000', 2, '0.25'],
  ['50000000', 1, '0.5'],
]);

export function bracketsFor(venueSymbol: string): readonly MarginBracket[] {
  if (venueSymbol === 'BTCUSDT') return BTCUSDT_BRACKETS;
  if (venueSymbol === 'ETHUSDT') return ETHUSDT_BRACKETS;
  return ALT_BRACKETS;
}
