/** Scorer and policies at start-up: the regime model (or the baseline) and the policy manager,
 * each load audited. */
import type { GatewayConfig } from '../config/types.js';
import type { AuditAppender } from '../core/stages.js';
import type { RegimeScorer } from '../core/types.js';
import type { Cluster } from '../cluster/index.js';
import { defaultFeatureConfig, featureCatalog } from '../market/features/config.js';
import { PolicyManager, type InMemoryPolicyState } from '../policy/index.js';
import { BaselineScorer } from '../scoring/baseline-scorer.js';
import { loadModel } from '../scoring/load-model.js';
import { OnnxRegimeScorer } from '../scoring/onnx-scorer.js';
import type { Metrics } from './metrics.js';

/** A bad model or policy file refuses to start (the audit log is closed cleanly first, so the
 * chain ends on a whole line). */
export async function loadScorerAndPolicies(
  config: GatewayConfig,
  d: { audit: AuditAppender; policyState: InMemoryPolicyState; metrics: Metrics; cluster: Cluster | undefined },
): Promise<{ scorer: RegimeScorer; policies: PolicyManager }> {
  try {
    const scorer = await loadScorer(config, d.audit);
    const policies = new PolicyManager({
      dir: config.policies.dir,
      enforce: config.policies.enforce,
      ...(config.policies.shadow ? { shadow: config.policies.shadow } : {}),
      state: d.policyState,
      registry: d.metrics.registry,
    });
    d.audit.append('policy_load', {
      enforce: policies.enforcing.id,
      sha256: policies.enforcing.sha256,
      version: policies.enforcing.version,
      ...(policies.shadowing ? { shadow: { id: policies.shadowing.id, sha256: policies.shadowing.sha256 } } : {}),
    });
    return { scorer, policies };
  } catch (err) {
    await d.cluster?.close();
    await d.audit.close();
    throw err;
  }
}

async function loadScorer(config: GatewayConfig, audit: AuditAppender): Promise<RegimeScorer> {
  if (config.scoring.scorer === 'model') {
    const model = loadModel(config.scoring.model);
    const scorer = await OnnxRegimeScorer.create(model, {
      engineFeatureNames: featureCatalog(defaultFeatureConfig()).names,
    });
    audit.append('model_load', { id: model.card.id, sha256: model.sha256, card: model.cardPath });
    return scorer;
  }
  const scorer = new BaselineScorer();
  audit.append('model_load', { id: scorer.id, sha256: scorer.sha256, kind: 'baseline' });
  return scorer;
}
