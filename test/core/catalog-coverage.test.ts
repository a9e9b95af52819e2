/** Every catalogued code is produced somewhere and asserted by some test: a code that nothing can
 * produce is a promise the docs make and the gateway does not keep. Produced means named in source
 * outside the catalogs, or as a rule's code in a shipped policy; tested means named in a test file
 * other than the catalog tests. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DENY_CODES } from '../../src/core/deny-codes.js';
import { ERROR_CATALOG } from '../../src/core/errors.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CATALOGS = new Set(['src/core/errors.ts', 'src/core/deny-codes.ts']);
const SELF = new Set(['test/core/catalog-coverage.test.ts', 'test/core/catalog-docs.test.ts']);

function files(dir: string, ext: RegExp): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((n) => {
    const rel = join(dir, n);
    return statSync(join(ROOT, rel)).isDirectory()
      ? files(rel, ext)
      : ext.test(n)
        ? [relative(ROOT, join(ROOT, rel))]
        : [];
  });
}
const text = (list: string[]) => list.map((f) => readFileSync(join(ROOT, f), 'utf8')).join('\n');
const source = text([...files('src', /\.ts$/).filter((f) => !CATALOGS.has(f)), ...files('policies', /\.ya?ml$/)]);
const tests = text(files('test', /\.ts$/).filter((f) => !SELF.has(f)));
const named = (hay: string, code: string) => new RegExp(`\\b${code}\\b`).test(hay);
const codes = [...Object.keys(ERROR_CATALOG), ...Object.keys(DENY_CODES)];

describe('catalog coverage', () => {
  it('every code is produced by the source or a shipped policy', () => {
    expect(codes.filter((c) => !named(source, c))).toEqual([]);
  });
  it('every code is named by a test', () => {
    expect(codes.filter((c) => !named(tests, c))).toEqual([]);
  });
});
