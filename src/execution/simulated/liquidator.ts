/** Forced liquidation in the simulated venue. After every mark move of a symbol each holder's
 * liquidation price (src/account, isolated or cross) is compared with the mark; a crossed
 * position is closed AT its liquidation price (cross: every other cross position of the account
 * at its mark too), its open orders cancelled first, the maintenance margin at the close price
 * charged as the clearance fee. The insurance fund takes the fee and the venue's gain or loss
 * unwinding the position at the market instead of the liquidation price. */
import { crossedLiquidation } from '../../account/liquidation.js';
import { maintenanceMargin } from '../../account/margin.js';
import { Decimal } from '../../core/decimal.js';
import type { InstrumentSpec } from '../../core/types.js';
import type { AccountBook } from './book.js';
import type { SimAccount, SimOrder } from './state.js';

export interface LiquidatorHost {
  readonly book: AccountBook;
  instrument(symbol: string): InstrumentSpec;
  lastPrice(symbol: string): Decimal | undefined;
  openOrders(account: string): readonly SimOrder[];
  cancelByVenue(o: SimOrder, ts: number, reason: string): void;
  nextOrderSeq(): number;
  /** Store the forced order under its clientOrderId and report it (origin 'venue'). */
  record(a: SimAccount, o: SimOrder): void;
}

const ZERO = new Decimal(0);

export class Liquidator {
  private seq = 0;
  private insurance = ZERO;

  constructor(
    private readonly host: LiquidatorHost,
    private readonly feeMode: 'maintenance' | 'none',
  ) {}

  fund(): Decimal {
    return this.insurance;
  }

  check(symbol: string, ts: number): void {
    const { book } = this.host;
    const mark = book.mark(symbol);
    if (!mark) return;
    const m = mark.toNumber();
    for (const a of book.holdersOf(symbol)) {
      const pos = a.positions.get(symbol);
      if (!pos) continue; // closed by an earlier cross liquidation in this loop
      const lp = book.cachedLiquidation(a, symbol);
      if (!lp) continue;
      // Cheap double comparison first; the Decimal one decides near the boundary.
      if (pos.qty.isPositive() ? m > lp.num * (1 + 1e-9) : m < lp.num * (1 - 1e-9)) continue;
      if (crossedLiquidation(pos.qty, mark, lp.price)) this.liquidate(a, symbol, lp.price, ts);
    }
  }

  private liquidate(a: SimAccount, symbol: string, lp: Decimal, ts: number): void {
    const { book } = this.host;
    const closes: [string, Decimal][] = [[symbol, lp]];
    if (book.settings(a, symbol).mode === 'cross') {
      for (const [s] of a.positions)
        if (s !== symbol && book.settings(a, s).mode === 'cross') closes.push([s, book.mark(s)!]);
    }
    const affected = new Set(closes.map(([s]) => s));
    for (const o of this.host.openOrders(a.id))
      if (affected.has(o.symbol)) this.host.cancelByVenue(o, ts, 'canceled by the venue: position liquidated');
    for (const [s, price] of closes) this.forceClose(a, s, price, ts, s === symbol ? lp : undefined);
  }

  private forceClose(a: SimAccount, symbol: string, price: Decimal, ts: number, lp: Decimal | undefined): void {
    const { book } = this.host;
    const pos = a.positions.get(symbol);
    if (!pos) return;
    const q = pos.qty;
    const fee =
      this.feeMode === 'maintenance'
        ? maintenanceMargin(q.abs().mul(price), this.host.instrument(symbol).brackets).toDecimalPlaces(8)
        : ZERO;
    const seq = this.host.nextOrderSeq();
    const order: SimOrder = {
      venueOrderId: String(seq),
      seq,
      account: a.id,
      symbol,
      clientOrderId: `autoclose-${ts}-${++this.seq}`,
      side: q.isPositive() ? 'sell' : 'buy',
      type: 'market',
      quantity: q.abs(),
      reduceOnly: true,
      postOnly: false,
      timeInForce: 'IOC',
      status: 'filled',
      filled: q.abs(),
      filledNotional: q.abs().mul(price),
      fee,
      lastFillQty: q.abs(),
      lastFillPrice: price,
      reason: lp
        ? `forced liquidation: mark ${book.mark(symbol)!.toFixed()} reached liquidation price ${lp.toDecimalPlaces(8).toFixed()}`
        : 'forced liquidation: cross account closed',
      liquidation: true,
      updatedAt: ts,
    };
    book.fill(a, symbol, q.neg(), price, fee, ts, order.clientOrderId, false, 'liquidation');
    // The venue takes the position over at `price` and unwinds it at the market.
    const market = this.host.lastPrice(symbol) ?? price;
    this.insurance = this.insurance.plus(fee).plus(market.minus(price).mul(q));
    this.host.record(a, order);
  }
}
