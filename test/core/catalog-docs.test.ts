import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { ERROR_CATALOG } from '../../src/core/errors.js';
import { DENY_CODES, renderDenial } from '../../src/core/deny-codes.js';

const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
const documented = new Set([...doc.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]!));

describe('error and denial catalogs stay in sync with docs/errors.md', () => {
  it('every catalog code is documented', () => {
    const missing = [...Object.keys(ERROR_CATALOG), ...Object.keys(DENY_CODES)].filter((c) => !documented.has(c));
    expect(missing).toEqual([]);
  });
  it('every documented code exists', () => {
    const all = new Set([...Object.keys(ERROR_CATALOG), ...Object.keys(DENY_CODES)]);
    expect([...documented].filter((c) => !all.has(c))).toEqual([]);
  });
  it('error HTTP statuses in the doc match the catalog', () => {
    for (const [code, v] of Object.entries(ERROR_CATALOG)) expect(doc).toContain(`| \`${code}\` | ${v.status} |`);
  });
  it('renders denials as CODE: key=value, quoting values with spaces', () => {
    expect(renderDenial('PRICE_COLLAR', { price: '70000', mark: 65000.5, maxPct: 5 })).toBe(
      'PRICE_COLLAR: price=70000 mark=65000.5 maxPct=5',
    );
    expect(renderDenial('POLICY_REJECT', { message: 'no new longs' })).toBe('POLICY_REJECT: message="no new longs"');
    expect(renderDenial('HALTED')).toBe('HALTED');
  });
});
