/** Review findings on the order path: each test pins one defect that was fixed. */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { sequentialIds } from '../../src/core/ids.js';
import type { ChildOrderRequest, Decision, ExecutionReport, RiskContext } from '../../src/core/types.js';
import type { PolicyEvaluator } from '../../src/core/stages.js';
import { OrderStore } from '../../src/execution/order-store.js';
import { Pipeline, type AdmissionFn, type PipelineObserver } from '../../src/pipeline.js';
import {
  activeState,
  fixedMarket,
  fixedScorer,
  maxQtyPolicy,
  MemoryAudit,
  RecordingVenue,
} from '../support/stand-ins.js';
import { DECIMAL_ZERO } from '../../src/core/decimal.js';
import { ds } from '../support/decimals.js';

const exposure = async () => ({
  openOrdersNotional: '0',
  clientNotional: '0',
  postFillQuantity: '0',
  reducesPosition: false,
});
const intent = (n: number, clientOrderId: string, quantity = '0.5') => ({
  intentId: `ord-${n}`,
  clientOrderId,
  clientId: 'bot1',
  account: 'acc1',
  venue: 'sim',
  symbol: 'BTC/USDT:USDT',
  side: 'buy' as const,
  type: 'limit' as const,
  quantity: ds(quantity),
  price: ds('60000'),
  reduceOnly: false,
  postOnly: false,
  timeInForce: 'GTC' as const,
  receivedAt: 0,
  transport: 'rest' as const,
});

/** A venue that leaves limit orders working ('new') until the test fills them. */
class RestingVenue extends RecordingVenue {
  streams: ((r: ExecutionReport) => void)[] = [];
  override onReport(l: (r: ExecutionReport) => void) {
    this.streams.push(l);
    return () => undefined;
  }
  override async placeOrder(req: ChildOrderRequest): Promise<ExecutionReport> {
    this.placed.push(req);
    return {
      venue: 'sim',
      account: req.account,
      symbol: req.symbol,
      clientOrderId: req.clientOrderId,
      side: req.side,
      status: 'new',
      quantity: req.quantity,
      filledQuantity: DECIMAL_ZERO,
      ts: 0,
    };
  }
}

function build(
  opts: {
    venue?: RecordingVenue;
    policy?: PolicyEvaluator;
    admission?: AdmissionFn;
    observers?: PipelineObserver[];
    orders?: OrderStore;
  } = {},
) {
  const venue = opts.venue ?? new RestingVenue();
  const orders = opts.orders ?? new OrderStore();
  const scorer = fixedScorer('stable');
  const policy = opts.policy ?? maxQtyPolicy(1);
  const pipeline = new Pipeline({
    clock: new ManualClock(1_760_000_000_000),
    ids: sequentialIds(),
    market: fixedMarket(),
    scorer: () => scorer,
    policy: () => policy,
    tradingState: activeState,
    venues: new Map([['sim', venue]]),
    audit: new MemoryAudit(),
    orders,
    exposure,
    ...(opts.admission ? { admission: opts.admission } : {}),
    ...(opts.observers ? { observers: opts.observers } : {}),
  });
  return { pipeline, venue, orders };
}

const throttled = (p: PolicyEvaluator): PolicyEvaluator => ({
  ...p,
  evaluate: (ctx: RiskContext): Decision => {
    const d = p.evaluate(ctx);
    return d.kind === 'deny' ? d : { ...d, throttles: [{ ruleId: 'rate', key: 'bot1', maxWaitMs: 1000 }] };
  },
});

describe('duplicate clientOrderId', () => {
  it("a denied duplicate does not take over the original order's clientOrderId (lookup and cancel reach the working original)", async () => {
    const { pipeline, orders, venue } = build();
    const first = await pipeline.submit(intent(1, 'dup-1'));
    expect(first.order.status).toBe('new');
    const second = await pipeline.submit(intent(2, 'dup-1'));
    expect(second.decision).toMatchObject({ kind: 'deny', code: 'DUPLICATE_CLIENT_ORDER_ID' });
    expect(orders.getByClientOrderId('bot1', 'dup-1')?.intentId).toBe('ord-1');
    expect(venue.placed).toHaveLength(1);
  });

  it('evicting the denied duplicate does not free the clientOrderId of the still-working original', async () => {
    const { pipeline, venue } = build({ orders: new OrderStore(1) });
    await pipeline.submit(intent(1, 'dup-2'));
    await pipeline.submit(intent(2, 'dup-2')); // denied (terminal), then evicted past maxOrders=1
    const third = await pipeline.submit(intent(3, 'dup-2'));
    expect(third.decision).toMatchObject({ kind: 'deny', code: 'DUPLICATE_CLIENT_ORDER_ID' });
    expect(venue.placed).toHaveLength(1);
  });

  it('two concurrent orders with one clientOrderId waiting in admission: only one is forwarded', async () => {
    let releases = 0;
    const gates: (() => void)[] = [];
    const admission: AdmissionFn = () =>
      new Promise((resolve) => gates.push(() => resolve({ ok: true, waitedMs: 5, release: () => void releases++ })));
    const { pipeline, venue } = build({ policy: throttled(maxQtyPolicy(1)), admission });
    const a = pipeline.submit(intent(1, 'race-1'));
    const b = pipeline.submit(intent(2, 'race-1'));
    await new Promise((r) => setImmediate(r));
    expect(gates).toHaveLength(2);
    gates.forEach((g) => g());
    const [ra, rb] = await Promise.all([a, b]);
    expect([ra.decision.kind, rb.decision.kind].sort()).toEqual(['accept', 'deny']);
    expect(venue.placed).toHaveLength(1);
    expect(releases).toBe(2);
  });
});

describe('venue reports', () => {
  it('a late "new" (placeOrder answer) after a streamed fill does not reopen the filled child', async () => {
    class StreamFirst extends RestingVenue {
      override async placeOrder(req: ChildOrderRequest): Promise<ExecutionReport> {
        const base = {
          venue: 'sim',
          account: req.account,
          symbol: req.symbol,
          clientOrderId: req.clientOrderId,
          side: req.side,
          quantity: req.quantity,
          ts: 0,
        };
        for (const l of this.streams)
          l({ ...base, status: 'filled', filledQuantity: req.quantity, avgPrice: ds('60000') });
        this.placed.push(req);
        return { ...base, status: 'new', filledQuantity: DECIMAL_ZERO };
      }
    }
    const { pipeline, orders } = build({ venue: new StreamFirst() });
    const r = await pipeline.submit(intent(1, 'late-1'));
    expect(r.order.children[0]).toMatchObject({ status: 'filled', filledQuantity: '0.5' });
    expect(r.order.status).toBe('filled');
    expect(orders.working()).toHaveLength(0);
  });
});

describe('throttle slots', () => {
  it('a throwing observer after the decision record does not leak the admission slot', async () => {
    let releases = 0;
    const admission: AdmissionFn = async () => ({ ok: true, waitedMs: 0, release: () => void releases++ });
    const boom: PipelineObserver = {
      onDecision() {
        throw new Error('observer failed');
      },
    };
    const { pipeline } = build({ policy: throttled(maxQtyPolicy(1)), admission, observers: [boom] });
    await pipeline.submit(intent(1, 'obs-1')).catch(() => undefined);
    expect(releases).toBe(1);
  });
});

describe('cancel', () => {
  it('a cancel the venue rejects (unknown order, budget) leaves the working child working', async () => {
    class CancelRejects extends RestingVenue {
      override async cancelOrder(account: string, symbol: string, clientOrderId: string): Promise<ExecutionReport> {
        return {
          venue: 'sim',
          account,
          symbol,
          clientOrderId,
          side: 'buy',
          status: 'rejected',
          quantity: DECIMAL_ZERO,
          filledQuantity: DECIMAL_ZERO,
          ts: 0,
          code: 'VENUE_RATE_LIMITED',
          reason: 'cancel budget exhausted',
        };
      }
    }
    const { pipeline, orders } = build({ venue: new CancelRejects() });
    const r = await pipeline.submit(intent(1, 'cxl-1'));
    await pipeline.cancel(r.intentId, 'test');
    expect(r.order.children[0]!.status).toBe('new');
    expect(r.order.status).toBe('new');
    expect(orders.working().map((p) => p.intentId)).toEqual([r.intentId]);
  });
});

describe('cancel while the child is in flight', () => {
  it('a cancel that arrives before placeOrder answered is carried out once the venue has the order', async () => {
    class Slow extends RestingVenue {
      gate: (() => void) | undefined;
      live = new Set<string>();
      canceled: string[] = [];
      override async placeOrder(req: ChildOrderRequest): Promise<ExecutionReport> {
        await new Promise<void>((r) => (this.gate = r));
        this.live.add(req.clientOrderId);
        return super.placeOrder(req);
      }
      override async cancelOrder(account: string, symbol: string, clientOrderId: string): Promise<ExecutionReport> {
        const base = {
          venue: 'sim',
          account,
          symbol,
          clientOrderId,
          side: 'buy' as const,
          quantity: ds('0.5'),
          filledQuantity: DECIMAL_ZERO,
          ts: 0,
        };
        if (!this.live.has(clientOrderId))
          return { ...base, status: 'rejected', code: 'VENUE_REJECTED', reason: 'unknown order' };
        this.canceled.push(clientOrderId);
        return { ...base, status: 'canceled' };
      }
    }
    const venue = new Slow();
    const { pipeline } = build({ venue });
    const submitted = pipeline.submit(intent(1, 'fly-1'));
    await new Promise((r) => setImmediate(r));
    const cancelled = pipeline.cancel('ord-1', 'test');
    await new Promise((r) => setImmediate(r));
    venue.gate!();
    const [r] = await Promise.all([submitted, cancelled]);
    expect(venue.canceled).toEqual(['fly-1']);
    expect(r.order.children[0]!.status).toBe('canceled');
    expect(r.order.status).toBe('canceled');
  });
});
