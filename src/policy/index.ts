/** Public API of the policy stage (see README.md). */
export { evaluate, TRADING_STATE_RULE } from './evaluate.js';
export { loadPolicyDir, loadPolicyFile, loadPolicyPath, loadPolicyText, canonicalJson } from './load.js';
export { DEFAULT_POLICY_LIMITS, type PolicyLimits } from './limits.js';
export { PolicyManager, type PolicyManagerOptions, type ReloadResult, type SetRef, type ShadowDiff } from './manager.js';
export { PolicyMetrics } from './metrics.js';
export { InMemoryPolicyState, EMPTY_POLICY_STATE, orderFingerprint, type PolicyStateView, type PriceRange } from './state.js';
export { TradingStateStore, parseScope, scopeKey, scopeMatches, STATE_FILE, type TradingScope, type TradingStateEntry, type OrderScope, type StateSource } from './trading-state.js';
export { latchedEffects, type LatchEffect } from './latch.js';
export { planSplit, deriveClientOrderId, CLIENT_ORDER_ID_RE } from './split-plan.js';
export type { PolicySet, Rule, Action, Condition, SplitAction, ThrottleAction, CapAction, Limit } from './types.js';
