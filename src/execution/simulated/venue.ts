/** SimulatedVenue: the async `Venue` the pipeline talks to, over the synchronous
 * SimulatedExchange. Per the Venue contract, onReport listeners get only asynchronous reports
 * (resting fills, liquidations, cancels by the venue); a call's own outcome is its return value.
 * Use `exchange.onReport` for the full stream. */
import type { Clock } from '../../core/clock.js';
import type { ConditionalOrderRequest } from '../../core/conditional.js';
import type {
  AccountState,
  AmendOrderRequest,
  ChildOrderRequest,
  ExecutionReport,
  FundingPayment,
  InstrumentSpec,
  MarketEvent,
  Venue,
} from '../../core/types.js';
import { SimulatedExchange, type SimulatedExchangeOptions } from './exchange.js';
import { buildInstruments, type InstrumentConfig } from './instruments.js';

export class SimulatedVenue implements Venue {
  readonly id: string;
  constructor(readonly exchange: SimulatedExchange) {
    this.id = exchange.id;
  }

  instruments(): readonly InstrumentSpec[] {
    return this.exchange.instruments();
  }
  instrument(symbol: string): InstrumentSpec | undefined {
    return this.exchange.instrument(symbol);
  }
  async placeOrder(req: ChildOrderRequest): Promise<ExecutionReport> {
    return this.exchange.placeOrderSync(req).report;
  }
  async cancelOrder(account: string, symbol: string, clientOrderId: string): Promise<ExecutionReport> {
    return this.exchange.cancelOrderSync(account, symbol, clientOrderId).report;
  }
  /** Native conditional orders: they trigger on the exchange's mark or last price. */
  async placeConditional(req: ConditionalOrderRequest): Promise<ExecutionReport> {
    return this.exchange.placeConditionalSync(req).report;
  }
  async cancelConditional(account: string, symbol: string, clientOrderId: string): Promise<ExecutionReport> {
    return this.exchange.cancelOrderSync(account, symbol, clientOrderId).report;
  }
  async amendOrder(req: AmendOrderRequest): Promise<ExecutionReport> {
    return this.exchange.amendOrderSync(req).report;
  }
  async fetchOrder(account: string, symbol: string, clientOrderId: string): Promise<ExecutionReport | undefined> {
    return this.exchange.fetchOrderSync(account, symbol, clientOrderId);
  }
  async openOrders(account: string, symbol?: string): Promise<readonly ExecutionReport[]> {
    return this.exchange.openOrdersSync(account, symbol);
  }
  async accountState(account: string): Promise<AccountState> {
    return this.exchange.accountStateSync(account);
  }
  onReport(listener: (r: ExecutionReport) => void): () => void {
    return this.exchange.onReport((r, origin) => {
      if (origin === 'venue') listener(r);
    });
  }
  onFunding(listener: (p: FundingPayment) => void): () => void {
    return this.exchange.onFunding(listener);
  }
  async close(): Promise<void> {
    // Nothing to release: the exchange is in memory.
  }

  /** Synchronous helpers for the pipeline and replay (no I/O behind them). */
  ingest(event: MarketEvent): void {
    this.exchange.ingest(event);
  }
  markPrice(symbol: string): string | undefined {
    return this.exchange.markPrice(symbol);
  }
  accountStateSync(account: string): AccountState {
    return this.exchange.accountStateSync(account);
  }
  openOrdersSync(account: string, symbol?: string): ExecutionReport[] {
    return this.exchange.openOrdersSync(account, symbol);
  }
}

export interface SimulatedVenueConfig {
  readonly id: string;
  readonly symbols?: readonly string[];
  readonly initialBalance?: string;
  readonly instruments?: readonly InstrumentConfig[];
}

/** Build a venue from the gateway's venue config (kind: simulated). */
export function createSimulatedVenue(
  cfg: SimulatedVenueConfig,
  clock: Clock,
  options: Omit<SimulatedExchangeOptions, 'clock' | 'venueId' | 'instruments' | 'initialBalance'> = {},
): SimulatedVenue {
  const instruments = buildInstruments(cfg.id, cfg.symbols, cfg.instruments);
  return new SimulatedVenue(
    new SimulatedExchange({
      ...options,
      clock,
      venueId: cfg.id,
      instruments,
      ...(cfg.initialBalance ? { initialBalance: cfg.initialBalance } : {}),
    }),
  );
}
