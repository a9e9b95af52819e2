/** Instrument specs of the simulated venue: built from a config list, with Binance-like
 * defaults (filters as Binance USD-M listed them; realistic, not fetched live). */
import { parseDecimalString } from '../../core/decimal.js';
import { LiqguardError } from '../../core/errors.js';
import type { InstrumentSpec, MarginBracket } from '../../core/types.js';
import { bracketsFor } from './brackets.js';

export interface InstrumentConfig {
  readonly symbol: string; // ccxt unified, BASE/QUOTE:SETTLE
  readonly venueSymbol?: string; // default BASE+QUOTE
  readonly tickSize: string;
  readonly stepSize: string;
  readonly minQty?: string; // default stepSize
  readonly maxQty?: string;
  readonly minNotional: string;
  readonly maxLeverage?: number; // default: the first bracket's initial leverage
  readonly brackets?: readonly MarginBracket[];
}

export const DEFAULT_INSTRUMENTS: readonly InstrumentConfig[] = [
  {
    symbol: 'BTC/USDT:USDT',
    tickSize: '0.1',
    stepSize: '0.001',
    minQty: '0.001',
    maxQty: '1000',
    minNotional: '100',
    maxLeverage: 125,
  },
  {
    symbol: 'ETH/USDT:USDT',
    tickSize: '0.01',
    stepSize: '0.001',
    minQty: '0.001',
    maxQty: '10000',
    minNotional: '20',
    maxLeverage: 125,
  },
  {
    symbol: 'XRP/USDT:USDT',
    tickSize: '0.0001',
    stepSize: '0.1',
    minQty: '0.1',
    maxQty: '10000000',
    minNotional: '5',
    maxLeverage: 75,
  },
  {
    symbol: 'BNB/USDT:USDT',
    tickSize: '0.01',
    stepSize: '0.01',
    minQty: '0.01',
    maxQty: '100000',
    minNotional: '5',
    maxLeverage: 75,
  },
];

const UNIFIED = /^([A-Z0-9]+)\/([A-Z0-9]+):([A-Z0-9]+)$/;

/** Build and validate specs; every problem is reported at once. `symbols` picks from the
 * configs (default list when `configs` is omitted); unknown symbols are an error. */
export function buildInstruments(
  venue: string,
  symbols?: readonly string[],
  configs: readonly InstrumentConfig[] = DEFAULT_INSTRUMENTS,
): InstrumentSpec[] {
  const problems: string[] = [];
  const bySymbol = new Map(configs.map((c) => [c.symbol, c]));
  const wanted = symbols ?? configs.map((c) => c.symbol);
  const out: InstrumentSpec[] = [];
  for (const symbol of wanted) {
    const c = bySymbol.get(symbol);
    const m = UNIFIED.exec(symbol);
    if (!c || !m) {
      problems.push(
        `${symbol}: no instrument config (known: ${[...bySymbol.keys()].join(', ')}); add it to the simulated ` +
          `venue's instruments`,
      );
      continue;
    }
    for (const [k, v] of [
      ['tickSize', c.tickSize],
      ['stepSize', c.stepSize],
      ['minNotional', c.minNotional],
      ['minQty', c.minQty ?? c.stepSize],
      ['maxQty', c.maxQty ?? '1000000000'],
    ] as const) {
      if (!parseDecimalString(v).ok) problems.push(`${symbol}.${k}: "${v}" is not a positive decimal string`);
    }
    const brackets = c.brackets ?? bracketsFor(c.venueSymbol ?? `${m[1]}${m[2]}`);
    if (brackets.length === 0) problems.push(`${symbol}.brackets: at least one margin bracket is required`);
    out.push(
      Object.freeze({
        venue,
        symbol,
        venueSymbol: c.venueSymbol ?? `${m[1]}${m[2]}`,
        base: m[1]!,
        quote: m[2]!,
        tickSize: c.tickSize,
        stepSize: c.stepSize,
        minQty: c.minQty ?? c.stepSize,
        maxQty: c.maxQty ?? '1000000000',
        minNotional: c.minNotional,
        maxLeverage: c.maxLeverage ?? brackets[0]?.initialLeverage ?? 1,
        brackets,
      }),
    );
  }
  if (problems.length) {
    throw new LiqguardError(
      'CONFIG_INVALID',
      `simulated venue ${venue}: ${problems.length} invalid instrument setting(s)`,
      problems.map((message) => ({ path: `venues.${venue}.instruments`, message })),
    );
  }
  return out;
}
