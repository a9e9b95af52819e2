/** CcxtVenue: the Venue for any ccxt exchange. Placement is guarded in this order: instrument
 * known → venue filters (nothing sent on failure) → the shared VenueBudget → createOrder with
 * the child's clientOrderId. When the answer is lost (timeout, dropped connection, 5xx) the
 * order is looked up by that clientOrderId BEFORE anything is resent: found → adopted; absent
 * once its recvWindow is over (so the lost request can no longer execute) → sent once more
 * with the same id; still unknown → VENUE_UNKNOWN_STATE now and resolved by polling later.
 * An order is therefore never sent twice. */
import { renderDenial, type DenyCode, type DenyParams } from '../../core/deny-codes.js';
import type { Clock } from '../../core/clock.js';
import { LiqguardError } from '../../core/errors.js';
import type {
  AccountState,
  AmendOrderRequest,
  ChildOrderRequest,
  ExecutionReport,
  FundingPayment,
  InstrumentSpec,
  Venue,
} from '../../core/types.js';
import { parseBannedUntil, type VenueBudget } from '../budget/index.js';
import { AccountCache, accountFromCcxt, type CcxtBalanceLike, type CcxtPositionLike } from './account-sync.js';
import { isAmbiguous, isOrderNotFound, mapCcxtError } from './errors.js';
import type { CcxtExchange } from './exchange.js';
import { countdownCancelAll } from './countdown.js';
import { checkFilters } from './filters.js';
import { OrderTracker } from './order-tracker.js';
import type { ConditionalOrderRequest } from '../../core/conditional.js';
import { conditionalParams } from './conditional-orders.js';
import { OrderStream, type WatchOrdersExchange } from './order-stream.js';
import { FundingPoller, type FundingSource } from './funding-poller.js';
import { rejectedReport, reportFromOrder, type CcxtOrderLike } from './reports.js';
import { DECIMAL_ZERO } from '../../core/decimal.js';

export interface CcxtVenueDeps {
  readonly id: string;
  readonly exchange: CcxtExchange;
  readonly budget: VenueBudget;
  readonly instruments: readonly InstrumentSpec[];
  /** Report timestamps (the gateway's decision clock). */
  readonly clock: Clock;
  /** Real time: recvWindow arithmetic and waits. */
  readonly wallClock: Clock;
  readonly recvWindowMs: number;
  readonly accountRefreshMs: number;
  /** Never decide on an account view older than this (cluster.accountViewMaxAgeMs). Default: no bound. */
  readonly accountMaxStaleMs?: number;
  readonly pollIntervalMs: number;
  /** Price to value market orders for the min-notional check (e.g. the market view's mark). */
  readonly refPrice?: (symbol: string) => string | undefined;
  readonly logger?: { warn(o: object, m?: string): void; error(o: object, m?: string): void };
  /** ccxt.pro instance for the venue's user-data stream (watchOrders); absent: polling only. */
  readonly stream?: WatchOrdersExchange;
  /** How often funding income is polled once someone listens (onFunding). Default 60 s. */
  readonly fundingPollMs?: number;
}

type Reconciled =
  { state: 'found'; report: ExecutionReport } | { state: 'absent' } | { state: 'unknown'; reason: string };

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)).unref());

export class CcxtVenue implements Venue {
  readonly id: string;
  private readonly specs: ReadonlyMap<string, InstrumentSpec>;
  private readonly listeners = new Set<(r: ExecutionReport) => void>();
  private readonly tracker: OrderTracker;
  private readonly account: AccountCache;
  private readonly leverage = new Map<string, string>();
  /** Every createOrder actually sent, per clientOrderId (tests and drills read it). */
  readonly sends = new Map<string, number>();
  /** The venue's dead-man switch (Binance USD-M countdownCancelAll); absent elsewhere. */
  readonly armDeadman?: (symbol: string, countdownMs: number) => Promise<void>;

  constructor(private readonly d: CcxtVenueDeps) {
    this.id = d.id;
    this.specs = new Map(d.instruments.map((i) => [i.symbol, i]));
    const arm = countdownCancelAll(d.exchange, d.budget, (s) => this.specs.get(s));
    if (arm) this.armDeadman = arm;
    this.tracker = new OrderTracker(
      d.id,
      {
        openOrders: (s) => this.openReports(s),
        lookup: (r) => this.lookup(r),
        emit: (r) => this.emit(r),
        streaming: () => this.streamLive,
        now: () => d.clock.now(),
        wallNow: () => d.wallClock.now(),
      },
      d.pollIntervalMs,
    );
    this.account = new AccountCache(
      () => this.loadAccount(),
      () => d.wallClock.now(),
      d.accountRefreshMs,
      undefined,
      d.accountMaxStaleMs,
    );
    if (d.stream) {
      this.stream = new OrderStream(d.stream, {
        onOrder: (o) =>
          this.tracker.observe(
            reportFromOrder(
              this.id,
              {
                account: '',
                symbol: o.symbol ?? '',
                clientOrderId: o.clientOrderId ?? '',
                side: o.side === 'sell' ? 'sell' : 'buy',
                quantity: DECIMAL_ZERO,
              },
              o,
              d.clock.now(),
            ),
          ),
        onLive: () => (this.streamLive = true),
        onGap: (reason) => {
          if (this.streamLive) d.logger?.warn({ venue: d.id, reason }, 'user-data stream gap: reconciling by polling');
          this.streamLive = false;
        },
        reconcile: () => this.tracker.poll(true),
      });
      this.stream.start();
    }
  }

  private readonly stream: OrderStream | undefined;
  private readonly fundingListeners = new Set<(p: FundingPayment) => void>();
  private funding: FundingPoller | undefined;
  /** The user-data stream delivered since its last gap: open orders are not polled. */
  private streamLive = false;

  instruments(): readonly InstrumentSpec[] {
    return this.d.instruments;
  }
  instrument(symbol: string): InstrumentSpec | undefined {
    return this.specs.get(symbol);
  }
  get budget(): VenueBudget {
    return this.d.budget;
  }
  get exchange(): CcxtExchange {
    return this.d.exchange;
  }

  async placeOrder(req: ChildOrderRequest): Promise<ExecutionReport> {
    const inst = this.specs.get(req.symbol);
    if (!inst) return this.reject(req, 'VENUE_REJECTED', { symbol: req.symbol, reason: 'not listed by this venue' });
    const bad = checkFilters(req, inst, this.d.refPrice?.(req.symbol));
    if (bad) return rejectedReport(this.id, req, bad.code, bad.reason, this.d.clock.now());
    if (req.leverage !== undefined && this.leverage.get(req.symbol) !== req.leverage) {
      const failed = await this.setLeverage(req);
      if (failed) return failed;
    }
    return this.send(req, 0, 0);
  }

  private async send(req: ChildOrderRequest, resends: number, limited: number): Promise<ExecutionReport> {
    const permit = await this.d.budget.acquire('order', 1);
    if (!permit.ok) return this.reject(req, permit.code, permit.params);
    const sentAt = this.d.wallClock.now();
    this.countSend(req.clientOrderId);
    try {
      const o = (await this.d.exchange.createOrder(
        req.symbol,
        req.type,
        req.side,
        Number(req.quantity),
        req.type === 'limit' ? Number(req.price) : undefined,
        orderParams(req, String(this.d.exchange.id ?? '')),
      )) as CcxtOrderLike;
      return this.adopt(req, reportFromOrder(this.id, req, o, this.d.clock.now()));
    } catch (e) {
      const m = mapCcxtError(e);
      if (m.limit === 418) return this.banned(req, m.reason);
      // 429: the venue did not process it; the budget now holds further sends for Retry-After.
      if (m.limit === 429)
        return limited < 1
          ? this.send(req, resends, limited + 1)
          : rejectedReport(this.id, req, 'VENUE_RATE_LIMITED', m.reason, this.d.clock.now());
      if (!isAmbiguous(e)) return rejectedReport(this.id, req, m.code, m.reason, this.d.clock.now());
      const r = await this.reconcile(req, sentAt);
      if (r.state === 'found') return this.adopt(req, r.report);
      if (r.state === 'absent') {
        if (resends < 1) return this.send(req, resends + 1, limited);
        return rejectedReport(
          this.id,
          req,
          m.code === 'VENUE_UNKNOWN_STATE' ? 'VENUE_UNAVAILABLE' : m.code,
          `not placed after ${resends + 1} attempts (venue has no order ${req.clientOrderId}): ${m.reason}`,
          this.d.clock.now(),
        );
      }
      this.tracker.followUnknown(req, sentAt + this.d.recvWindowMs);
      this.d.logger?.warn(
        { venue: this.id, clientOrderId: req.clientOrderId, reason: r.reason },
        'order state unknown; polling the venue',
      );
      // Possibly live at the venue: 'new' so that a cancel goes to the venue.
      return {
        ...rejectedReport(
          this.id,
          req,
          'VENUE_UNKNOWN_STATE',
          `order state unknown after "${m.reason}"; looking it up by clientOrderId (${r.reason})`,
          this.d.clock.now(),
        ),
        status: 'new',
      };
    }
  }

  /** Look the order up by clientOrderId until found, or absent after its recvWindow. */
  private async reconcile(req: ChildOrderRequest, sentAt: number): Promise<Reconciled> {
    const absentAfter = sentAt + this.d.recvWindowMs;
    for (let failures = 0; ;) {
      const r = await this.lookup(req);
      if (r === 'absent') {
        const wait = absentAfter - this.d.wallClock.now();
        if (wait <= 0) return { state: 'absent' };
        await sleep(Math.min(wait, 250));
        continue;
      }
      if (r) return { state: 'found', report: r };
      if (++failures >= 3) return { state: 'unknown', reason: 'venue did not answer the lookup' };
      await sleep(100 * failures);
    }
  }

  /** One lookup by clientOrderId: report, 'absent' (the venue says so), or undefined. */
  private async lookup(req: ChildOrderRequest): Promise<ExecutionReport | 'absent' | undefined> {
    const permit = await this.d.budget.acquire('query', 1);
    if (!permit.ok) return undefined;
    try {
      const o = (await this.d.exchange.fetchOrder(undefined, req.symbol, {
        clientOrderId: req.clientOrderId,
      })) as CcxtOrderLike;
      return reportFromOrder(this.id, req, o, this.d.clock.now());
    } catch (e) {
      if (isOrderNotFound(e)) return 'absent';
      return undefined;
    }
  }

  /** A conditional order held by the venue (conditional-orders.ts); its fills are followed like
   * any open order's. A lost answer is looked up by clientOrderId, never resent. */
  async placeConditional(req: ConditionalOrderRequest): Promise<ExecutionReport> {
    if (!this.specs.has(req.symbol))
      return this.reject(req, 'VENUE_REJECTED', { symbol: req.symbol, reason: 'not listed by this venue' });
    const permit = await this.d.budget.acquire('order', 1);
    if (!permit.ok) return this.reject(req, permit.code, permit.params);
    const sentAt = this.d.wallClock.now();
    this.countSend(req.clientOrderId);
    try {
      const o = (await this.d.exchange.createOrder(
        req.symbol,
        req.type,
        req.side,
        Number(req.quantity),
        req.type === 'limit' ? Number(req.price) : undefined,
        conditionalParams(req),
      )) as CcxtOrderLike;
      return this.adopt(req, reportFromOrder(this.id, req, o, this.d.clock.now()));
    } catch (e) {
      const m = mapCcxtError(e);
      if (m.limit === 418) return this.banned(req, m.reason);
      if (!isAmbiguous(e)) return rejectedReport(this.id, req, m.code, m.reason, this.d.clock.now());
      this.tracker.followUnknown(req, sentAt + this.d.recvWindowMs);
      return {
        ...rejectedReport(
          this.id,
          req,
          'VENUE_UNKNOWN_STATE',
          `conditional order state unknown after "${m.reason}"; looking it up by clientOrderId`,
          this.d.clock.now(),
        ),
        status: 'new',
      };
    }
  }

  /** Cancel a conditional order; once triggered it is a plain order, cancelled as one. */
  async cancelConditional(account: string, symbol: string, clientOrderId: string): Promise<ExecutionReport> {
    const req = { account, symbol, clientOrderId, side: 'buy' as const, quantity: DECIMAL_ZERO };
    const permit = await this.d.budget.acquire('cancel', 1);
    if (!permit.ok) return this.reject(req, permit.code, permit.params);
    try {
      await this.d.exchange.cancelOrder(undefined, symbol, { clientOrderId, trigger: true });
      const r: ExecutionReport = {
        venue: this.id,
        account,
        symbol,
        clientOrderId,
        side: 'buy',
        status: 'canceled',
        quantity: DECIMAL_ZERO,
        filledQuantity: DECIMAL_ZERO,
        ts: this.d.clock.now(),
      };
      this.tracker.update(r);
      return r;
    } catch (e) {
      if (isOrderNotFound(e)) return this.cancelOrder(account, symbol, clientOrderId);
      const m = mapCcxtError(e);
      return rejectedReport(this.id, req, m.code, m.reason, this.d.clock.now());
    }
  }

  async cancelOrder(account: string, symbol: string, clientOrderId: string): Promise<ExecutionReport> {
    const req = { account, symbol, clientOrderId, side: 'buy' as const, quantity: DECIMAL_ZERO };
    const permit = await this.d.budget.acquire('cancel', 1);
    if (!permit.ok) return this.reject(req, permit.code, permit.params);
    try {
      const o = (await this.d.exchange.cancelOrder(undefined, symbol, { clientOrderId })) as CcxtOrderLike;
      const r = reportFromOrder(this.id, req, o, this.d.clock.now());
      this.tracker.update(r);
      return r;
    } catch (e) {
      const m = mapCcxtError(e);
      if (m.limit === 418) this.noteBan(m.reason);
      return rejectedReport(this.id, req, m.code, m.reason, this.d.clock.now());
    }
  }

  /** In-place amend through ccxt editOrder (Binance PUT /fapi/v1/order by origClientOrderId):
   * the order keeps its ids. Not retried: on an ambiguous failure the order stream or the next
   * lookup tells what the venue holds. */
  async amendOrder(req: AmendOrderRequest): Promise<ExecutionReport> {
    const target = { ...req, quantity: req.quantity };
    if (!this.d.exchange.editOrder)
      return rejectedReport(this.id, target, 'VENUE_REJECTED', 'this venue cannot amend in place', this.d.clock.now());
    const permit = await this.d.budget.acquire('order', 1);
    if (!permit.ok) return this.reject(target, permit.code, permit.params);
    try {
      const o = (await this.d.exchange.editOrder(
        undefined,
        req.symbol,
        'limit',
        req.side,
        Number(req.quantity),
        Number(req.price),
        { clientOrderId: req.clientOrderId },
      )) as CcxtOrderLike;
      const r: ExecutionReport = { ...reportFromOrder(this.id, target, o, this.d.clock.now()), amended: true };
      this.tracker.update(r);
      return r;
    } catch (e) {
      const m = mapCcxtError(e);
      if (m.limit === 418) this.noteBan(m.reason);
      return rejectedReport(this.id, target, m.code, m.reason, this.d.clock.now());
    }
  }

  async fetchOrder(account: string, symbol: string, clientOrderId: string): Promise<ExecutionReport | undefined> {
    const r = await this.lookup({
      account,
      symbol,
      clientOrderId,
      side: 'buy',
      type: 'market',
      quantity: DECIMAL_ZERO,
      reduceOnly: false,
      postOnly: false,
      timeInForce: 'GTC',
    });
    // undefined means "the venue says there is no such order"; a failed lookup is an error.
    if (r === undefined)
      throw new LiqguardError(
        'UNAVAILABLE',
        `venue ${this.id}: order ${clientOrderId} could not be looked up (venue unreachable, banned or rate limited)`,
      );
    return r === 'absent' ? undefined : r;
  }

  async openOrders(account: string, symbol?: string): Promise<readonly ExecutionReport[]> {
    const permit = await this.d.budget.acquire('query', symbol ? 1 : 40);
    if (!permit.ok)
      throw new LiqguardError(
        'UNAVAILABLE',
        `venue ${this.id}: open orders not read (${renderDenial(permit.code, permit.params)})`,
      );
    let list: (CcxtOrderLike & { symbol?: string })[];
    try {
      list = (await this.d.exchange.fetchOpenOrders(symbol)) as (CcxtOrderLike & { symbol?: string })[];
    } catch (e) {
      throw new LiqguardError('UNAVAILABLE', `venue ${this.id}: open orders not read (${mapCcxtError(e).reason})`);
    }
    return list.map((o) =>
      reportFromOrder(
        this.id,
        {
          account,
          symbol: o.symbol ?? symbol ?? '',
          clientOrderId: o.clientOrderId ?? '',
          side: o.side === 'sell' ? 'sell' : 'buy',
          quantity: DECIMAL_ZERO,
        },
        o,
        this.d.clock.now(),
      ),
    );
  }

  /** Balance and positions of the venue account this adapter's credentials trade (one ccxt
   * instance = one venue account; `account` only labels the result). */
  async accountState(account: string): Promise<AccountState> {
    const s = await this.account.get();
    return s.account === account ? s : { ...s, account, positions: s.positions.map((p) => ({ ...p, account })) };
  }

  /** Reachability check for /healthz: the venue's server time (weight 1). Throws when down. */
  async probe(): Promise<void> {
    await (this.d.exchange as unknown as { fetchTime(): Promise<unknown> }).fetchTime();
  }

  onReport(listener: (r: ExecutionReport) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    await this.stream?.stop();
    this.funding?.stop();
    this.tracker.stop();
    this.d.budget.close();
    await this.d.exchange.close?.();
  }

  /** Funding payments from the venue's income (FundingPoller); absent when ccxt has no
   * fetchFundingHistory for this exchange. */
  onFunding(listener: (p: FundingPayment) => void): () => void {
    const source = this.d.exchange as Partial<FundingSource>;
    if (typeof source.fetchFundingHistory !== 'function') return () => undefined;
    this.funding ??= new FundingPoller({
      venue: this.id,
      source: source as FundingSource,
      budget: this.d.budget,
      wallClock: this.d.wallClock,
      emit: (p) => this.fundingListeners.forEach((l) => l(p)),
      ...(this.d.logger ? { logger: this.d.logger } : {}),
    });
    this.funding.start(this.d.fundingPollMs ?? 60_000);
    this.fundingListeners.add(listener);
    return () => {
      this.fundingListeners.delete(listener);
      if (this.fundingListeners.size === 0) this.funding?.stop();
    };
  }

  /** One funding poll now (tests; the timer runs it every fundingPollMs): new payments reported. */
  async pollFundingNow(): Promise<number> {
    return this.funding?.poll() ?? 0;
  }

  /** Run one polling round now (tests; the timer runs it every pollIntervalMs). */
  async pollNow(): Promise<void> {
    await this.tracker.poll(true);
  }

  // ─── internals ────────────────────────────────────────────────────────────────────────────

  private countSend(clientOrderId: string): void {
    this.sends.set(clientOrderId, (this.sends.get(clientOrderId) ?? 0) + 1);
    if (this.sends.size > 20_000) for (const k of [...this.sends.keys()].slice(0, 10_000)) this.sends.delete(k);
  }

  private adopt(req: ChildOrderRequest, r: ExecutionReport): ExecutionReport {
    if (r.filledQuantity !== '0') this.account.markDirty();
    this.tracker.follow(req, r);
    return r;
  }

  private emit(r: ExecutionReport): void {
    if (r.filledQuantity !== '0') this.account.markDirty();
    for (const l of this.listeners) l(r);
  }

  private banned(
    req: Pick<ChildOrderRequest, 'account' | 'symbol' | 'clientOrderId' | 'side' | 'quantity'>,
    reason: string,
  ): ExecutionReport {
    const until = this.noteBan(reason);
    return rejectedReport(
      this.id,
      req,
      'VENUE_BANNED',
      `${renderDenial('VENUE_BANNED', { venue: this.id, until })} (${reason})`,
      this.d.clock.now(),
    );
  }

  private noteBan(reason: string): number {
    const until = parseBannedUntil(reason);
    if (until !== undefined) this.d.budget.noteBanUntil(until);
    return this.d.budget.snapshot().bannedUntil;
  }

  private reject(
    req: Pick<ChildOrderRequest, 'account' | 'symbol' | 'clientOrderId' | 'side' | 'quantity'>,
    code: DenyCode,
    params: DenyParams,
  ): ExecutionReport {
    return rejectedReport(this.id, req, code, renderDenial(code, params), this.d.clock.now());
  }

  private async setLeverage(req: ChildOrderRequest): Promise<ExecutionReport | undefined> {
    const permit = await this.d.budget.acquire('query', 1);
    if (!permit.ok) return this.reject(req, permit.code, permit.params);
    try {
      await this.d.exchange.setLeverage(Number(req.leverage), req.symbol);
      this.leverage.set(req.symbol, req.leverage!);
      return undefined;
    } catch (e) {
      const m = mapCcxtError(e);
      return rejectedReport(this.id, req, m.code, `setLeverage ${req.leverage}: ${m.reason}`, this.d.clock.now());
    }
  }

  private async openReports(symbol: string): Promise<readonly ExecutionReport[] | undefined> {
    try {
      return await this.openOrders('', symbol);
    } catch {
      return undefined;
    }
  }

  private async loadAccount(): Promise<AccountState> {
    const quote = this.d.instruments[0]?.quote ?? 'USDT';
    const p1 = await this.d.budget.acquire('query', 5);
    if (!p1.ok) throw new Error(renderDenial(p1.code, p1.params));
    const bal = (await this.d.exchange.fetchBalance()) as CcxtBalanceLike;
    let positions: CcxtPositionLike[] = [];
    if (this.d.exchange.has.fetchPositions) {
      const p2 = await this.d.budget.acquire('query', 5);
      if (!p2.ok) throw new Error(renderDenial(p2.code, p2.params));
      positions = (await this.d.exchange.fetchPositions([...this.specs.keys()])) as CcxtPositionLike[];
    }
    return accountFromCcxt('', quote, bal, positions);
  }
}

/** Unified ccxt order params: the child's clientOrderId always; GTX is post-only. */
function orderParams(req: ChildOrderRequest, exchangeId: string): Record<string, unknown> {
  const p: Record<string, unknown> = { clientOrderId: req.clientOrderId };
  // Binance USD-M expires the crossing side itself (self-trade prevention); others lack the field.
  if (req.selfTradePreventionMode && exchangeId.startsWith('binance'))
    p.selfTradePreventionMode = req.selfTradePreventionMode;
  if (req.reduceOnly) p.reduceOnly = true;
  if (req.type === 'limit') {
    if (req.postOnly || req.timeInForce === 'GTX') p.postOnly = true;
    else p.timeInForce = req.timeInForce;
  }
  return p;
}
