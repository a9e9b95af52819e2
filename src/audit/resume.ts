/** Where the chain of one instance stands on disk: read at writer start so that a restart
 * continues the same chain. Reads the newest non-empty segment in 1 MiB chunks. */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { LiqguardError } from '../core/errors.js';
import { genesisHash, recordHash } from './canonical.js';
import { listSegments, type SegmentFile } from './files.js';

export interface ChainHead {
  readonly seq: number; // 0 when the instance has no record yet
  readonly hash: string; // genesis when seq = 0
  readonly ts: number; // -Infinity when seq = 0
  readonly segment?: SegmentFile; // newest segment (may be empty)
  readonly size: number; // bytes of the newest segment
  /** Set when the newest segment ends with a torn (unterminated or unparseable) line. */
  readonly torn?: { readonly file: string; readonly line: number; readonly reason: string; readonly bytes?: number };
}

interface Tail {
  lines: string[]; // complete lines, oldest first (at most the last few)
  torn?: string; // unterminated last piece
  lineCount: number; // total complete lines in the file
  size: number;
}

/** Last complete lines of a file. Counting lines needs the whole file, read in 1 MiB chunks. */
function readTail(path: string, keep = 2): Tail {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const buf = Buffer.alloc(1 << 20);
    let carry = Buffer.alloc(0);
    const lines: string[] = [];
    let lineCount = 0;
    for (let pos = 0; pos < size;) {
      const n = readSync(fd, buf, 0, buf.length, pos);
      if (n <= 0) break;
      pos += n;
      let chunk = carry.length ? Buffer.concat([carry, buf.subarray(0, n)]) : Buffer.from(buf.subarray(0, n));
      let start = 0;
      let nl: number;
      while ((nl = chunk.indexOf(0x0a, start)) !== -1) {
        lineCount++;
        lines.push(chunk.toString('utf8', start, nl));
        if (lines.length > keep) lines.shift();
        start = nl + 1;
      }
      carry = chunk.subarray(start);
      chunk = carry;
    }
    return { lines, lineCount, size, ...(carry.length ? { torn: carry.toString('utf8') } : {}) };
  } finally {
    closeSync(fd);
  }
}

function parseChecked(text: string, where: string, instance: string): { seq: number; hash: string; ts: number } {
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new LiqguardError(
      'AUDIT_CHAIN_BROKEN',
      `${where}: last complete line is not valid JSON; refusing to extend the chain`,
    );
  }
  if (
    typeof rec.seq !== 'number' ||
    typeof rec.hash !== 'string' ||
    typeof rec.ts !== 'number' ||
    rec.instance !== instance
  ) {
    throw new LiqguardError('AUDIT_CHAIN_BROKEN', `${where}: last line is not an audit record of instance ${instance}`);
  }
  if (recordHash(rec) !== rec.hash) {
    throw new LiqguardError(
      'AUDIT_CHAIN_BROKEN',
      `${where}: last line does not match its hash (altered); refusing to extend the chain`,
    );
  }
  return { seq: rec.seq, hash: rec.hash, ts: rec.ts };
}

/** Head of `instance`'s chain in `dir`. Throws AUDIT_CHAIN_BROKEN when the last complete line
 * is altered; reports (does not throw) a torn tail so the writer can refuse or seal. */
export function findChainHead(dir: string, instance: string): ChainHead {
  const segments = listSegments(dir).get(instance) ?? [];
  const newest = segments[segments.length - 1];
  let torn: ChainHead['torn'];
  let newestSize = 0;
  let seenBytes = false;
  // Walk back past empty segments and segments whose only content is a torn line.
  for (let i = segments.length - 1; i >= 0; i--) {
    const seg = segments[i]!;
    const tail = readTail(seg.path);
    if (i === segments.length - 1) newestSize = tail.size;
    // The newest segment with any bytes decides whether the chain ends in a torn line.
    if (!seenBytes && tail.size > 0) {
      seenBytes = true;
      if (tail.torn !== undefined)
        torn = {
          file: seg.name,
          line: tail.lineCount + 1,
          reason: 'unterminated last line (crash mid-write or truncation)',
          bytes: Buffer.byteLength(tail.torn),
        };
    }
    const last = tail.lines[tail.lines.length - 1];
    if (last === undefined) continue;
    const head = parseChecked(last, `${seg.name}:${tail.lineCount}`, instance);
    return { ...head, ...(newest ? { segment: newest } : {}), size: newestSize, ...(torn ? { torn } : {}) };
  }
  return {
    seq: 0,
    hash: genesisHash(instance),
    ts: -Infinity,
    ...(newest ? { segment: newest } : {}),
    size: newestSize,
    ...(torn ? { torn } : {}),
  };
}
