/** Small in-test stand-ins for stage interfaces, used where a test is about the spine (ingress,
 * pipeline order, audit-before-venue) rather than a stage. End-to-end tests use the real stages. */
import type {
  AuditAppender,
  AuditEventType,
  MarketView,
  PolicyEvaluator,
  TradingStateView,
} from '../../src/core/stages.js';
import type {
  AccountState,
  ChildOrderRequest,
  Decision,
  ExecutionReport,
  InstrumentSpec,
  MarketSnapshot,
  RegimeScore,
  RegimeScorer,
  RiskContext,
  Venue,
} from '../../src/core/types.js';
import { DECIMAL_ZERO } from '../../src/core/decimal.js';
import { ds } from './decimals.js';

const BTC: InstrumentSpec = {
  venue: 'sim',
  symbol: 'BTC/USDT:USDT',
  venueSymbol: 'BTCUSDT',
  base: 'BTC',
  quote: 'USDT',
  tickSize: '0.1',
  stepSize: '0.001',
  minQty: '0.001',
  maxQty: '1000',
  minNotional: '100',
  maxLeverage: 125,
  brackets: [],
};

export class RecordingVenue implements Venue {
  readonly id = 'sim';
  readonly placed: ChildOrderRequest[] = [];
  readonly events: string[];
  private listeners: ((r: ExecutionReport) => void)[] = [];
  constructor(
    events: string[] = [],
    private readonly fillPrice = ds('60000'),
  ) {
    this.events = events;
  }
  instruments() {
    return [BTC];
  }
  instrument(symbol: string) {
    return symbol === BTC.symbol ? BTC : undefined;
  }
  async placeOrder(req: ChildOrderRequest): Promise<ExecutionReport> {
    this.events.push(`venue:${req.clientOrderId}`);
    this.placed.push(req);
    return {
      venue: 'sim',
      account: req.account,
      symbol: req.symbol,
      clientOrderId: req.clientOrderId,
      side: req.side,
      status: 'filled',
      quantity: req.quantity,
      filledQuantity: req.quantity,
      avgPrice: this.fillPrice,
      ts: 0,
    };
  }
  async cancelOrder(account: string, symbol: string, clientOrderId: string): Promise<ExecutionReport> {
    return {
      venue: 'sim',
      account,
      symbol,
      clientOrderId,
      side: 'buy',
      status: 'canceled',
      quantity: DECIMAL_ZERO,
      filledQuantity: DECIMAL_ZERO,
      ts: 0,
    };
  }
  async fetchOrder() {
    return undefined;
  }
  async openOrders() {
    return [];
  }
  async accountState(account: string): Promise<AccountState> {
    return {
      account,
      walletBalance: '100000',
      availableBalance: '100000',
      marginBalance: '100000',
      maintMargin: '0',
      marginRatio: 0,
      positions: [],
    };
  }
  onReport(l: (r: ExecutionReport) => void) {
    this.listeners.push(l);
    return () => undefined;
  }
  async close() {}
}

export const fixedMarket = (mark = 60000): MarketView => ({
  ingest() {},
  symbols: () => [BTC.symbol],
  snapshot: (symbol: string, now: number): MarketSnapshot => ({
    symbol,
    asOf: now,
    ageMs: 0,
    mark,
    last: mark,
    features: { rv_24: 0.01 },
    missing: [],
    ages: { bar: 0 },
    flags: [],
    degraded: false,
  }),
});

export const fixedScorer = (regime: RegimeScore['regime'] = 'stable'): RegimeScorer => ({
  id: 'stand-in',
  sha256: '0'.repeat(64),
  kind: 'baseline',
  async score(s: MarketSnapshot): Promise<RegimeScore> {
    if (regime === 'unknown')
      return {
        status: 'unavailable',
        symbol: s.symbol,
        asOf: s.asOf,
        regime: 'unknown',
        reason: 'stand-in',
        scorer: 'baseline',
      };
    return {
      status: 'ok',
      symbol: s.symbol,
      asOf: s.asOf,
      scorer: 'baseline',
      modelId: 'stand-in',
      modelSha256: '0'.repeat(64),
      pDown: 0.1,
      pUp: 0.05,
      probability: 0.1,
      regime,
      horizonHours: 4,
      contributions: [],
    };
  },
});

/** Accepts up to maxQty, denies above: enough policy to exercise accept and deny paths. */
export const maxQtyPolicy = (maxQty: number): PolicyEvaluator => ({
  id: 'stand-in',
  sha256: 'f'.repeat(64),
  evaluate(ctx: RiskContext): Decision {
    const over = Number(ctx.intent.quantity) > maxQty;
    const base = {
      originalQuantity: ctx.intent.quantity,
      throttles: [] as const,
      policySetId: 'stand-in',
      policySha256: 'f'.repeat(64),
    };
    if (over) {
      return {
        ...base,
        kind: 'deny',
        code: 'MAX_ORDER_QUANTITY',
        detail: `MAX_ORDER_QUANTITY: limit=${maxQty}`,
        params: { limit: maxQty },
        approvedQuantity: '0',
        children: [],
        trace: [
          {
            ruleId: 'max-qty',
            action: 'reject',
            mode: 'enforce',
            matched: true,
            outcome: 'deny',
            code: 'MAX_ORDER_QUANTITY',
          },
        ],
      };
    }
    return {
      ...base,
      kind: 'accept',
      approvedQuantity: ctx.intent.quantity,
      children: [
        { index: 0, clientOrderId: ctx.intent.clientOrderId, quantity: ctx.intent.quantity, notBefore: ctx.now },
      ],
      trace: [{ ruleId: 'max-qty', action: 'reject', mode: 'enforce', matched: false, outcome: 'pass' }],
    };
  },
});

export const activeState: TradingStateView = { stateFor: () => ({ state: 'ACTIVE' }) };

export class MemoryAudit implements AuditAppender {
  readonly records: { type: AuditEventType; body: Readonly<Record<string, unknown>> }[] = [];
  constructor(private readonly events: string[] = []) {}
  append(type: AuditEventType, body: Readonly<Record<string, unknown>>) {
    this.records.push({ type, body });
    this.events.push(`audit:${type}`);
    return { seq: this.records.length, hash: '' };
  }
  async close() {}
}
