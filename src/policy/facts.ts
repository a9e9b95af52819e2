/** What rules look at, derived once per decision from the RiskContext and the policy state.
 * Computed lazily: a set whose rules never mention exposure never pays for it. */
import { Decimal } from '../core/decimal.js';
import type { RegimeLabel, RiskContext } from '../core/types.js';
import { orderFingerprint, type PolicyStateView } from './state.js';

const ZERO = new Decimal(0);

export class Facts {
  readonly regime: RegimeLabel;
  readonly qty: Decimal;
  private cache = new Map<string, unknown>();

  constructor(
    readonly ctx: RiskContext,
    readonly state: PolicyStateView,
  ) {
    const unknown = ctx.score.status === 'unavailable' || ctx.market.degraded;
    this.regime = unknown ? 'unknown' : ctx.score.regime;
    this.qty = new Decimal(ctx.intent.quantity);
  }

  private memo<T>(key: string, f: () => T): T {
    if (this.cache.has(key)) return this.cache.get(key) as T;
    const v = f();
    this.cache.set(key, v);
    return v;
  }

  get probability(): number | undefined {
    return this.regime !== 'unknown' && this.ctx.score.status === 'ok' ? this.ctx.score.probability : undefined;
  }

  /** Mark, else last, else mid: the reference the collar and market-order notional use. */
  get refPrice(): Decimal | undefined {
    return this.memo('ref', () => {
      const m = this.ctx.market;
      const mid = m.bid !== undefined && m.ask !== undefined ? (m.bid + m.ask) / 2 : undefined;
      const p = [m.mark, m.last, mid].find((x) => x !== undefined && Number.isFinite(x) && x > 0);
      return p === undefined ? undefined : new Decimal(p);
    });
  }

  /** The price the order trades at for sizing: the limit price, else the reference. */
  get orderPrice(): Decimal | undefined {
    return this.memo('op', () => (this.ctx.intent.price !== undefined ? new Decimal(this.ctx.intent.price) : this.refPrice));
  }

  get notional(): Decimal | undefined {
    return this.memo('notional', () => {
      const p = this.orderPrice;
      return p ? this.qty.mul(p) : undefined;
    });
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
    return this.memo('exp', () => {
      const e = this.ctx.exposure;
      const venueOpen = new Decimal(e.openOrdersNotional);
      const gwOpen = new Decimal(this.state.openNotional(this.ctx.intent.clientId));
      return Decimal.max(ZERO, new Decimal(e.clientNotional).minus(venueOpen)).plus(Decimal.max(venueOpen, gwOpen));
    });
  }

  feature(name: string): number | undefined {
    const v = this.ctx.market.features[name];
    return v !== undefined && Number.isFinite(v) ? v : undefined;
  }

  get fingerprint(): string {
    return this.memo('fp', () => orderFingerprint(this.ctx.intent));
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
