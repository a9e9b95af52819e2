/** Hand-built RiskContext fixtures with a fixed clock and fixed ids. */
import type { LimitView } from '../../src/core/limit-view.js';
import type {
  Exposure,
  InstrumentSpec,
  MarketSnapshot,
  OrderIntent,
  Regime,
  RegimeScore,
  RiskContext,
  TradingState,
} from '../../src/core/types.js';
import { ds } from '../support/decimals.js';

export const NOW = Date.UTC(2025, 9, 10, 21, 15, 0); // Friday 2025-10-10 21:15 UTC

export const INSTRUMENTS: Record<string, InstrumentSpec> = {
  'BTC/USDT:USDT': inst('BTC/USDT:USDT', 'BTCUSDT', 'BTC', '0.1', '0.001', '0.001', '100'),
  'ETH/USDT:USDT': inst('ETH/USDT:USDT', 'ETHUSDT', 'ETH', '0.01', '0.001', '0.001', '20'),
  'XRP/USDT:USDT': inst('XRP/USDT:USDT', 'XRPUSDT', 'XRP', '0.0001', '0.1', '0.1', '5'),
  'DOGE/USDT:USDT': inst('DOGE/USDT:USDT', 'DOGEUSDT', 'DOGE', '0.00001', '1', '1', '5'),
};

function inst(
  symbol: string,
  venueSymbol: string,
  base: string,
  tickSize: string,
  stepSize: string,
  minQty: string,
  minNotional: string,
): InstrumentSpec {
  return {
    venue: 'sim',
    symbol,
    venueSymbol,
    base,
    quote: 'USDT',
    tickSize,
    stepSize,
    minQty,
    maxQty: '1000000',
    minNotional,
    maxLeverage: 125,
    brackets: [],
  };
}

export const MARKS: Record<string, number> = {
  'BTC/USDT:USDT': 112000,
  'ETH/USDT:USDT': 4000,
  'XRP/USDT:USDT': 2.5,
  'DOGE/USDT:USDT': 0.25,
};

export interface CtxOptions {
  intent?: Partial<OrderIntent>;
  regime?: Regime | 'unknown';
  probability?: number;
  degraded?: boolean;
  mark?: number | null;
  features?: Record<string, number>;
  exposure?: Partial<Exposure>;
  tradingState?: TradingState;
  tradingStateReason?: string;
  now?: number;
  limits?: LimitView;
}

/** A client placed in no hierarchy scope, with no message history and no resting orders. */
const EMPTY_LIMITS: LimitView = {
  scope: () => undefined,
  latch: () => undefined,
  orderCount: () => 0,
  tradeCount: () => 0,
  cancelCount: () => 0,
  resting: () => [],
};

export function makeCtx(o: CtxOptions = {}): RiskContext {
  const now = o.now ?? NOW;
  const intent: OrderIntent = {
    intentId: 'int_000001',
    clientOrderId: 'bot-order-1',
    clientId: 'demo',
    account: 'demo',
    venue: 'sim',
    symbol: 'BTC/USDT:USDT',
    side: 'buy',
    type: 'market',
    quantity: ds('0.1'),
    reduceOnly: false,
    postOnly: false,
    timeInForce: 'GTC',
    receivedAt: now,
    transport: 'rest',
    ...o.intent,
  };
  const markDefault = MARKS[intent.symbol] ?? 100;
  const mark = o.mark === null ? undefined : (o.mark ?? markDefault);
  const market: MarketSnapshot = {
    symbol: intent.symbol,
    asOf: now - 1000,
    ageMs: 1000,
    ...(mark !== undefined ? { mark, last: mark } : {}),
    features: { ...(o.features ?? {}) },
    missing: [],
    ages: {},
    flags: o.degraded ? ['STALE'] : [],
    degraded: o.degraded ?? false,
  };
  const regime = o.regime ?? 'stable';
  const score: RegimeScore =
    regime === 'unknown'
      ? {
          status: 'unavailable',
          symbol: intent.symbol,
          asOf: now,
          regime: 'unknown',
          reason: 'model missing',
          scorer: 'baseline',
        }
      : {
          status: 'ok',
          symbol: intent.symbol,
          asOf: now,
          scorer: 'model',
          modelId: 'm1',
          modelSha256: 'ab'.repeat(32),
          pDown: o.probability ?? 0.05,
          pUp: 0.01,
          probability: o.probability ?? 0.05,
          regime,
          horizonHours: 24,
          contributions: [],
        };
  const sign = intent.side === 'buy' ? 1 : -1;
  const notional = Number(intent.quantity) * (intent.price ? Number(intent.price) : (mark ?? 0));
  const exposure: Exposure = {
    openOrdersNotional: '0',
    clientNotional: String(notional),
    postFillQuantity: String(sign * Number(intent.quantity)),
    postFillLeverage: notional / 100000,
    distanceToLiquidationPct: 40,
    distanceToLiquidationVol: 8,
    touchProbability: 0.01,
    reducesPosition: false,
    account: {
      account: 'demo',
      walletBalance: '100000',
      availableBalance: '100000',
      marginBalance: '100000',
      maintMargin: '0',
      marginRatio: 0,
      positions: [],
    },
    ...o.exposure,
  };
  return {
    intent,
    instrument: INSTRUMENTS[intent.symbol] ?? inst(intent.symbol, 'X', 'X', '0.01', '0.001', '0.001', '5'),
    market,
    score,
    exposure,
    tradingState: o.tradingState ?? 'ACTIVE',
    ...(o.tradingStateReason ? { tradingStateReason: o.tradingStateReason } : {}),
    now,
    limits: o.limits ?? EMPTY_LIMITS,
  };
}

/** A long position being closed by a reduce-only sell. */
export function reducingExposure(qty: string, position: string): Partial<Exposure> {
  const after = (Number(position) - Number(qty)).toString();
  return {
    position: {
      account: 'demo',
      symbol: 'BTC/USDT:USDT',
      quantity: position,
      entryPrice: '110000',
      leverage: '5',
      marginMode: 'cross',
      isolatedMargin: '0',
      unrealizedPnl: '0',
    },
    postFillQuantity: after,
    reducesPosition: true,
  };
}
