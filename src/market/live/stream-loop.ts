/** The two loop shapes every stream runs: watch (await the next ccxt.pro update, forever) and
 * poll (REST call, then wait). Errors never escape: a sequence gap resubscribes at once, a
 * network error waits an exponential backoff with jitter, an unsupported method ends the loop. */
import { setTimeout as sleep } from 'node:timers/promises';
import ccxt from 'ccxt';
import { backoffDelay } from './backoff.js';
import type { BackoffOptions } from './types.js';

export type ErrorKind = 'gap' | 'network' | 'unsupported' | 'closed' | 'other';

function classifyError(err: unknown): ErrorKind {
  if (err instanceof ccxt.ChecksumError || err instanceof ccxt.InvalidNonce) return 'gap';
  if (err instanceof ccxt.ExchangeClosedByUser) return 'closed';
  if (err instanceof ccxt.NotSupported || err instanceof ccxt.BadSymbol) return 'unsupported';
  if (err instanceof ccxt.NetworkError) return 'network';
  return 'other';
}

export interface LoopHooks {
  readonly signal: AbortSignal;
  readonly backoff: BackoffOptions;
  readonly random: () => number;
  /** Called with every failure and what the loop does next; returns nothing, must not throw. */
  onError(kind: ErrorKind, err: unknown, retryInMs: number | undefined, attempt: number): void;
}

/** Consecutive gaps resubscribe immediately up to this many times, then back off. */
const FREE_GAP_RETRIES = 3;

async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

/** Runs `once` until aborted. `intervalMs`: a poll loop (waits after each success);
 * `untilSuccess`: retries only until the first success (loadMarkets). */
export async function runLoop(
  once: () => Promise<void>,
  hooks: LoopHooks,
  schedule: { intervalMs?: number; untilSuccess?: boolean } = {},
): Promise<void> {
  const { intervalMs, untilSuccess } = schedule;
  let attempt = 0;
  let gaps = 0;
  while (!hooks.signal.aborted) {
    try {
      await once();
      attempt = 0;
      gaps = 0;
      if (untilSuccess) return;
      if (intervalMs !== undefined && !(await pause(intervalMs, hooks.signal))) return;
      continue;
    } catch (err) {
      if (hooks.signal.aborted) return;
      const kind = classifyError(err);
      if (kind === 'closed') return;
      if (kind === 'unsupported') {
        hooks.onError(kind, err, undefined, attempt);
        return;
      }
      let wait: number;
      if (kind === 'gap' && ++gaps <= FREE_GAP_RETRIES) wait = 0;
      else wait = backoffDelay(attempt++, hooks.backoff, hooks.random);
      hooks.onError(kind, err, wait, attempt);
      if (wait > 0 && !(await pause(wait, hooks.signal))) return;
    }
  }
}
