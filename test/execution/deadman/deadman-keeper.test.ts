/** The dead-man keeper on an injected clock and hand-fired refresh timer, against a venue stand-in
 * that records each countdown call (the HTTP path to liqguard venue is covered by
 * test/gateway/deadman-sigkill.test.ts). */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import type { Venue } from '../../../src/core/types.js';
import { DeadmanKeeper, type DeadmanEvent, type IntervalTimers } from '../../../src/execution/deadman/index.js';
import { resolveDeadmanConfig } from '../../../src/execution/deadman/config.js';

const BTC = 'BTC/USDT:USDT';
const ETH = 'ETH/USDT:USDT';

function setup(opts: { failing?: () => boolean } = {}) {
  const clock = new ManualClock(1_000_000);
  const calls: { symbol: string; ms: number }[] = [];
  const venue = {
    id: 'bn',
    armDeadman: async (symbol: string, ms: number) => {
      calls.push({ symbol, ms });
      if (opts.failing?.()) throw new Error('venue down');
    },
  } as unknown as Venue;
  const plain = { id: 'paper' } as unknown as Venue;
  const working: { venue: string; symbol: string }[] = [];
  const health = { ok: true };
  const events: DeadmanEvent[] = [];
  const ticks: (() => void)[] = [];
  const timers: IntervalTimers = { setInterval: (fn) => ticks.push(fn), clearInterval: () => undefined };
  const k = new DeadmanKeeper({
    venues: new Map([
      ['bn', venue],
      ['paper', plain],
    ]),
    working: () => working,
    healthy: () => health,
    clock,
    countdownMs: 60_000,
    refreshMs: 15_000,
    timers,
    onEvent: (e) => events.push(e),
  });
  const settle = () => new Promise((r) => setImmediate(r));
  return { clock, calls, working, health, events, ticks, k, settle };
}

describe('dead-man keeper', () => {
  it('arms a symbol at its first working order, refreshes on the timer, disarms when none is left', async () => {
    const t = setup();
    expect(t.k.applies).toBe(true);
    t.k.start();
    expect(t.ticks).toHaveLength(1);
    t.working.push({ venue: 'bn', symbol: BTC }, { venue: 'paper', symbol: ETH });
    t.k.sync();
    await t.settle();
    expect(t.calls).toEqual([{ symbol: BTC, ms: 60_000 }]); // the paper venue has no switch
    expect(t.events.map((e) => e.state)).toEqual(['armed']);
    t.k.sync();
    expect(t.calls).toHaveLength(1); // already armed: only the timer refreshes
    t.working.push({ venue: 'bn', symbol: ETH });
    t.ticks[0]!();
    await t.settle();
    expect(t.calls.slice(1).sort((a, b) => a.symbol.localeCompare(b.symbol))).toEqual([
      { symbol: BTC, ms: 60_000 },
      { symbol: ETH, ms: 60_000 },
    ]);
    t.working.splice(0);
    t.k.sync();
    await t.settle();
    expect(t.calls.slice(3).sort((a, b) => a.symbol.localeCompare(b.symbol))).toEqual([
      { symbol: BTC, ms: 0 },
      { symbol: ETH, ms: 0 },
    ]);
    expect(t.k.snapshot()).toMatchObject({ armed: 0, arms: 3, acks: 3, disarms: 2, errors: 0 });
  });

  it('stops refreshing while unhealthy and reports the countdown as expired once it has run out', async () => {
    const t = setup();
    t.working.push({ venue: 'bn', symbol: BTC });
    t.k.sync();
    await t.settle();
    t.health.ok = false;
    t.calls.length = 0;
    t.clock.advance(15_000);
    t.k.sync(true);
    expect(t.events.map((e) => e.state)).toEqual(['armed', 'paused']);
    t.clock.advance(44_999);
    t.k.sync(true);
    expect(t.events.at(-1)?.state).toBe('paused');
    t.clock.advance(1);
    t.k.sync(true);
    expect(t.calls).toEqual([]); // neither refreshed nor disarmed: the venue is meant to cancel
    expect(t.events.at(-1)).toMatchObject({ state: 'expired', venue: 'bn', symbol: BTC, countdownMs: 60_000 });
    expect(t.k.snapshot()).toMatchObject({ expired: 1, armed: 0, paused: true });
  });

  it('reports a failed arm and re-arms on the next refresh', async () => {
    let fail = true;
    const t = setup({ failing: () => fail });
    t.working.push({ venue: 'bn', symbol: ETH });
    t.k.sync();
    await t.settle();
    expect(t.events.map((e) => [e.state, e.detail])).toEqual([['refresh_failed', 'venue down']]);
    fail = false;
    t.k.sync(true);
    await t.settle();
    expect(t.events.at(-1)?.state).toBe('armed');
    expect(t.k.snapshot().errors).toBe(1);
  });

  it('rejects a refresh that is not well inside the countdown', () => {
    expect(
      () =>
        setup().k &&
        new DeadmanKeeper({
          venues: new Map(),
          working: () => [],
          clock: new ManualClock(),
          countdownMs: 10_000,
          refreshMs: 10_000,
        }),
    ).toThrow(/refreshMs/);
    const details: { path: string; message: string }[] = [];
    expect(resolveDeadmanConfig({ countdownMs: 10_000, refreshMs: 6000 }, details).refreshMs).toBe(6000);
    expect(details[0]?.path).toBe('deadman.refreshMs');
    expect(resolveDeadmanConfig(undefined, [])).toEqual({ enabled: true, countdownMs: 60_000, refreshMs: 15_000 });
  });
});
