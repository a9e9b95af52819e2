/** Watches the audit appender for write failures: the first AUDIT_WRITE_FAILED is reported once
 * (the gateway publishes an `audit_failure` event: alerts, and the dead-man keeper stops
 * refreshing so the venue cancels). The error still reaches the caller: orders fail closed. */
import { isLiqguardError } from '../core/errors.js';
import type { AuditAppender, AuditEventType } from '../core/stages.js';

export interface WatchedAudit extends AuditAppender {
  /** ok until the first failed write; the log stays failed until restart (writer.ts). */
  health(): { ok: boolean; reason?: string };
}

export function watchAuditWrites(inner: AuditAppender, onFailure: (err: Error) => void): WatchedAudit {
  let failed: Error | undefined;
  return {
    append(type: AuditEventType, body: Readonly<Record<string, unknown>>) {
      try {
        return inner.append(type, body);
      } catch (err) {
        if (!failed && isLiqguardError(err) && err.code === 'AUDIT_WRITE_FAILED' && !/closed/.test(err.message)) {
          failed = err;
          onFailure(err);
        }
        throw err;
      }
    },
    close: () => inner.close(),
    health: () => (failed ? { ok: false, reason: `audit log cannot write: ${failed.message}` } : { ok: true }),
  };
}
