/** Balance and positions from the venue → AccountState, cached: refreshed when older than the
 * interval or marked dirty (after fills), stale-while-revalidate once a first state exists, so
 * an order never waits for a venue round trip to read exposure. */
import { Decimal } from '../../core/decimal.js';
import type { AccountState, PositionState } from '../../core/types.js';

export interface CcxtPositionLike {
  readonly symbol?: string;
  readonly contracts?: number;
  readonly contractSize?: number;
  readonly side?: string;
  readonly entryPrice?: number;
  readonly leverage?: number;
  readonly notional?: number;
  readonly initialMargin?: number;
  readonly marginMode?: string;
  readonly collateral?: number;
  readonly liquidationPrice?: number;
  readonly unrealizedPnl?: number;
  readonly maintenanceMargin?: number;
  readonly info?: unknown;
}

export interface CcxtBalanceLike {
  readonly info?: unknown;
  readonly free?: Readonly<Record<string, number | undefined>>;
  readonly total?: Readonly<Record<string, number | undefined>>;
}

const d = (v: unknown, dflt = '0'): string => {
  if (typeof v === 'string' && /^-?[0-9]+(\.[0-9]+)?$/.test(v)) return new Decimal(v).toFixed();
  if (typeof v === 'number' && Number.isFinite(v)) return new Decimal(v).toFixed();
  return dflt;
};

function positionFromCcxt(account: string, p: CcxtPositionLike): PositionState | undefined {
  const info = (p.info ?? {}) as Record<string, unknown>;
  const raw = info.positionAmt;
  let qty =
    typeof raw === 'string'
      ? new Decimal(d(raw))
      : new Decimal(p.contracts ?? 0).mul(p.contractSize ?? 1).mul(p.side === 'short' ? -1 : 1);
  if (qty.isZero() || !p.symbol) return undefined;
  if (typeof raw !== 'string' && p.side === 'short' && qty.gt(0)) qty = qty.neg();
  const isolated = p.marginMode === 'isolated';
  // Binance v3 positionRisk has no leverage: derive it from notional / initial margin.
  let leverage = p.leverage !== undefined && p.leverage > 0 ? new Decimal(p.leverage) : undefined;
  if (!leverage && p.notional && p.initialMargin && p.initialMargin > 0)
    leverage = new Decimal(Math.abs(p.notional)).div(p.initialMargin).toDecimalPlaces(0);
  return {
    account,
    symbol: p.symbol,
    quantity: qty.toFixed(),
    entryPrice: d(info.entryPrice ?? p.entryPrice),
    leverage: (leverage ?? new Decimal(1)).toFixed(),
    marginMode: isolated ? 'isolated' : 'cross',
    isolatedMargin: isolated ? d(info.isolatedMargin ?? p.collateral) : '0',
    ...(p.liquidationPrice && p.liquidationPrice > 0
      ? { liquidationPrice: d(info.liquidationPrice ?? p.liquidationPrice) }
      : {}),
    unrealizedPnl: d(info.unRealizedProfit ?? p.unrealizedPnl),
  };
}

export function accountFromCcxt(
  account: string,
  quote: string,
  bal: CcxtBalanceLike,
  positions: readonly CcxtPositionLike[],
): AccountState {
  const info = (bal.info ?? {}) as Record<string, unknown>;
  const pos = positions.map((p) => positionFromCcxt(account, p)).filter((p): p is PositionState => p !== undefined);
  const upnl = pos.reduce((s, p) => s.plus(p.unrealizedPnl), new Decimal(0));
  const wallet =
    info.totalWalletBalance !== undefined
      ? d(info.totalWalletBalance)
      : new Decimal(d(bal.total?.[quote])).minus(upnl).toFixed();
  const marginBalance = info.totalMarginBalance !== undefined ? d(info.totalMarginBalance) : d(bal.total?.[quote]);
  const available = info.availableBalance !== undefined ? d(info.availableBalance) : d(bal.free?.[quote]);
  const maint =
    info.totalMaintMargin !== undefined
      ? d(info.totalMaintMargin)
      : positions.reduce((s, p) => s.plus(d(p.maintenanceMargin)), new Decimal(0)).toFixed();
  const mb = new Decimal(marginBalance);
  return {
    account,
    walletBalance: wallet,
    availableBalance: available,
    marginBalance,
    maintMargin: maint,
    marginRatio: mb.gt(0) ? new Decimal(maint).div(mb).toNumber() : 0,
    positions: pos,
  };
}

/** Single-flight cache with an age limit and a dirty flag. A dirty mark (a fill) refreshes at
 * most every `minRefreshMs`: at hundreds of fills a second, one refresh per fill would spend
 * the venue's request weight on account reads.
 *
 * `maxStaleMs` bounds stale-while-revalidate: a view whose read was sent longer ago than that is
 * never served; the caller waits for a fresh one, and a failed read throws (fail closed). Replicas
 * sharing an account set it (cluster.accountViewMaxAgeMs) so that no decision rests on a view
 * older than the time a filled order's reservation is kept. Age counts from when the read was
 * sent: a fill before that instant is in the view. */
export class AccountCache {
  private value: AccountState | undefined;
  private at = -Infinity;
  private dirty = false;
  private inflight: Promise<AccountState> | undefined;

  constructor(
    private readonly load: () => Promise<AccountState>,
    private readonly now: () => number,
    private readonly maxAgeMs: number,
    private readonly minRefreshMs = 250,
    private readonly maxStaleMs = Infinity,
  ) {}

  markDirty(): void {
    this.dirty = true;
  }

  /** The cached state; a refresh starts when stale or dirty (awaited only when there is none). */
  async get(): Promise<AccountState> {
    const age = this.now() - this.at;
    const stale = age > Math.min(this.maxAgeMs, this.maxStaleMs) || (this.dirty && age >= this.minRefreshMs);
    if (stale && !this.inflight) {
      this.dirty = false;
      const sentAt = this.now();
      this.inflight = this.load()
        .then((v) => {
          this.value = v;
          this.at = sentAt;
          return v;
        })
        .finally(() => {
          this.inflight = undefined;
        });
    }
    if (this.value && age <= this.maxStaleMs) {
      this.inflight?.catch(() => undefined);
      return this.value;
    }
    return this.inflight!;
  }

  peek(): AccountState | undefined {
    return this.value;
  }
}
