/** Verifies audit chains: a single segment file, or a directory holding every instance's
 * segments. Stops each instance at its first bad line and names it `file:line`. */
import { basename } from 'node:path';
import { AUDIT_VERSION, genesisHash, recordHash } from './canonical.js';
import { COMPACT_VERSION } from './compact.js';
import { isDirectory, listSegments, parseSegmentName, readLines, type Line, type SegmentFile } from './files.js';
import type { ChainBreak } from './records.js';

type VerifyReason =
  | 'tampered' // the line does not match its own hash
  | 'prev_mismatch' // the line does not follow the previous one: removed or reordered lines
  | 'seq_gap' // prev matches but seq does not continue
  | 'truncated' // torn (unterminated) last line with no sealed break after it
  | 'malformed' // not JSON, or not an audit envelope
  | 'unsupported_version'
  | 'instance_mismatch'
  | 'ts_backwards'
  | 'missing_file' // a segment number is missing (deleted file)
  | 'empty'; // nothing to verify

interface VerifyFailure {
  readonly instance: string;
  readonly file: string;
  readonly line: number;
  readonly reason: VerifyReason;
  readonly message: string;
}

interface SealedBreak extends ChainBreak {
  readonly instance: string;
  readonly resumedIn: string; // file:line of the startup record that documents the break
}

interface InstanceVerify {
  readonly instance: string;
  readonly ok: boolean;
  readonly files: number;
  readonly records: number;
  readonly firstSeq: number | null;
  readonly lastSeq: number | null;
  readonly headHash: string | null;
  /** 'genesis': chain checked from its first record; 'first-line': the first record's prev was
   * trusted (single-file verify of a later segment, or allowPrunedHead). */
  readonly anchor: 'genesis' | 'first-line';
  readonly failure?: VerifyFailure;
  readonly breaks: readonly SealedBreak[];
}

export interface VerifyResult {
  readonly ok: boolean;
  readonly path: string;
  readonly files: number;
  readonly records: number;
  readonly instances: readonly InstanceVerify[];
  readonly failures: readonly VerifyFailure[];
  readonly breaks: readonly SealedBreak[];
}

export interface VerifyOptions {
  /** Accept a directory whose oldest segments were archived: the first present record's prev
   * is trusted instead of requiring segment 1 and the genesis hash. */
  readonly allowPrunedHead?: boolean;
}

const HEX64 = /^[0-9a-f]{64}$/;

type Parsed = { ok: true; rec: Record<string, unknown> } | { ok: false; reason: VerifyReason; message: string };

function parseLine(line: Line): Parsed {
  let rec: unknown;
  try {
    rec = JSON.parse(line.text);
  } catch {
    return line.terminated
      ? { ok: false, reason: 'malformed', message: 'not valid JSON' }
      : {
          ok: false,
          reason: 'truncated',
          message:
            'torn last line (unterminated, not valid JSON): the file was truncated or the writer crashed mid-line',
        };
  }
  if (!line.terminated)
    return {
      ok: false,
      reason: 'truncated',
      message: 'last line has no terminating newline: the file was truncated or the writer crashed mid-line',
    };
  if (!rec || typeof rec !== 'object' || Array.isArray(rec))
    return { ok: false, reason: 'malformed', message: 'not a JSON object' };
  const r = rec as Record<string, unknown>;
  if (r.v !== AUDIT_VERSION && r.v !== COMPACT_VERSION) {
    const message = `envelope version ${JSON.stringify(r.v)} (this verifier reads v${AUDIT_VERSION} and v${COMPACT_VERSION})`;
    return { ok: false, reason: 'unsupported_version', message };
  }
  const envelopeOk =
    Number.isInteger(r.seq) &&
    (r.seq as number) >= 1 &&
    typeof r.ts === 'number' &&
    Number.isFinite(r.ts) &&
    typeof r.instance === 'string' &&
    typeof r.type === 'string' &&
    typeof r.prev === 'string' &&
    HEX64.test(r.prev) &&
    typeof r.hash === 'string' &&
    HEX64.test(r.hash);
  if (!envelopeOk)
    return {
      ok: false,
      reason: 'malformed',
      message: 'not an audit envelope (v, seq, ts, instance, type, prev, hash)',
    };
  return { ok: true, rec: r };
}

/** One instance's chain, fed line by line in segment order. */
class ChainCheck {
  seq = 0;
  prev: string | undefined;
  lastTs = -Infinity;
  records = 0;
  firstSeq: number | null = null;
  failure: VerifyFailure | undefined;
  torn: { file: string; line: number; message: string; lastGoodSeq: number; lastGoodHash: string } | undefined;
  readonly breaks: SealedBreak[] = [];
  constructor(
    readonly instance: string,
    anchorGenesis: boolean,
  ) {
    if (anchorGenesis) this.prev = genesisHash(instance);
  }

  fail(file: string, line: number, reason: VerifyReason, message: string): void {
    this.failure ??= { instance: this.instance, file, line, reason, message };
  }

  /** Returns false once the chain is broken. */
  feed(file: string, line: Line, isLastLine: boolean): boolean {
    const p = parseLine(line);
    if (!p.ok) {
      if (p.reason === 'truncated' && isLastLine) {
        // Might be sealed by the next segment's first record; decided there or at the end.
        this.torn = {
          file,
          line: line.lineNo,
          message: p.message,
          lastGoodSeq: this.seq,
          lastGoodHash: this.prev ?? '',
        };
        return true;
      }
      this.fail(file, line.lineNo, p.reason, p.message);
      return false;
    }
    const r = p.rec;
    const seq = r.seq as number;
    if (r.instance !== this.instance)
      return (
        this.fail(
          file,
          line.lineNo,
          'instance_mismatch',
          `record of instance "${String(r.instance)}" in the chain of "${this.instance}"`,
        ),
        false
      );
    if (recordHash(r) !== r.hash)
      return (
        this.fail(file, line.lineNo, 'tampered', `content does not match its hash (seq ${seq}): the line was altered`),
        false
      );
    if (this.torn) {
      const brk = (r.chainBreak ?? undefined) as ChainBreak | undefined;
      const t = this.torn;
      if (
        r.type !== 'startup' ||
        !brk ||
        brk.file !== basename(t.file) ||
        brk.line !== t.line ||
        brk.lastGoodHash !== r.prev
      ) {
        return (this.fail(t.file, t.line, 'truncated', t.message), false);
      }
      this.breaks.push({ ...brk, instance: this.instance, resumedIn: `${file}:${line.lineNo}` });
      this.torn = undefined;
    }
    if (this.prev === undefined) this.prev = r.prev as string; // trusted anchor
    if (r.prev !== this.prev) {
      const expected = this.seq + 1;
      const hint =
        seq > expected
          ? `found seq ${seq} where seq ${expected} was expected: line(s) removed or moved`
          : `found seq ${seq} after seq ${this.seq}: lines reordered or duplicated`;
      return (
        this.fail(file, line.lineNo, 'prev_mismatch', `prev does not match the previous line's hash; ${hint}`),
        false
      );
    }
    if (this.firstSeq === null) this.firstSeq = seq;
    else if (seq !== this.seq + 1)
      return (this.fail(file, line.lineNo, 'seq_gap', `seq ${seq} follows seq ${this.seq}`), false);
    if ((r.ts as number) < this.lastTs)
      return (
        this.fail(
          file,
          line.lineNo,
          'ts_backwards',
          `ts ${String(r.ts)} is before the previous record's ts ${this.lastTs}`,
        ),
        false
      );
    this.seq = seq;
    this.prev = r.hash as string;
    this.lastTs = r.ts as number;
    this.records++;
    return true;
  }

  finish(): void {
    if (this.torn) this.fail(this.torn.file, this.torn.line, 'truncated', this.torn.message);
  }
}

async function verifyChain(
  instance: string,
  segments: readonly SegmentFile[] | readonly string[],
  anchorGenesis: boolean,
  checkNumbers: boolean,
): Promise<InstanceVerify> {
  const chain = new ChainCheck(instance, anchorGenesis);
  let prevN: number | undefined;
  for (const s of segments) {
    const seg = typeof s === 'string' ? undefined : s;
    const path = typeof s === 'string' ? s : s.path;
    if (seg && checkNumbers) {
      const expectedN = prevN === undefined ? (anchorGenesis ? 1 : seg.n) : prevN + 1;
      if (seg.n !== expectedN) {
        chain.fail(
          path,
          1,
          'missing_file',
          `segment ${expectedN}${seg.n - 1 > expectedN ? `..${seg.n - 1}` : ''} of instance ${instance} is missing before ${seg.name}`,
        );
        break;
      }
      prevN = seg.n;
    }
    let pending: Line | undefined;
    for await (const line of readLines(path)) {
      if (pending && !chain.feed(path, pending, false)) break;
      pending = line;
    }
    if (chain.failure) break;
    if (pending && !chain.feed(path, pending, true)) break;
  }
  if (!chain.failure) chain.finish();
  if (!chain.failure && chain.records === 0)
    chain.fail(
      String(typeof segments[0] === 'string' ? segments[0] : (segments[0]?.path ?? '')),
      1,
      'empty',
      'no audit records',
    );
  return {
    instance,
    ok: !chain.failure,
    files: segments.length,
    records: chain.records,
    firstSeq: chain.firstSeq,
    lastSeq: chain.firstSeq === null ? null : chain.seq,
    headHash: chain.firstSeq === null ? null : (chain.prev ?? null),
    anchor: anchorGenesis ? 'genesis' : 'first-line',
    ...(chain.failure ? { failure: chain.failure } : {}),
    breaks: chain.breaks,
  };
}

/** Instance of a lone file: from its name, else from its first parseable line. */
async function fileInstance(path: string): Promise<{ instance: string; firstSeq: number | undefined }> {
  for await (const line of readLines(path)) {
    try {
      const r = JSON.parse(line.text) as Record<string, unknown>;
      return {
        instance: String(r.instance ?? parseSegmentName(path)?.instance ?? 'unknown'),
        firstSeq: typeof r.seq === 'number' ? r.seq : undefined,
      };
    } catch {
      break;
    }
  }
  return { instance: parseSegmentName(path)?.instance ?? 'unknown', firstSeq: undefined };
}

/** Verify a segment file or a directory of segments (every instance). */
export async function verifyAudit(path: string, opts: VerifyOptions = {}): Promise<VerifyResult> {
  const results: InstanceVerify[] = [];
  if (isDirectory(path)) {
    for (const [instance, segs] of listSegments(path)) {
      results.push(await verifyChain(instance, segs, !opts.allowPrunedHead, true));
    }
  } else {
    const { instance, firstSeq } = await fileInstance(path);
    results.push(await verifyChain(instance, [path], firstSeq === 1, false));
  }
  const failures = results.flatMap((r) => (r.failure ? [r.failure] : []));
  if (results.length === 0)
    failures.push({
      instance: '',
      file: path,
      line: 0,
      reason: 'empty',
      message: 'no audit segment files (audit-<instance>-<yyyymmdd>-<n>.jsonl) found',
    });
  return {
    ok: failures.length === 0,
    path,
    files: results.reduce((a, r) => a + r.files, 0),
    records: results.reduce((a, r) => a + r.records, 0),
    instances: results,
    failures,
    breaks: results.flatMap((r) => r.breaks),
  };
}

/** Human-readable summary, one line per instance; failures as `file:line: reason: message`. */
export function formatVerifyResult(r: VerifyResult): string {
  const out: string[] = [];
  for (const i of r.instances) {
    out.push(
      i.ok
        ? `OK ${i.instance}: ${i.records} records in ${i.files} file(s), seq ${i.firstSeq}..${i.lastSeq}, head ${i.headHash} (anchor: ${i.anchor})`
        : `FAIL ${i.instance}: ${i.failure!.file}:${i.failure!.line}: ${i.failure!.reason}: ${i.failure!.message}`,
    );
    for (const b of i.breaks)
      out.push(
        `  sealed break: ${b.file}:${b.line} (${b.reason}); chain resumed at ${b.resumedIn} from seq ${b.lastGoodSeq}`,
      );
  }
  if (r.instances.length === 0) for (const f of r.failures) out.push(`FAIL ${f.file}: ${f.message}`);
  out.push(
    r.ok
      ? `audit chain intact: ${r.records} records, ${r.files} file(s), ${r.instances.length} instance(s)`
      : r.instances.length
        ? `audit chain BROKEN: ${r.failures.length} of ${r.instances.length} instance(s) failed`
        : 'audit verification FAILED: nothing to verify',
  );
  return out.join('\n');
}
