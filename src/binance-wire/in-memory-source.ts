/** An in-memory source for tests and demos: the event-driven source with a book synthesised
 * around the mark, plus helpers that turn one call into the MarketEvents a feed would send. */
import type { Clock } from '../core/clock.js';
import type { InstrumentSpec, Side } from '../core/types.js';
import { EventDrivenMarketDataSource } from './event-driven-source.js';
import type { SyntheticBookOptions } from './synthetic-book.js';

export interface InMemorySourceOptions {
  readonly instruments: readonly InstrumentSpec[];
  readonly clock: Clock;
  readonly book?: SyntheticBookOptions;
}

export class InMemoryMarketDataSource extends EventDrivenMarketDataSource {
  private readonly clk: Clock;
  constructor(o: InMemorySourceOptions) {
    super({ instruments: o.instruments, synthesizeBook: o.book ?? {} });
    this.clk = o.clock;
  }

  /** New mark (index = mark) and, unless a BookEvent was ever ingested, a new book around it. */
  setMark(symbol: string, markPrice: number, fundingRate?: number): void {
    this.ingest({
      type: 'mark',
      symbol,
      ts: this.clk.now(),
      markPrice,
      indexPrice: markPrice,
      ...(fundingRate !== undefined ? { fundingRate } : {}),
    });
  }

  trade(symbol: string, price: number, quantity: number, takerSide: Side): void {
    this.ingest({ type: 'trade', symbol, ts: this.clk.now(), price, quantity, takerSide });
  }

  liquidation(symbol: string, side: Side, price: number, quantity: number): void {
    this.ingest({ type: 'liquidation', symbol, ts: this.clk.now(), side, price, quantity, notional: price * quantity });
  }

  setOpenInterest(symbol: string, openInterest: number): void {
    this.ingest({ type: 'openInterest', symbol, ts: this.clk.now(), openInterest });
  }
}

/** An InstrumentSpec with Binance-like defaults for a linear perpetual, for tests and demos. */
export function perpInstrument(venue: string, venueSymbol: string, o: Partial<InstrumentSpec> = {}): InstrumentSpec {
  const quote = ['USDT', 'USDC'].find((q) => venueSymbol.endsWith(q)) ?? 'USDT';
  const base = venueSymbol.slice(0, venueSymbol.length - quote.length);
  return {
    venue,
    symbol: `${base}/${quote}:${quote}`,
    venueSymbol,
    base,
    quote,
    tickSize: '0.1',
    stepSize: '0.001',
    minQty: '0.001',
    maxQty: '1000',
    minNotional: '100',
    maxLeverage: 125,
    brackets: [],
    ...o,
  };
}
