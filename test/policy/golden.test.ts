/** Golden decision records: representative orders under each shipped policy set, with a fixed
 * clock and ids. A change in any decision shows up as a diff of test/policy/golden/*.json.
 * Regenerate deliberately with UPDATE_GOLDEN=1 and review the diff. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RiskContext } from '../../src/core/types.js';
import { evaluate } from '../../src/policy/evaluate.js';
import { loadPolicyFile } from '../../src/policy/load.js';
import { InMemoryPolicyState } from '../../src/policy/state.js';
import { makeCtx, NOW, reducingExposure } from './fixtures.js';
import { ds } from '../support/decimals.js';

const ROOT = join(import.meta.dirname, '..', '..');
const KILLED = { tradingState: 'HALTED' as const, tradingStateReason: 'kill all by alice: incident drill' };
const REDUCE_SELL = {
  intent: { side: 'sell' as const, reduceOnly: true, quantity: ds('0.1') },
  exposure: reducingExposure('0.1', '0.3'),
};

type Scenario = { name: string; ctx: RiskContext; state?: (s: InMemoryPolicyState) => void };

const SCENARIOS: Record<string, Scenario[]> = {
  default: [
    { name: 'small market buy, stable', ctx: makeCtx() },
    {
      name: 'symbol not on the allow list',
      ctx: makeCtx({ intent: { symbol: 'DOGE/USDT:USDT', quantity: ds('1000') } }),
    },
    { name: 'fat-finger quantity', ctx: makeCtx({ intent: { quantity: ds('6') } }) },
    { name: 'limit 10% below mark', ctx: makeCtx({ intent: { type: 'limit', price: ds('100800') } }) },
    { name: 'stressed regime caps 1 BTC to 50k', ctx: makeCtx({ regime: 'stressed', intent: { quantity: ds('1') } }) },
    {
      name: 'unknown regime uses the critical cap',
      ctx: makeCtx({ regime: 'unknown', intent: { quantity: ds('0.5') } }),
    },
    { name: 'kill: new order denied', ctx: makeCtx(KILLED) },
    { name: 'kill: reduce-only exit allowed', ctx: makeCtx({ ...KILLED, ...REDUCE_SELL }) },
    {
      name: 'shadow rule fires, enforced outcome unchanged',
      ctx: makeCtx({ regime: 'fragile', exposure: { distanceToLiquidationPct: 3 } }),
    },
  ],
  defensive: [
    { name: 'small ETH buy, stable', ctx: makeCtx({ intent: { symbol: 'ETH/USDT:USDT', quantity: ds('2') } }) },
    { name: 'large BTC buy worked in slices', ctx: makeCtx({ intent: { quantity: ds('0.4') } }) },
    { name: 'high probability caps then splits', ctx: makeCtx({ probability: 0.6, intent: { quantity: ds('0.4') } }) },
    { name: 'critical: new exposure denied', ctx: makeCtx({ regime: 'critical' }) },
    { name: 'critical: reducing sell allowed', ctx: makeCtx({ regime: 'critical', ...REDUCE_SELL }) },
    { name: 'unknown regime reads as critical', ctx: makeCtx({ regime: 'unknown' }) },
    { name: 'too close to liquidation', ctx: makeCtx({ exposure: { distanceToLiquidationVol: 2 } }) },
    {
      name: 'leverage cap on a small account',
      ctx: makeCtx({
        regime: 'stressed',
        intent: { quantity: ds('0.15') },
        exposure: {
          account: {
            account: 'demo',
            walletBalance: '5000',
            availableBalance: '5000',
            marginBalance: '5000',
            maintMargin: '0',
            marginRatio: 0,
            positions: [],
          },
        },
      }),
    },
    { name: 'too large for the visible book', ctx: makeCtx({ features: { depth_1: 100000 } }) },
  ],
  'compliance-baseline': [
    { name: 'permitted BTC order', ctx: makeCtx() },
    {
      name: 'client without XRP permission',
      ctx: makeCtx({ intent: { clientId: 'fund-a', symbol: 'XRP/USDT:USDT', quantity: ds('100') } }),
    },
    { name: 'price collar per order', ctx: makeCtx({ intent: { type: 'limit', price: ds('116600') } }) },
    {
      name: 'price collar over 5 minutes',
      ctx: makeCtx(),
      state: (s) => s.recordPrice('BTC/USDT:USDT', NOW - 200_000, 100000),
    },
    {
      name: 'message limit including cancels',
      ctx: makeCtx(),
      state: (s) => Array.from({ length: 20 }, (_, i) => s.recordMessage('demo', NOW - 900 + i)),
    },
    {
      name: 'aggregate client exposure with open orders',
      ctx: makeCtx({ exposure: { clientNotional: '1900000', openOrdersNotional: '100000' } }),
      state: (s) => s.openOrder('demo', 'int_open', '300000'),
    },
    { name: 'duplicate order', ctx: makeCtx(), state: (s) => s.recordOrder(makeCtx().intent, NOW - 1500) },
    { name: 'maximum order volume', ctx: makeCtx({ intent: { quantity: ds('11') } }) },
  ],
};

describe('golden decision records of the shipped policies', () => {
  for (const [setId, scenarios] of Object.entries(SCENARIOS)) {
    it(`${setId}.yaml`, () => {
      const set = loadPolicyFile(join(ROOT, 'policies', `${setId}.yaml`));
      const actual = scenarios.map((s) => {
        const state = new InMemoryPolicyState();
        s.state?.(state);
        const d = evaluate(s.ctx, set, state);
        return { name: s.name, decision: { ...d, policySha256: '<sha256 of the set>' } };
      });
      const file = join(import.meta.dirname, 'golden', `${setId}.json`);
      if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, JSON.stringify(actual, null, 2) + '\n');
      expect(existsSync(file), `${file} is missing: run with UPDATE_GOLDEN=1 and review it`).toBe(true);
      expect(actual).toEqual(JSON.parse(readFileSync(file, 'utf8')));
    });
  }
});
