/** Segment file naming, directory listing and a line reader that knows whether the last line
 * was terminated (a torn tail is how a crash mid-write looks). */
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

/** Instance ids end up in file names: keep them to a safe alphabet. */
export const INSTANCE_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const FILE_RE = /^audit-(.+)-(\d{8})-(\d+)\.jsonl$/;

export interface SegmentFile {
  readonly path: string;
  readonly name: string;
  readonly instance: string;
  readonly day: string; // yyyymmdd (UTC) of the segment's first record
  readonly n: number; // segment number: 1, 2, 3... per instance, across days
}

export const utcDay = (ts: number): string => new Date(ts).toISOString().slice(0, 10).replace(/-/g, '');

export const segmentName = (instance: string, day: string, n: number): string =>
  `audit-${instance}-${day}-${String(n).padStart(6, '0')}.jsonl`;

export function parseSegmentName(path: string): SegmentFile | undefined {
  const name = basename(path);
  const m = FILE_RE.exec(name);
  if (!m) return undefined;
  return { path, name, instance: m[1]!, day: m[2]!, n: Number(m[3]) };
}

/** Every segment in `dir`, grouped by instance, each group ordered by segment number. */
export function listSegments(dir: string): Map<string, SegmentFile[]> {
  const byInstance = new Map<string, SegmentFile[]>();
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return byInstance;
    throw err;
  }
  for (const name of names) {
    const seg = parseSegmentName(join(dir, name));
    if (!seg) continue;
    const list = byInstance.get(seg.instance) ?? [];
    list.push(seg);
    byInstance.set(seg.instance, list);
  }
  for (const list of byInstance.values()) list.sort((a, b) => a.n - b.n);
  return new Map([...byInstance.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export const isDirectory = (p: string): boolean => statSync(p).isDirectory();

export interface Line {
  readonly text: string;
  readonly lineNo: number; // 1-based
  /** False only for the last line of a file that does not end with '\n'. */
  readonly terminated: boolean;
}

/** Lines of a file, streamed (segments can be tens of MB). An empty trailing piece after the
 * final '\n' is not a line. */
export async function* readLines(path: string): AsyncGenerator<Line> {
  let rest: Buffer = Buffer.alloc(0);
  let lineNo = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    let buf: Buffer = rest.length ? Buffer.concat([rest, chunk as Buffer]) : (chunk as Buffer);
    let start = 0;
    let nl: number;
    while ((nl = buf.indexOf(0x0a, start)) !== -1) {
      yield { text: buf.toString('utf8', start, nl), lineNo: ++lineNo, terminated: true };
      start = nl + 1;
    }
    rest = buf.subarray(start);
    buf = rest;
  }
  if (rest.length) yield { text: rest.toString('utf8'), lineNo: ++lineNo, terminated: false };
}

/** First complete line of a file (undefined when empty or torn). */
export async function readFirstLine(path: string): Promise<string | undefined> {
  for await (const line of readLines(path)) return line.terminated ? line.text : undefined;
  return undefined;
}
