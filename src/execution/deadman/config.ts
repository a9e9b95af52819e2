/** `deadman:` in the gateway config: the venue dead-man switch the gateway keeps armed. */
import type { ErrorDetail } from '../../core/errors.js';

export interface DeadmanConfig {
  readonly enabled: boolean;
  /** The venue cancels a symbol's open orders this long after the last refresh. */
  readonly countdownMs: number;
  /** How often the gateway re-arms (well inside the countdown). */
  readonly refreshMs: number;
}

export const deadmanConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    enabled: { type: 'boolean' },
    countdownMs: { type: 'integer', minimum: 5000, maximum: 3_600_000 },
    refreshMs: { type: 'integer', minimum: 1000, maximum: 3_600_000 },
  },
} as const;

const DEADMAN_DEFAULTS: DeadmanConfig = Object.freeze({ enabled: true, countdownMs: 60_000, refreshMs: 15_000 });

/** Defaults filled in; a refresh that is not well inside the countdown is an error. */
export function resolveDeadmanConfig(raw: Partial<DeadmanConfig> | undefined, details: ErrorDetail[]): DeadmanConfig {
  const c = { ...DEADMAN_DEFAULTS, ...(raw ?? {}) };
  if (c.refreshMs * 2 > c.countdownMs) {
    details.push({
      path: 'deadman.refreshMs',
      message:
        `must be at most half of countdownMs (${c.countdownMs}), ` +
        'so one lost refresh does not let the countdown run out',
    });
  }
  return Object.freeze(c);
}
