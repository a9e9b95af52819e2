/** Accounts of the simulated venue: wallets, one-way positions, per-symbol leverage and margin
 * mode, the ledger and the equity history. Valuation reuses src/account so the venue and the
 * gateway's exposure math agree exactly. Wallet movements are rounded to 8 decimals (Binance
 * settles USDT to 1e-8), so the wallet is always the exact sum of its ledger. */
import { applyFill, isolatedMarginAfter } from '../../account/exposure.js';
import { liquidationPrice, type LiquidationResult } from '../../account/liquidation.js';
import { maintenanceMargin, marginRatio } from '../../account/margin.js';
import { Decimal } from '../../core/decimal.js';
import type { AccountState, InstrumentSpec, MarginMode, PositionState } from '../../core/types.js';
import type { PositionWithMargin } from '../../account/exposure.js';
import type { EquityPoint, LedgerEntry, SimAccount, SimPosition, SymbolMarket, SymbolSettings } from './state.js';

export interface BookOptions {
  readonly initialBalance: Decimal;
  readonly defaultLeverage: Decimal;
  readonly defaultMarginMode: MarginMode;
  readonly maxLedgerEntries: number;
  readonly maxEquityPoints: number;
}

const ZERO = new Decimal(0);
const money = (d: Decimal): Decimal => d.toDecimalPlaces(8);
const show = (d: Decimal): string => d.toDecimalPlaces(8).toFixed();

interface PositionValue {
  readonly symbol: string;
  readonly pos: SimPosition;
  readonly mode: MarginMode;
  readonly leverage: Decimal;
  readonly mark: Decimal;
  readonly notional: Decimal;
  readonly upnl: Decimal;
  readonly mm: Decimal;
}

export interface Valuation {
  readonly positions: readonly PositionValue[];
  readonly upnl: Decimal;
  readonly mm: Decimal;
  readonly crossUpnl: Decimal;
  readonly crossMM: Decimal;
  readonly crossIM: Decimal; // cross notional / leverage
  readonly isolatedMargin: Decimal; // Σ isolated wallets
}

type Without<T, K extends keyof T> = Omit<T, K>;

export interface CachedLiquidation {
  readonly price: Decimal;
  readonly num: number;
}

const sameKey = (a: readonly unknown[], b: readonly unknown[]): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);

function deepFreeze(s: AccountState): AccountState {
  for (const p of s.positions) Object.freeze(p);
  Object.freeze(s.positions);
  return Object.freeze(s);
}

/** Drop the oldest entries in batches (a bounded history without an O(n) splice per append). */
function trim<T>(list: T[], max: number): void {
  if (list.length > max + Math.ceil(max / 10)) list.splice(0, list.length - max);
}

export class AccountBook {
  private readonly accounts = new Map<string, SimAccount>();
  private readonly holders = new Map<string, Set<SimAccount>>(); // symbol → accounts with a position
  private seq = 0;
  private readonly lpCache = new WeakMap<
    SimPosition,
    { version: number; marks: number; value: CachedLiquidation | undefined }
  >();

  // Valuation and account state per account, valid while everything they are computed from is
  // the same object or value: the account version (wallet, positions), per held symbol its mark
  // (a Decimal, replaced on every change), leverage and margin mode, and for the state the
  // open-order margin. The gateway reads the state and the venue the available balance once per
  // order; between fills and mark moves they are the same.
  private readonly valuationCache = new WeakMap<SimAccount, { key: unknown[]; value: Valuation }>();
  private readonly stateCache = new WeakMap<SimAccount, { key: unknown[]; margin: Decimal; state: AccountState }>();

  constructor(
    private readonly opts: BookOptions,
    private readonly instruments: ReadonlyMap<string, InstrumentSpec>,
    private readonly markets: ReadonlyMap<string, SymbolMarket>,
  ) {}

  /** The account, created on first use with the initial balance (a 'deposit' ledger entry). */
  get(id: string, ts: number): SimAccount {
    let a = this.accounts.get(id);
    if (!a) {
      a = {
        id,
        wallet: ZERO,
        version: 0,
        positions: new Map(),
        positionEpochs: new Map(),
        settings: new Map(),
        orders: new Map(),
        ledger: [],
        equity: [],
      };
      this.accounts.set(id, a);
      this.credit(a, { ts, kind: 'deposit', amount: this.opts.initialBalance });
    }
    return a;
  }

  peek(id: string): SimAccount | undefined {
    return this.accounts.get(id);
  }

  all(): IterableIterator<SimAccount> {
    return this.accounts.values();
  }

  holdersOf(symbol: string): readonly SimAccount[] {
    const s = this.holders.get(symbol);
    return s ? [...s] : [];
  }

  settings(a: SimAccount, symbol: string): SymbolSettings {
    let s = a.settings.get(symbol);
    if (!s) {
      s = { leverage: this.opts.defaultLeverage, mode: this.opts.defaultMarginMode };
      a.settings.set(symbol, s);
    }
    return s;
  }

  /** Mark price, falling back on the last trade price. */
  mark(symbol: string): Decimal | undefined {
    const m = this.markets.get(symbol);
    return m?.mark ?? m?.price;
  }

  /** Move the wallet by a rounded amount and write the ledger entry. Returns the amount. */
  credit(
    a: SimAccount,
    e: Without<LedgerEntry, 'seq' | 'account' | 'amount' | 'balance'> & { amount: Decimal },
  ): Decimal {
    const amount = money(e.amount);
    a.wallet = a.wallet.plus(amount);
    a.version++;
    a.ledger.push({ ...e, seq: ++this.seq, account: a.id, amount: amount.toFixed(), balance: a.wallet.toFixed() });
    trim(a.ledger, this.opts.maxLedgerEntries);
    return amount;
  }

  /** Apply one fill (signed `delta` at `price`): net the position, realise PnL, adjust isolated
   * margin, charge the fee. `kind` 'liquidation' books the realised PnL as such. */
  fill(
    a: SimAccount,
    symbol: string,
    delta: Decimal,
    price: Decimal,
    fee: Decimal,
    ts: number,
    clientOrderId: string,
    maker: boolean,
    kind: 'trade' | 'liquidation' = 'trade',
  ): Decimal {
    const pos = a.positions.get(symbol) ?? { qty: ZERO, entry: ZERO, isolatedMargin: ZERO };
    const s = this.settings(a, symbol);
    const f = applyFill(pos.qty, pos.entry, delta, price, false);
    const im = s.mode === 'isolated' ? isolatedMarginAfter(pos.isolatedMargin, pos.qty, f, price, s.leverage) : ZERO;
    const realized = this.credit(a, {
      ts,
      kind,
      symbol,
      amount: f.realized,
      quantity: delta.toFixed(),
      price: price.toFixed(),
      clientOrderId,
      maker,
    });
    if (!fee.isZero())
      this.credit(a, {
        ts,
        kind: kind === 'liquidation' ? 'liquidation_fee' : 'fee',
        symbol,
        amount: fee.neg(),
        clientOrderId,
      });
    this.setPosition(a, symbol, { qty: f.q1, entry: f.ep1, isolatedMargin: im });
    return realized;
  }

  /** Funding: payment = −quantity × mark × rate (longs pay shorts when rate > 0). An isolated
   * position's margin absorbs its own payment. */
  funding(a: SimAccount, symbol: string, rate: Decimal, mark: Decimal, ts: number): Decimal {
    const pos = a.positions.get(symbol);
    if (!pos || pos.qty.isZero()) return ZERO;
    const paid = this.credit(a, {
      ts,
      kind: 'funding',
      symbol,
      amount: pos.qty.mul(mark).mul(rate).neg(),
      rate: rate.toFixed(),
      price: mark.toFixed(),
    });
    if (this.settings(a, symbol).mode === 'isolated') pos.isolatedMargin = pos.isolatedMargin.plus(paid);
    a.version++;
    return paid;
  }

  /** See SimAccount.positionEpochs. */
  positionEpoch(a: SimAccount, symbol: string): number {
    return a.positionEpochs.get(symbol) ?? 0;
  }

  private setPosition(a: SimAccount, symbol: string, p: SimPosition): void {
    a.version++;
    a.positionEpochs.set(symbol, this.positionEpoch(a, symbol) + 1);
    let h = this.holders.get(symbol);
    if (!h) this.holders.set(symbol, (h = new Set()));
    if (p.qty.isZero()) {
      a.positions.delete(symbol);
      h.delete(a);
    } else {
      a.positions.set(symbol, p);
      h.add(a);
    }
  }

  private valuationKey(a: SimAccount): unknown[] {
    const key: unknown[] = [a.version];
    for (const symbol of a.positions.keys()) {
      const s = this.settings(a, symbol);
      key.push(symbol, this.mark(symbol), s.leverage, s.mode);
    }
    return key;
  }

  /** Frozen and shared until one of its inputs changes (see valuationCache). */
  valuation(a: SimAccount): Valuation {
    const key = this.valuationKey(a);
    const hit = this.valuationCache.get(a);
    if (hit && sameKey(hit.key, key)) return hit.value;
    const value = Object.freeze(this.computeValuation(a));
    Object.freeze(value.positions);
    this.valuationCache.set(a, { key, value });
    return value;
  }

  private computeValuation(a: SimAccount): Valuation {
    const positions: PositionValue[] = [];
    let upnl = ZERO,
      mm = ZERO,
      crossUpnl = ZERO,
      crossMM = ZERO,
      crossIM = ZERO,
      isolatedMargin = ZERO;
    for (const [symbol, pos] of a.positions) {
      const inst = this.instruments.get(symbol)!;
      const s = this.settings(a, symbol);
      const mark = this.mark(symbol) ?? pos.entry;
      const notional = pos.qty.abs().mul(mark);
      const v: PositionValue = {
        symbol,
        pos,
        mode: s.mode,
        leverage: s.leverage,
        mark,
        notional,
        upnl: mark.minus(pos.entry).mul(pos.qty),
        mm: maintenanceMargin(notional, inst.brackets),
      };
      positions.push(v);
      upnl = upnl.plus(v.upnl);
      mm = mm.plus(v.mm);
      if (s.mode === 'cross') {
        crossUpnl = crossUpnl.plus(v.upnl);
        crossMM = crossMM.plus(v.mm);
        crossIM = crossIM.plus(notional.div(s.leverage));
      } else isolatedMargin = isolatedMargin.plus(pos.isolatedMargin);
    }
    return { positions, upnl, mm, crossUpnl, crossMM, crossIM, isolatedMargin };
  }

  /** Liquidation price of one position: isolated on its own margin; cross on the cross wallet
   * with every other cross position valued at its current mark. */
  liquidation(a: SimAccount, symbol: string, v: Valuation = this.valuation(a)): LiquidationResult | undefined {
    const me = v.positions.find((p) => p.symbol === symbol);
    if (!me) return undefined;
    const brackets = this.instruments.get(symbol)!.brackets;
    if (me.mode === 'isolated')
      return liquidationPrice({
        quantity: me.pos.qty,
        entryPrice: me.pos.entry,
        balance: me.pos.isolatedMargin,
        brackets,
      });
    return liquidationPrice({
      quantity: me.pos.qty,
      entryPrice: me.pos.entry,
      balance: a.wallet.minus(v.isolatedMargin),
      otherMaintMargin: v.crossMM.minus(me.mm),
      otherUnrealizedPnl: v.crossUpnl.minus(me.upnl),
      brackets,
    });
  }

  /** liquidation() memoised per position: valid while the account is unchanged and, for cross,
   * while no other held symbol's mark moved. The per-step liquidation scan runs on this. */
  cachedLiquidation(a: SimAccount, symbol: string): CachedLiquidation | undefined {
    const pos = a.positions.get(symbol);
    if (!pos) return undefined;
    let marks = 0;
    if (this.settings(a, symbol).mode === 'cross')
      for (const s of a.positions.keys()) if (s !== symbol) marks += this.markets.get(s)?.markVersion ?? 0;
    const c = this.lpCache.get(pos);
    if (c && c.version === a.version && c.marks === marks) return c.value;
    const lp = this.liquidation(a, symbol);
    const value = lp ? { price: lp.price, num: lp.price.toNumber() } : undefined;
    this.lpCache.set(pos, { version: a.version, marks, value });
    return value;
  }

  /** Binance-style: cross wallet + cross uPnL − cross initial margin − open-order margin. */
  available(a: SimAccount, openOrderMargin: Decimal, v: Valuation = this.valuation(a)): Decimal {
    return a.wallet.minus(v.isolatedMargin).plus(v.crossUpnl).minus(v.crossIM).minus(openOrderMargin);
  }

  /** Frozen and shared by every read until one of its inputs changes (see stateCache). */
  state(a: SimAccount, openOrderMargin: Decimal): AccountState {
    const key = this.valuationKey(a);
    const hit = this.stateCache.get(a);
    if (hit && hit.margin.eq(openOrderMargin) && sameKey(hit.key, key)) return hit.state;
    const state = deepFreeze(this.computeState(a, openOrderMargin));
    this.stateCache.set(a, { key, margin: openOrderMargin, state });
    return state;
  }

  private computeState(a: SimAccount, openOrderMargin: Decimal): AccountState {
    const v = this.valuation(a);
    const positions: PositionWithMargin[] = v.positions.map((p) => {
      const lp = this.liquidation(a, p.symbol, v);
      const out: PositionState & { maintMargin: string; markPrice: string } = {
        account: a.id,
        symbol: p.symbol,
        quantity: p.pos.qty.toFixed(),
        entryPrice: show(p.pos.entry),
        leverage: p.leverage.toFixed(),
        marginMode: p.mode,
        isolatedMargin: show(p.pos.isolatedMargin),
        unrealizedPnl: show(p.upnl),
        maintMargin: show(p.mm),
        markPrice: p.mark.toFixed(),
        ...(lp ? { liquidationPrice: show(lp.price) } : {}),
      };
      return out;
    });
    return {
      account: a.id,
      walletBalance: a.wallet.toFixed(),
      availableBalance: show(this.available(a, openOrderMargin, v)),
      marginBalance: show(a.wallet.plus(v.upnl)),
      maintMargin: show(v.mm),
      marginRatio: marginRatio(v.mm, a.wallet.plus(v.upnl)),
      positions,
    };
  }

  snapshotEquity(a: SimAccount, ts: number): void {
    let upnl = ZERO;
    for (const [symbol, pos] of a.positions)
      upnl = upnl.plus((this.mark(symbol) ?? pos.entry).minus(pos.entry).mul(pos.qty));
    const p: EquityPoint = {
      ts,
      wallet: a.wallet.toFixed(),
      unrealizedPnl: show(upnl),
      equity: show(a.wallet.plus(upnl)),
    };
    a.equity.push(p);
    trim(a.equity, this.opts.maxEquityPoints);
  }
}
