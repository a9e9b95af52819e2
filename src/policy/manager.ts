/** PolicyManager: owns the enforcing and the shadow policy set, reloads them (validate first,
 * swap atomically, keep the old sets on any error) and hands the pipeline evaluators bound to
 * the current sets. */
import { watch, type FSWatcher } from 'node:fs';
import type { Registry } from 'prom-client';
import { LiqguardError, type ErrorDetail } from '../core/errors.js';
import type { PolicyEvaluator } from '../core/stages.js';
import type { Decision, RiskContext } from '../core/types.js';
import { evaluate } from './evaluate.js';
import { DEFAULT_POLICY_LIMITS, type PolicyLimits } from './limits.js';
import { isPolicyFile, loadPolicyDir } from './load.js';
import { PolicyMetrics } from './metrics.js';
import { EMPTY_POLICY_STATE, type PolicyStateView } from './state.js';
import type { PolicySet, ThrottleAction } from './types.js';

export interface PolicyManagerOptions {
  readonly dir: string;
  readonly enforce: string; // set id
  readonly shadow?: string; // set id of the candidate evaluated beside it
  readonly state?: PolicyStateView;
  readonly registry?: Registry;
  readonly logger?: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
  /** Size, alias and rule-count limits (default DEFAULT_POLICY_LIMITS). */
  readonly limits?: PolicyLimits;
}

interface SetRef {
  readonly id: string;
  readonly version: number;
  readonly sha256: string;
}
export type ReloadResult =
  | { readonly ok: true; readonly changed: boolean; readonly enforce: SetRef; readonly shadow?: SetRef }
  | { readonly ok: false; readonly message: string; readonly errors: readonly ErrorDetail[]; readonly kept: SetRef };

export interface ShadowDiff {
  readonly fields: readonly string[];
  readonly enforced: { kind: string; code?: string; approvedQuantity: string; children: number };
  readonly shadow: { kind: string; code?: string; approvedQuantity: string; children: number };
  readonly shadowSet: SetRef;
}

const ref = (s: PolicySet): SetRef => ({ id: s.id, version: s.version, sha256: s.sha256 });

function pick(
  sets: ReadonlyMap<string, PolicySet>,
  enforce: string,
  shadow: string | undefined,
  dir: string,
): { enforce: PolicySet; shadow?: PolicySet } {
  const e = sets.get(enforce);
  const details: ErrorDetail[] = [];
  if (!e)
    details.push({
      path: 'policies.enforce',
      message: `no policy set with id "${enforce}" in ${dir} (found: ${[...sets.keys()].join(', ')})`,
    });
  const s = shadow ? sets.get(shadow) : undefined;
  if (shadow && !s)
    details.push({
      path: 'policies.shadow',
      message: `no policy set with id "${shadow}" in ${dir} (found: ${[...sets.keys()].join(', ')})`,
    });
  if (details.length || !e)
    throw new LiqguardError('POLICY_INVALID', details.map((d) => `${d.path}: ${d.message}`).join('; '), details);
  return s ? { enforce: e, shadow: s } : { enforce: e };
}

export class PolicyManager {
  private current: {
    enforce: PolicySet;
    shadow?: PolicySet;
    evaluator: PolicyEvaluator;
    shadowEvaluator?: PolicyEvaluator;
  };
  readonly metrics?: PolicyMetrics;
  private readonly state: PolicyStateView;

  /** Loads and validates at once: throws POLICY_INVALID at boot, listing every error. */
  constructor(private readonly opts: PolicyManagerOptions) {
    this.state = opts.state ?? EMPTY_POLICY_STATE;
    if (opts.registry) this.metrics = new PolicyMetrics(opts.registry);
    this.current = this.bind(
      pick(loadPolicyDir(opts.dir, opts.limits ?? DEFAULT_POLICY_LIMITS), opts.enforce, opts.shadow, opts.dir),
    );
  }

  get enforcing(): PolicySet {
    return this.current.enforce;
  }
  get shadowing(): PolicySet | undefined {
    return this.current.shadow;
  }

  /** The evaluator for the enforcing set; a reload swaps it, so call this per order. */
  evaluator(): PolicyEvaluator {
    return this.current.evaluator;
  }
  shadowEvaluator(): PolicyEvaluator | undefined {
    return this.current.shadowEvaluator;
  }

  /** The limiter parameters of a throttle rule of the enforcing set (for execution/admission). */
  throttleSpec(ruleId: string): ThrottleAction | undefined {
    const a = this.current.enforce.rules.find((r) => r.id === ruleId)?.action;
    return a?.type === 'throttle' ? a : undefined;
  }

  /** Compare a shadow decision with the enforced one; differences are counted and returned for
   * the log (and the shadow_diff audit record). undefined when they agree. */
  compareShadow(enforced: Decision, shadow: Decision): ShadowDiff | undefined {
    const set = this.current.shadow;
    if (!set) return undefined;
    this.metrics?.shadowEvaluations.inc({ set: set.id });
    const fields: string[] = [];
    if (enforced.kind !== shadow.kind) fields.push('kind');
    if (enforced.code !== shadow.code) fields.push('code');
    if (enforced.approvedQuantity !== shadow.approvedQuantity) fields.push('approvedQuantity');
    if (enforced.children.length !== shadow.children.length) fields.push('children');
    if (!fields.length) return undefined;
    for (const field of fields) this.metrics?.shadowDiffs.inc({ set: set.id, field });
    const summary = (d: Decision) => ({
      kind: d.kind,
      ...(d.code ? { code: d.code } : {}),
      approvedQuantity: d.approvedQuantity,
      children: d.children.length,
    });
    return { fields, enforced: summary(enforced), shadow: summary(shadow), shadowSet: ref(set) };
  }

  /** Validate the whole directory first; swap only when everything is valid. */
  reload(): ReloadResult {
    const before = this.current;
    try {
      const next = pick(
        loadPolicyDir(this.opts.dir, this.opts.limits ?? DEFAULT_POLICY_LIMITS),
        this.opts.enforce,
        this.opts.shadow,
        this.opts.dir,
      );
      const changed = next.enforce.sha256 !== before.enforce.sha256 || next.shadow?.sha256 !== before.shadow?.sha256;
      if (changed) this.current = this.bind(next);
      this.metrics?.reloads.inc({ result: 'ok' });
      this.opts.logger?.info(
        { enforce: ref(next.enforce), shadow: next.shadow && ref(next.shadow), changed },
        'policy reload',
      );
      return { ok: true, changed, enforce: ref(next.enforce), ...(next.shadow ? { shadow: ref(next.shadow) } : {}) };
    } catch (caught) {
      // Whatever goes wrong while loading (including a bug), the current sets stay in force.
      const err =
        caught instanceof LiqguardError
          ? caught
          : new LiqguardError('POLICY_INVALID', `policy reload failed: ${(caught as Error).message}`);
      this.metrics?.reloads.inc({ result: 'error' });
      this.opts.logger?.warn(
        { errors: err.details, kept: ref(before.enforce) },
        'policy reload failed: keeping the current set',
      );
      return { ok: false, message: err.message, errors: err.details, kept: ref(before.enforce) };
    }
  }

  /** Reload when a policy file changes (debounced: editors write in several steps). Returns stop(). */
  watch(onReload: (r: ReloadResult) => void = () => undefined, debounceMs = 250): () => void {
    let timer: NodeJS.Timeout | undefined;
    const watcher: FSWatcher = watch(this.opts.dir, (_event, name) => {
      if (name && !isPolicyFile(String(name))) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        try {
          onReload(this.reload());
        } catch (err) {
          this.opts.logger?.warn({ err }, 'policy reload listener failed');
        }
      }, debounceMs);
    });
    watcher.on('error', (err) => this.opts.logger?.warn({ err }, 'policy watcher error'));
    return () => {
      if (timer) clearTimeout(timer);
      watcher.close();
    };
  }

  private bind(sets: { enforce: PolicySet; shadow?: PolicySet }): PolicyManager['current'] {
    const make = (set: PolicySet): PolicyEvaluator => ({
      id: set.id,
      sha256: set.sha256,
      evaluate: (ctx: RiskContext) => {
        const d = evaluate(ctx, set, this.state);
        this.metrics?.observe(set.id, d);
        return d;
      },
    });
    return { ...sets, evaluator: make(sets.enforce), ...(sets.shadow ? { shadowEvaluator: make(sets.shadow) } : {}) };
  }
}
