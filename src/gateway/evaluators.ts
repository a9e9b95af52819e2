/** The evaluators the pipeline calls per order. Built once per policy-set version (a reload swaps
 * the manager's evaluator), not per order: approved overrides and, in cluster mode, the shared
 * guards wrap the set's own evaluator. */
import type { Cluster } from '../cluster/index.js';
import type { PolicyEvaluator } from '../core/stages.js';
import { withOverrides, type ActiveOverrides } from '../overrides/evaluator.js';
import type { InMemoryPolicyState, PolicyManager } from '../policy/index.js';

export function policyEvaluators(d: {
  policies: PolicyManager;
  policyState: InMemoryPolicyState;
  activeOverrides: ActiveOverrides;
  cluster?: Cluster | undefined;
}): { enforcing: () => PolicyEvaluator; shadow: () => PolicyEvaluator | undefined } {
  const { policies, cluster } = d;
  const enforcing = perEvaluator(
    () => policies.evaluator(),
    (base) => {
      const e = withOverrides(base, policies.enforcing, d.activeOverrides, d.policyState);
      return cluster ? cluster.policyState.bindEvaluator(e) : e;
    },
  );
  const shadowOf = perEvaluator(
    () => policies.shadowEvaluator(),
    (sh) => (cluster ? cluster.policyState.bindEvaluator(sh, { guards: false }) : sh),
  );
  return { enforcing, shadow: () => (policies.shadowEvaluator() ? shadowOf() : undefined) };
}

/** `build(current())`, rebuilt only when `current()` returns a different evaluator. */
function perEvaluator<T extends PolicyEvaluator | undefined>(
  current: () => T,
  build: (e: NonNullable<T>) => PolicyEvaluator,
): () => PolicyEvaluator {
  let base: T | undefined;
  let built: PolicyEvaluator | undefined;
  return () => {
    const b = current();
    if (b !== base || !built) {
      base = b;
      built = build(b as NonNullable<T>);
    }
    return built;
  };
}
