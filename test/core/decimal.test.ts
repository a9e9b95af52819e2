import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonical, floorToStep, parsePositiveDecimal, roundToStep } from '../../src/core/decimal.js';
import { ManualClock } from '../../src/core/clock.js';
import { sequentialIds } from '../../src/core/ids.js';

describe('decimal helpers', () => {
  it('floors to a lot step exactly, without float error', () => {
    expect(floorToStep('0.123456', '0.001').toFixed()).toBe('0.123');
    expect(floorToStep('0.3', '0.1').toFixed()).toBe('0.3');
    expect(roundToStep('65000.04', '0.1', 'nearest').toFixed()).toBe('65000');
    expect(roundToStep('65000.05', '0.1', 'nearest').toFixed()).toBe('65000.1');
    expect(roundToStep('65000.01', '0.1', 'up').toFixed()).toBe('65000.1');
  });
  it('property: floorToStep gives a multiple of the step, ≤ the value, within one step', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 ** 9 }),
        fc.integer({ min: 0, max: 6 }),
        fc.constantFrom('0.001', '0.01', '0.1', '1', '0.005'),
        (n, scale, step) => {
          const v = canonical(`${n}e-${scale}`);
          const f = floorToStep(v, step);
          return f.lte(v) && f.mod(step).isZero() && f.plus(step).gt(v);
        },
      ),
    );
  });
  it('parsePositiveDecimal reasons', () => {
    expect(parsePositiveDecimal(1)).toEqual({ ok: false, reason: 'not_a_string' });
    expect(parsePositiveDecimal('01')).toEqual({ ok: false, reason: 'not_decimal' });
    expect(parsePositiveDecimal('1'.repeat(16))).toEqual({ ok: false, reason: 'too_many_digits' });
    expect(parsePositiveDecimal('0.0')).toEqual({ ok: false, reason: 'not_positive' });
  });
  it('ManualClock never goes backwards; sequential ids are per prefix', () => {
    const c = new ManualClock(10);
    c.advance(5);
    expect(c.now()).toBe(15);
    expect(() => c.set(1)).toThrow(/backwards/);
    const ids = sequentialIds();
    expect([ids.next('a'), ids.next('a'), ids.next('b')]).toEqual(['a_000001', 'a_000002', 'b_000001']);
  });
});
