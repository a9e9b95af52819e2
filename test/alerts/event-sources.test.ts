/** The two event sources added for alerts: the venue budget's ban notice (HTTP 418) and the
 * audit write watcher. */
import { describe, expect, it } from 'vitest';
import { watchAuditWrites } from '../../src/audit/failure-watch.js';
import { ManualClock } from '../../src/core/clock.js';
import { LiqguardError } from '../../src/core/errors.js';
import { VenueBudget } from '../../src/execution/budget/index.js';

describe('venue budget ban notice', () => {
  it('tells listeners when a 418 starts or extends a ban, once per ban end', () => {
    const clock = new ManualClock(1_000_000);
    const b = new VenueBudget({ venue: 'bn', clock });
    const bans: number[] = [];
    b.onBan((until) => bans.push(until));
    b.observeResponse(200, {});
    b.observeResponse(429, {}, { retryAfterSec: 1 });
    expect(bans).toEqual([]);
    b.observeResponse(418, {}, { retryAfterSec: 120 });
    b.observeResponse(418, {}, { retryAfterSec: 120 }); // same end: no second notice
    b.noteBanUntil(1_000_000 + 300_000);
    expect(bans).toEqual([1_120_000, 1_300_000]);
    b.close();
  });
});

describe('audit write watcher', () => {
  it('reports the first failed write once, stays unhealthy, and still throws to the caller', () => {
    let mode: 'ok' | 'fail' | 'closed' = 'ok';
    const inner = {
      append: () => {
        if (mode === 'fail') throw new LiqguardError('AUDIT_WRITE_FAILED', 'audit write to a.jsonl failed: ENOSPC');
        if (mode === 'closed') throw new LiqguardError('AUDIT_WRITE_FAILED', 'audit log is closed');
        return { seq: 1, hash: 'h' };
      },
      close: async () => undefined,
    };
    const failures: string[] = [];
    const a = watchAuditWrites(inner, (e) => failures.push(e.message));
    expect(a.append('decision', {})).toEqual({ seq: 1, hash: 'h' });
    mode = 'closed';
    expect(() => a.append('decision', {})).toThrow(/closed/);
    expect(a.health().ok).toBe(true); // shutting down is not a failure
    mode = 'fail';
    expect(() => a.append('decision', {})).toThrow(/ENOSPC/);
    expect(() => a.append('decision', {})).toThrow(/ENOSPC/);
    expect(failures).toEqual(['audit write to a.jsonl failed: ENOSPC']);
    expect(a.health()).toEqual({ ok: false, reason: 'audit log cannot write: audit write to a.jsonl failed: ENOSPC' });
  });
});
