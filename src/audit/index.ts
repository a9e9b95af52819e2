/** Public API of the audit stage. */
export { verifyAudit } from './verify.js';
export { queryAudit, type AuditPage } from './query.js';
export * from './records.js';

import { parseAuditQuery } from './filters.js';
import { queryAudit, type AuditPage } from './query.js';

/** GET /v1/audit in one call: raw query-string object in, one page out. Throws INVALID_FIELD
 * (400) listing every bad parameter. */
export async function handleAuditQuery(dir: string, rawQuery: Readonly<Record<string, unknown>>): Promise<AuditPage> {
  const q = parseAuditQuery(rawQuery);
  return queryAudit(dir, q.filters, { cursor: q.cursor, limit: q.limit });
}
