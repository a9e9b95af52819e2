/** Binance USD-M user-data events built from liqguard's own records: a parent order (the one
 * Binance order a bot sees, split children included) plus what just happened to it, and the
 * venue's account state. Pure: times, ids and fees are passed in.
 *
 * `orderTradeUpdate` is the one place an order becomes ORDER_TRADE_UPDATE. Conditional orders
 * (issue 11b) plug in through `UpdateOrderView`: the order type, stop price, working type and
 * the extra execution types (x: TRIGGERED...) are inputs, not assumptions. */
import type { AccountState, InstrumentSpec } from '../../core/types.js';
import type { ParentOrder } from '../../execution/order-store.js';
import { binanceStatusOf } from './order-wire.js';

/** Binance execution types (field `x`). */
export type ExecType = 'NEW' | 'TRADE' | 'CANCELED' | 'EXPIRED' | 'AMENDMENT' | 'CALCULATED';

interface UpdateFill {
  readonly quantity: string;
  readonly price: string;
  /** Commission of this fill, in the quote asset. */
  readonly commission: string;
  readonly tradeId: number;
  readonly maker: boolean;
  readonly realizedPnl: string;
}

/** How the order presents on the wire; the defaults describe a plain MARKET/LIMIT order. */
interface UpdateOrderView {
  readonly type?: string; // o and ot; default MARKET / LIMIT from the intent
  readonly stopPrice?: string; // sp
  readonly workingType?: 'MARK_PRICE' | 'CONTRACT_PRICE'; // wt
  readonly closePosition?: boolean; // cp
  readonly status?: string; // X; default the parent's aggregate status
}

export interface OrderUpdateInput {
  readonly parent: ParentOrder;
  readonly orderId: number;
  readonly inst: InstrumentSpec;
  readonly execType: ExecType | (string & {});
  readonly fill?: UpdateFill;
  /** Event time E and transaction time T: wall clock. */
  readonly eventTime: number;
  readonly view?: UpdateOrderView;
}

export function orderTradeUpdate(u: OrderUpdateInput): Record<string, unknown> {
  const p = u.parent;
  const i = p.intent;
  const d = p.decision;
  const type = u.view?.type ?? (i.type === 'market' ? 'MARKET' : 'LIMIT');
  const tif = i.type === 'market' ? 'GTC' : i.postOnly ? 'GTX' : (i.timeInForce ?? 'GTC');
  return {
    e: 'ORDER_TRADE_UPDATE',
    E: u.eventTime,
    T: u.eventTime,
    o: {
      s: u.inst.venueSymbol,
      c: i.clientOrderId,
      S: i.side === 'buy' ? 'BUY' : 'SELL',
      o: type,
      f: tif,
      q: d.kind === 'deny' ? i.quantity : d.approvedQuantity,
      p: i.price ?? '0',
      ap: p.avgPrice ?? '0',
      sp: u.view?.stopPrice ?? '0',
      x: u.execType,
      X: u.view?.status ?? binanceStatusOf(p.status),
      i: u.orderId,
      l: u.fill?.quantity ?? '0',
      z: p.filledQuantity,
      L: u.fill?.price ?? '0',
      N: u.inst.quote,
      n: u.fill?.commission ?? '0',
      T: u.eventTime,
      t: u.fill?.tradeId ?? 0,
      b: '0',
      a: '0',
      m: u.fill?.maker ?? false,
      R: i.reduceOnly,
      wt: u.view?.workingType ?? 'CONTRACT_PRICE',
      ot: type,
      ps: 'BOTH',
      cp: u.view?.closePosition ?? false,
      rp: u.fill?.realizedPnl ?? '0',
      pP: false,
      si: 0,
      ss: 0,
      V: 'NONE',
      pm: 'NONE',
      gtd: 0,
    },
  };
}

/** ACCOUNT_UPDATE after a fill or funding: the wallet and the positions of `symbols`. */
export function accountUpdate(o: {
  state: AccountState;
  asset: string;
  insts: readonly InstrumentSpec[];
  reason: 'ORDER' | 'FUNDING_FEE' | 'AUTO_EXCHANGE';
  eventTime: number;
  balanceChange?: string;
}): Record<string, unknown> {
  return {
    e: 'ACCOUNT_UPDATE',
    E: o.eventTime,
    T: o.eventTime,
    a: {
      m: o.reason,
      B: [{ a: o.asset, wb: o.state.walletBalance, cw: o.state.walletBalance, bc: o.balanceChange ?? '0' }],
      P: o.insts.map((inst) => {
        const pos = o.state.positions.find((x) => x.symbol === inst.symbol);
        return {
          s: inst.venueSymbol,
          pa: pos?.quantity ?? '0',
          ep: pos?.entryPrice ?? '0',
          bep: pos?.entryPrice ?? '0',
          cr: '0',
          up: pos?.unrealizedPnl ?? '0',
          mt: pos?.marginMode ?? 'cross',
          iw: pos?.isolatedMargin ?? '0',
          ps: 'BOTH',
        };
      }),
    },
  };
}
