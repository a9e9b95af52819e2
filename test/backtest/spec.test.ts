import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatStrategySpec, parseStrategySpecs, SPEC_GRAMMAR, type StrategySpec } from '../../src/backtest/spec.js';
import { LiqguardError } from '../../src/core/errors.js';

function errorOf(f: () => unknown): LiqguardError {
  try {
    f();
  } catch (e) {
    if (e instanceof LiqguardError) return e;
    throw e;
  }
  throw new Error('expected a LiqguardError');
}

describe('parseStrategySpecs', () => {
  it('reads the example of the issue with defaults for the rest', () => {
    const [t, m] = parseStrategySpecs(['trend:leverage=20,lookback=24,size=0.5;mm:leverage=10,spread_bps=20,size=0.1']);
    expect(t).toEqual({
      kind: 'trend',
      name: 'trend',
      leverage: 20,
      size: 0.5,
      lookback: 24,
      signal: 'ma',
      rebalance: 0.25,
      jitter: 0.1,
      seed: 1,
    });
    expect(m).toEqual({
      kind: 'mm',
      name: 'mm',
      leverage: 10,
      size: 0.1,
      spreadBps: 20,
      maxInventory: 1,
      jitter: 0.1,
      seed: 2,
    });
  });

  it('accepts repeated --strategy values, bare kinds and names repeated kinds', () => {
    const s = parseStrategySpecs(['trend', 'trend:leverage=5', ' mm ']);
    expect(s.map((x) => x.name)).toEqual(['trend-1', 'trend-2', 'mm']);
    expect(s.map((x) => x.seed)).toEqual([1, 2, 3]);
  });

  it('rejects bad specs listing every problem and the grammar', () => {
    const e = errorOf(() => parseStrategySpecs(['trend:leverage=500,size=0,foo=1;grid:x=1;mm:spread_bps']));
    expect(e.code).toBe('INVALID_REQUEST');
    expect(e.message).toContain(SPEC_GRAMMAR);
    const paths = e.details.map((d) => d.path ?? '');
    expect(paths.some((p) => p.endsWith('.leverage'))).toBe(true);
    expect(paths.some((p) => p.endsWith('.size'))).toBe(true);
    expect(paths.some((p) => p.endsWith('.foo'))).toBe(true);
    expect(e.details.some((d) => d.message.includes('unknown kind "grid"'))).toBe(true);
    expect(e.details.some((d) => d.message.includes('not NAME=VALUE'))).toBe(true);
  });

  it('rejects empty specs, stray separators, duplicates and clashing names', () => {
    expect(errorOf(() => parseStrategySpecs([''])).message).toContain('no strategy');
    expect(errorOf(() => parseStrategySpecs(['trend;;mm'])).message).toContain('empty strategy');
    expect(errorOf(() => parseStrategySpecs(['trend:size=0.5,size=0.6'])).message).toContain('given twice');
    expect(errorOf(() => parseStrategySpecs(['trend:name=a;mm:name=a'])).message).toContain('share this name');
    expect(errorOf(() => parseStrategySpecs(['trend:'])).message).toContain('nothing after');
    expect(errorOf(() => parseStrategySpecs(['trend:lookback=2.5'])).message).toContain('lookback');
    expect(errorOf(() => parseStrategySpecs(['mm:leverage=1e3'])).message).toContain('leverage');
  });

  const trendArb = fc.record({
    kind: fc.constant('trend' as const),
    leverage: fc.integer({ min: 1, max: 125 }),
    size: fc.integer({ min: 1, max: 100 }).map((x) => x / 100),
    lookback: fc.integer({ min: 2, max: 1000 }),
    signal: fc.constantFrom('ma' as const, 'breakout' as const),
    rebalance: fc.integer({ min: 0, max: 100 }).map((x) => x / 100),
    jitter: fc.integer({ min: 0, max: 50 }).map((x) => x / 100),
    seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  });
  const mmArb = fc.record({
    kind: fc.constant('mm' as const),
    leverage: fc.integer({ min: 1, max: 125 }),
    size: fc.integer({ min: 1, max: 1000 }).map((x) => x / 1000),
    spreadBps: fc.integer({ min: 1, max: 10000 }).map((x) => x / 10),
    maxInventory: fc.integer({ min: 1, max: 100 }).map((x) => x / 100),
    jitter: fc.integer({ min: 0, max: 50 }).map((x) => x / 100),
    seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  });

  it('property: the canonical text of any valid spec parses back to the same spec', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(trendArb, mmArb), { minLength: 1, maxLength: 4 }), (list) => {
        const specs: StrategySpec[] = list.map((s, i) => ({ ...s, name: `s${i}` }) as StrategySpec);
        const text = specs.map(formatStrategySpec).join(';');
        expect(parseStrategySpecs([text])).toEqual(specs);
      }),
    );
  });

  it('property: any out-of-range leverage is rejected, never clamped', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: 126, max: 100_000 }), fc.integer({ min: -1000, max: 0 })),
        fc.constantFrom('trend', 'mm'),
        (lev, kind) => {
          expect(() => parseStrategySpecs([`${kind}:leverage=${lev}`])).toThrow(LiqguardError);
        },
      ),
    );
  });

  it('property: arbitrary text either parses to valid specs or fails with INVALID_REQUEST', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        try {
          const specs = parseStrategySpecs([text]);
          for (const s of specs) expect(s.leverage >= 1 && s.leverage <= 125 && s.size > 0 && s.size <= 1).toBe(true);
        } catch (e) {
          expect((e as LiqguardError).code).toBe('INVALID_REQUEST');
        }
      }),
    );
  });
});
