/** The hierarchy section of the gateway config and the limit parts of a policy file: every
 * mistake reported at once with its path. */
import { describe, expect, it } from 'vitest';
import { loadConfigText } from '../../src/config/load.js';
import { LiqguardError } from '../../src/core/errors.js';
import { loadPolicyText } from '../../src/policy/load.js';

function details(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    return (e as LiqguardError).details.map((d) => `${d.path}: ${d.message}`);
  }
  throw new Error('expected an error');
}

const clients = `
clients:
  - { id: a, apiKey: key-aaaaaaaa, account: acc, venue: sim }
  - { id: b, apiKey: key-bbbbbbbb, account: acc, venue: sim }
venues:
  - { id: sim, kind: simulated, symbols: [BTC/USDT:USDT] }
`;

describe('hierarchy config', () => {
  it('resolves the tree with defaults', () => {
    const c = loadConfigText(
      `${clients}hierarchy:\n  firm: fund\n  desks: [{ id: d1, strategies: [{ id: s1, clients: [a] }] }]\n`,
      { env: {} },
    );
    expect(c.hierarchy).toEqual({
      firm: 'fund',
      dayStart: '00:00',
      timeZone: 'UTC',
      desks: [{ id: 'd1', strategies: [{ id: 's1', clients: ['a'] }] }],
    });
    expect(loadConfigText(clients, { env: {} }).hierarchy.desks).toEqual([]);
  });

  it('rejects unknown clients, a client in two strategies and an unknown zone, all at once', () => {
    const yaml = `${clients}hierarchy:
  timeZone: Mars/Olympus
  desks:
    - id: d1
      strategies:
        - { id: s1, clients: [a, ghost] }
        - { id: s2, clients: [a] }
`;
    expect(details(() => loadConfigText(yaml, { env: {} }))).toEqual([
      'hierarchy.timeZone: unknown time zone "Mars/Olympus" (an IANA name such as UTC or Europe/London)',
      'hierarchy.desks[0].strategies[0].clients[1]: unknown client "ghost"',
      'hierarchy.desks[0].strategies[1].clients[0]: client "a" is already in strategy s1; a client belongs to one strategy',
    ]);
  });
});

describe('policy file: limit actions and conditions', () => {
  const set = (rules: string) => `id: t\nversion: 1\nrules:\n${rules}`;

  it('parses every limit field', () => {
    const s = loadPolicyText(
      set(`  - id: a
    when: { daily_pnl: { level: desk, lt: -100 }, drawdown: { level: firm, gte: 5 }, margin_ratio: { gt: 0.4 }, p_adverse: { gte: 0.3 }, order_to_trade_ratio: { window: 1h, gt: 20, min_orders: 50 }, cancel_ratio: { window: 10m, gt: 0.9 } }
    reject: { code: ORDER_TO_TRADE_RATIO }
  - id: b
    loss_limit: { level: strategy, ids: [trend*], daily: 1000 }
  - id: c
    position_limit: { level: desk, quantity: 2, notional: 1e5, gross_notional: 300000, net_notional: 100000 }
  - id: d
    self_trade: { level: firm, on_cross: cancel_resting, venue_mode: EXPIRE_BOTH }
`),
    );
    expect(s.rules[0]!.when.order_to_trade_ratio).toEqual({ windowMs: 3_600_000, minOrders: 50, gt: '20' });
    expect(s.rules[0]!.when.daily_pnl).toEqual({ level: 'desk', lt: '-100' });
    expect(s.rules[1]!.action).toEqual({
      type: 'loss_limit',
      level: 'strategy',
      ids: ['trend*'],
      daily: '1000',
      on_breach: 'reduce_only',
    });
    expect(s.rules[2]!.action).toMatchObject({ type: 'position_limit', notional: '100000' });
    expect(s.rules[3]!.action).toEqual({
      type: 'self_trade',
      level: 'firm',
      on_cross: 'cancel_resting',
      venue_mode: 'EXPIRE_BOTH',
    });
  });

  it('reports every mistake with its path', () => {
    const errs = details(() =>
      loadPolicyText(
        set(`  - id: a
    when: { daily_pnl: { lt: -100 }, cancel_ratio: { gt: 0.9 } }
    reject: {}
  - id: b
    loss_limit: { level: team, on_breach: panic }
  - id: c
    position_limit: { level: desk }
  - id: d
    self_trade: { venue_mode: NONE }
`),
      ),
    );
    expect(errs).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/rules\[0\]\.when\.daily_pnl\.level: is required/),
        expect.stringMatching(/rules\[0\]\.when\.cancel_ratio\.window: is required/),
        expect.stringMatching(/rules\[1\]\.loss_limit\.level: unknown value "team"/),
        expect.stringMatching(/rules\[1\]\.loss_limit: needs at least one of daily, drawdown/),
        expect.stringMatching(/rules\[1\]\.loss_limit\.on_breach: unknown value "panic"/),
        expect.stringMatching(
          /rules\[2\]\.position_limit: needs at least one of quantity, notional, gross_notional, net_notional/,
        ),
        expect.stringMatching(/rules\[3\]\.self_trade\.venue_mode: unknown value "NONE"/),
      ]),
    );
  });
});
