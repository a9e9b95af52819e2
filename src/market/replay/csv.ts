/** Strict CSV reading for replay files: plain or gzip, header detection, line/column errors. */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { basename } from 'node:path';
import { LiqguardError } from '../../core/errors.js';

export function dataError(file: string, line: number, column: number | undefined, message: string): LiqguardError {
  const where = column === undefined ? `${file}:${line}` : `${file}:${line}:${column}`;
  return new LiqguardError('MARKET_DATA_INVALID', `${where}: ${message}`, [{ path: where, message }]);
}

/** Reads a text file; gzip is detected by magic bytes, not by name. */
export async function readTextFile(path: string): Promise<string> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (e) {
    throw new LiqguardError('MARKET_DATA_INVALID', `${path}: cannot read (${(e as Error).message})`, [
      { path, message: 'cannot read' },
    ]);
  }
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      buf = gunzipSync(buf);
    } catch (e) {
      throw new LiqguardError('MARKET_DATA_INVALID', `${path}: corrupt gzip (${(e as Error).message})`, [
        { path, message: 'corrupt gzip' },
      ]);
    }
  }
  return buf.toString('utf8');
}

export interface CsvRow {
  readonly line: number; // 1-based line in the file
  readonly fields: readonly string[];
}

export interface CsvTable {
  readonly file: string;
  readonly header?: readonly string[];
  readonly rows: CsvRow[];
}

/** Splits one line; supports double-quoted fields (Binance files have none, other tools add them). */
function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (q) {
      if (ch === '"' && line[i + 1] === '"') ((cur += '"'), i++);
      else if (ch === '"') q = false;
      else cur += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') (out.push(cur), (cur = ''));
    else cur += ch;
  }
  out.push(cur);
  return out;
}

/** Parses CSV text. A header is present when the first field of the first line is not numeric.
 * `keep` (optional) cheaply drops lines before splitting (e.g. other symbols of a long file). */
export function parseCsv(text: string, file: string, keep?: (line: string) => boolean): CsvTable {
  const lines = text.split('\n');
  const rows: CsvRow[] = [];
  let header: string[] | undefined;
  let width = -1;
  for (let i = 0; i < lines.length; i++) {
    let raw = lines[i] as string;
    if (raw.endsWith('\r')) raw = raw.slice(0, -1);
    if (raw.trim() === '') continue;
    if (width < 0) {
      const f = splitCsvLine(raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw).map((s) => s.trim());
      width = f.length;
      if (!isNumeric(f[0] ?? '')) {
        header = f;
        continue;
      }
    }
    if (keep && !keep(raw)) continue;
    const fields = splitCsvLine(raw);
    if (fields.length !== width) {
      throw dataError(
        file,
        i + 1,
        undefined,
        `expected ${width} columns${header ? ` (${header.join(',')})` : ''}, found ${fields.length}`,
      );
    }
    rows.push({ line: i + 1, fields });
  }
  return header ? { file, header, rows } : { file, rows };
}

const NUM = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const isNumeric = (s: string): boolean => NUM.test(s.trim());

/** Column names compare case- and separator-insensitively: open_time = openTime = OPEN-TIME. */
const normName = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Index of the first header column matching one of the aliases, or -1. */
export function findColumn(header: readonly string[], aliases: readonly string[]): number {
  const norm = header.map(normName);
  for (const a of aliases) {
    const i = norm.indexOf(normName(a));
    if (i >= 0) return i;
  }
  return -1;
}

export function num(table: CsvTable, row: CsvRow, col: number, name: string): number {
  const s = (row.fields[col] ?? '').trim();
  if (!NUM.test(s))
    throw dataError(table.file, row.line, col + 1, `${name} must be a number, got ${JSON.stringify(s.slice(0, 40))}`);
  const v = Number(s);
  if (!Number.isFinite(v)) throw dataError(table.file, row.line, col + 1, `${name} is not finite: ${s}`);
  return v;
}

/** Optional number: empty field → NaN (missing), anything else must be numeric. */
export function optNum(table: CsvTable, row: CsvRow, col: number, name: string): number {
  const s = (row.fields[col] ?? '').trim();
  if (s === '' || s.toLowerCase() === 'nan' || s.toLowerCase() === 'null') return NaN;
  return num(table, row, col, name);
}

/** Epoch time in ms from seconds, ms or µs (Binance archives switched to µs in 2025), by magnitude. */
export function epochMs(table: CsvTable, row: CsvRow, col: number, name: string): number {
  const v = num(table, row, col, name);
  if (!Number.isInteger(v) || v < 0)
    throw dataError(table.file, row.line, col + 1, `${name} must be a non-negative integer epoch, got ${v}`);
  if (v >= 1e17)
    throw dataError(table.file, row.line, col + 1, `${name} ${v} is too large for an epoch in s, ms or µs`);
  if (v >= 1e14) return Math.floor(v / 1000); // µs
  if (v < 1e11) return v * 1000; // s
  return v;
}

const fileLabel = (path: string): string => basename(path);

/** Most frequent positive step between consecutive times (the sampling interval). */
export function inferStepMs(times: readonly number[]): number {
  const counts = new Map<number, number>();
  for (let i = 1; i < times.length && i < 5000; i++) {
    const d = (times[i] as number) - (times[i - 1] as number);
    if (d > 0) counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  let best = NaN;
  let bestN = 0;
  for (const [d, n] of counts) if (n > bestN || (n === bestN && d < best)) ((best = d), (bestN = n));
  return best;
}
