/** A stage that throws never throws out of the pipeline: the guard answers its stand-in and the
 * order is denied with the code of the first failed stage. */
import { describe, expect, it } from 'vitest';
import { StageGuard, unavailableTradingState } from '../../src/policy/stage-guard.js';
import { makeCtx } from './fixtures.js';

const policy = {
  id: 'p',
  sha256: 'ab'.repeat(32),
  evaluate: () => {
    throw new Error('unused');
  },
} as never;
const boom = (): never => {
  throw new Error('disk on fire');
};

describe('StageGuard', () => {
  it('a failing trading-state read is TRADING_STATE_UNAVAILABLE, and the stand-in halts', () => {
    const g = new StageGuard(makeCtx().intent, undefined);
    expect(g.run('tradingState', boom, unavailableTradingState).state).toBe('HALTED');
    expect(g.denial(policy)).toMatchObject({ kind: 'deny', code: 'TRADING_STATE_UNAVAILABLE', approvedQuantity: '0' });
  });
  it('a failing policy evaluation is POLICY_EVALUATION_FAILED; the first failure names the code', () => {
    const g = new StageGuard(makeCtx().intent, undefined);
    g.run('policy', boom, () => undefined);
    g.run('market', boom, () => undefined);
    expect(g.denial(policy)).toMatchObject({
      code: 'POLICY_EVALUATION_FAILED',
      params: { stage: 'policy', error: 'disk on fire' },
    });
  });
});
