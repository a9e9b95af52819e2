/** Which events raise which alerts (pure rules; time from the events). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AlertRules } from '../../src/alerts/index.js';
import type { GatewayEvent } from '../../src/core/events.js';

const rules = () => new AlertRules({ shadowDiff: { rate: 0.1, windowMs: 60_000, minDecisions: 10 } });
const regime = (symbol: string, r: string, ts = 0): GatewayEvent => ({
  type: 'regime',
  symbol,
  ts,
  score: { status: 'ok', regime: r, probability: 0.2 } as never,
});
const latch = (state: 'reduce_only' | 'halt' | 'cleared', reason: string): GatewayEvent => ({
  type: 'latch',
  ts: 1,
  scope: { level: 'client', id: 'bot-7' },
  state,
  reason,
  operator: 'risk',
});

describe('alert rules', () => {
  it('kill on and off', () => {
    const r = rules();
    const [on] = r.onEvent({
      type: 'kill',
      ts: 1,
      active: true,
      scope: { type: 'symbol', value: 'BTC/USDT:USDT' },
      operator: 'alice',
      reason: 'drill',
    });
    expect(on).toMatchObject({
      kind: 'kill',
      severity: 'critical',
      key: 'kill:symbol=BTC/USDT:USDT:on',
      title: 'Kill switch ON (symbol=BTC/USDT:USDT)',
    });
    expect(r.onEvent({ type: 'kill', ts: 2, active: false, scope: { type: 'all' }, operator: 'bob' })[0]).toMatchObject(
      { severity: 'info', key: 'kill:all:off' },
    );
  });

  it('latches: loss-limit reasons are loss_limit alerts, halt is critical, cleared is info', () => {
    const r = rules();
    expect(r.onEvent(latch('reduce_only', 'LOSS_LIMIT: scope=client:bot-7 pnl=-5100 limit=-5000'))[0]).toMatchObject({
      kind: 'loss_limit',
      severity: 'critical',
      title: 'Loss limit breached: client=bot-7 is reduce-only',
    });
    expect(r.onEvent(latch('halt', 'DRAWDOWN_LIMIT: drawdown=0.12 max=0.1'))[0]).toMatchObject({
      kind: 'loss_limit',
      key: 'latch:client=bot-7:halt',
    });
    expect(r.onEvent(latch('reduce_only', 'policy defensive rule crit-reduce'))[0]).toMatchObject({
      kind: 'latch',
      severity: 'warning',
    });
    expect(r.onEvent(latch('halt', 'policy defensive rule x'))[0]).toMatchObject({
      kind: 'latch',
      severity: 'critical',
    });
    expect(r.onEvent(latch('cleared', 'LOSS_LIMIT reset by operator'))[0]).toMatchObject({
      kind: 'loss_limit',
      severity: 'info',
      title: 'Latch cleared (client=bot-7)',
    });
  });

  it('regime: an alert exactly when a symbol escalates into fragile or critical', () => {
    const labels = ['stable', 'stressed', 'fragile', 'critical', 'unknown'] as const;
    const rank: Record<string, number> = { stable: 0, stressed: 1, fragile: 2, critical: 3 };
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...labels), { minLength: 1, maxLength: 30 }), (seq) => {
        const r = rules();
        let prev: string | undefined;
        for (const label of seq) {
          const out = r.onEvent(regime('ETH/USDT:USDT', label));
          const expected =
            prev !== undefined && rank[label] !== undefined && rank[label]! >= 2 && rank[label]! > (rank[prev] ?? -1);
          expect(out.length).toBe(expected ? 1 : 0);
          if (expected)
            expect(out[0]).toMatchObject({
              kind: 'regime',
              severity: label === 'critical' ? 'critical' : 'warning',
              fields: { from: prev, to: label },
            });
          prev = label;
        }
      }),
    );
  });

  it('venue ban, dead-man expiry / refresh failure / pause, audit failure', () => {
    const r = rules();
    expect(r.onEvent({ type: 'venue_ban', ts: 1, venue: 'bn', until: Date.UTC(2026, 0, 1) })[0]).toMatchObject({
      kind: 'venue_ban',
      severity: 'critical',
      fields: { until: '2026-01-01T00:00:00.000Z' },
    });
    const dm = (state: 'armed' | 'expired' | 'refresh_failed' | 'paused' | 'disarmed') =>
      r.onEvent({
        type: 'deadman',
        ts: 1,
        venue: 'bn',
        symbol: 'BTC/USDT:USDT',
        state,
        countdownMs: 60_000,
        detail: 'x',
      });
    expect(dm('expired')[0]).toMatchObject({ kind: 'deadman', severity: 'critical' });
    expect(dm('refresh_failed')[0]).toMatchObject({ kind: 'deadman', severity: 'warning' });
    expect(dm('paused')[0]).toMatchObject({ kind: 'deadman', severity: 'warning' });
    expect(dm('armed')).toEqual([]);
    expect(dm('disarmed')).toEqual([]);
    expect(r.onEvent({ type: 'audit_failure', ts: 1, error: 'ENOSPC' })[0]).toMatchObject({
      kind: 'audit_failure',
      severity: 'critical',
      key: 'audit_failure',
    });
  });

  it('shadow differences: an alert once their rate over the window exceeds the threshold', () => {
    const r = rules();
    const decision = (ts: number) => r.onEvent({ type: 'decision', ts } as GatewayEvent);
    const diff = (ts: number) =>
      r.onEvent({
        type: 'shadow_diff',
        ts,
        symbol: 'BTC/USDT:USDT',
        client: 'c',
        intentId: `i${ts}`,
        fields: ['kind'],
      });
    for (let i = 0; i < 20; i++) decision(i);
    expect(diff(20)).toEqual([]);
    expect(diff(21)).toEqual([]); // 2 / 20 = 10 %, not above
    expect(diff(22)[0]).toMatchObject({ kind: 'shadow_diff', fields: { differing: 3, decisions: 20, rate: 0.15 } });
    expect(diff(100_000)).toEqual([]); // the window moved on: no decisions in it
  });
});
