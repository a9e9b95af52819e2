/** Public API of the audit stage. */
export { AuditLog, openAuditLog, type AuditLogOptions } from './writer.js';
export { verifyAudit, formatVerifyResult, type VerifyResult, type VerifyFailure, type VerifyReason, type InstanceVerify, type SealedBreak, type VerifyOptions } from './verify.js';
export { queryAudit, streamAudit, matches, DEFAULT_LIMIT, MAX_LIMIT, type AuditFilters, type AuditPage, type PageRequest } from './query.js';
export { parseAuditQuery, parseTime, type ParsedAuditQuery } from './filters.js';
export { buildReportData, writeAuditReport, type ReportOptions } from './report.js';
export { renderReportHtml, REPORT_SECTIONS } from './report-html.js';
export { canonicalJson, recordHash, genesisHash, sha256Hex, AUDIT_VERSION } from './canonical.js';
export { createRedactor, isSecretKey, REDACTED } from './redact.js';
export { segmentName, parseSegmentName, listSegments } from './files.js';
export * from './records.js';

import { parseAuditQuery } from './filters.js';
import { queryAudit, type AuditPage } from './query.js';

/** GET /v1/audit in one call: raw query-string object in, one page out. Throws INVALID_FIELD
 * (400) listing every bad parameter. */
export async function handleAuditQuery(dir: string, rawQuery: Readonly<Record<string, unknown>>): Promise<AuditPage> {
  const q = parseAuditQuery(rawQuery);
  return queryAudit(dir, q.filters, { cursor: q.cursor, limit: q.limit });
}
