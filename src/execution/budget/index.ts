/** execution/budget: the shared request budget of a venue. See README.md. */
export { VenueBudget, type VenueBudgetOptions, type Acquired } from './venue-budget.js';
export { BudgetState, DEFAULT_POLICY, parseBannedUntil, parseRetryAfter, type RequestKind } from './budget-state.js';
