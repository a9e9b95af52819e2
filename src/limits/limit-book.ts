/** The gateway-side state behind the hierarchy controls: PnL per scope (daily and from the
 * equity peak), latches, message counters per client, and the view the pure policy pass reads
 * (ctx.limits). Fills, marks and funding come in through on*(); every one re-checks the loss
 * limits of the affected scopes, so a limit latches at the exact fill (or mark) that crosses it.
 * A daily latch clears when its period rolls; any latch clears on an operator reset. */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Decimal } from '../core/decimal.js';
import type {
  LatchState,
  LimitView,
  RestingOrderRef,
  ScopeFacts,
  ScopeLatch,
  ScopeLevel,
  ScopeRef,
} from '../core/limit-view.js';
import { globMatch, lossBreach, type LossLimitSpec } from '../core/loss-limit.js';
import type { OrderIntent, Side } from '../core/types.js';
import { Hierarchy, scopeKeyOf } from './hierarchy.js';
import { MessageCounters } from './message-counters.js';
import { periodIndex } from './period.js';
import { PnlLedger } from './pnl-ledger.js';

const ZERO = new Decimal(0);

export interface LatchEvent {
  readonly type: 'latch';
  readonly ts: number;
  readonly scope: ScopeRef;
  readonly state: LatchState | 'cleared';
  readonly reason: string;
  readonly operator?: string;
}

interface StoredLatch extends ScopeLatch {
  readonly kind: 'daily' | 'drawdown';
  readonly period: number;
}

interface ScopePnl {
  period: number;
  dayBase: Decimal; // cumulative PnL when the period started
  peak: Decimal;
  offset: Decimal; // cumulative PnL at the last operator reset
}

export interface LimitBookOptions {
  readonly hierarchy: Hierarchy;
  /** Working orders of a symbol (self-trade prevention). */
  readonly resting?: (symbol: string) => readonly RestingOrderRef[];
  /** The enforcing set's loss limits (they change on policy reload). */
  readonly lossLimits?: () => readonly LossLimitSpec[];
  readonly onLatch?: (e: LatchEvent) => void;
  /** Latches survive restarts here (JSON, written atomically). */
  readonly stateFile?: string;
  /** How long message history is kept (the longest ratio window). Default 24 h. */
  readonly retentionMs?: number;
}

export class LimitBook {
  readonly ledger = new PnlLedger();
  readonly counters: MessageCounters;
  private readonly pnl = new Map<string, ScopePnl>();
  private readonly latches = new Map<string, StoredLatch>();

  constructor(private readonly o: LimitBookOptions) {
    this.counters = new MessageCounters(o.retentionMs ?? 86_400_000);
    if (o.stateFile && existsSync(o.stateFile)) {
      const saved = JSON.parse(readFileSync(o.stateFile, 'utf8')) as Record<string, StoredLatch>;
      for (const [k, v] of Object.entries(saved)) this.latches.set(k, v);
    }
  }

  get hierarchy(): Hierarchy {
    return this.o.hierarchy;
  }

  private period(now: number): number {
    const c = this.o.hierarchy.config;
    return periodIndex(now, c.dayStart, c.timeZone);
  }

  private cumulative(ref: ScopeRef): Decimal {
    let sum = ZERO;
    for (const c of this.o.hierarchy.membersOf(ref)) sum = sum.plus(this.ledger.cumulativePnl(c));
    return sum;
  }

  /** Brings a scope's PnL state to `now`: a new period re-bases the day and clears daily latches. */
  private touch(ref: ScopeRef, now: number): { cum: Decimal; st: ScopePnl } {
    const key = scopeKeyOf(ref);
    const p = this.period(now);
    const raw = this.cumulative(ref);
    let st = this.pnl.get(key);
    if (!st) this.pnl.set(key, (st = { period: p, dayBase: raw, peak: raw, offset: ZERO }));
    if (st.period !== p) {
      st.period = p;
      st.dayBase = raw;
      const l = this.latches.get(key);
      if (l && l.kind === 'daily' && l.period !== p)
        this.clear(ref, now, `period rolled (${this.o.hierarchy.config.dayStart} ${this.o.hierarchy.config.timeZone})`);
    }
    if (raw.gt(st.peak)) st.peak = raw;
    return { cum: raw, st };
  }

  facts(ref: ScopeRef, now: number): ScopeFacts {
    const { cum, st } = this.touch(ref, now);
    const members = this.o.hierarchy.membersOf(ref);
    const ledger = this.ledger;
    const latch = this.latches.get(scopeKeyOf(ref));
    const positionQuantity = (symbol: string): string =>
      members.reduce((a, c) => a.plus(ledger.position(c, symbol)), ZERO).toFixed();
    let gross = ZERO;
    let net = ZERO;
    for (const s of new Set(members.flatMap((c) => ledger.symbols(c)))) {
      const q = new Decimal(positionQuantity(s));
      const m = ledger.mark(s) ?? ZERO;
      gross = gross.plus(q.abs().mul(m));
      net = net.plus(q.mul(m));
    }
    return {
      scope: ref,
      dailyPnl: cum.minus(st.dayBase).toFixed(),
      drawdown: st.peak.minus(cum).toFixed(),
      totalPnl: cum.minus(st.offset).toFixed(),
      ...(latch
        ? { latch: { state: latch.state, reason: latch.reason, since: latch.since, ruleId: latch.ruleId } }
        : {}),
      positionQuantity,
      grossNotional: gross.toFixed(),
      netNotional: net.toFixed(),
    };
  }

  /** What the policy pass reads for one order. */
  view(intent: Pick<OrderIntent, 'clientId' | 'symbol' | 'intentId'>, now: number): LimitView {
    const path = this.o.hierarchy.path(intent.clientId);
    const cache = new Map<ScopeLevel, ScopeFacts>();
    const c = this.counters;
    return {
      scope: (level) => {
        const ref = path.find((s) => s.level === level);
        if (!ref) return undefined;
        let f = cache.get(level);
        if (!f) cache.set(level, (f = this.facts(ref, now)));
        return f;
      },
      latch: (level) => {
        const ref = path.find((s) => s.level === level);
        const l = ref && this.currentLatch(ref, now);
        return ref && l
          ? { scope: ref, latch: { state: l.state, reason: l.reason, since: l.since, ruleId: l.ruleId } }
          : undefined;
      },
      orderCount: (since) => c.count('order', intent.clientId, since),
      tradeCount: (since) => c.count('trade', intent.clientId, since),
      cancelCount: (since) => c.count('cancel', intent.clientId, since),
      resting: (level) => {
        const ref = path.find((s) => s.level === level);
        if (!ref || !this.o.resting) return [];
        const members = new Set(this.o.hierarchy.membersOf(ref));
        return this.o.resting(intent.symbol).filter((r) => members.has(r.clientId) && r.intentId !== intent.intentId);
      },
    };
  }

  /** A daily latch of a past period is cleared (with its event) before it is read. */
  private currentLatch(ref: ScopeRef, now: number): StoredLatch | undefined {
    const l = this.latches.get(scopeKeyOf(ref));
    if (l && l.kind === 'daily' && l.period !== this.period(now)) {
      this.touch(ref, now);
      return this.latches.get(scopeKeyOf(ref));
    }
    return l;
  }

  latchOf(ref: ScopeRef): ScopeLatch | undefined {
    return this.latches.get(scopeKeyOf(ref));
  }

  // ─── inputs ────────────────────────────────────────────────────────────────────────────────

  onFill(
    clientId: string,
    symbol: string,
    side: Side,
    quantity: string,
    price: string,
    fee: string | undefined,
    now: number,
  ): void {
    this.ledger.applyFill(clientId, symbol, side, quantity, price, fee ?? '0');
    this.counters.record('trade', clientId, now);
    this.check(this.o.hierarchy.path(clientId), now);
  }

  onMark(symbol: string, price: number, now: number): void {
    this.ledger.setMark(symbol, price);
    this.check(this.o.hierarchy.scopes(), now);
  }

  onFunding(symbol: string, rate: number, now: number): void {
    this.ledger.applyFunding(symbol, rate);
    this.check(this.o.hierarchy.scopes(), now);
  }

  /** Rolls every scope to `now` (clears daily latches of a past period); call from a timer. */
  tick(now: number): void {
    for (const ref of this.o.hierarchy.scopes()) this.touch(ref, now);
  }

  /** Loss limits of these scopes against their PnL now; a breach latches (once). */
  check(scopes: readonly ScopeRef[], now: number): void {
    const specs = this.o.lossLimits?.() ?? [];
    if (!specs.length) {
      for (const ref of scopes) this.touch(ref, now); // peaks and day bases stay current for conditions
      return;
    }
    for (const ref of scopes) {
      const f = this.facts(ref, now);
      if (f.latch) continue;
      for (const spec of specs) {
        if (spec.level !== ref.level || !globMatch(spec.ids, ref.id)) continue;
        const b = lossBreach(spec, f);
        if (b) {
          this.latch(ref, spec.onBreach, b.reason, spec.ruleId, b.kind, now);
          break;
        }
      }
    }
  }

  latch(
    ref: ScopeRef,
    state: LatchState,
    reason: string,
    ruleId: string,
    kind: 'daily' | 'drawdown',
    now: number,
  ): void {
    const key = scopeKeyOf(ref);
    const prev = this.latches.get(key);
    if (prev && (prev.state === 'halt' || prev.state === state)) return;
    this.latches.set(key, { state, reason, since: now, ruleId, kind, period: this.period(now) });
    this.save();
    this.o.onLatch?.({ type: 'latch', ts: now, scope: ref, state, reason });
  }

  /** Operator reset: clears the latch and starts the scope's day and peak afresh from its PnL now
   * (otherwise the same loss would latch it again at the next mark). False: nothing latched. */
  reset(ref: ScopeRef, operator: string, now: number): boolean {
    const { cum, st } = this.touch(ref, now);
    st.dayBase = cum;
    st.peak = cum;
    st.offset = cum;
    return this.clear(ref, now, 'operator reset', operator);
  }

  private clear(ref: ScopeRef, now: number, why: string, operator?: string): boolean {
    const key = scopeKeyOf(ref);
    const prev = this.latches.get(key);
    if (!prev) return false;
    this.latches.delete(key);
    this.save();
    this.o.onLatch?.({
      type: 'latch',
      ts: now,
      scope: ref,
      state: 'cleared',
      reason: `${why}; was ${prev.reason}`,
      ...(operator ? { operator } : {}),
    });
    return true;
  }

  /** Every configured scope with its PnL and latch, for operators. */
  list(now: number): {
    scope: ScopeRef;
    dailyPnl: string;
    drawdown: string;
    totalPnl: string;
    grossNotional: string;
    netNotional: string;
    latch?: ScopeLatch;
  }[] {
    return this.o.hierarchy.scopes().map((ref) => {
      const f = this.facts(ref, now);
      return {
        scope: ref,
        dailyPnl: f.dailyPnl,
        drawdown: f.drawdown,
        totalPnl: f.totalPnl,
        grossNotional: f.grossNotional,
        netNotional: f.netNotional,
        ...(f.latch ? { latch: f.latch } : {}),
      };
    });
  }

  private save(): void {
    const file = this.o.stateFile;
    if (!file) return;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(`${file}.tmp`, JSON.stringify(Object.fromEntries(this.latches), null, 1));
    renameSync(`${file}.tmp`, file);
  }
}
