/** The append-only, hash-chained audit log. One JSON line per record, written with write(2) on
 * the segment's own file descriptor: when append() returns, the line has been handed to the OS
 * (and fsync'ed when `fsync` is on). The app logger is never used. The body is serialised once:
 * each top-level value's canonical JSON makes both the line and the hashed canonical form. */
import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../core/clock.js';
import { LiqguardError } from '../core/errors.js';
import type { AuditAppender, AuditEventType } from '../core/stages.js';
import { AUDIT_VERSION, ENVELOPE_KEYS, sha256Hex } from './canonical.js';
import { compactDecision, COMPACT_VERSION } from './compact.js';
import { INSTANCE_RE, segmentName, utcDay, type SegmentFile } from './files.js';
import { AUDIT_EVENT_TYPES, type AuditBodies, type ChainBreak } from './records.js';
import { canonicalObject, createRedactor, type Redactor } from './redact.js';
import { findChainHead } from './resume.js';

export interface AuditLogOptions {
  readonly dir: string;
  readonly instance: string; // replica id; one writer per instance per directory
  readonly clock: Clock;
  /** Start a new segment once the current one reaches this size (0 = never). Default 64 MiB. */
  readonly rotateBytes?: number;
  /** Start a new segment when the UTC day of the record's ts changes. Default true. */
  readonly rotateDaily?: boolean;
  /** fsync after every line: survives power loss, costs a disk flush per order. Default false. */
  readonly fsync?: boolean;
  /** Literal secret values (config keys) scrubbed from every string before hashing. */
  readonly secrets?: readonly string[];
  /** Newest segment ends with a torn line: 'refuse' (default) throws AUDIT_CHAIN_BROKEN; 'seal'
   * leaves it as is and starts a new segment whose first record documents the break. */
  readonly onTornTail?: 'refuse' | 'seal';
  readonly version?: string; // liqguard version for the seal record
  /** Record format: 2 (default) writes decision records compact as v2 (see compact.ts), 1 in full (v1). */
  readonly format?: 1 | 2;
}

interface Segment {
  readonly file: SegmentFile;
  readonly fd: number;
  size: number;
}

const DAY_MS = 86_400_000;
const RESERVED = new Set<string>([...ENVELOPE_KEYS, '__pino_msg', '__pino_err']);

export class AuditLog implements AuditAppender {
  private readonly redactor: Redactor;
  private readonly rotateBytes: number;
  private readonly rotateDaily: boolean;
  private readonly format: 1 | 2;
  private seq: number;
  private prev: string;
  private lastTs: number;
  private nextN: number;
  private current: Segment | undefined;
  private resumable: { file: SegmentFile; size: number } | undefined;
  private failure: Error | undefined;
  private closed = false;
  private day = '';
  private dayStart = Number.NaN;

  /** Opens (or resumes) the chain of `opts.instance` in `opts.dir`. Synchronous. */
  static open(opts: AuditLogOptions): AuditLog {
    return new AuditLog(opts);
  }

  private constructor(private readonly opts: AuditLogOptions) {
    if (!INSTANCE_RE.test(opts.instance)) {
      throw new LiqguardError(
        'CONFIG_INVALID',
        `audit instance id "${opts.instance}" must match ${INSTANCE_RE} (it becomes part of file names)`,
      );
    }
    this.rotateBytes = opts.rotateBytes ?? 64 * 1024 * 1024;
    this.rotateDaily = opts.rotateDaily ?? true;
    this.format = opts.format ?? COMPACT_VERSION;
    this.redactor = createRedactor(opts.secrets);
    mkdirSync(opts.dir, { recursive: true });
    const head = findChainHead(opts.dir, opts.instance);
    this.seq = head.seq;
    this.prev = head.hash;
    this.lastTs = head.ts;
    this.nextN = (head.segment?.n ?? 0) + 1;
    if (head.torn) {
      if ((opts.onTornTail ?? 'refuse') === 'refuse') {
        throw new LiqguardError(
          'AUDIT_CHAIN_BROKEN',
          `audit segment ${head.torn.file} line ${head.torn.line}: ${head.torn.reason}; keep the file, then run \`liqguard audit seal --dir ${opts.dir}\` (or set audit.onTornTail: seal in the config) to start a new segment whose first record documents the break`,
        );
      }
      const chainBreak: ChainBreak = {
        file: head.torn.file,
        line: head.torn.line,
        reason: head.torn.reason,
        lastGoodSeq: head.seq,
        lastGoodHash: head.hash,
        ...(head.torn.bytes !== undefined ? { droppedBytes: head.torn.bytes } : {}),
      };
      this.append('startup', { version: opts.version ?? 'unknown', node: process.version, chainBreak });
    } else if (head.segment && head.size > 0) {
      this.resumable = { file: head.segment, size: head.size };
    }
  }

  /** Appends one record; returns once the line is written. Throws AUDIT_WRITE_FAILED when the
   * line cannot be written: the caller must not send the order (fail closed). */
  append<T extends AuditEventType>(
    type: T,
    body: Readonly<Record<string, unknown>> | AuditBodies[T],
  ): { seq: number; hash: string } {
    if (this.closed) throw new LiqguardError('AUDIT_WRITE_FAILED', 'audit log is closed');
    if (this.failure)
      throw new LiqguardError('AUDIT_WRITE_FAILED', `audit log failed earlier: ${this.failure.message}`);
    if (!AUDIT_EVENT_TYPES.includes(type)) throw new LiqguardError('INTERNAL', `unknown audit record type "${type}"`);
    // Only decision bodies have a compact form; every other record stays v1 byte for byte.
    const compact =
      type === 'decision' &&
      this.format === COMPACT_VERSION &&
      !!body &&
      typeof body === 'object' &&
      !Array.isArray(body);
    let entries: Map<string, string>;
    try {
      entries = this.redactor.canonicalEntries(compact ? compactDecision(body as Record<string, unknown>) : body);
    } catch {
      throw new LiqguardError('INTERNAL', `audit ${type} body must be an object`);
    }
    let bodyJson = '';
    for (const [k, v] of entries) {
      if (RESERVED.has(k))
        throw new LiqguardError('INTERNAL', `audit ${type} body uses the reserved envelope key "${k}"`);
      bodyJson += ',' + JSON.stringify(k) + ':' + v;
    }
    // ts never decreases per instance, so merged reads by ts stay ordered across restarts.
    const ts = Math.max(this.opts.clock.now(), this.lastTs);
    const seq = this.seq + 1;
    const v = compact ? COMPACT_VERSION : AUDIT_VERSION;
    const envelope = [
      ['v', v],
      ['seq', seq],
      ['ts', ts],
      ['instance', this.opts.instance],
      ['type', type],
      ['prev', this.prev],
    ] as const;
    let head = '';
    for (const [k, v] of envelope) {
      const json = JSON.stringify(v);
      entries.set(k, json);
      head += (head ? ',"' : '{"') + k + '":' + json;
    }
    // canonicalJson of the parsed line without hash (see canonical.ts), from the same strings.
    const hash = sha256Hex(this.prev + canonicalObject(entries));
    const line = head + bodyJson + ',"hash":"' + hash + '"}\n';
    const seg = this.segmentFor(ts);
    const bytes = this.write(seg, line);
    seg.size += bytes;
    this.seq = seq;
    this.prev = hash;
    this.lastTs = ts;
    return { seq, hash };
  }

  /** The chain head: what the next record's prev will be. Publish it (metrics, another store)
   * to make truncation of the newest lines detectable. */
  head(): { seq: number; hash: string; file: string | undefined } {
    return { seq: this.seq, hash: this.prev, file: this.current?.file.path ?? this.resumable?.file.path };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.closeSegment();
  }

  /** write(2) the whole line (looping on short writes), fsync when configured. A failure is
   * sticky: the file's state is unknown, so every later append throws until a restart. */
  private write(seg: Segment, line: string): number {
    const length = Buffer.byteLength(line, 'utf8');
    try {
      // The string goes to write(2) without a Buffer of our own; a short write (rare on a
      // regular file) finishes from an encoded copy.
      let off = writeSync(seg.fd, line, null, 'utf8');
      if (off < length) {
        const buf = Buffer.from(line, 'utf8');
        while (off < length) off += writeSync(seg.fd, buf, off, length - off);
      }
      if (this.opts.fsync) fsyncSync(seg.fd);
    } catch (err) {
      this.failure ??= err as Error;
      const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      throw new LiqguardError('AUDIT_WRITE_FAILED', `audit write to ${seg.file.name} failed: ${why}`);
    }
    return length;
  }

  private segmentFor(ts: number): Segment {
    // Same UTC day as the previous record (the common case): no date formatting per record.
    const day = ts >= this.dayStart && ts < this.dayStart + DAY_MS ? this.day : this.dayOf(ts);
    if (!this.current && this.resumable) {
      const { file, size } = this.resumable;
      this.resumable = undefined;
      if (!(this.rotateDaily && file.day !== day) && !(this.rotateBytes > 0 && size >= this.rotateBytes)) {
        this.current = this.openSegment(file, size);
        return this.current;
      }
    }
    const cur = this.current;
    if (cur && !(this.rotateDaily && cur.file.day !== day) && !(this.rotateBytes > 0 && cur.size >= this.rotateBytes))
      return cur;
    if (cur) void this.closeSegment();
    const n = this.nextN++;
    const name = segmentName(this.opts.instance, day, n);
    this.current = this.openSegment({ path: join(this.opts.dir, name), name, instance: this.opts.instance, day, n }, 0);
    if (this.opts.fsync) fsyncDir(this.opts.dir);
    return this.current;
  }

  private dayOf(ts: number): string {
    this.day = utcDay(ts);
    this.dayStart = Math.floor(ts / DAY_MS) * DAY_MS;
    return this.day;
  }

  private openSegment(file: SegmentFile, size: number): Segment {
    let fd: number;
    try {
      fd = openSync(file.path, 'a');
    } catch (err) {
      this.failure ??= err as Error;
      const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      throw new LiqguardError('AUDIT_WRITE_FAILED', `audit segment ${file.name} cannot be opened: ${why}`);
    }
    return { file, fd, size };
  }

  private closeSegment(): Promise<void> {
    const seg = this.current;
    this.current = undefined;
    if (seg) {
      try {
        closeSync(seg.fd);
      } catch {
        // Every line was already written synchronously; nothing is pending on this descriptor.
      }
    }
    return Promise.resolve();
  }
}

/** Make a new file's directory entry durable (only with fsync on). */
function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some filesystems refuse fsync on directories; the file's own fsync still applies.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Convenience for wiring: open from the gateway config's audit section. */
export function openAuditLog(
  cfg: { dir: string; rotateBytes: number; rotateDaily: boolean; fsync: boolean },
  instance: string,
  clock: Clock,
  secrets: readonly string[],
  extra: Pick<AuditLogOptions, 'onTornTail' | 'version'> = {},
): AuditLog {
  return AuditLog.open({
    dir: cfg.dir,
    instance,
    clock,
    rotateBytes: cfg.rotateBytes,
    rotateDaily: cfg.rotateDaily,
    fsync: cfg.fsync,
    secrets,
    ...extra,
  });
}
