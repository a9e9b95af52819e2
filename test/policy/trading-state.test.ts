import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { evaluate } from '../../src/policy/evaluate.js';
import { latchedEffects } from '../../src/policy/latch.js';
import { loadPolicyText } from '../../src/policy/load.js';
import { parseScope, STATE_FILE, TradingStateStore } from '../../src/policy/trading-state.js';
import { makeCtx, NOW } from './fixtures.js';

const order = { clientId: 'demo', account: 'demo', venue: 'sim', symbol: 'BTC/USDT:USDT' };

describe('TradingStateStore', () => {
  it('a kill survives a restart until lifted, with the operator and reason', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lg-ts-'));
    const clock = new ManualClock(NOW);
    const a = new TradingStateStore(dir, clock);
    expect(a.stateFor(order)).toEqual({ state: 'ACTIVE' });
    a.kill({ kind: 'symbol', value: 'BTC/USDT:USDT' }, 'alice', 'cascade');
    const b = new TradingStateStore(dir, clock); // restart
    expect(b.stateFor(order)).toEqual({ state: 'HALTED', reason: 'kill symbol:BTC/USDT:USDT by alice: cascade' });
    expect(b.stateFor({ ...order, symbol: 'ETH/USDT:USDT' }).state).toBe('ACTIVE');
    expect(b.list()).toEqual([
      {
        scope: { kind: 'symbol', value: 'BTC/USDT:USDT' },
        state: 'HALTED',
        source: 'kill',
        operator: 'alice',
        reason: 'cascade',
        since: NOW,
      },
    ]);
    expect(b.lift({ kind: 'symbol', value: 'BTC/USDT:USDT' }, 'bob')).toHaveLength(1);
    expect(new TradingStateStore(dir, clock).stateFor(order).state).toBe('ACTIVE');
    expect(readdirSync(dir)).toEqual([STATE_FILE]); // no temp files left behind
  });

  it('the most restrictive state in scope wins, and its reason makes evaluate() answer KILL_SWITCH', () => {
    const store = new TradingStateStore(mkdtempSync(join(tmpdir(), 'lg-ts-')), new ManualClock(NOW));
    store.set({ kind: 'client', value: 'demo' }, 'REDUCING', 'reduce_only', 'policy', 'latched');
    expect(store.stateFor(order).state).toBe('REDUCING');
    store.kill({ kind: 'all' }, 'alice', 'drill');
    const s = store.stateFor(order);
    expect(s.state).toBe('HALTED');
    const set = loadPolicyText('id: t\nversion: 1\nrules: []\n');
    expect(evaluate(makeCtx({ tradingState: s.state, tradingStateReason: s.reason! }), set).code).toBe('KILL_SWITCH');
    store.lift({ kind: 'all' }, 'alice');
    expect(store.stateFor(order).state).toBe('REDUCING');
    expect(store.stateFor({ ...order, clientId: 'other' }).state).toBe('ACTIVE');
  });

  it('a damaged state file stops the start (a kill must never be lost silently)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lg-ts-'));
    writeFileSync(join(dir, STATE_FILE), '{"version":1,"entries":[');
    expect(() => new TradingStateStore(dir, new ManualClock(NOW))).toThrow(/damaged/);
    expect(existsSync(join(dir, STATE_FILE))).toBe(true);
  });

  it('parses scopes from request bodies with clear errors', () => {
    expect(parseScope({ scope: 'all' })).toEqual({ kind: 'all' });
    expect(parseScope({ scope: 'venue', value: 'sim' })).toEqual({ kind: 'venue', value: 'sim' });
    expect(() => parseScope({ scope: 'desk' })).toThrow(/scope must be one of/);
    expect(() => parseScope({ scope: 'client' })).toThrow(/needs a value/);
  });

  it('policy rules latch states for their scope through latchedEffects()', () => {
    const set = loadPolicyText(
      'id: t\nversion: 1\nrules:\n  - id: crit-halt\n    when: { regime: [critical] }\n    halt: { latch: symbol, message: cascade }\n  - id: shadow-ro\n    mode: shadow\n    reduce_only: { latch: client }\n',
    );
    const ctx = makeCtx({ regime: 'critical' });
    const d = evaluate(ctx, set);
    expect(d.code).toBe('HALTED');
    expect(latchedEffects(d, set, ctx.intent)).toEqual([
      {
        ruleId: 'crit-halt',
        scope: { kind: 'symbol', value: 'BTC/USDT:USDT' },
        state: 'HALTED',
        source: 'halt',
        reason: 'policy t rule crit-halt: cascade',
      },
    ]);
    expect(latchedEffects(evaluate(makeCtx(), set), set, ctx.intent)).toEqual([]);
  });
});
