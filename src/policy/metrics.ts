/** Prometheus counters of the policy stage. Rule outcomes are tallied in plain maps on the hot
 * path and handed to prom-client at scrape time (collect()), so that 50 rules per decision cost
 * map increments, not 50 label hashes. */
import { Counter, type Registry } from 'prom-client';
import type { Decision } from '../core/types.js';

interface Tally {
  labels: { set: string; rule: string; mode: string; outcome: string };
  n: number;
}

export class PolicyMetrics {
  private readonly pending = new Map<string, Map<string, Tally>>();
  /** Unmatched rules share one frozen trace entry per rule: tally those by identity (no key string). */
  private readonly byEntry = new WeakMap<object, Tally>();
  readonly ruleOutcomes: Counter<'set' | 'rule' | 'mode' | 'outcome'>;
  readonly decisions: Counter<'set' | 'kind'>;
  readonly shadowDiffs: Counter<'set' | 'field'>;
  readonly shadowEvaluations: Counter<'set'>;
  readonly reloads: Counter<'result'>;

  constructor(registry: Registry) {
    const flush = () => this.flush();
    this.ruleOutcomes = new Counter({
      name: 'liqguard_policy_rule_outcomes_total',
      help: 'Policy rule evaluations by policy set, rule, mode (enforce|shadow) and outcome (pass|accept|modify|split|deny|throttle)',
      labelNames: ['set', 'rule', 'mode', 'outcome'],
      registers: [registry],
      collect: flush,
    });
    this.decisions = new Counter({
      name: 'liqguard_policy_decisions_total',
      help: 'Decisions by policy set and kind',
      labelNames: ['set', 'kind'],
      registers: [registry],
      collect: flush,
    });
    this.shadowDiffs = new Counter({
      name: 'liqguard_policy_shadow_diffs_total',
      help: 'Shadow-set decisions that differ from the enforced one, by differing field',
      labelNames: ['set', 'field'],
      registers: [registry],
    });
    this.shadowEvaluations = new Counter({
      name: 'liqguard_policy_shadow_evaluations_total',
      help: 'Orders evaluated by the shadow policy set',
      labelNames: ['set'],
      registers: [registry],
    });
    this.reloads = new Counter({
      name: 'liqguard_policy_reloads_total',
      help: 'Policy reloads by result (ok|error)',
      labelNames: ['result'],
      registers: [registry],
    });
  }

  observe(setId: string, d: Decision): void {
    let bySet = this.pending.get(setId);
    if (!bySet) this.pending.set(setId, (bySet = new Map()));
    this.bump(bySet, setId, '', 'decision', d.kind);
    for (const t of d.trace) {
      if (Object.isFrozen(t)) {
        let tally = this.byEntry.get(t);
        if (!tally) this.byEntry.set(t, (tally = this.bump(bySet, setId, t.ruleId, t.mode, t.outcome)));
        else tally.n++;
      } else this.bump(bySet, setId, t.ruleId, t.mode, t.outcome);
    }
  }

  private bump(m: Map<string, Tally>, set: string, rule: string, mode: string, outcome: string): Tally {
    const key = `${rule}\u0000${mode}\u0000${outcome}`;
    let t = m.get(key);
    if (t) t.n++;
    else m.set(key, (t = { labels: { set, rule, mode, outcome }, n: 1 }));
    return t;
  }

  /** Move tallies into the prom-client counters (called on scrape; safe to call any time). */
  flush(): void {
    for (const m of this.pending.values()) {
      for (const t of m.values()) {
        if (!t.n) continue;
        if (t.labels.mode === 'decision') this.decisions.inc({ set: t.labels.set, kind: t.labels.outcome }, t.n);
        else this.ruleOutcomes.inc(t.labels, t.n);
        t.n = 0;
      }
    }
  }
}
