import { randomBytes } from 'node:crypto';

/** Id source, injected so that decision records are reproducible in tests and replay. */
export interface IdGenerator {
  next(prefix: string): string;
}

/** Time-ordered, collision-resistant ids for live use: prefix + ms timestamp (base36) + random. */
export function randomIds(clock: { now(): number } = { now: () => Date.now() }): IdGenerator {
  return {
    next(prefix: string) {
      return `${prefix}_${clock.now().toString(36)}${randomBytes(6).toString('hex')}`;
    },
  };
}

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
