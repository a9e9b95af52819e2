import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LiqguardError } from '../../src/core/errors.js';
import { loadPolicyDir, loadPolicyText } from '../../src/policy/load.js';

function errorsOf(text: string): { path?: string; message: string }[] {
  try {
    loadPolicyText(text, 'test');
  } catch (err) {
    expect(err).toBeInstanceOf(LiqguardError);
    expect((err as LiqguardError).code).toBe('POLICY_INVALID');
    return [...(err as LiqguardError).details];
  }
  throw new Error('expected the policy to be rejected');
}

describe('policy schema', () => {
  it('reports every error with its path, all at once', () => {
    const errors = errorsOf(`
id: t
version: 1
colour: blue
rules:
  - id: a
    reject: {}
  - id: b
    when: { regime: [calm], sid: buy }
    reject: { code: NOT_A_CODE }
  - id: c
    cap: { notional: { stable: -5, hot: 3 } }
  - id: a
    split: { count: 3, interval: 1s, jitter: 2s }
  - id: e
    throttle: { key: client, max_wait: soon }
  - id: f
    reject: {}
    halt: {}
`);
    const paths = errors.map((e) => `${e.path}: ${e.message}`);
    expect(paths).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^colour: unknown key/),
        expect.stringMatching(/^rules\[1\]\.when\.regime\[0\]: unknown value "calm"/),
        expect.stringMatching(/^rules\[1\]\.when\.sid: unknown key/),
        expect.stringMatching(/^rules\[1\]\.reject\.code: unknown denial code "NOT_A_CODE"/),
        expect.stringMatching(/^rules\[2\]\.cap\.notional\.stable: must be at least 0/),
        expect.stringMatching(/^rules\[2\]\.cap\.notional\.hot: unknown key/),
        expect.stringMatching(/^rules\[3\]\.id: duplicate rule id "a"/),
        expect.stringMatching(/^rules\[3\]\.split\.jitter: must not exceed interval/),
        expect.stringMatching(/^rules\[4\]\.throttle: needs at least one of rate, max_concurrent, reservoir/),
        expect.stringMatching(/^rules\[4\]\.throttle\.max_wait: must be a duration/),
        expect.stringMatching(/^rules\[5\]: has 2 actions/),
      ]),
    );
    expect(errors.length).toBe(11);
  });

  it('requires id, version and rules', () => {
    const paths = errorsOf('description: nothing\n').map((e) => e.path);
    expect(paths).toEqual(['id', 'version', 'rules']);
  });

  it('reports YAML syntax errors with a line', () => {
    expect(errorsOf('id: t\nversion: 1\nrules: [\n')[0]!.path).toMatch(/^line \d+/);
  });

  it('hashes the canonical form: formatting and key order do not change the sha256', () => {
    const a = loadPolicyText(
      'id: t\nversion: 1\nrules:\n  - id: r\n    when: { side: buy, symbol: X }\n    reject: { code: POLICY_REJECT }\n',
    );
    const b = loadPolicyText(
      '# comment\nversion: 1\nid: t\nrules:\n  - reject: {}\n    id: r\n    when:\n      symbol: [X]\n      side: buy\n',
    );
    const c = loadPolicyText(
      'id: t\nversion: 1\nrules:\n  - id: r\n    when: { side: sell, symbol: X }\n    reject: {}\n',
    );
    expect(a.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(b.sha256).toBe(a.sha256);
    expect(c.sha256).not.toBe(a.sha256);
    expect(Object.isFrozen(a.rules[0]!.when)).toBe(true);
  });

  it('a directory collects the errors of every file, prefixed with the file name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lg-pol-'));
    writeFileSync(join(dir, 'a.yaml'), 'id: a\nversion: 1\nrules: []\n');
    writeFileSync(join(dir, 'b.yaml'), 'id: b\nversion: 0\nrules: []\n');
    writeFileSync(join(dir, 'c.yaml'), 'id: a\nversion: 1\nrules: []\n');
    try {
      loadPolicyDir(dir);
      throw new Error('expected failure');
    } catch (err) {
      const details = (err as LiqguardError).details.map((d) => `${d.path}: ${d.message}`);
      expect(details).toEqual([
        expect.stringMatching(/^b\.yaml: version: must be an integer/),
        expect.stringMatching(/^c\.yaml: id: duplicate policy set id "a"/),
      ]);
    }
  });

  it('loads the shipped policy sets', () => {
    const sets = loadPolicyDir(join(import.meta.dirname, '..', '..', 'policies'));
    expect([...sets.keys()].sort()).toEqual(['compliance-baseline', 'default', 'defensive']);
  });
});
