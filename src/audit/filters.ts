/** Parses audit query filters from strings (query string of GET /v1/audit, CLI flags) and
 * reports every bad field at once. */
import { LiqguardError, type ErrorDetail } from '../core/errors.js';
import { AUDIT_EVENT_TYPES } from './records.js';
import type { AuditFilters } from './query.js';

const OUTCOMES = ['accept', 'modify', 'split', 'deny'];
const KNOWN = ['from', 'to', 'client', 'symbol', 'outcome', 'rule', 'type', 'instance', 'cursor', 'limit'];

/** ISO 8601 (`2024-03-01`, `2024-03-01T12:00:00Z`) or epoch milliseconds. */
function parseTime(v: string): number | undefined {
  if (/^\d{1,15}$/.test(v)) return Number(v);
  if (!/^\d{4}-\d{2}-\d{2}/.test(v)) return undefined;
  const t = Date.parse(v);
  return Number.isFinite(t) ? t : undefined;
}

const list = (v: string): string[] =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export interface ParsedAuditQuery {
  readonly filters: AuditFilters;
  readonly cursor?: string;
  readonly limit?: number;
}

/** `q` holds raw string values (fastify query object or CLI flags). Unknown keys are rejected. */
export function parseAuditQuery(q: Readonly<Record<string, unknown>>): ParsedAuditQuery {
  const details: ErrorDetail[] = [];
  const s = (k: string): string | undefined => {
    const v = q[k];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v === 'number') return String(v);
    if (typeof v !== 'string') {
      details.push({ path: k, message: 'must be a single string value' });
      return undefined;
    }
    return v;
  };
  for (const k of Object.keys(q))
    if (!KNOWN.includes(k)) details.push({ path: k, message: `unknown filter; use one of ${KNOWN.join(', ')}` });
  const time = (k: 'from' | 'to'): number | undefined => {
    const v = s(k);
    if (v === undefined) return undefined;
    const t = parseTime(v);
    if (t === undefined)
      details.push({ path: k, message: `"${v}" is not an ISO 8601 time (2024-03-01T00:00:00Z) or epoch milliseconds` });
    return t;
  };
  const from = time('from');
  const to = time('to');
  if (from !== undefined && to !== undefined && from >= to) details.push({ path: 'to', message: 'must be after from' });
  const outcome = s('outcome') !== undefined ? list(s('outcome')!) : undefined;
  for (const o of outcome ?? [])
    if (!OUTCOMES.includes(o))
      details.push({ path: 'outcome', message: `"${o}" is not one of ${OUTCOMES.join(', ')}` });
  const type = s('type') !== undefined ? list(s('type')!) : undefined;
  for (const t of type ?? [])
    if (!(AUDIT_EVENT_TYPES as readonly string[]).includes(t))
      details.push({ path: 'type', message: `"${t}" is not one of ${AUDIT_EVENT_TYPES.join(', ')}` });
  let limit: number | undefined;
  const l = s('limit');
  if (l !== undefined) {
    limit = /^\d+$/.test(l) ? Number(l) : NaN;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      details.push({ path: 'limit', message: 'must be an integer from 1 to 1000' });
  }
  if (details.length)
    throw new LiqguardError(
      'INVALID_FIELD',
      `invalid audit query: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`,
      details,
    );
  const filters: AuditFilters = {
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
    ...(s('client') !== undefined ? { client: s('client')! } : {}),
    ...(s('symbol') !== undefined ? { symbol: s('symbol')! } : {}),
    ...(s('rule') !== undefined ? { rule: s('rule')! } : {}),
    ...(s('instance') !== undefined ? { instance: s('instance')! } : {}),
    ...(outcome?.length ? { outcome } : {}),
    ...(type?.length ? { type } : {}),
  };
  const cursor = s('cursor');
  return { filters, ...(cursor !== undefined ? { cursor } : {}), ...(limit !== undefined ? { limit } : {}) };
}
