/** Exponential backoff with full jitter: delay ∈ [cap/2, cap) where cap = min(max, initial·factorⁿ).
 * Half the cap is kept so that a burst of reconnects never collapses to zero wait. */
import type { BackoffOptions } from './types.js';

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000, factor: 2 };

export function backoffDelay(attempt: number, o: BackoffOptions, random: () => number): number {
  const cap = Math.min(o.maxMs, o.initialMs * Math.pow(o.factor, Math.max(0, attempt)));
  return Math.round(cap / 2 + (cap / 2) * Math.min(Math.max(random(), 0), 1));
}
