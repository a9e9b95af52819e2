import { randomFillSync } from 'node:crypto';

/** Id source, injected so that decision records are reproducible in tests and replay. */
export interface IdGenerator {
  next(prefix: string): string;
}

/** Time-ordered, collision-resistant ids for live use: prefix + ms timestamp (base36) + 48 random
 * bits (12 hex). Random bytes come from a pooled buffer refilled from the CSPRNG every
 * POOL_BYTES / 6 ids: one getrandom call per ~680 ids instead of one per id. */
export function randomIds(clock: { now(): number } = { now: () => Date.now() }): IdGenerator {
  const pool = Buffer.allocUnsafe(POOL_BYTES);
  let off = POOL_BYTES;
  return {
    next(prefix: string) {
      if (off + 6 > POOL_BYTES) {
        randomFillSync(pool);
        off = 0;
      }
      let hex = '';
      for (let i = 0; i < 6; i++) hex += HEX[pool[off + i]!];
      off += 6;
      return `${prefix}_${clock.now().toString(36)}${hex}`;
    },
  };
}

const POOL_BYTES = 4096;
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** Deterministic ids: prefix + a per-prefix counter. For tests and replays. */
export function sequentialIds(seed = 0): IdGenerator {
  const counters = new Map<string, number>();
  return {
    next(prefix: string) {
      const n = (counters.get(prefix) ?? seed) + 1;
      counters.set(prefix, n);
      return `${prefix}_${n.toString().padStart(6, '0')}`;
    },
  };
}
