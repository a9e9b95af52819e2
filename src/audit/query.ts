/** Reads records back from a directory: every instance's segments merged by (ts, instance,
 * seq), filtered, paginated with an opaque cursor. Bad lines are skipped here; `verify` is the
 * tool that reports them. Relies on ts never decreasing per instance (the writer ensures it). */
import { LiqguardError } from '../core/errors.js';
import { expandRecord } from './compact.js';
import { listSegments, readFirstLine, readLines, type SegmentFile } from './files.js';
import { recordClient, recordOutcome, recordRules, recordSymbol, type AuditRecord } from './records.js';

export interface AuditFilters {
  readonly from?: number; // epoch ms, inclusive
  readonly to?: number; // epoch ms, exclusive
  readonly client?: string;
  readonly symbol?: string;
  readonly outcome?: readonly string[]; // decision kinds: accept | modify | split | deny
  readonly rule?: string; // rule id with a non-pass outcome in the decision trace
  readonly type?: readonly string[]; // record types
  readonly instance?: string;
}

export interface PageRequest {
  readonly cursor?: string | undefined;
  readonly limit?: number | undefined;
}

export interface AuditPage {
  readonly records: AuditRecord[];
  /** Pass back as `cursor` for the next page; null when there is nothing more. */
  readonly nextCursor: string | null;
}

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

type Positions = Record<string, number>; // instance -> last consumed seq

export function matches(r: AuditRecord, f: AuditFilters): boolean {
  if (f.from !== undefined && r.ts < f.from) return false;
  if (f.to !== undefined && r.ts >= f.to) return false;
  if (f.instance !== undefined && r.instance !== f.instance) return false;
  if (f.type?.length && !f.type.includes(r.type)) return false;
  if (f.client !== undefined && recordClient(r) !== f.client) return false;
  if (f.symbol !== undefined && recordSymbol(r) !== f.symbol) return false;
  if (f.outcome?.length) {
    const o = recordOutcome(r);
    if (o === undefined || !f.outcome.includes(o)) return false;
  }
  if (f.rule !== undefined && !recordRules(r).includes(f.rule)) return false;
  return true;
}

/** One instance's records in seq order, skipping whole segments that end before `afterSeq` or
 * before `from` (known from the next segment's first line). */
async function* instanceRecords(
  segs: readonly SegmentFile[],
  afterSeq: number,
  from: number | undefined,
  to: number | undefined,
): AsyncGenerator<AuditRecord> {
  const firsts: (AuditRecord | undefined)[] = [];
  for (const s of segs) {
    const line = await readFirstLine(s.path);
    let rec: AuditRecord | undefined;
    try {
      rec = line === undefined ? undefined : (JSON.parse(line) as AuditRecord);
    } catch {
      rec = undefined;
    }
    firsts.push(rec);
  }
  for (let i = 0; i < segs.length; i++) {
    const next = firsts.slice(i + 1).find((r) => r !== undefined);
    if (next && typeof next.seq === 'number' && next.seq - 1 <= afterSeq) continue;
    if (next && from !== undefined && typeof next.ts === 'number' && next.ts < from) continue;
    for await (const line of readLines(segs[i]!.path)) {
      if (!line.terminated) break;
      let r: AuditRecord;
      try {
        r = expandRecord(JSON.parse(line.text) as AuditRecord);
      } catch {
        continue;
      }
      if (typeof r.seq !== 'number' || typeof r.ts !== 'number' || r.seq <= afterSeq) continue;
      if (to !== undefined && r.ts >= to) return;
      yield r;
    }
  }
}

function before(a: AuditRecord, b: AuditRecord): boolean {
  if (a.ts !== b.ts) return a.ts < b.ts;
  if (a.instance !== b.instance) return a.instance < b.instance;
  return a.seq < b.seq;
}

/** Every record of `dir` in merged order, with the merge position after each one. */
export async function* streamAudit(
  dir: string,
  filters: AuditFilters = {},
  start: Positions = {},
): AsyncGenerator<{ record: AuditRecord; positions: Positions }> {
  const heads: { it: AsyncGenerator<AuditRecord>; rec: AuditRecord }[] = [];
  for (const [instance, segs] of listSegments(dir)) {
    if (filters.instance !== undefined && instance !== filters.instance) continue;
    const it = instanceRecords(segs, start[instance] ?? 0, filters.from, filters.to);
    const first = await it.next();
    if (!first.done) heads.push({ it, rec: first.value });
  }
  const positions: Positions = { ...start };
  while (heads.length) {
    let best = 0;
    for (let i = 1; i < heads.length; i++) if (before(heads[i]!.rec, heads[best]!.rec)) best = i;
    const h = heads[best]!;
    const rec = h.rec;
    positions[rec.instance] = rec.seq;
    const nx = await h.it.next();
    if (nx.done) heads.splice(best, 1);
    else h.rec = nx.value;
    yield { record: rec, positions };
  }
}

function encodeCursor(p: Positions): string {
  return Buffer.from(JSON.stringify({ v: 1, p }), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): Positions {
  try {
    const o = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { v?: unknown; p?: unknown };
    if (o.v !== 1 || !o.p || typeof o.p !== 'object') throw new Error('shape');
    for (const v of Object.values(o.p)) if (!Number.isInteger(v)) throw new Error('shape');
    return o.p as Positions;
  } catch {
    throw new LiqguardError(
      'INVALID_FIELD',
      'cursor is not a cursor returned by a previous audit query; start without one',
      [{ path: 'cursor', message: 'invalid cursor' }],
    );
  }
}

/** One page of matching records. Each record is returned exactly once across pages as long
 * as the same filters are passed with each cursor. */
export async function queryAudit(dir: string, filters: AuditFilters = {}, page: PageRequest = {}): Promise<AuditPage> {
  const limit = page.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new LiqguardError('INVALID_FIELD', `limit must be an integer from 1 to ${MAX_LIMIT}`, [
      { path: 'limit', message: `got ${String(limit)}` },
    ]);
  }
  const start = page.cursor ? decodeCursor(page.cursor) : {};
  const records: AuditRecord[] = [];
  let cursorAt: Positions | undefined;
  const stream = streamAudit(dir, filters, start);
  try {
    for await (const { record, positions } of stream) {
      if (!matches(record, filters)) {
        if (cursorAt) cursorAt = { ...positions }; // skip non-matching records on the next page too
        continue;
      }
      if (records.length === limit) return { records, nextCursor: encodeCursor(cursorAt!) };
      records.push(record);
      if (records.length === limit) cursorAt = { ...positions };
    }
  } finally {
    await stream.return(undefined);
  }
  return { records, nextCursor: null };
}
