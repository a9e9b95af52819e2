/** Positions and PnL per client as the gateway sees them: fills and fees from venue reports,
 * funding settlements, marks from the mark price (else the last bar close). Average-cost
 * accounting in Decimal. Venues net positions per account; the ledger keeps them per client so
 * that desks and strategies sharing an account still have their own PnL. */
import { Decimal } from '../core/decimal.js';
import type { Side } from '../core/types.js';

const ZERO = new Decimal(0);

interface Lot {
  qty: Decimal; // signed
  avg: Decimal; // average entry price of the open quantity
}

interface ClientBook {
  readonly lots: Map<string, Lot>;
  realized: Decimal;
  fees: Decimal;
  funding: Decimal;
}

export class PnlLedger {
  private readonly clients = new Map<string, ClientBook>();
  private readonly marks = new Map<string, Decimal>();
  /** Bumped by every change (fill, funding, mark): cumulativePnl is read for every order, by each
   * level of the hierarchy, and its 40-digit Decimal sums were a visible share of the order path. */
  private version = 0;
  private readonly pnlCache = new Map<string, { version: number; value: Decimal }>();

  private book(clientId: string): ClientBook {
    let b = this.clients.get(clientId);
    if (!b) this.clients.set(clientId, (b = { lots: new Map(), realized: ZERO, fees: ZERO, funding: ZERO }));
    return b;
  }

  setMark(symbol: string, price: number | string): void {
    const p = new Decimal(price);
    if (!p.gt(0)) return;
    const old = this.marks.get(symbol);
    if (old && old.eq(p)) return;
    this.marks.set(symbol, p);
    this.version++;
  }

  mark(symbol: string): Decimal | undefined {
    return this.marks.get(symbol);
  }

  /** A fill of `quantity` at `price`; fee in quote (positive = paid). */
  applyFill(clientId: string, symbol: string, side: Side, quantity: string, price: string, fee = '0'): void {
    const b = this.book(clientId);
    const q = new Decimal(quantity);
    if (q.lte(0)) return;
    this.version++;
    const px = new Decimal(price);
    const signed = side === 'buy' ? q : q.neg();
    const lot = b.lots.get(symbol) ?? { qty: ZERO, avg: ZERO };
    b.fees = b.fees.plus(fee);
    if (lot.qty.isZero() || lot.qty.isNeg() === signed.isNeg()) {
      const total = lot.qty.abs().plus(q);
      lot.avg = lot.qty.abs().mul(lot.avg).plus(q.mul(px)).div(total);
      lot.qty = lot.qty.plus(signed);
    } else {
      const closing = Decimal.min(q, lot.qty.abs());
      const dir = lot.qty.isNeg() ? -1 : 1;
      b.realized = b.realized.plus(closing.mul(px.minus(lot.avg)).mul(dir));
      lot.qty = lot.qty.plus(signed);
      if (lot.qty.isZero()) lot.avg = ZERO;
      else if (lot.qty.isNeg() !== dir < 0) lot.avg = px; // flipped: the remainder opened at px
    }
    b.lots.set(symbol, lot);
    if (!this.marks.has(symbol)) this.marks.set(symbol, px);
  }

  /** A funding settlement: positive rate, longs pay shorts (payment = qty * mark * rate). */
  applyFunding(symbol: string, rate: number): void {
    const mark = this.marks.get(symbol);
    if (!mark || !Number.isFinite(rate)) return;
    this.version++;
    for (const b of this.clients.values()) {
      const lot = b.lots.get(symbol);
      if (lot && !lot.qty.isZero()) b.funding = b.funding.minus(lot.qty.mul(mark).mul(rate));
    }
  }

  position(clientId: string, symbol: string): Decimal {
    return this.clients.get(clientId)?.lots.get(symbol)?.qty ?? ZERO;
  }

  symbols(clientId: string): string[] {
    return [...(this.clients.get(clientId)?.lots.keys() ?? [])];
  }

  /** Realized - fees + funding + unrealized at marks (the entry price where no mark is known). */
  cumulativePnl(clientId: string): Decimal {
    const hit = this.pnlCache.get(clientId);
    if (hit && hit.version === this.version) return hit.value;
    const value = this.computePnl(clientId);
    this.pnlCache.set(clientId, { version: this.version, value });
    return value;
  }

  private computePnl(clientId: string): Decimal {
    const b = this.clients.get(clientId);
    if (!b) return ZERO;
    let u = ZERO;
    for (const [symbol, lot] of b.lots) {
      if (lot.qty.isZero()) continue;
      const m = this.marks.get(symbol) ?? lot.avg;
      u = u.plus(lot.qty.mul(m.minus(lot.avg)));
    }
    return b.realized.minus(b.fees).plus(b.funding).plus(u);
  }

  breakdown(clientId: string): { realized: string; unrealized: string; fees: string; funding: string } {
    const b = this.clients.get(clientId);
    if (!b) return { realized: '0', unrealized: '0', fees: '0', funding: '0' };
    const total = this.cumulativePnl(clientId);
    const unrealized = total.minus(b.realized).plus(b.fees).minus(b.funding);
    return {
      realized: b.realized.toFixed(),
      unrealized: unrealized.toFixed(),
      fees: b.fees.toFixed(),
      funding: b.funding.toFixed(),
    };
  }
}
