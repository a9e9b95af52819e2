/** Loss limits: a day's limit latches the scope at the exact fill that crosses it, the pure
 * policy pass then lets only reducing orders through, and the latch clears at the configured
 * reset time in the configured zone (injected clock) or on an operator reset. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { Decimal } from '../../src/core/decimal.js';
import { periodIndex } from '../../src/limits/index.js';
import { evaluate } from '../../src/policy/evaluate.js';
import { makeCtx, reducingExposure } from '../policy/fixtures.js';
import { makeBook, policy } from './support.js';

const BTC = 'BTC/USDT:USDT';
// 2026-03-02 is in EST (UTC-5): the day that starts at 17:00 New York starts at 22:00 UTC.
const T0 = Date.UTC(2026, 2, 2, 10, 0, 0);
const RESET = Date.UTC(2026, 2, 2, 22, 0, 0);

const SET = policy(`
  - id: bot-daily-loss
    when: {}
    loss_limit: { level: client, daily: 1000, on_breach: reduce_only }
`);

describe('daily loss limit', () => {
  it('latches reduce-only at the exact crossing fill and clears at 17:00 New York', () => {
    const clock = new ManualClock(T0);
    const { book, events } = makeBook({ set: SET, dayStart: '17:00', timeZone: 'America/New_York' });
    const a = { level: 'client' as const, id: 'bot-a' };
    book.onMark(BTC, 100000, clock.now());
    book.onFill('bot-a', BTC, 'buy', '1', '100000', '0', clock.now());
    clock.advance(60_000);
    book.onFill('bot-a', BTC, 'sell', '0.4', '99000', '0', clock.now());
    expect(book.facts(a, clock.now()).dailyPnl).toBe('-400');
    expect(book.latchOf(a)).toBeUndefined();
    clock.advance(60_000);
    book.onFill('bot-a', BTC, 'sell', '0.6', '99000', '0', clock.now()); // -1000: the crossing fill
    expect(book.latchOf(a)).toMatchObject({ state: 'reduce_only', ruleId: 'bot-daily-loss', since: T0 + 120_000 });
    expect(events).toEqual([
      {
        type: 'latch',
        ts: T0 + 120_000,
        scope: a,
        state: 'reduce_only',
        reason:
          'LOSS_LIMIT: rule=bot-daily-loss level=client scope=bot-a dailyPnl=-1000 dailyLimit=1000 state=reduce_only',
      },
    ]);

    // The policy pass: new exposure denied with LOSS_LIMIT, a reducing order allowed.
    const view = (now: number) => book.view({ clientId: 'bot-a', symbol: BTC, intentId: 'x' }, now);
    const buy = evaluate({ ...makeCtx({ intent: { clientId: 'bot-a' } }), limits: view(clock.now()) }, SET);
    expect(buy).toMatchObject({ kind: 'deny', code: 'LOSS_LIMIT' });
    expect(buy.trace[0]).toMatchObject({
      ruleId: 'gateway.loss_latch',
      outcome: 'deny',
      params: { level: 'client', scope: 'bot-a', state: 'reduce_only' },
    });
    const exit = evaluate(
      {
        ...makeCtx({
          intent: { clientId: 'bot-a', side: 'sell', reduceOnly: true },
          exposure: reducingExposure('0.1', '0.3'),
        }),
        limits: view(clock.now()),
      },
      SET,
    );
    expect(exit.kind).toBe('accept');

    // One millisecond before the reset it still holds; at 22:00 UTC (17:00 EST) it clears.
    clock.set(RESET - 1);
    book.tick(clock.now());
    expect(book.latchOf(a)).toBeDefined();
    clock.set(RESET);
    book.tick(clock.now());
    expect(book.latchOf(a)).toBeUndefined();
    expect(events.at(-1)).toMatchObject({ type: 'latch', ts: RESET, scope: a, state: 'cleared' });
    expect(book.facts(a, clock.now()).dailyPnl).toBe('0');
    expect(evaluate({ ...makeCtx({ intent: { clientId: 'bot-a' } }), limits: view(clock.now()) }, SET).kind).toBe(
      'accept',
    );
  });

  it('halts a desk on drawdown from its equity peak until an operator resets it', () => {
    const set = policy(`
  - id: macro-drawdown
    loss_limit: { level: desk, ids: [macro], drawdown: 500, on_breach: halt }
`);
    const clock = new ManualClock(T0);
    const { book, events } = makeBook({ set });
    const desk = { level: 'desk' as const, id: 'macro' };
    book.onFill('bot-a', BTC, 'buy', '1', '100000', '0', clock.now());
    book.onFill('bot-b', BTC, 'buy', '1', '100000', '0', clock.now());
    book.onMark(BTC, 100400, clock.now()); // peak +800
    book.onMark(BTC, 100200, clock.now()); // +400: drawdown 400
    expect(book.latchOf(desk)).toBeUndefined();
    book.onMark(BTC, 100150, clock.now()); // +300: drawdown 500
    expect(book.latchOf(desk)).toMatchObject({ state: 'halt' });
    expect(book.latchOf({ level: 'desk', id: 'arb' })).toBeUndefined();
    const halted = book.view({ clientId: 'bot-b', symbol: BTC, intentId: 'x' }, clock.now());
    expect(evaluate({ ...makeCtx({ intent: { clientId: 'bot-b' } }), limits: halted }, set)).toMatchObject({
      kind: 'deny',
      code: 'LOSS_LIMIT',
    });
    const exitCtx = makeCtx({
      intent: { clientId: 'bot-b', side: 'sell', reduceOnly: true },
      exposure: reducingExposure('0.1', '0.3'),
    });
    expect(evaluate({ ...exitCtx, limits: halted }, set).kind).toBe('accept');
    const otherDesk = book.view({ clientId: 'bot-c', symbol: BTC, intentId: 'x' }, clock.now());
    expect(evaluate({ ...makeCtx({ intent: { clientId: 'bot-c' } }), limits: otherDesk }, set).kind).toBe('accept');
    // A day later the drawdown latch still holds: only an operator clears it.
    clock.advance(86_400_000);
    book.tick(clock.now());
    expect(book.latchOf(desk)).toBeDefined();
    expect(book.reset(desk, 'ops/Ada', clock.now())).toBe(true);
    expect(events.at(-1)).toMatchObject({ state: 'cleared', operator: 'ops/Ada', scope: desk });
    expect(book.facts(desk, clock.now()).drawdown).toBe('0');
    const view = book.view({ clientId: 'bot-b', symbol: BTC, intentId: 'x' }, clock.now());
    expect(evaluate({ ...makeCtx({ intent: { clientId: 'bot-b' } }), limits: view }, set).kind).toBe('accept');
  });

  it('property: a scope is latched after a fill exactly when its daily PnL has reached -limit', () => {
    const fill = fc.record({
      side: fc.constantFrom('buy' as const, 'sell' as const),
      qty: fc.integer({ min: 1, max: 20 }),
      price: fc.integer({ min: 9000, max: 11000 }),
    });
    fc.assert(
      fc.property(
        fc.array(fill, { minLength: 1, maxLength: 25 }),
        fc.integer({ min: 1, max: 3000 }),
        (fills, limit) => {
          const { book } = makeBook({
            specs: [{ ruleId: 'r', level: 'client', daily: String(limit), onBreach: 'reduce_only' }],
          });
          const a = { level: 'client' as const, id: 'bot-a' };
          let reached = false;
          fills.forEach((f, i) => {
            book.onFill('bot-a', 'X', f.side, String(f.qty / 10), String(f.price), '0', T0 + i);
            reached ||= new Decimal(book.facts(a, T0 + i).dailyPnl).lte(-limit);
            expect(book.latchOf(a) !== undefined).toBe(reached);
          });
        },
      ),
    );
  });

  it('property: the period index steps by one exactly at the reset time, in any zone', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3650 }),
        fc.integer({ min: 0, max: 23 }),
        fc.constantFrom('UTC', 'Asia/Tokyo', 'Asia/Kolkata'),
        (day, hour, zone) => {
          const start = `${String(hour).padStart(2, '0')}:00`;
          const offset = { UTC: 0, 'Asia/Tokyo': 9, 'Asia/Kolkata': 5.5 }[zone]!;
          const reset = Date.UTC(2020, 0, 1 + day, hour) - offset * 3_600_000;
          expect(periodIndex(reset, start, zone)).toBe(periodIndex(reset - 1, start, zone) + 1);
          expect(periodIndex(reset + 86_399_999, start, zone)).toBe(periodIndex(reset, start, zone));
        },
      ),
    );
  });
});
