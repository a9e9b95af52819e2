/** Checks verified chains against their anchored heads: a chain that ends before its anchored
 * seq was truncated (the missing seq range is named), a record at the anchored seq with another
 * hash was rewritten, a bad HMAC means the anchor itself was altered. */
import { checkSignature, type Checkpoint } from './anchor.js';
import { listSegments, readLines } from './files.js';
import type { VerifyResult } from './verify.js';

type AnchorReason = 'truncated_tail' | 'anchor_mismatch' | 'anchor_signature' | 'anchor_unsigned' | 'missing_instance';

interface AnchorFailure {
  readonly instance: string;
  readonly reason: AnchorReason;
  readonly message: string;
  /** For truncated_tail: the seq range that is gone. */
  readonly missing?: { readonly from: number; readonly to: number };
}

export interface AnchorCheck {
  readonly ok: boolean;
  readonly checked: readonly { instance: string; seq: number; segment: string; ts: number; signed: boolean }[];
  readonly failures: readonly AnchorFailure[];
}

async function hashAt(dir: string, instance: string, seq: number, segment: string): Promise<string | undefined> {
  const segs = listSegments(dir).get(instance) ?? [];
  // The anchored segment first, then the others (a rotation may have renamed nothing, but be safe).
  const ordered = [...segs.filter((s) => s.name === segment), ...segs.filter((s) => s.name !== segment)];
  for (const s of ordered) {
    for await (const line of readLines(s.path)) {
      if (!line.terminated) continue;
      try {
        const r = JSON.parse(line.text) as { seq?: unknown; hash?: unknown };
        if (r.seq === seq) return typeof r.hash === 'string' ? r.hash : undefined;
      } catch {
        // malformed lines are the chain verifier's to report
      }
    }
  }
  return undefined;
}

/** `hmacKey`: when set, every checkpoint must carry a valid signature. */
export async function checkAnchors(
  dir: string,
  result: VerifyResult,
  anchors: readonly Checkpoint[],
  hmacKey?: string,
): Promise<AnchorCheck> {
  const failures: AnchorFailure[] = [];
  const fail = (cp: Checkpoint, reason: AnchorReason, message: string, missing?: AnchorFailure['missing']) =>
    failures.push({ instance: cp.instance, reason, message, ...(missing ? { missing } : {}) });
  const checked: AnchorCheck['checked'][number][] = [];
  for (const cp of anchors) {
    checked.push({ instance: cp.instance, seq: cp.seq, segment: cp.segment, ts: cp.ts, signed: !!cp.sig });
    const at = `anchored head seq ${cp.seq} in ${cp.segment} (checkpoint ${new Date(cp.ts).toISOString()})`;
    if (hmacKey) {
      const s = checkSignature(cp, hmacKey);
      if (s !== 'ok') {
        if (s === 'bad')
          fail(cp, 'anchor_signature', `checkpoint signature does not match the key: the anchor was altered (${at})`);
        else fail(cp, 'anchor_unsigned', `checkpoint is not signed but a key was given (${at})`);
        continue;
      }
    }
    const inst = result.instances.find((i) => i.instance === cp.instance);
    if (!inst) {
      const msg = `no segment of instance ${cp.instance} found; records seq 1..${cp.seq} missing (${at})`;
      fail(cp, 'missing_instance', msg, { from: 1, to: cp.seq });
      continue;
    }
    const last = inst.lastSeq ?? 0;
    if (last < cp.seq) {
      const msg = `records seq ${last + 1}..${cp.seq} missing: the chain ends at seq ${last} but the ${at}`;
      fail(cp, 'truncated_tail', msg, { from: last + 1, to: cp.seq });
      continue;
    }
    const h = await hashAt(dir, cp.instance, cp.seq, cp.segment);
    if (h === cp.hash) continue;
    const what = h ? `has hash ${h.slice(0, 16)}…, not the anchored ${cp.hash.slice(0, 16)}…: rewritten` : 'not found';
    fail(cp, 'anchor_mismatch', `record seq ${cp.seq} ${what} (${at})`);
  }
  return { ok: failures.length === 0, checked, failures };
}

export function formatAnchorCheck(c: AnchorCheck): string {
  const out = c.checked.map((x) => `anchor ${x.instance}: seq ${x.seq} in ${x.segment}${x.signed ? ' (signed)' : ''}`);
  for (const f of c.failures) out.push(`FAIL anchor ${f.instance}: ${f.reason}: ${f.message}`);
  out.push(
    c.ok
      ? `anchored heads present: ${c.checked.length} checkpoint(s)`
      : `audit chain TRUNCATED or altered: ${c.failures.length} anchor failure(s)`,
  );
  return out.join('\n');
}
