/** What the private route modules share. */
import type { Clock } from '../../core/clock.js';
import type { InstrumentSpec } from '../../core/types.js';
import type { SimulatedExchange } from '../../execution/simulated/index.js';
import { BinanceApiError, binanceErrors } from '../../binance-wire/errors.js';
import type { KeyStore } from './auth.js';
import type { OrderBookKeeping } from './order-book-keeping.js';
import type { OrderCounter } from './order-counter.js';
import type { PositionView } from '../../binance-wire/order-shapes.js';

export interface PrivateContext {
  readonly exchange: SimulatedExchange;
  readonly keys: KeyStore;
  readonly wall: Clock;
  readonly book: OrderBookKeeping;
  readonly counter: OrderCounter;
  readonly settings: SymbolSettings;
  readonly asset: string;
  readonly byVenueSymbol: ReadonlyMap<string, InstrumentSpec>;
}

/** Leverage and margin mode per (account, symbol) as set through the API; the exchange enforces
 * them, this keeps what positionRisk shows for flat symbols. */
export class SymbolSettings {
  private readonly m = new Map<string, { leverage: string; mode: 'isolated' | 'cross' }>();
  constructor(private readonly defaultLeverage: string) {}
  get(account: string, symbol: string): { leverage: string; mode: 'isolated' | 'cross' } {
    return this.m.get(`${account}\u0000${symbol}`) ?? { leverage: this.defaultLeverage, mode: 'cross' };
  }
  set(account: string, symbol: string, v: Partial<{ leverage: string; mode: 'isolated' | 'cross' }>): void {
    this.m.set(`${account}\u0000${symbol}`, { ...this.get(account, symbol), ...v });
  }
}

export function instrumentOf(pc: PrivateContext, venueSymbol: string | undefined): InstrumentSpec {
  if (venueSymbol === undefined || venueSymbol === '') throw binanceErrors.mandatory('symbol');
  if (!/^[A-Z0-9-_.]{1,20}$/.test(venueSymbol)) throw binanceErrors.illegalChars('symbol');
  const inst = pc.byVenueSymbol.get(venueSymbol);
  if (!inst) throw binanceErrors.invalidSymbol();
  return inst;
}

export function positionViews(pc: PrivateContext, account: string, only?: InstrumentSpec): PositionView[] {
  const state = pc.exchange.accountStateSync(account);
  const now = pc.wall.now();
  const list = only ? [only] : [...pc.byVenueSymbol.values()];
  return list.map((inst) => {
    const pos = state.positions.find((p) => p.symbol === inst.symbol);
    const s = pc.settings.get(account, inst.symbol);
    return {
      inst,
      pos,
      mark: pc.exchange.markPrice(inst.symbol),
      leverage: pos?.leverage ?? s.leverage,
      marginMode: pos?.marginMode ?? s.mode,
      updateTime: now,
    };
  });
}

export const venueReject = (x: { venueCode: number; message: string }, status = 400): BinanceApiError =>
  new BinanceApiError(status, x.venueCode, x.message);
