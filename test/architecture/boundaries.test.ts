/** The import boundaries of the house design hold (rules in .dependency-cruiser.cjs, also run in CI
 * by `npm run lint`), and the rule set does catch a violation (fixture: core importing ingress). */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const rules = createRequire(import.meta.url)(join(ROOT, '.dependency-cruiser.cjs')) as {
  forbidden: unknown[];
  options: Record<string, unknown>;
};

async function violations(baseDir: string): Promise<string[]> {
  const res = await cruise(['src'], {
    ...rules.options,
    baseDir,
    validate: true,
    ruleSet: { forbidden: rules.forbidden },
  } as never);
  const out = res.output as ICruiseResult;
  return out.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`);
}

describe('import boundaries', () => {
  it('src has no violation', async () => {
    expect(await violations(ROOT)).toEqual([]);
  }, 120_000);

  it('a core module importing ingress is caught', async () => {
    expect(await violations(join(import.meta.dirname, 'fixtures'))).toContain(
      'core-is-a-leaf: src/core/leak.ts -> src/ingress/door.ts',
    );
  }, 60_000);
});
