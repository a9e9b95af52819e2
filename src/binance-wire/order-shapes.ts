/** Binance USD-M JSON shapes of orders, positions, balances and user-data events, built from the
 * simulated exchange's ExecutionReports and AccountState. Field names and value kinds follow
 * Binance (strings for decimals, numbers for ids and times) so ccxt's parsers accept them. */
import { maintenanceMargin } from '../account/margin.js';
import { Decimal } from '../core/decimal.js';
import type {
  AccountState,
  ExecutionReport,
  InstrumentSpec,
  OrderStatus,
  OrderType,
  PositionState,
  TimeInForce,
} from '../core/types.js';
import { decimalsOf } from './synthetic-book.js';

const STATUS: Readonly<Record<OrderStatus, string>> = {
  pending: 'NEW',
  new: 'NEW',
  partially_filled: 'PARTIALLY_FILLED',
  filled: 'FILLED',
  canceled: 'CANCELED',
  rejected: 'REJECTED',
  expired: 'EXPIRED',
};

export const binanceStatus = (s: OrderStatus): string => STATUS[s];

const d8 = (v: Decimal | string): string => new Decimal(v).toFixed(8);
/** Sizes and prices with the instrument's lot / tick decimals, as Binance prints them. */
export const fq = (inst: InstrumentSpec, v: Decimal | string): string =>
  new Decimal(v).toFixed(decimalsOf(inst.stepSize));
export const fp = (inst: InstrumentSpec, v: Decimal | string): string =>
  new Decimal(v).toFixed(decimalsOf(inst.tickSize));

/** Fields of a plain (not conditional, one-way mode) Binance USD-M order that never vary here;
 * shared with the gateway's Binance front door so the two surfaces answer alike. */
export const PLAIN_ORDER_FIELDS = {
  closePosition: false,
  positionSide: 'BOTH',
  stopPrice: '0',
  workingType: 'CONTRACT_PRICE',
  priceProtect: false,
  priceMatch: 'NONE',
  goodTillDate: 0,
} as const;

/** The order object of POST/GET/DELETE /fapi/v1/order and openOrders. */
export function orderJson(
  r: ExecutionReport,
  inst: InstrumentSpec,
  m: OrderMeta | undefined,
  orderId: number,
  withTime: boolean,
) {
  const filled = new Decimal(r.filledQuantity);
  const avg = r.avgPrice ? new Decimal(r.avgPrice) : new Decimal(0);
  const type = (m?.type ?? 'market').toUpperCase();
  return {
    orderId,
    symbol: inst.venueSymbol,
    status: binanceStatus(r.status),
    clientOrderId: r.clientOrderId,
    price: fp(inst, m?.price ?? '0'),
    avgPrice: fp(inst, avg),
    origQty: fq(inst, r.quantity),
    executedQty: fq(inst, filled),
    cumQty: fq(inst, filled),
    cumQuote: d8(filled.mul(avg)),
    timeInForce: m?.timeInForce ?? 'GTC',
    type,
    reduceOnly: m?.reduceOnly ?? false,
    side: r.side.toUpperCase(),
    origType: type,
    selfTradePreventionMode: 'EXPIRE_MAKER',
    ...PLAIN_ORDER_FIELDS,
    ...(withTime ? { time: m?.time ?? r.ts } : {}),
    updateTime: m?.updateTime ?? r.ts,
  };
}

export interface PositionView {
  readonly inst: InstrumentSpec;
  readonly pos: PositionState | undefined;
  readonly mark: string | undefined;
  readonly leverage: string;
  readonly marginMode: 'isolated' | 'cross';
  readonly updateTime: number;
}

function positionNumbers(v: PositionView) {
  const qty = new Decimal(v.pos?.quantity ?? '0');
  const mark = new Decimal(v.mark ?? v.pos?.entryPrice ?? '0');
  const notional = qty.mul(mark);
  const abs = notional.abs();
  const lev = new Decimal(v.pos?.leverage ?? v.leverage);
  const initial = lev.gt(0) ? abs.div(lev) : new Decimal(0);
  const maint = qty.isZero() ? new Decimal(0) : maintenanceMargin(abs, v.inst.brackets);
  return { qty, mark, notional, initial, maint };
}

/** GET /fapi/v2/positionRisk row (one-way mode). */
export function positionRiskV2(v: PositionView) {
  const n = positionNumbers(v);
  const cap = v.inst.brackets.find((b) => new Decimal(b.initialLeverage).gte(v.leverage)) ?? v.inst.brackets[0];
  return {
    symbol: v.inst.venueSymbol,
    positionAmt: fq(v.inst, n.qty),
    entryPrice: v.pos?.entryPrice ?? '0.0',
    breakEvenPrice: v.pos?.entryPrice ?? '0.0',
    markPrice: d8(n.mark),
    unRealizedProfit: d8(v.pos?.unrealizedPnl ?? '0'),
    liquidationPrice: v.pos?.liquidationPrice ?? '0',
    leverage: new Decimal(v.pos?.leverage ?? v.leverage).toFixed(0),
    maxNotionalValue: cap?.notionalCap ?? '0',
    marginType: v.marginMode,
    isolatedMargin: d8(v.pos?.isolatedMargin ?? '0'),
    isAutoAddMargin: 'false',
    positionSide: 'BOTH',
    notional: d8(n.notional),
    isolatedWallet: d8(v.pos?.isolatedMargin ?? '0'),
    updateTime: v.pos ? v.updateTime : 0,
  };
}

/** GET /fapi/v3/positionRisk row: no leverage/marginType (as Binance v3), margins added. */
export function positionRiskV3(v: PositionView) {
  const n = positionNumbers(v);
  return {
    symbol: v.inst.venueSymbol,
    positionSide: 'BOTH',
    positionAmt: fq(v.inst, n.qty),
    entryPrice: v.pos?.entryPrice ?? '0.0',
    breakEvenPrice: v.pos?.entryPrice ?? '0.0',
    markPrice: d8(n.mark),
    unRealizedProfit: d8(v.pos?.unrealizedPnl ?? '0'),
    liquidationPrice: v.pos?.liquidationPrice ?? '0',
    isolatedMargin: d8(v.pos?.isolatedMargin ?? '0'),
    notional: d8(n.notional),
    marginAsset: v.inst.quote,
    isolatedWallet: d8(v.pos?.isolatedMargin ?? '0'),
    initialMargin: d8(n.initial),
    maintMargin: d8(n.maint),
    positionInitialMargin: d8(n.initial),
    openOrderInitialMargin: '0',
    adl: 0,
    bidNotional: '0',
    askNotional: '0',
    updateTime: v.updateTime,
  };
}

/** Totals shared by account v2/v3 and balance. */
function accountTotals(a: AccountState, views: readonly PositionView[]) {
  let initial = new Decimal(0);
  let upnl = new Decimal(0);
  for (const v of views) {
    if (!v.pos) continue;
    initial = initial.plus(positionNumbers(v).initial);
    upnl = upnl.plus(v.pos.unrealizedPnl);
  }
  const wallet = new Decimal(a.walletBalance);
  const margin = new Decimal(a.marginBalance);
  const available = new Decimal(a.availableBalance);
  const openOrderInitial = Decimal.max(0, margin.minus(initial).minus(available));
  return { wallet, margin, available, initial, upnl, openOrderInitial, maint: new Decimal(a.maintMargin) };
}

export function accountV3(a: AccountState, views: readonly PositionView[], asset: string, now: number) {
  const t = accountTotals(a, views);
  const totals = {
    totalInitialMargin: d8(t.initial.plus(t.openOrderInitial)),
    totalMaintMargin: d8(t.maint),
    totalWalletBalance: d8(t.wallet),
    totalUnrealizedProfit: d8(t.upnl),
    totalMarginBalance: d8(t.margin),
    totalPositionInitialMargin: d8(t.initial),
    totalOpenOrderInitialMargin: d8(t.openOrderInitial),
    totalCrossWalletBalance: d8(t.wallet),
    totalCrossUnPnl: d8(t.upnl),
    availableBalance: d8(t.available),
    maxWithdrawAmount: d8(t.available),
  };
  const assets = [
    {
      asset,
      walletBalance: totals.totalWalletBalance,
      unrealizedProfit: totals.totalUnrealizedProfit,
      marginBalance: totals.totalMarginBalance,
      maintMargin: totals.totalMaintMargin,
      initialMargin: totals.totalInitialMargin,
      positionInitialMargin: totals.totalPositionInitialMargin,
      openOrderInitialMargin: totals.totalOpenOrderInitialMargin,
      crossWalletBalance: totals.totalCrossWalletBalance,
      crossUnPnl: totals.totalCrossUnPnl,
      availableBalance: totals.availableBalance,
      maxWithdrawAmount: totals.maxWithdrawAmount,
      marginAvailable: true,
      updateTime: now,
    },
  ];
  const positions = views
    .filter((v) => v.pos)
    .map((v) => {
      const n = positionNumbers(v);
      return {
        symbol: v.inst.venueSymbol,
        positionSide: 'BOTH',
        positionAmt: fq(v.inst, n.qty),
        unrealizedProfit: d8(v.pos!.unrealizedPnl),
        isolatedMargin: d8(v.pos!.isolatedMargin),
        notional: d8(n.notional),
        isolatedWallet: d8(v.pos!.isolatedMargin),
        initialMargin: d8(n.initial),
        maintMargin: d8(n.maint),
        updateTime: v.updateTime,
      };
    });
  return { ...totals, assets, positions };
}

/** /fapi/v2/account: v3 plus the older per-position fields (leverage, isolated, entryPrice). */
export function accountV2(a: AccountState, views: readonly PositionView[], asset: string, now: number) {
  const v3 = accountV3(a, views, asset, now);
  const positions = views.map((v) => {
    const n = positionNumbers(v);
    return {
      symbol: v.inst.venueSymbol,
      initialMargin: d8(n.initial),
      maintMargin: d8(n.maint),
      unrealizedProfit: d8(v.pos?.unrealizedPnl ?? '0'),
      positionInitialMargin: d8(n.initial),
      openOrderInitialMargin: '0',
      leverage: new Decimal(v.pos?.leverage ?? v.leverage).toFixed(0),
      isolated: v.marginMode === 'isolated',
      entryPrice: v.pos?.entryPrice ?? '0.0',
      breakEvenPrice: v.pos?.entryPrice ?? '0.0',
      maxNotional: v.inst.brackets[0]?.notionalCap ?? '0',
      bidNotional: '0',
      askNotional: '0',
      positionSide: 'BOTH',
      positionAmt: fq(v.inst, n.qty),
      updateTime: v.pos ? v.updateTime : 0,
    };
  });
  return {
    feeTier: 0,
    feeBurn: false,
    canTrade: true,
    canDeposit: true,
    canWithdraw: true,
    updateTime: 0,
    multiAssetsMargin: false,
    tradeGroupId: -1,
    ...v3,
    positions,
  };
}

/** /fapi/v2/balance and /fapi/v3/balance rows. */
export function balanceRows(a: AccountState, views: readonly PositionView[], asset: string, now: number) {
  const t = accountTotals(a, views);
  return [
    {
      accountAlias: 'SgsR',
      asset,
      balance: d8(t.wallet),
      crossWalletBalance: d8(t.wallet),
      crossUnPnl: d8(t.upnl),
      availableBalance: d8(t.available),
      maxWithdrawAmount: d8(t.available),
      marginAvailable: true,
      updateTime: now,
    },
  ];
}

/** What the venue keeps of an order beyond its execution reports (ids, type, time, fees reported). */
export interface OrderMeta {
  readonly account: string;
  readonly orderId: number;
  readonly clientOrderId: string;
  readonly symbol: string; // ccxt unified
  readonly type: OrderType;
  readonly timeInForce: TimeInForce;
  readonly price?: string;
  readonly reduceOnly: boolean;
  readonly time: number;
  /** Wall-clock time of the order's last change (liqguard venue: its exchange runs on replay time). */
  updateTime?: number;
  /** Cumulative fee already reported on the user stream (for per-fill commissions). */
  reportedFee: string;
}
