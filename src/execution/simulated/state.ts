/** Internal mutable state of the simulated exchange. Only the exchange and its helper modules
 * touch these; everything leaving the exchange is a readonly copy (reports, states, ledger). */
import type { Decimal } from '../../core/decimal.js';
import type { MarginMode, OrderStatus, OrderType, Side, TimeInForce } from '../../core/types.js';
import type { BarLiquidity } from './impact.js';

export interface SimPosition {
  qty: Decimal; // signed
  entry: Decimal;
  isolatedMargin: Decimal; // isolated wallet of the position (excludes uPnL); 0 in cross
}

export interface SymbolSettings {
  leverage: Decimal;
  mode: MarginMode;
}

export interface SimOrder {
  readonly venueOrderId: string;
  readonly seq: number; // time priority
  readonly account: string;
  readonly symbol: string;
  readonly clientOrderId: string;
  readonly side: Side;
  readonly type: OrderType;
  readonly quantity: Decimal;
  readonly price?: Decimal;
  readonly priceNum?: number; // same price as a double, for the per-step scan
  readonly reduceOnly: boolean;
  readonly postOnly: boolean;
  readonly timeInForce: TimeInForce;
  status: OrderStatus;
  filled: Decimal;
  filledNotional: Decimal;
  fee: Decimal; // cumulative
  lastFillQty?: Decimal;
  lastFillPrice?: Decimal;
  reason?: string;
  liquidation?: boolean;
  updatedAt: number;
}

type LedgerKind = 'deposit' | 'trade' | 'fee' | 'funding' | 'liquidation' | 'liquidation_fee';

/** One wallet movement. `amount` is the signed change of the wallet balance, `balance` the wallet
 * after it; trades carry the signed fill and its realised PnL (the amount). */
export interface LedgerEntry {
  readonly seq: number;
  readonly ts: number;
  readonly account: string;
  readonly kind: LedgerKind;
  readonly symbol?: string;
  readonly amount: string;
  readonly balance: string;
  readonly quantity?: string; // signed fill (trade, liquidation)
  readonly price?: string;
  readonly clientOrderId?: string;
  readonly rate?: string; // funding rate
  readonly maker?: boolean;
}

export interface EquityPoint {
  readonly ts: number;
  readonly wallet: string;
  readonly unrealizedPnl: string;
  readonly equity: string;
}

export interface SimAccount {
  readonly id: string;
  wallet: Decimal;
  /** Bumped on every wallet or position change: invalidates cached liquidation prices. */
  version: number;
  readonly positions: Map<string, SimPosition>;
  /** Per symbol, bumped by every position change (every fill, liquidations included): a value
   * derived from the position and the orders' filled sizes is valid for one epoch. Unlike the
   * position object, an epoch never recurs (flat is `undefined` before and after a round trip). */
  readonly positionEpochs: Map<string, number>;
  readonly settings: Map<string, SymbolSettings>;
  /** Live and recent terminal orders by clientOrderId (terminal ones evicted past a bound). */
  readonly orders: Map<string, SimOrder>;
  readonly ledger: LedgerEntry[];
  readonly equity: EquityPoint[];
}

export interface SymbolMarket {
  price?: Decimal; // last trade price (path price)
  mark?: Decimal;
  /** Bumped whenever the mark changes: invalidates cached cross liquidation prices. */
  markVersion: number;
  bar?: BarLiquidity;
  /** Base quantity resting orders may still fill in the current bar (participation cap). */
  barLiquidity?: Decimal;
}
