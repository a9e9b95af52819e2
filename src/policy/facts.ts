/** What rules look at, derived once per decision from the RiskContext and the policy state.
 * Computed lazily: a set whose rules never mention exposure never pays for it. */
import { Decimal } from '../core/decimal.js';
import type { RegimeLabel, RiskContext } from '../core/types.js';
import { orderFingerprint, type PolicyStateView } from './state.js';

const ZERO = new Decimal(0);
const NOT = Symbol('not computed');
const usable = (x: number | undefined): x is number => x !== undefined && Number.isFinite(x) && x > 0;

export class Facts {
  readonly regime: RegimeLabel;
  /** Float shadows of the order-path values: only for clear-cut comparisons (see conditions.ts). */
  readonly qtyF: number;
  // Memo slots (NOT = not computed yet): a Map per decision costs more than the values.
  private _ref: Decimal | undefined | typeof NOT = NOT;
  private _op: Decimal | undefined | typeof NOT = NOT;
  private _notional: Decimal | undefined | typeof NOT = NOT;
  private _exp: Decimal | typeof NOT = NOT;
  private _fp: string | typeof NOT = NOT;
  private _qty: Decimal | undefined;

  get qty(): Decimal {
    return (this._qty ??= new Decimal(this.ctx.intent.quantity));
  }

  constructor(
    readonly ctx: RiskContext,
    readonly state: PolicyStateView,
  ) {
    const unknown = ctx.score.status === 'unavailable' || ctx.market.degraded;
    this.regime = unknown ? 'unknown' : ctx.score.regime;
    this.qtyF = Number(ctx.intent.quantity);
  }

  get refPriceF(): number | undefined {
    const m = this.ctx.market;
    if (usable(m.mark)) return m.mark;
    if (usable(m.last)) return m.last;
    const mid = m.bid !== undefined && m.ask !== undefined ? (m.bid + m.ask) / 2 : undefined;
    return usable(mid) ? mid : undefined;
  }

  get orderPriceF(): number | undefined {
    return this.ctx.intent.price !== undefined ? Number(this.ctx.intent.price) : this.refPriceF;
  }

  get notionalF(): number | undefined {
    const p = this.orderPriceF;
    return p === undefined ? undefined : this.qtyF * p;
  }

  get probability(): number | undefined {
    return this.regime !== 'unknown' && this.ctx.score.status === 'ok' ? this.ctx.score.probability : undefined;
  }

  /** Mark, else last, else mid: the reference the collar and market-order notional use. */
  get refPrice(): Decimal | undefined {
    if (this._ref !== NOT) return this._ref;
    const m = this.ctx.market;
    const mid = m.bid !== undefined && m.ask !== undefined ? (m.bid + m.ask) / 2 : undefined;
    const p = usable(m.mark) ? m.mark : usable(m.last) ? m.last : usable(mid) ? mid : undefined;
    return (this._ref = p === undefined ? undefined : new Decimal(p));
  }

  /** The price the order trades at for sizing: the limit price, else the reference. */
  get orderPrice(): Decimal | undefined {
    if (this._op !== NOT) return this._op;
    return (this._op = this.ctx.intent.price !== undefined ? new Decimal(this.ctx.intent.price) : this.refPrice);
  }

  get notional(): Decimal | undefined {
    if (this._notional !== NOT) return this._notional;
    const p = this.orderPrice;
    return (this._notional = p ? this.qty.mul(p) : undefined);
  }

  get notionalNumber(): number | undefined {
    const n = this.notional;
    return n ? n.toNumber() : undefined;
  }

  get priceDeviationPct(): number | undefined {
    if (this.ctx.intent.type === 'market' || this.ctx.intent.price === undefined) return 0;
    const ref = this.refPrice;
    if (!ref) return undefined;
    return new Decimal(this.ctx.intent.price).minus(ref).abs().div(ref).mul(100).toNumber();
  }

  get flatAfterFill(): boolean {
    return new Decimal(this.ctx.exposure.postFillQuantity).isZero();
  }

  get postFillLeverage(): number | undefined {
    const l = this.ctx.exposure.postFillLeverage;
    return l !== undefined ? l : this.flatAfterFill ? 0 : undefined;
  }

  /** A flat position has no liquidation price: its distance is infinite, not missing. */
  get liquidationDistancePct(): number | undefined {
    const d = this.ctx.exposure.distanceToLiquidationPct;
    return d !== undefined ? d : this.flatAfterFill ? Infinity : undefined;
  }

  get liquidationDistanceVol(): number | undefined {
    const d = this.ctx.exposure.distanceToLiquidationVol;
    return d !== undefined ? d : this.flatAfterFill ? Infinity : undefined;
  }

  get touchProbability(): number | undefined {
    const t = this.ctx.exposure.touchProbability;
    return t !== undefined ? t : this.flatAfterFill ? 0 : undefined;
  }

  /** Positions + this order + open orders counted once: the larger of the venue's view and the
   * gateway's (which also sees split children not yet sent). */
  get clientExposure(): Decimal {
    if (this._exp !== NOT) return this._exp;
    const e = this.ctx.exposure;
    const venueOpen = new Decimal(e.openOrdersNotional);
    const gwOpen = new Decimal(this.state.openNotional(this.ctx.intent.clientId));
    return (this._exp = Decimal.max(ZERO, new Decimal(e.clientNotional).minus(venueOpen)).plus(
      Decimal.max(venueOpen, gwOpen),
    ));
  }

  get clientExposureF(): number {
    const e = this.ctx.exposure;
    const venueOpen = Number(e.openOrdersNotional);
    return (
      Math.max(0, Number(e.clientNotional) - venueOpen) +
      Math.max(venueOpen, Number(this.state.openNotional(this.ctx.intent.clientId)))
    );
  }

  feature(name: string): number | undefined {
    const v = this.ctx.market.features[name];
    return v !== undefined && Number.isFinite(v) ? v : undefined;
  }

  get fingerprint(): string {
    if (this._fp !== NOT) return this._fp;
    return (this._fp = orderFingerprint(this.ctx.intent));
  }

  /** The order really reduces the position and does not flip it. */
  get reducing(): boolean {
    const e = this.ctx.exposure;
    if (!e.reducesPosition) return false;
    const before = new Decimal(e.position?.quantity ?? '0');
    const after = new Decimal(e.postFillQuantity);
    return !before.isZero() && (after.isZero() || after.isNeg() === before.isNeg()) && after.abs().lt(before.abs());
  }
}
