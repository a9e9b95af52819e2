/** The leaves conditions are built from: a test answering true, false or MISSING, and a
 * describer for the denial text. Shared by conditions.ts and limit-conditions.ts. */
import type { Facts } from './facts.js';
import type { Comparison } from './types.js';

export const MISSING = 2 as const;
export type Tri = boolean | typeof MISSING;

export type Leaf = [
  test: (f: Facts) => Tri,
  describe: (f: Facts, out: Record<string, string | number | boolean>) => void,
];

/** Number comparison; bounds parsed once. Infinity compares naturally (flat: infinite distance). */
export function numCmp(c: Comparison): (v: number) => boolean {
  const gt = c.gt !== undefined ? Number(c.gt) : undefined;
  const gte = c.gte !== undefined ? Number(c.gte) : undefined;
  const lt = c.lt !== undefined ? Number(c.lt) : undefined;
  const lte = c.lte !== undefined ? Number(c.lte) : undefined;
  return (v) =>
    (gt === undefined || v > gt) &&
    (gte === undefined || v >= gte) &&
    (lt === undefined || v < lt) &&
    (lte === undefined || v <= lte);
}

/** A rule fires above a gt/gte bound (the limit is a max) or below a lt/lte bound (a min). */
export function putBounds(name: string, c: Comparison, out: Record<string, string | number | boolean>): void {
  const put = (k: string, v: string) =>
    out[k] === undefined ? (out[k] = v) : (out[`${name}${k[0]!.toUpperCase()}${k.slice(1)}`] = v);
  const max = c.gt ?? c.gte;
  const min = c.lt ?? c.lte;
  if (max !== undefined) put('max', max);
  if (min !== undefined) put('min', min);
}
export const round = (v: number): number => (Number.isFinite(v) ? Number(v.toPrecision(8)) : v);

export function numLeaf(name: string, c: Comparison, get: (f: Facts) => number | undefined): Leaf {
  const cmp = numCmp(c);
  return [
    (f) => {
      const v = get(f);
      return v === undefined ? MISSING : cmp(v);
    },
    (f, out) => {
      const v = get(f);
      out[name] = v === undefined ? 'missing' : round(v);
      putBounds(name, c, out);
    },
  ];
}
