/** What the pure policy pass reads about the firm → desk → strategy → client hierarchy of one
 * order: PnL, positions and latches per scope, message counts of the client, resting orders of
 * its scopes. Built by src/limits (the LimitBook) before each decision; read-only here. Sizes and
 * money are decimal strings. */
import type { Side } from './types.js';

export type ScopeLevel = 'firm' | 'desk' | 'strategy' | 'client' | 'account';
export const SCOPE_LEVELS: readonly ScopeLevel[] = ['client', 'strategy', 'desk', 'firm', 'account'];

export interface ScopeRef {
  readonly level: ScopeLevel;
  readonly id: string;
}

export type LatchState = 'reduce_only' | 'halt';

export interface ScopeLatch {
  readonly state: LatchState;
  /** The rendered deny-code line that latched it, e.g. `LOSS_LIMIT: level=desk ...`. */
  readonly reason: string;
  readonly since: number;
  readonly ruleId: string;
}

export interface ScopeFacts {
  readonly scope: ScopeRef;
  /** Realized + unrealized - fees + funding since the current period started (quote). */
  readonly dailyPnl: string;
  /** Equity peak since the last reset minus the current cumulative PnL (>= 0). */
  readonly drawdown: string;
  /** Cumulative PnL since the ledger started or the scope was last reset. */
  readonly totalPnl: string;
  readonly latch?: ScopeLatch;
  /** Signed base quantity of the scope's position in a symbol ("0" when flat). */
  positionQuantity(symbol: string): string;
  /** Sum of |position notional| over symbols, at marks (quote). */
  readonly grossNotional: string;
  /** Signed sum of position notionals (quote). */
  readonly netNotional: string;
}

export interface RestingOrderRef {
  readonly intentId: string;
  readonly clientId: string;
  readonly side: Side;
  readonly price?: string; // undefined: a market order still working
}

export interface LimitView {
  /** The order's scope at a level; undefined when the client is not placed at that level. */
  scope(level: ScopeLevel): ScopeFacts | undefined;
  /** The latch of the order's scope at a level, without computing its PnL (every order asks). */
  latch(level: ScopeLevel): { readonly scope: ScopeRef; readonly latch: ScopeLatch } | undefined;
  /** New orders / fills (trades) / cancel requests of this client with ts >= sinceMs. */
  orderCount(sinceMs: number): number;
  tradeCount(sinceMs: number): number;
  cancelCount(sinceMs: number): number;
  /** Working orders in this order's symbol placed by clients of the order's scope at a level. */
  resting(level: ScopeLevel): readonly RestingOrderRef[];
}
