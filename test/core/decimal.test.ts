import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  canonical,
  Decimal,
  DECIMAL_LIMITS,
  decimalString,
  decimalStringOf,
  floorToStep,
  parseDecimalString,
  roundToStep,
} from '../../src/core/decimal.js';
import { toFixed } from '../../src/core/fixed-point.js';
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
  it('parseDecimalString reasons', () => {
    expect(parseDecimalString(1)).toEqual({ ok: false, reason: 'not_a_string' });
    expect(parseDecimalString('01')).toEqual({ ok: false, reason: 'not_decimal' });
    expect(parseDecimalString('1e3')).toEqual({ ok: false, reason: 'not_decimal' });
    expect(parseDecimalString(' 1')).toEqual({ ok: false, reason: 'not_decimal' });
    expect(parseDecimalString('1'.repeat(16))).toEqual({ ok: false, reason: 'too_many_digits' });
    expect(parseDecimalString('0.' + '1'.repeat(13))).toEqual({ ok: false, reason: 'too_many_digits' });
    expect(parseDecimalString('0.0')).toEqual({ ok: false, reason: 'not_positive' });
    expect(parseDecimalString('-1')).toEqual({ ok: false, reason: 'not_decimal' });
    expect(parseDecimalString('-1', { sign: 'non_negative' })).toEqual({ ok: false, reason: 'not_decimal' });
    expect(parseDecimalString('0', { sign: 'non_negative' })).toMatchObject({ ok: true, text: '0' });
    expect(parseDecimalString('-0.50', { sign: 'signed' })).toMatchObject({ ok: true, text: '-0.5' });
    expect(parseDecimalString('1'.repeat(20), { limits: null })).toMatchObject({ ok: true, text: '1'.repeat(20) });
  });
  it('property: every canonical positive decimal within the limits parses to itself', () => {
    const digits = (min: number, max: number) =>
      fc.array(fc.constantFrom(...'0123456789'), { minLength: min, maxLength: max }).map((a) => a.join(''));
    const text = fc
      .tuple(
        fc.constantFrom(...'123456789'),
        digits(0, DECIMAL_LIMITS.maxIntegerDigits - 1),
        digits(0, DECIMAL_LIMITS.maxFractionDigits),
      )
      .map(([lead, int, frac]) => {
        const f = frac.replace(/0+$/, '');
        return f ? `${lead}${int}.${f}` : `${lead}${int}`;
      });
    fc.assert(
      fc.property(text, (t) => {
        const r = parseDecimalString(t);
        return r.ok && r.text === t && r.value.eq(new Decimal(t));
      }),
    );
  });
  it('property: the parser accepts exactly the strict grammar and reports why it refuses', () => {
    const alphabet = fc.constantFrom(...'0123456789.-e+ x');
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 20 }).map((a) => a.join('')),
        (s) => {
          const r = parseDecimalString(s, { sign: 'signed', limits: null });
          const grammar = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/.test(s);
          if (!grammar) return !r.ok && r.reason === 'not_decimal';
          // Accepted: the canonical text denotes the same number and re-parses to itself.
          return r.ok && new Decimal(r.text).eq(new Decimal(s)) && decimalStringOf(r.text) === r.text;
        },
      ),
    );
  });
  it('property: trailing zeros are dropped, never digits that matter', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 ** 9 }),
        fc.integer({ min: 0, max: 6 }),
        fc.nat(3),
        (n, scale, zeros) => {
          const t = new Decimal(n).div(10 ** scale).toFixed(scale) + (scale > 0 ? '0'.repeat(zeros) : '');
          const r = parseDecimalString(t);
          return r.ok && r.text === canonical(t) && !/\.\d*0$/.test(r.text);
        },
      ),
    );
  });
  it('decimalString brands exact results from decimal.js and from fixed point alike', () => {
    expect(decimalString(new Decimal('0.1').plus('0.2'))).toBe('0.3');
    expect(decimalString(toFixed('1.500'))).toBe('1.5');
    expect(decimalString(new Decimal('1e-8'))).toBe('0.00000001');
    expect(() => decimalStringOf('1e3')).toThrow(/not_decimal/);
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
