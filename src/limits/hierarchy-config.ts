/** The `hierarchy` section of the gateway config: schema fragment and the checks a JSON schema
 * cannot make (a client in one strategy only, known clients, a real time zone). */
import type { ErrorDetail } from '../core/errors.js';
import { assertTimeZone } from './period.js';
import { DEFAULT_HIERARCHY, type HierarchyConfig } from './hierarchy.js';

const id = { type: 'string', pattern: '^[a-zA-Z0-9_.-]{1,64}$' } as const;

export const hierarchySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    firm: id,
    dayStart: { type: 'string', pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' },
    timeZone: { type: 'string', minLength: 1 },
    desks: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'strategies'],
        properties: {
          id,
          strategies: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['id', 'clients'],
              properties: { id, clients: { type: 'array', items: id } },
            },
          },
        },
      },
    },
  },
} as const;

type RawHierarchy = {
  firm?: string;
  dayStart?: string;
  timeZone?: string;
  desks?: { id: string; strategies: { id: string; clients: string[] }[] }[];
};

export function resolveHierarchy(
  raw: RawHierarchy | undefined,
  clientIds: readonly string[],
  details: ErrorDetail[],
): HierarchyConfig {
  if (!raw) return DEFAULT_HIERARCHY;
  const timeZone = raw.timeZone ?? 'UTC';
  try {
    assertTimeZone(timeZone);
  } catch {
    details.push({
      path: 'hierarchy.timeZone',
      message: `unknown time zone "${timeZone}" (an IANA name such as UTC or Europe/London)`,
    });
  }
  const seen = new Map<string, string>();
  (raw.desks ?? []).forEach((d, i) =>
    d.strategies.forEach((s, j) =>
      s.clients.forEach((c, k) => {
        const path = `hierarchy.desks[${i}].strategies[${j}].clients[${k}]`;
        if (!clientIds.includes(c)) details.push({ path, message: `unknown client "${c}"` });
        const prev = seen.get(c);
        if (prev)
          details.push({
            path,
            message: `client "${c}" is already in strategy ${prev}; a client belongs to one strategy`,
          });
        seen.set(c, s.id);
      }),
    ),
  );
  return Object.freeze({
    firm: raw.firm ?? 'firm',
    dayStart: raw.dayStart ?? '00:00',
    timeZone,
    desks: raw.desks ?? [],
  });
}
