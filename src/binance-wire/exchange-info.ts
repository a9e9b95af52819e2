/** /fapi/v1/exchangeInfo built from core InstrumentSpecs: the fields and filters ccxt's
 * binanceusdm loadMarkets() reads (contractType, marginAsset, PRICE_FILTER, LOT_SIZE,
 * MARKET_LOT_SIZE, MIN_NOTIONAL, precisions), plus Binance's constant fields. */
import type { InstrumentSpec } from '../core/types.js';
import { decimalsOf } from './synthetic-book.js';

const PERPETUAL_DELIVERY = 4_133_404_800_000; // Binance's "no expiry" date

export function exchangeInfo(instruments: readonly InstrumentSpec[], serverTime: number, weightLimit: number) {
  const assets = [...new Set(instruments.map((i) => i.quote))];
  return {
    timezone: 'UTC',
    serverTime,
    futuresType: 'U_MARGINED',
    rateLimits: [
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: weightLimit },
      { rateLimitType: 'ORDERS', interval: 'MINUTE', intervalNum: 1, limit: 1200 },
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 300 },
    ],
    exchangeFilters: [],
    assets: assets.map((asset) => ({ asset, marginAvailable: true, autoAssetExchange: '-10000' })),
    symbols: instruments.map(symbolInfo),
  };
}

function pct(ratio: string | undefined, dflt: string): string {
  return ratio === undefined ? dflt : (Number(ratio) * 100).toFixed(4);
}

function symbolInfo(i: InstrumentSpec) {
  const first = i.brackets[0];
  return {
    symbol: i.venueSymbol,
    pair: i.venueSymbol,
    contractType: 'PERPETUAL',
    deliveryDate: PERPETUAL_DELIVERY,
    onboardDate: 1_569_398_400_000,
    status: 'TRADING',
    maintMarginPercent: pct(first?.maintMarginRatio, '2.5000'),
    requiredMarginPercent: (100 / Math.max(1, i.maxLeverage)).toFixed(4),
    baseAsset: i.base,
    quoteAsset: i.quote,
    marginAsset: i.quote,
    pricePrecision: decimalsOf(i.tickSize),
    quantityPrecision: decimalsOf(i.stepSize),
    baseAssetPrecision: 8,
    quotePrecision: 8,
    underlyingType: 'COIN',
    underlyingSubType: [],
    settlePlan: 0,
    triggerProtect: '0.0500',
    liquidationFee: '0.012500',
    marketTakeBound: '0.05',
    maxMoveOrderLimit: 10_000,
    filters: [
      { filterType: 'PRICE_FILTER', minPrice: i.tickSize, maxPrice: '10000000', tickSize: i.tickSize },
      { filterType: 'LOT_SIZE', minQty: i.minQty, maxQty: i.maxQty, stepSize: i.stepSize },
      { filterType: 'MARKET_LOT_SIZE', minQty: i.minQty, maxQty: i.maxQty, stepSize: i.stepSize },
      { filterType: 'MAX_NUM_ORDERS', limit: 200 },
      { filterType: 'MAX_NUM_ALGO_ORDERS', limit: 10 },
      { filterType: 'MIN_NOTIONAL', notional: i.minNotional },
      { filterType: 'PERCENT_PRICE', multiplierUp: '1.0500', multiplierDown: '0.9500', multiplierDecimal: '4' },
    ],
    orderTypes: ['LIMIT', 'MARKET', 'STOP', 'STOP_MARKET', 'TAKE_PROFIT', 'TAKE_PROFIT_MARKET', 'TRAILING_STOP_MARKET'],
    timeInForce: ['GTC', 'IOC', 'FOK', 'GTX', 'GTD'],
    permissionSet: ['GRID', 'COPY'],
  };
}
