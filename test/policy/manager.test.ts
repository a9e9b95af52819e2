import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { LiqguardError } from '../../src/core/errors.js';
import { PolicyManager, type ReloadResult } from '../../src/policy/manager.js';
import { makeCtx } from './fixtures.js';
import { ds } from '../support/decimals.js';

const ROOT = join(import.meta.dirname, '..', '..');

function tempPolicies(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lg-pm-'));
  cpSync(join(ROOT, 'policies'), dir, { recursive: true });
  return dir;
}

describe('PolicyManager', () => {
  it('refuses to start on an unknown set id, naming what exists', () => {
    const dir = tempPolicies();
    expect(() => new PolicyManager({ dir, enforce: 'nope' })).toThrow(LiqguardError);
    expect(() => new PolicyManager({ dir, enforce: 'nope' })).toThrow(/no policy set with id "nope".*default/);
  });

  it('reload keeps the old set on a bad file and says why; swaps atomically on a good one', () => {
    const dir = tempPolicies();
    const m = new PolicyManager({ dir, enforce: 'default' });
    const before = m.enforcing.sha256;
    const evaluatorBefore = m.evaluator();
    const file = join(dir, 'default.yaml');
    const good = readFileSync(file, 'utf8');
    writeFileSync(file, good.replace('  - id: price-collar\n', '  - id: price-collar\n    colour: red\n'));
    const bad = m.reload();
    expect(bad.ok).toBe(false);
    expect(bad).toMatchObject({ kept: { id: 'default', sha256: before } });
    if (!bad.ok) expect(bad.errors.map((e) => e.path)).toContain('default.yaml: rules[6].colour');
    expect(m.enforcing.sha256).toBe(before);
    expect(m.evaluator()).toBe(evaluatorBefore);

    writeFileSync(file, good.replace('stable: 100000', 'stable: 90000'));
    const ok = m.reload();
    expect(ok).toMatchObject({ ok: true, changed: true });
    expect(m.enforcing.sha256).not.toBe(before);
    expect(m.evaluator().sha256).toBe(m.enforcing.sha256);
    expect(m.evaluator().evaluate(makeCtx({ intent: { quantity: ds('1') } })).approvedQuantity).toBe('0.803'); // 90000 / 112000
    expect(m.reload()).toMatchObject({ ok: true, changed: false });
  });

  it('every decision carries the sha256 of the set that made it', () => {
    const m = new PolicyManager({ dir: tempPolicies(), enforce: 'default' });
    expect(m.evaluator().evaluate(makeCtx()).policySha256).toBe(m.enforcing.sha256);
  });

  it('evaluates a shadow set beside the enforcing one and counts differences', async () => {
    const registry = new Registry();
    const m = new PolicyManager({ dir: tempPolicies(), enforce: 'default', shadow: 'defensive', registry });
    const ctx = makeCtx({ regime: 'critical' });
    const enforced = m.evaluator().evaluate(ctx);
    const shadow = m.shadowEvaluator()!.evaluate(ctx);
    expect(enforced.kind).toBe('modify'); // default: critical cap 5000
    expect(shadow.kind).toBe('deny'); // defensive: reduce-only in critical
    const diff = m.compareShadow(enforced, shadow);
    expect(diff).toMatchObject({
      fields: ['kind', 'code', 'approvedQuantity', 'children'],
      shadowSet: { id: 'defensive' },
    });
    expect(m.compareShadow(enforced, enforced)).toBeUndefined();
    const text = await registry.metrics();
    expect(text).toContain('liqguard_policy_shadow_diffs_total{set="defensive",field="kind"} 1');
    expect(text).toContain('liqguard_policy_shadow_evaluations_total{set="defensive"} 2');
    expect(text).toContain(
      'liqguard_policy_rule_outcomes_total{set="default",rule="regime-notional-cap",mode="enforce",outcome="modify"} 1',
    );
    expect(text).toContain(
      'liqguard_policy_rule_outcomes_total{set="defensive",rule="critical-reduce-only",mode="enforce",outcome="deny"} 1',
    );
    expect(text).toContain('liqguard_policy_decisions_total{set="default",kind="modify"} 1');
  });

  it('exposes the throttle parameters of the enforcing set', () => {
    const m = new PolicyManager({ dir: tempPolicies(), enforce: 'compliance-baseline' });
    expect(m.throttleSpec('client-message-throttle')).toMatchObject({
      key: 'client',
      rate: { count: 10, perMs: 1000 },
      maxWaitMs: 1000,
    });
    expect(m.throttleSpec('price-collar')).toBeUndefined();
  });

  it('watches the directory and reloads on change', async () => {
    const dir = tempPolicies();
    const m = new PolicyManager({ dir, enforce: 'default' });
    const results: ReloadResult[] = [];
    const done = new Promise<void>((resolve) => {
      const stop = m.watch((r) => {
        results.push(r);
        if (r.ok && r.changed) {
          stop();
          resolve();
        }
      }, 20);
    });
    const file = join(dir, 'default.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('version: 1', 'version: 2'));
    await done;
    expect(m.enforcing.version).toBe(2);
  });
});
