/** Public API of the policy stage (see README.md). */
export { evaluate } from './evaluate.js';
export { loadPolicyDir, loadPolicyFile, loadPolicyText } from './load.js';
export { DEFAULT_POLICY_LIMITS } from './limits.js';
export { PolicyManager } from './manager.js';
export { InMemoryPolicyState } from './state.js';
export { TradingStateStore } from './trading-state.js';
export { latchedEffects } from './latch.js';
export type { PolicySet } from './types.js';
