/** Core values that flow between stages. Stages share only these readonly types; only
 * src/pipeline.ts composes stages. Prices and sizes on the order path are decimal strings;
 * market data and model inputs are numbers (floats are fine there, never for orders). */
import type { ConditionalOrderRequest, TriggerSpec } from './conditional.js';
import type { DecimalString } from './decimal.js';
import type { DenyCode, DenyParams } from './deny-codes.js';
import type { LimitView } from './limit-view.js';

export type Side = 'buy' | 'sell';
export type OrderType = 'market' | 'limit';
export type TimeInForce = 'GTC' | 'IOC' | 'FOK' | 'GTX';
type Transport = 'rest' | 'ws' | 'binance' | 'replay';

/** What a bot asked for, normalised from any wire format. Immutable after ingress. */
export interface OrderIntent {
  readonly intentId: string; // gateway-assigned
  readonly clientOrderId: string; // bot idempotency key (gateway-generated when absent)
  readonly clientId: string; // authenticated client identity
  readonly account: string; // venue account the client trades through
  readonly venue: string; // venue id from config
  readonly symbol: string; // ccxt unified, e.g. BTC/USDT:USDT
  readonly side: Side;
  readonly type: OrderType;
  readonly quantity: DecimalString; // base quantity, decimal string
  readonly price?: DecimalString; // limit price, decimal string
  readonly reduceOnly: boolean;
  readonly postOnly: boolean;
  readonly leverage?: DecimalString; // decimal string; applies to the position after the fill
  readonly timeInForce: TimeInForce;
  readonly receivedAt: number; // epoch ms, from the injected clock
  readonly transport: Transport;
  /** A conditional order (stop, take-profit, trailing): evaluated against its trigger price. */
  readonly trigger?: TriggerSpec;
}

// ─── market data ────────────────────────────────────────────────────────────────────────────

/** Events emitted by every market-data source (ccxt live, file replay, simulated venue). The
 * feature engine consumes only these, so live and replay share one code path. `ts` is the
 * exchange event time in epoch ms (for a bar: its close time = openTime + intervalMs). */
export type MarketEvent =
  BarEvent | TradeEvent | BookEvent | MarkEvent | FundingEvent | OpenInterestEvent | LiquidationEvent;

export interface BarEvent {
  readonly type: 'bar';
  readonly symbol: string;
  readonly ts: number; // close time
  readonly openTime: number;
  readonly intervalMs: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number; // base
  readonly quoteVolume?: number;
  readonly takerBuyVolume?: number; // base; absent when the source has no taker flow
  readonly trades?: number;
}
export interface TradeEvent {
  readonly type: 'trade';
  readonly symbol: string;
  readonly ts: number;
  readonly price: number;
  readonly quantity: number;
  readonly takerSide: Side;
}
export interface BookEvent {
  readonly type: 'book';
  readonly symbol: string;
  readonly ts: number;
  /** Best first. Full depth the source has (top N levels). */
  readonly bids: readonly (readonly [number, number])[];
  readonly asks: readonly (readonly [number, number])[];
}
export interface MarkEvent {
  readonly type: 'mark';
  readonly symbol: string;
  readonly ts: number;
  readonly markPrice: number;
  readonly indexPrice?: number;
  readonly lastPrice?: number;
  readonly fundingRate?: number; // predicted rate for the current interval (fraction)
  readonly nextFundingTime?: number;
}
export interface FundingEvent {
  readonly type: 'funding';
  readonly symbol: string;
  readonly ts: number; // settlement time
  readonly rate: number; // fraction per interval; positive: longs pay shorts
  readonly intervalHours: number;
}
export interface OpenInterestEvent {
  readonly type: 'openInterest';
  readonly symbol: string;
  readonly ts: number;
  readonly openInterest?: number; // base units
  readonly openInterestValue?: number; // quote (USD) notional
}
export interface LiquidationEvent {
  readonly type: 'liquidation';
  readonly symbol: string;
  readonly ts: number;
  /** Side of the forced order: 'sell' liquidates a long, 'buy' liquidates a short. */
  readonly side: Side;
  readonly price: number;
  readonly quantity: number;
  readonly notional: number; // quote
  /** Aggregated series (e.g. hourly CoinGlass totals) set this to the bucket length. */
  readonly aggregatedMs?: number;
}

export type DataQualityFlag =
  | 'STALE'
  | 'CROSSED_BOOK'
  | 'NON_POSITIVE_PRICE'
  | 'OI_JUMP_WITHOUT_VOLUME'
  | 'LIQUIDATION_FEED_SILENT'
  | 'FEED_GAP'
  | 'WARMING_UP'
  | 'NO_DATA'
  | 'PRICE_JUMP' // a bar return far beyond recent volatility (market/view/plausibility.ts)
  | 'MARK_INDEX_DIVERGENCE'; // the mark far from the venue's index or last close

/** Current view of one symbol. Features are numbers; a missing input is NaN and its name is in
 * `missing`, never 0. */
export interface MarketSnapshot {
  readonly symbol: string;
  readonly asOf: number; // time of the newest event included
  readonly ageMs: number; // now - asOf, at the time the snapshot was taken
  readonly mark?: number;
  readonly last?: number;
  readonly bid?: number;
  readonly ask?: number;
  readonly features: Readonly<Record<string, number>>;
  readonly missing: readonly string[];
  /** Age in ms of each input stream (bar, book, mark, funding, openInterest, liquidation). */
  readonly ages: Readonly<Record<string, number>>;
  readonly flags: readonly DataQualityFlag[];
  /** True when a flag makes the data unusable for scoring: the regime must then be 'unknown'. */
  readonly degraded: boolean;
}

// ─── scoring ────────────────────────────────────────────────────────────────────────────────

export type Regime = 'stable' | 'stressed' | 'fragile' | 'critical';
/** 'unknown' = data stale/implausible or model unavailable: treated as the most conservative. */
export type RegimeLabel = Regime | 'unknown';
export const REGIME_ORDER: readonly RegimeLabel[] = ['stable', 'stressed', 'fragile', 'critical', 'unknown'];

export interface FeatureContribution {
  readonly feature: string;
  readonly value: number;
  readonly contribution: number; // signed, in the model's score units (log-odds for trees)
}

export type RegimeScore =
  | {
      readonly status: 'ok';
      readonly symbol: string;
      readonly asOf: number;
      readonly scorer: 'baseline' | 'model';
      readonly modelId: string;
      readonly modelSha256: string;
      /** Calibrated probability of an adverse move of the labelled size within the horizon. */
      readonly pDown: number; // longs at risk
      readonly pUp: number; // shorts at risk
      readonly probability: number; // max(pDown, pUp)
      readonly regime: Regime;
      readonly horizonHours: number;
      readonly contributions: readonly FeatureContribution[];
      readonly note?: string; // e.g. "baseline scorer: not a trained model"
    }
  | {
      readonly status: 'unavailable';
      readonly symbol: string;
      readonly asOf: number;
      readonly regime: 'unknown';
      readonly reason: string;
      readonly scorer: 'baseline' | 'model';
      readonly modelId?: string;
    };

/** Anything that turns a market snapshot into a regime score. The baseline and the ONNX model
 * implement it; the pipeline does not know which it has. */
export interface RegimeScorer {
  readonly id: string;
  readonly sha256: string;
  readonly kind: 'baseline' | 'model';
  /** Async because ONNX inference is; implementations cache per (symbol, snapshot.asOf) so an
   * order only waits for inference when the features changed since the last score. */
  score(snapshot: MarketSnapshot, now: number): Promise<RegimeScore>;
}

// ─── instruments, accounts, exposure ────────────────────────────────────────────────────────

/** One maintenance-margin bracket (Binance leverageBracket): applies to position notional in
 * [notionalFloor, notionalCap). maintAmount is the bracket's cumulative deduction. */
export interface MarginBracket {
  readonly bracket: number;
  readonly initialLeverage: number;
  readonly notionalFloor: string;
  readonly notionalCap: string;
  readonly maintMarginRatio: string;
  readonly maintAmount: string;
}

export interface InstrumentSpec {
  readonly venue: string;
  readonly symbol: string; // ccxt unified
  readonly venueSymbol: string; // e.g. BTCUSDT
  readonly base: string;
  readonly quote: string;
  readonly tickSize: string;
  readonly stepSize: string; // lot size
  readonly minQty: string;
  readonly maxQty: string;
  readonly minNotional: string;
  readonly maxLeverage: number;
  readonly brackets: readonly MarginBracket[];
}

export type MarginMode = 'isolated' | 'cross';

export interface PositionState {
  readonly account: string;
  readonly symbol: string;
  readonly quantity: string; // signed: > 0 long, < 0 short, "0" flat
  readonly entryPrice: string;
  readonly leverage: string;
  readonly marginMode: MarginMode;
  readonly isolatedMargin: string; // "0" for cross
  readonly liquidationPrice?: string;
  readonly unrealizedPnl: string;
}

export interface AccountState {
  readonly account: string;
  readonly walletBalance: string; // quote
  readonly availableBalance: string;
  readonly marginBalance: string; // wallet + unrealized
  readonly maintMargin: string;
  readonly marginRatio: number; // maintMargin / marginBalance (cross)
  readonly positions: readonly PositionState[];
}

/** What the order would do to the account, computed before the decision. */
export interface Exposure {
  readonly position?: PositionState;
  readonly account?: AccountState;
  readonly openOrdersNotional: string; // quote, this client, all symbols
  readonly clientNotional: string; // |positions| + open orders + this order, quote
  readonly postFillQuantity: string; // signed
  readonly postFillLeverage?: number;
  readonly liquidationPriceAfterFill?: string;
  readonly distanceToLiquidationPct?: number; // |mark - liq| / mark * 100
  readonly distanceToLiquidationVol?: number; // in units of horizon volatility
  readonly touchProbability?: number; // P(touch liq within horizon | regime-scaled vol)
  readonly marginRatioAfterFill?: number;
  readonly reducesPosition: boolean;
}

export type TradingState = 'ACTIVE' | 'REDUCING' | 'HALTED';

export interface RiskContext {
  readonly intent: OrderIntent;
  readonly instrument: InstrumentSpec;
  readonly market: MarketSnapshot;
  readonly score: RegimeScore;
  readonly exposure: Exposure;
  readonly tradingState: TradingState;
  readonly tradingStateReason?: string;
  readonly now: number;
  /** Hierarchy scopes, PnL, positions, message counts, resting orders (src/limits). */
  readonly limits?: LimitView;
}

// ─── decisions ──────────────────────────────────────────────────────────────────────────────

export type DecisionKind = 'accept' | 'modify' | 'split' | 'deny';
export type RuleMode = 'enforce' | 'shadow';

/** One rule's evaluation, kept for every rule, matched or not. */
export interface RuleTrace {
  readonly ruleId: string;
  readonly action: string; // cap | split | throttle | reject | reduce_only | halt | ...
  readonly mode: RuleMode;
  readonly matched: boolean;
  /** What this rule alone would do to the order. */
  readonly outcome: 'pass' | DecisionKind | 'throttle';
  readonly code?: DenyCode;
  readonly detail?: string;
  readonly params?: DenyParams;
}

export interface ChildPlan {
  readonly index: number;
  readonly clientOrderId: string;
  readonly quantity: DecimalString;
  readonly price?: DecimalString;
  readonly notBefore: number; // epoch ms when it may be sent
}

export interface ThrottleRef {
  readonly ruleId: string;
  readonly key: string; // e.g. client:demo
  readonly maxWaitMs: number;
}

/** What every decision carries, whatever its kind. */
interface DecisionBase {
  readonly originalQuantity: string;
  readonly trace: readonly RuleTrace[];
  readonly policySetId: string;
  readonly policySha256: string;
}

/** A decision that sends something: the approved size, the children, the throttles to wait for. */
interface ForwardingDecision extends DecisionBase {
  readonly approvedQuantity: DecimalString;
  readonly approvedPrice?: string;
  readonly throttles: readonly ThrottleRef[];
  /** The binding cap's parameters and, for a split rule, its plan (splitRule, children, intervalMs, onEscalation). */
  readonly params?: DenyParams;
  /** Self-trade prevention in cancel mode: resting parents (intent ids) cancelled before sending. */
  readonly cancelResting?: readonly string[];
  /** Binance selfTradePreventionMode passed on with every child (EXPIRE_TAKER | EXPIRE_MAKER | EXPIRE_BOTH). */
  readonly selfTradePreventionMode?: string;
}

/** Sent as asked: exactly one child, no binding rule. */
interface AcceptDecision extends ForwardingDecision {
  readonly kind: 'accept';
  readonly children: readonly [ChildPlan];
  readonly code?: undefined;
  readonly detail?: undefined;
}

/** Sent changed (capped, or given a protective price): exactly one child; `code` names the binding cap. */
interface ModifyDecision extends ForwardingDecision {
  readonly kind: 'modify';
  readonly children: readonly [ChildPlan];
  readonly code?: DenyCode;
  readonly detail?: string; // rendered `CODE: key=value`
}

/** Sent as a plan of two or more children; `code` names a cap that also bound. */
interface SplitDecision extends ForwardingDecision {
  readonly kind: 'split';
  readonly children: readonly [ChildPlan, ChildPlan, ...ChildPlan[]];
  readonly code?: DenyCode;
  readonly detail?: string;
}

/** Nothing is sent: a code with its parameters, no children, no throttles. The empty fields stay
 * on the value (approvedQuantity "0", children [], throttles []) because the audit record and the
 * wire views are versioned contracts that carry them. */
export interface DenyDecision extends DecisionBase {
  readonly kind: 'deny';
  readonly code: DenyCode;
  readonly detail: string; // rendered `CODE: key=value`
  readonly params: DenyParams;
  readonly approvedQuantity: '0';
  readonly approvedPrice?: undefined;
  readonly children: readonly [];
  readonly throttles: readonly [];
  readonly cancelResting?: undefined;
  readonly selfTradePreventionMode?: undefined;
}

/** The policy's answer for one order, one member per `DecisionKind`. */
export type Decision = AcceptDecision | ModifyDecision | SplitDecision | DenyDecision;

// ─── execution ──────────────────────────────────────────────────────────────────────────────

export type OrderStatus = 'pending' | 'new' | 'partially_filled' | 'filled' | 'canceled' | 'rejected' | 'expired';

export interface ChildOrderRequest {
  readonly account: string;
  readonly symbol: string;
  readonly clientOrderId: string;
  readonly side: Side;
  readonly type: OrderType;
  readonly quantity: DecimalString;
  readonly price?: DecimalString;
  readonly reduceOnly: boolean;
  readonly postOnly: boolean;
  readonly timeInForce: TimeInForce;
  readonly leverage?: DecimalString;
  /** Passed on where the venue supports it (Binance USD-M). */
  readonly selfTradePreventionMode?: string;
}

/** One funding settlement of one account's position: `amount` is the signed wallet change
 * (negative: paid), `rate` the funding rate, `ts` the venue's clock. */
export interface FundingPayment {
  readonly venue: string;
  readonly account: string;
  readonly symbol: string;
  readonly amount: string;
  readonly rate: string;
  readonly ts: number;
}

export interface ExecutionReport {
  readonly venue: string;
  readonly account: string;
  readonly symbol: string;
  readonly clientOrderId: string;
  readonly venueOrderId?: string;
  readonly side: Side;
  readonly status: OrderStatus;
  readonly quantity: DecimalString;
  readonly filledQuantity: DecimalString;
  readonly avgPrice?: DecimalString;
  readonly lastFillQuantity?: DecimalString;
  readonly lastFillPrice?: DecimalString;
  readonly fee?: DecimalString;
  readonly ts: number;
  readonly code?: DenyCode; // when rejected by the venue
  readonly reason?: string;
  readonly liquidation?: boolean; // forced liquidation by the venue
  readonly amended?: boolean; // the order's price or quantity was changed in place (Binance AMENDMENT)
}

/** Change a resting LIMIT order in place (Binance PUT /fapi/v1/order): same ids, new price and
 * total quantity (at or above what has filled). */
export interface AmendOrderRequest {
  readonly account: string;
  readonly symbol: string;
  readonly clientOrderId: string;
  readonly side: Side;
  readonly quantity: DecimalString;
  readonly price: DecimalString;
}

/** A venue the gateway can trade on: the simulated paper exchange or a ccxt exchange. */
export interface Venue {
  readonly id: string;
  instruments(): readonly InstrumentSpec[];
  instrument(symbol: string): InstrumentSpec | undefined;
  placeOrder(req: ChildOrderRequest): Promise<ExecutionReport>;
  cancelOrder(account: string, symbol: string, clientOrderId: string): Promise<ExecutionReport>;
  fetchOrder(account: string, symbol: string, clientOrderId: string): Promise<ExecutionReport | undefined>;
  openOrders(account: string, symbol?: string): Promise<readonly ExecutionReport[]>;
  accountState(account: string): Promise<AccountState>;
  /** Asynchronous reports: fills of resting orders, liquidations, cancels by the venue. */
  onReport(listener: (r: ExecutionReport) => void): () => void;
  close(): Promise<void>;
  /** Venue-side conditional orders (they keep working if the gateway dies). Absent: the venue
   * has none, and the gateway holds conditional orders itself. */
  placeConditional?(req: ConditionalOrderRequest): Promise<ExecutionReport>;
  /** Funding payments settled on the venue's accounts (absent: the venue reports none). */
  onFunding?(listener: (p: FundingPayment) => void): () => void;
  cancelConditional?(account: string, symbol: string, clientOrderId: string): Promise<ExecutionReport>;
  /** In-place amend of a resting LIMIT order (absent: the venue cannot, the gateway refuses). */
  amendOrder?(req: AmendOrderRequest): Promise<ExecutionReport>;
}
