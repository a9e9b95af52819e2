/** Walk-forward folds with purging and an embargo. Each row i has a decision time t[i] (its bar
 * close) and a label window (t[i], labelEnd[i]]. For a validation span [start, end):
 * - validation rows: start <= t[i] < end;
 * - training rows (expanding window, past only): labelEnd[i] + embargoMs <= start, i.e. the
 *   label window ends at least `embargoMs` before validation begins (purge + embargo; with
 *   embargoMs >= horizon no training label can see prices inside or just before the span);
 * - with `useFuture`, rows after the span also train when t[i] >= end + embargoMs (and their
 *   label windows then start after the span by construction). */
export interface Fold {
  readonly name: string;
  readonly start: number;
  readonly end: number;
  readonly train: Uint32Array;
  readonly valid: Uint32Array;
}

export interface FoldSpec {
  readonly name: string;
  readonly start: number;
  readonly end: number;
}

export function walkForwardFolds(
  t: ArrayLike<number>,
  labelEnd: ArrayLike<number>,
  specs: readonly FoldSpec[],
  embargoMs: number,
  useFuture = false,
): Fold[] {
  return specs.map((s) => {
    if (!(s.end > s.start)) throw new Error(`fold ${s.name}: end must be after start`);
    const train: number[] = [];
    const valid: number[] = [];
    for (let i = 0; i < t.length; i++) {
      const ti = t[i] as number;
      const le = labelEnd[i] as number;
      if (!Number.isFinite(le)) continue; // unlabeled rows never train or validate
      if (ti >= s.start && ti < s.end) valid.push(i);
      else if (le + embargoMs <= s.start) train.push(i);
      else if (useFuture && ti >= s.end + embargoMs) train.push(i);
    }
    return { name: s.name, start: s.start, end: s.end, train: Uint32Array.from(train), valid: Uint32Array.from(valid) };
  });
}
