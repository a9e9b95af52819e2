/** execution/budget: the shared request budget of a venue. See README.md. */
export { VenueBudget, type VenueBudgetOptions, type Acquired } from './venue-budget.js';
export { BudgetState, BINANCE_USDM_LIMITS, DEFAULT_POLICY, parseBannedUntil, parseRetryAfter, type BudgetDecision, type BudgetPolicy, type BudgetSnapshot, type RequestKind, type VenueLimits } from './budget-state.js';
