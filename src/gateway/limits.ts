/** Composition of the hierarchy limits (src/limits) with the gateway: the limit book fed by
 * market events and venue fills, its latches published on the bus and written to the audit log,
 * a roll timer, the operator routes, and the view the pipeline hands to the policy. */
import type { FastifyInstance } from 'fastify';
import type { GatewayConfig } from '../config/types.js';
import type { Clock } from '../core/clock.js';
import type { LossLimitSpec } from '../core/loss-limit.js';
import type { AuditAppender } from '../core/stages.js';
import type { MarketEvent, OrderIntent } from '../core/types.js';
import type { EventBus } from '../core/events.js';
import type { OrderStore } from '../execution/order-store.js';
import type { ApiKeyAuth } from '../ingress/auth.js';
import { limitRoutes } from '../ingress/routes-limits.js';
import { FillDeltas, Hierarchy, LimitBook, type LatchEvent } from '../limits/index.js';
import type { OrderEffects } from '../pipeline.js';
import type { PolicySet } from '../policy/index.js';
import { join } from 'node:path';

const specsOf = new WeakMap<PolicySet, readonly LossLimitSpec[]>();
/** The enforced loss_limit rules of a set, as plain specs (cached per set version). */
export function lossLimitSpecs(set: PolicySet): readonly LossLimitSpec[] {
  let s = specsOf.get(set);
  if (!s) {
    s = set.rules.flatMap((r) =>
      r.mode === 'enforce' && r.action.type === 'loss_limit'
        ? [
            {
              ruleId: r.id,
              level: r.action.level,
              ...(r.action.ids ? { ids: r.action.ids } : {}),
              ...(r.action.daily ? { daily: r.action.daily } : {}),
              ...(r.action.drawdown ? { drawdown: r.action.drawdown } : {}),
              onBreach: r.action.on_breach,
            },
          ]
        : [],
    );
    specsOf.set(set, s);
  }
  return s;
}

export interface GatewayLimits {
  readonly book: LimitBook;
  readonly effects: OrderEffects;
  readonly plugin: (app: FastifyInstance, auth: ApiKeyAuth) => void;
  view(intent: OrderIntent, now: number): ReturnType<LimitBook['view']>;
  ingest(e: MarketEvent): void;
  start(): void;
  stop(): void;
}

export function createGatewayLimits(d: {
  config: GatewayConfig;
  clock: Clock;
  orders: OrderStore;
  enforcing: () => PolicySet;
  bus: EventBus;
  audit: AuditAppender;
}): GatewayLimits {
  const onLatch = (e: LatchEvent): void => {
    d.audit.append('latch', {
      scope: e.scope,
      state: e.state,
      reason: e.reason,
      ...(e.operator ? { operator: e.operator } : {}),
      at: e.ts,
    });
    d.bus.publish(e);
  };
  const book = new LimitBook({
    hierarchy: new Hierarchy(d.config.hierarchy, d.config.clients),
    lossLimits: () => lossLimitSpecs(d.enforcing()),
    onLatch,
    stateFile: join(d.config.state.dir, 'limit-latches.json'),
    resting: (symbol) =>
      d.orders
        .working((p) => p.intent.symbol === symbol && p.decision.kind !== 'deny')
        .map((p) => ({
          intentId: p.intentId,
          clientId: p.intent.clientId,
          side: p.intent.side,
          ...(p.intent.price ? { price: p.intent.price } : {}),
        })),
  });
  const fills = new FillDeltas();
  // What the pipeline's effect steps do to the book (counters and latches that later orders read).
  const effects: OrderEffects = {
    afterDecision(intent) {
      const now = d.clock.now();
      book.counters.record('order', intent.clientId, now);
      // A breach seen at order time (marks moved since the last fill) latches too.
      book.check(book.hierarchy.path(intent.clientId), now);
    },
    afterReport(r, parent) {
      if (!parent) return;
      const f = fills.next(r);
      if (f) book.onFill(parent.intent.clientId, r.symbol, r.side, f.quantity, f.price, f.fee, d.clock.now());
    },
    afterCancelRequest(p) {
      book.counters.record('cancel', p.intent.clientId, d.clock.now());
    },
  };
  let timer: NodeJS.Timeout | undefined;
  return {
    book,
    effects,
    plugin: limitRoutes({ book, clock: d.clock }),
    view: (intent, now) => book.view(intent, now),
    ingest(e) {
      const now = d.clock.now();
      if (e.type === 'mark') book.onMark(e.symbol, e.markPrice, now);
      else if (e.type === 'bar') book.onMark(e.symbol, e.close, now);
      else if (e.type === 'funding') book.onFunding(e.symbol, e.rate, now);
    },
    start() {
      // Rolls the day (and clears daily latches) on time even when nothing trades.
      timer ??= setInterval(() => book.tick(d.clock.now()), 1000);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
