/** The compiled, frozen form of a policy file: what evaluate() reads. The file's own shape is not
 * written here: it is `PolicyFile = Static<typeof policyFileSchema>` (file-schema.ts). These types
 * are the evaluated form the semantic step (schema.ts) makes from it: durations in ms
 * (`windowMs`, `intervalMs`), one-or-list values as lists, defaults filled, bounds as canonical
 * decimal text. Key names keep the file's snake_case where the meaning is unchanged. */
import type { DenyCode } from '../core/deny-codes.js';
import type { LatchState, ScopeLevel } from '../core/limit-view.js';
import type { OrderType, Regime, RegimeLabel, RuleMode, Side } from '../core/types.js';

/** A numeric comparison; every bound present must hold. Bounds are kept as decimal text so that
 * order-path comparisons (notional, quantity, exposure) stay exact. */
export interface Comparison {
  readonly gt?: string;
  readonly gte?: string;
  readonly lt?: string;
  readonly lte?: string;
}

export interface WindowComparison extends Comparison {
  readonly windowMs: number;
}

export interface LevelComparison extends Comparison {
  readonly level: ScopeLevel;
}

export interface RatioComparison extends Comparison {
  readonly windowMs: number;
  /** Below this many orders in the window the ratio is not tested (no early noise). */
  readonly minOrders: number;
}

export interface TimeWindow {
  readonly days?: readonly Weekday[];
  readonly from: string; // HH:MM UTC
  readonly to: string; // HH:MM UTC, exclusive; from > to wraps past midnight
}
export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

/** Conditions of a rule: every key present must hold (AND). `any`, `all`, `not` combine. */
export interface Condition {
  readonly client?: readonly string[]; // globs
  readonly account?: readonly string[];
  readonly venue?: readonly string[];
  readonly symbol?: readonly string[];
  readonly side?: Side;
  readonly reduce_only?: boolean;
  readonly order_type?: OrderType;
  readonly regime?: readonly RegimeLabel[];
  readonly probability?: Comparison;
  readonly feature?: Readonly<Record<string, Comparison>>;
  readonly notional?: Comparison;
  readonly quantity?: Comparison;
  /** Order notional divided by a market feature (traded volume, book depth), e.g. lt 0.02. */
  readonly notional_vs?: Readonly<Record<string, Comparison>>;
  readonly post_fill_leverage?: Comparison;
  readonly liquidation_distance_pct?: Comparison;
  readonly liquidation_distance_vol?: Comparison;
  readonly touch_probability?: Comparison;
  /** |limit price - mark| / mark, percent. Market orders: 0. */
  readonly price_deviation_pct?: Comparison;
  /** Order price against the range of reference prices over a window, percent. */
  readonly window_price_move_pct?: WindowComparison;
  /** Messages (orders and cancels) from this client in the window, this order included. */
  readonly message_rate?: WindowComparison;
  /** Same client, symbol, side, type, quantity and price seen within the window. */
  readonly duplicate?: { readonly windowMs: number };
  /** Client's aggregate notional: positions + open orders (counted once) + this order. */
  readonly client_exposure?: Comparison;
  readonly time?: TimeWindow;
  /** PnL of the order's scope at a level since the period started / fall from its peak (quote). */
  readonly daily_pnl?: LevelComparison;
  readonly drawdown?: LevelComparison;
  /** Account margin ratio after the fill (maintenance margin / margin balance), else now. */
  readonly margin_ratio?: Comparison;
  /** Side-aware regime: p_down when the order adds long exposure, p_up when it adds short. */
  readonly p_adverse?: Comparison;
  /** Client's new orders (this one included) per trade over a window (MiFID II RTS 9). */
  readonly order_to_trade_ratio?: RatioComparison;
  /** Client's cancel requests per new order over a window. */
  readonly cancel_ratio?: RatioComparison;
  readonly any?: readonly Condition[];
  readonly all?: readonly Condition[];
  readonly not?: Condition;
}

type RegimeTable = Readonly<Partial<Record<RegimeLabel, string>>>;
/** A fixed limit (decimal text) or a table by regime. */
export type Limit = string | RegimeTable;

export type ScopeKind = 'all' | 'client' | 'account' | 'symbol' | 'venue';

export interface CapAction {
  readonly type: 'cap';
  readonly notional?: Limit;
  readonly quantity?: Limit;
  readonly leverage?: Limit;
  readonly code?: DenyCode;
}

export interface SplitAction {
  readonly type: 'split';
  readonly child_quantity?: string;
  readonly child_notional?: string;
  readonly count?: number;
  readonly intervalMs: number;
  readonly jitterMs: number;
  readonly max_price_deviation_pct?: number;
  readonly on_escalation: 'pause' | 'cancel';
}

export interface ThrottleAction {
  readonly type: 'throttle';
  readonly key: 'client' | 'account' | 'symbol' | 'venue';
  readonly rate?: { readonly count: number; readonly perMs: number };
  readonly max_concurrent?: number;
  readonly reservoir?: { readonly size: number; readonly refreshMs: number };
  readonly maxWaitMs: number;
}

interface RejectAction {
  readonly type: 'reject';
  readonly code: DenyCode;
  readonly message?: string;
}

interface ReduceOnlyAction {
  readonly type: 'reduce_only';
  /** When set, a match also latches trading state REDUCING for this scope (until lifted). */
  readonly latch?: ScopeKind;
  readonly message?: string;
}

interface HaltAction {
  readonly type: 'halt';
  readonly allow_reduce_only: boolean;
  readonly latch?: ScopeKind;
  readonly message?: string;
}

/** Loss limit of the order's scope at `level`: a breach latches the scope (reduce_only or halt)
 * until an operator resets it or, for the daily limit, the period rolls. */
export interface LossLimitAction {
  readonly type: 'loss_limit';
  readonly level: ScopeLevel;
  readonly ids?: readonly string[];
  readonly daily?: string;
  readonly drawdown?: string;
  readonly on_breach: LatchState;
}

/** Limits on the scope's position after the fill; a capped order is resized to what is left, an
 * order that does not increase the measure is never blocked. */
export interface PositionLimitAction {
  readonly type: 'position_limit';
  readonly level: ScopeLevel;
  readonly ids?: readonly string[];
  readonly quantity?: string; // |position in this symbol|, base
  readonly notional?: string; // |position in this symbol| * price, quote
  readonly gross_notional?: string; // sum over symbols of |position notional|
  readonly net_notional?: string; // |signed sum of position notionals|
}

/** Self-trade prevention against working orders of the same scope in this symbol. */
export interface SelfTradeAction {
  readonly type: 'self_trade';
  readonly level: ScopeLevel;
  readonly on_cross: 'deny' | 'cancel_resting';
  /** Passed to venues that support it (Binance selfTradePreventionMode). */
  readonly venue_mode?: 'EXPIRE_TAKER' | 'EXPIRE_MAKER' | 'EXPIRE_BOTH';
}

export type Action =
  | CapAction
  | SplitAction
  | ThrottleAction
  | RejectAction
  | ReduceOnlyAction
  | HaltAction
  | LossLimitAction
  | PositionLimitAction
  | SelfTradeAction;
type ActionType = Action['type'];

export interface Rule {
  readonly id: string;
  readonly description?: string;
  readonly mode: RuleMode;
  readonly when: Condition;
  readonly action: Action;
  /** How this rule reads the regime 'unknown' (default: as critical). */
  readonly unknown_as?: Regime;
  /** A condition over missing data (no mark, feature NaN, no model): 'match' fails closed. */
  readonly on_missing: 'match' | 'skip';
}

export interface PolicySettings {
  /** Orders flagged reduceOnly that really reduce a position pass a kill or halt in scope. */
  readonly kill_allows_reduce_only: boolean;
}

export interface PolicySet {
  readonly id: string;
  readonly version: number;
  readonly description?: string;
  readonly settings: PolicySettings;
  readonly rules: readonly Rule[];
  /** sha256 of the canonical JSON form (key order and YAML formatting do not matter). */
  readonly sha256: string;
  readonly source?: string;
}
