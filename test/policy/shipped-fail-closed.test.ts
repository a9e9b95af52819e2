/** The shipped compliance baseline fails closed: unknown regime (stale or implausible data) denies new
 * exposure with REGIME_UNKNOWN, while an order that reduces a position still passes that rule. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/policy/evaluate.js';
import { loadPolicyFile } from '../../src/policy/load.js';
import { InMemoryPolicyState } from '../../src/policy/state.js';
import { makeCtx, reducingExposure } from './fixtures.js';

const set = loadPolicyFile(join(import.meta.dirname, '..', '..', 'policies', 'compliance-baseline.yaml'));

describe('compliance-baseline on unknown regime', () => {
  it('denies new exposure with REGIME_UNKNOWN', () => {
    const d = evaluate(makeCtx({ regime: 'unknown' }), set, new InMemoryPolicyState());
    expect(d.kind).toBe('deny');
    expect(d.code).toBe('REGIME_UNKNOWN');
    expect(d.trace.find((t) => t.ruleId === 'regime-unknown')).toMatchObject({ matched: true, outcome: 'deny' });
  });

  it('lets a reducing order pass the rule, and a known regime never matches it', () => {
    const reduce = evaluate(
      makeCtx({
        regime: 'unknown',
        intent: { side: 'sell', reduceOnly: true },
        exposure: reducingExposure('0.1', '1'),
      }),
      set,
      new InMemoryPolicyState(),
    );
    expect(reduce.trace.find((t) => t.ruleId === 'regime-unknown')).toMatchObject({ matched: false });
    const known = evaluate(makeCtx({ regime: 'critical' }), set, new InMemoryPolicyState());
    expect(known.trace.find((t) => t.ruleId === 'regime-unknown')).toMatchObject({ matched: false });
  });
});

describe('compliance-baseline permissions', () => {
  it('a client other than demo may trade BTC and ETH only (CLIENT_NOT_PERMITTED)', () => {
    const d = evaluate(
      makeCtx({ intent: { clientId: 'fund-a', symbol: 'XRP/USDT:USDT' } }),
      set,
      new InMemoryPolicyState(),
    );
    expect(d.kind).toBe('deny');
    expect(d.code).toBe('CLIENT_NOT_PERMITTED');
    const ok = evaluate(
      makeCtx({ intent: { clientId: 'fund-a', symbol: 'ETH/USDT:USDT' } }),
      set,
      new InMemoryPolicyState(),
    );
    expect(ok.code).not.toBe('CLIENT_NOT_PERMITTED');
  });
});

describe('defensive.yaml margin and liquidation controls', () => {
  const defensive = loadPolicyFile(join(import.meta.dirname, '..', '..', 'policies', 'defensive.yaml'));
  it('denies new exposure within 3 horizon volatilities of liquidation (LIQUIDATION_DISTANCE)', () => {
    const d = evaluate(makeCtx({ exposure: { distanceToLiquidationVol: 2 } }), defensive, new InMemoryPolicyState());
    expect(d.trace.find((t) => t.ruleId === 'liquidation-distance')).toMatchObject({
      matched: true,
      code: 'LIQUIDATION_DISTANCE',
    });
    expect(d.kind).toBe('deny');
  });
  it('denies new exposure that takes the margin ratio to 50 % (MARGIN_INSUFFICIENT)', () => {
    const d = evaluate(makeCtx({ exposure: { marginRatioAfterFill: 0.6 } }), defensive, new InMemoryPolicyState());
    expect(d.trace.find((t) => t.ruleId === 'margin-ratio')).toMatchObject({
      matched: true,
      code: 'MARGIN_INSUFFICIENT',
    });
    const calm = evaluate(makeCtx({ exposure: { marginRatioAfterFill: 0.2 } }), defensive, new InMemoryPolicyState());
    expect(calm.trace.find((t) => t.ruleId === 'margin-ratio')).toMatchObject({ matched: false });
  });
});
