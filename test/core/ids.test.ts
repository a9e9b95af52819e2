import { describe, expect, it } from 'vitest';
import { randomIds, sequentialIds } from '../../src/core/ids.js';

describe('randomIds (pooled random buffer)', () => {
  it('keeps the format prefix_<ms base36><12 hex> and never repeats across pool refills', () => {
    const t = 1_760_000_000_000;
    const ids = randomIds({ now: () => t });
    const seen = new Set<string>();
    const re = new RegExp(`^ord_${t.toString(36)}[0-9a-f]{12}$`);
    for (let i = 0; i < 5000; i++) {
      const id = ids.next('ord'); // 5000 ids = 7+ refills of the 4 KiB pool
      expect(id).toMatch(re);
      seen.add(id);
    }
    expect(seen.size).toBe(5000);
  });

  it('draws random bits evenly (every hex digit at every position)', () => {
    const ids = randomIds({ now: () => 0 });
    const digits = Array.from({ length: 12 }, () => new Set<string>());
    for (let i = 0; i < 2000; i++) [...ids.next('x').slice(3)].forEach((c, p) => digits[p]!.add(c));
    for (const d of digits) expect(d.size).toBe(16);
  });

  it('sequentialIds stay deterministic per prefix', () => {
    const ids = sequentialIds();
    expect([ids.next('a'), ids.next('a'), ids.next('b')]).toEqual(['a_000001', 'a_000002', 'b_000001']);
  });
});
