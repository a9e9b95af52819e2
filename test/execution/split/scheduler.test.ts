import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import type { ExecutionReport, RegimeLabel } from '../../../src/core/types.js';
import { OrderStore, type ParentOrder } from '../../../src/execution/order-store.js';
import { SplitScheduler, type SchedulerEvent } from '../../../src/execution/split/scheduler.js';
import { ManualTimers } from '../../../src/execution/split/timers.js';
import { evaluate } from '../../../src/policy/evaluate.js';
import { loadPolicyText } from '../../../src/policy/load.js';
import { makeCtx, NOW } from '../../policy/fixtures.js';
import { ds } from '../../support/decimals.js';

function setup(onEscalation: 'pause' | 'cancel', opts: { maxPauseMs?: number } = {}) {
  const clock = new ManualClock(NOW);
  const timers = new ManualTimers(clock);
  const store = new OrderStore();
  const set = loadPolicyText(
    `id: t\nversion: 1\nrules:\n  - id: s\n    split: { count: 3, interval: 1s, on_escalation: ${onEscalation} }\n`,
  );
  const ctx = makeCtx({ intent: { quantity: ds('0.3') } });
  const decision = evaluate(ctx, set);
  const parent = store.add(ctx.intent, decision, 'stable', NOW);
  let regime: RegimeLabel = 'stable';
  const sent: { index: number; at: number }[] = [];
  const events: SchedulerEvent[] = [];
  const report = (p: ParentOrder, i: number, status: ExecutionReport['status'], filled: string, avgPrice?: string) =>
    store.applyReport(
      {
        venue: 'sim',
        account: 'demo',
        symbol: p.intent.symbol,
        clientOrderId: p.children[i]!.plan.clientOrderId,
        side: 'buy',
        status,
        quantity: p.children[i]!.plan.quantity,
        filledQuantity: ds(filled),
        ...(avgPrice ? { avgPrice: ds(avgPrice) } : {}),
        ts: clock.now(),
      },
      clock.now(),
    );
  const send = async (i: number) => {
    sent.push({ index: i, at: clock.now() });
    report(parent, i, 'new', '0');
  };
  const scheduler = new SplitScheduler({
    clock,
    timers,
    regimeOf: () => regime,
    endChild: (p, i, status, reason) => store.endChild(p, i, status, clock.now(), undefined, reason),
    recheckMs: 500,
    ...opts,
    onEvent: (e) => events.push(e),
  });
  // As the pipeline does: the child due now is sent at once, the rest are scheduled.
  void send(0);
  scheduler.schedule(parent, send);
  return { clock, timers, parent, scheduler, sent, events, report, setRegime: (r: RegimeLabel) => (regime = r) };
}

describe('SplitScheduler', () => {
  it('sends children at their notBefore and the parent aggregates the fills', async () => {
    const t = setup('pause');
    expect(t.parent.decision.kind).toBe('split');
    expect(t.parent.children.map((c) => c.plan.notBefore - NOW)).toEqual([0, 1000, 2000]);
    await t.timers.advance(999);
    expect(t.sent.map((s) => s.index)).toEqual([0]);
    await t.timers.advance(1);
    await t.timers.advance(1000);
    expect(t.sent).toEqual([
      { index: 0, at: NOW },
      { index: 1, at: NOW + 1000 },
      { index: 2, at: NOW + 2000 },
    ]);
    expect(t.scheduler.scheduled()).toEqual([]);
    t.report(t.parent, 0, 'filled', '0.1', '100');
    expect(t.parent.status).toBe('partially_filled');
    t.report(t.parent, 1, 'filled', '0.1', '110');
    t.report(t.parent, 2, 'filled', '0.1', '120');
    expect(t.parent.status).toBe('filled');
    expect(t.parent.filledQuantity).toBe('0.3');
    expect(t.parent.avgPrice).toBe('110');
  });

  it('pauses remaining children while the regime is escalated, then resumes with the same spacing', async () => {
    const t = setup('pause');
    t.setRegime('critical');
    await t.timers.advance(3000);
    expect(t.sent.map((s) => s.index)).toEqual([0]);
    expect(t.events.filter((e) => e.type === 'paused')).toHaveLength(1);
    expect(t.scheduler.scheduled()).toEqual([{ intentId: t.parent.intentId, paused: true, nextIndex: 1 }]);
    t.setRegime('stressed'); // still above 'stable' at decision time
    await t.timers.advance(1000);
    expect(t.sent.map((s) => s.index)).toEqual([0]);
    t.setRegime('stable');
    await t.timers.advance(500);
    const resumedAt = t.sent[1]!.at;
    expect(t.sent.map((s) => s.index)).toEqual([0, 1]);
    await t.timers.advance(1000);
    expect(t.sent[2]).toEqual({ index: 2, at: resumedAt + 1000 });
    expect(t.events.map((e) => e.type)).toEqual(['paused', 'resumed']);
  });

  it('a pause that lasts too long cancels the rest', async () => {
    const t = setup('pause', { maxPauseMs: 2000 });
    t.setRegime('unknown');
    await t.timers.advance(10_000);
    expect(t.sent.map((s) => s.index)).toEqual([0]);
    expect(t.parent.children.map((c) => c.status)).toEqual(['new', 'canceled', 'canceled']);
  });

  it('cancels remaining children on escalation when the rule says cancel; the parent ends with its fills', async () => {
    const t = setup('cancel');
    t.report(t.parent, 0, 'filled', '0.1', '100');
    t.setRegime('fragile');
    await t.timers.advance(5000);
    expect(t.sent.map((s) => s.index)).toEqual([0]);
    expect(t.parent.children.map((c) => c.status)).toEqual(['filled', 'canceled', 'canceled']);
    expect(t.parent.status).toBe('canceled');
    expect(t.parent.filledQuantity).toBe('0.1');
    expect(t.events.at(-1)).toMatchObject({ type: 'canceled', children: 2 });
  });

  it('a kill in scope cancels pending children; out of scope it does nothing', async () => {
    const t = setup('pause');
    expect(t.scheduler.cancelWhere((p) => p.intent.symbol === 'ETH/USDT:USDT', 'kill')).toBe(0);
    await t.timers.advance(1000);
    expect(
      t.scheduler.cancelWhere((p) => p.intent.symbol === 'BTC/USDT:USDT', 'kill symbol:BTC/USDT:USDT by ops'),
    ).toBe(1);
    await t.timers.advance(10_000);
    expect(t.sent.map((s) => s.index)).toEqual([0, 1]);
    expect(t.parent.children[2]!.status).toBe('canceled');
    expect(t.parent.children[2]!.reason).toContain('kill');
    expect(t.timers.pending).toBe(0);
  });
});
