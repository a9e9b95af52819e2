/** Which message-rate windows a policy set looks at: the shared prefetch counts exactly these
 * (one ZCOUNT each) instead of shipping a client's whole message history per order. */
import type { Condition, PolicySet } from '../policy/types.js';

export function messageWindows(set: Pick<PolicySet, 'rules'>): number[] {
  const out = new Set<number>();
  const walk = (c: Condition | undefined): void => {
    if (!c) return;
    if (c.message_rate) out.add(c.message_rate.windowMs);
    c.any?.forEach(walk);
    c.all?.forEach(walk);
    walk(c.not);
  };
  for (const r of set.rules) walk(r.when);
  return [...out].sort((a, b) => a - b);
}

/** Cached per set object (a reload swaps the object). */
export function windowsOf(current: () => Pick<PolicySet, 'rules'>): () => readonly number[] {
  let last: Pick<PolicySet, 'rules'> | undefined;
  let windows: readonly number[] = [];
  return () => {
    const set = current();
    if (set !== last) {
      last = set;
      windows = messageWindows(set);
    }
    return windows;
  };
}
