import { readFileSync, readdirSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { canonicalJson, genesisHash, recordHash } from '../../src/audit/canonical.js';
import { AuditLog } from '../../src/audit/writer.js';
import { verifyAudit } from '../../src/audit/verify.js';
import { decisionBody, openLog, T0, tempDir, writeDecisions } from './fixtures.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

const lines = (file: string): string[] => readFileSync(file, 'utf8').split('\n').filter(Boolean);
const files = (): string[] =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort();

describe('AuditLog writer', () => {
  it('writes one envelope line per record, chained from the genesis hash', async () => {
    const clock = new ManualClock(T0);
    const log = openLog(dir, clock);
    const hashes = writeDecisions(log, clock, 3);
    // Synchronous: the lines are on disk before close().
    const [file] = files();
    const recs = lines(join(dir, file!)).map((l) => JSON.parse(l) as Record<string, unknown>);
    await log.close();
    expect(recs).toHaveLength(3);
    expect(recs.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(recs[0]!.prev).toBe(genesisHash('gw1'));
    expect(recs[1]!.prev).toBe(recs[0]!.hash);
    expect(recs.map((r) => r.hash)).toEqual(hashes);
    for (const r of recs) expect(recordHash(r)).toBe(r.hash);
    expect(Object.keys(recs[0]!).slice(0, 6)).toEqual(['v', 'seq', 'ts', 'instance', 'type', 'prev']);
    expect(Object.keys(recs[0]!).at(-1)).toBe('hash');
    for (const k of ['level', 'time', 'pid', 'hostname', 'msg']) expect(recs[0]).not.toHaveProperty(k);
    expect(file).toBe('audit-gw1-20240301-000001.jsonl');
  });

  it('hash is independent of key order (canonical JSON)', () => {
    const a = { v: 1, seq: 1, b: { y: 1, x: [2, { d: 1, c: 2 }] }, prev: 'p' };
    const b = { prev: 'p', b: { x: [2, { c: 2, d: 1 }], y: 1 }, seq: 1, v: 1 };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(recordHash(a)).toBe(recordHash(b));
    expect(recordHash({ ...a, seq: 2 })).not.toBe(recordHash(a));
  });

  it('body keys that pino treats specially (msg, err, level, time) are kept verbatim and verify', async () => {
    const clock = new ManualClock(T0);
    const log = openLog(dir, clock);
    log.append('startup', {
      version: '0.1.0',
      node: 'v20',
      msg: 'hello',
      err: { message: 'boom', stack: 's' },
      level: 3,
      time: 4,
      pid: 9,
      hostname: 'h',
      lone: 'a\ud800b',
      nan: NaN,
    });
    await log.close();
    const rec = JSON.parse(lines(join(dir, files()[0]!))[0]!) as Record<string, unknown>;
    expect(rec.msg).toBe('hello');
    expect(rec.err).toEqual({ message: 'boom', stack: 's' });
    expect(rec.nan).toBeNull();
    expect(rec.lone).toBe('a\ufffdb');
    expect((await verifyAudit(dir)).ok).toBe(true);
  });

  it('rejects bodies that use envelope keys', async () => {
    const log = openLog(dir, new ManualClock(T0));
    expect(() => log.append('kill', { seq: 5 })).toThrow(/reserved envelope key "seq"/);
    await log.close();
  });

  it('ts never decreases even when the clock steps back', async () => {
    const clock = {
      t: T0 + 5000,
      now() {
        return this.t;
      },
    };
    const log = AuditLog.open({ dir, instance: 'gw1', clock });
    log.append('startup', { version: 'x', node: 'v20' });
    clock.t = T0;
    log.append('startup', { version: 'x', node: 'v20' });
    await log.close();
    const ts = lines(join(dir, files()[0]!)).map((l) => (JSON.parse(l) as { ts: number }).ts);
    expect(ts).toEqual([T0 + 5000, T0 + 5000]);
  });

  it('resumes the chain from the newest file after a restart', async () => {
    const clock = new ManualClock(T0);
    let log = openLog(dir, clock);
    writeDecisions(log, clock, 2);
    await log.close();
    log = openLog(dir, clock);
    const { seq } = log.append('startup', { version: 'x', node: 'v20' });
    await log.close();
    expect(seq).toBe(3);
    expect(files()).toHaveLength(1);
    const v = await verifyAudit(dir);
    expect(v.ok).toBe(true);
    expect(v.records).toBe(3);
  });

  it('rotates by size: the chain continues across files and verify DIR passes', async () => {
    const clock = new ManualClock(T0);
    const log = openLog(dir, clock, { rotateBytes: 4096 });
    writeDecisions(log, clock, 20);
    await log.close();
    const fs = files();
    expect(fs.length).toBeGreaterThan(2);
    const first2 = JSON.parse(lines(join(dir, fs[1]!))[0]!) as { prev: string };
    const last1 = JSON.parse(lines(join(dir, fs[0]!)).at(-1)!) as { hash: string };
    expect(first2.prev).toBe(last1.hash);
    expect(fs.map((f) => Number(/-(\d+)\.jsonl$/.exec(f)![1]))).toEqual(fs.map((_, i) => i + 1));
    const v = await verifyAudit(dir);
    expect(v.ok).toBe(true);
    expect(v.records).toBe(20);
    expect(v.files).toBe(fs.length);
  });

  it('rotates on a new UTC day, naming the file by the day', async () => {
    const clock = new ManualClock(Date.UTC(2024, 2, 1, 23, 59, 59));
    const log = openLog(dir, clock);
    log.append('startup', { version: 'x', node: 'v20' });
    clock.advance(2000);
    log.append('decision', decisionBody({ n: 1 }));
    await log.close();
    expect(files()).toEqual(['audit-gw1-20240301-000001.jsonl', 'audit-gw1-20240302-000002.jsonl']);
    expect((await verifyAudit(dir)).ok).toBe(true);
  });

  it('a restart after rotation keeps numbering and chain', async () => {
    const clock = new ManualClock(T0);
    let log = openLog(dir, clock, { rotateBytes: 4096 });
    writeDecisions(log, clock, 10);
    await log.close();
    const before = files().length;
    log = openLog(dir, clock, { rotateBytes: 4096 });
    writeDecisions(log, clock, 10);
    await log.close();
    expect(files().length).toBeGreaterThan(before);
    const v = await verifyAudit(dir);
    expect(v.ok).toBe(true);
    expect(v.records).toBe(20);
  });

  it('refuses to start on a torn last line, or seals it and records the break', async () => {
    const clock = new ManualClock(T0);
    let log = openLog(dir, clock);
    writeDecisions(log, clock, 3);
    await log.close();
    const f = join(dir, files()[0]!);
    appendFileSync(f, '{"v":1,"seq":4,"ts":17');
    expect(() => openLog(dir, clock)).toThrow(
      expect.objectContaining({ code: 'AUDIT_CHAIN_BROKEN', message: expect.stringContaining('line 4') }),
    );
    log = openLog(dir, clock, { onTornTail: 'seal' });
    const { seq } = log.append('decision', decisionBody({ n: 9 }));
    await log.close();
    expect(seq).toBe(5); // 4 = the seal record, continuing from the last good seq 3
    expect(files()).toHaveLength(2);
    const seal = JSON.parse(lines(join(dir, files()[1]!))[0]!) as {
      type: string;
      chainBreak: { line: number; lastGoodSeq: number };
    };
    expect(seal.type).toBe('startup');
    expect(seal.chainBreak).toMatchObject({ line: 4, lastGoodSeq: 3 });
    const v = await verifyAudit(dir);
    expect(v.ok).toBe(true);
    expect(v.breaks).toHaveLength(1);
    expect(v.breaks[0]!.file).toBe(files()[0]);
  });

  it('refuses to extend a chain whose last line was altered', async () => {
    const clock = new ManualClock(T0);
    const log = openLog(dir, clock);
    writeDecisions(log, clock, 2);
    await log.close();
    const f = join(dir, files()[0]!);
    writeFileSync(f, readFileSync(f, 'utf8').replace('"seq":2', '"seq":7'));
    expect(() => openLog(dir, clock)).toThrow(expect.objectContaining({ code: 'AUDIT_CHAIN_BROKEN' }));
  });

  it('fails closed with AUDIT_WRITE_FAILED once a write fails, and after close', async () => {
    const clock = new ManualClock(T0);
    const log = openLog(dir, clock);
    log.append('startup', { version: 'x', node: 'v20' });
    await log.close();
    expect(() => log.append('startup', { version: 'x', node: 'v20' })).toThrow(
      expect.objectContaining({ code: 'AUDIT_WRITE_FAILED' }),
    );
  });

  it('rejects an instance id that cannot be a file name', () => {
    expect(() => AuditLog.open({ dir, instance: '../etc', clock: new ManualClock(T0) })).toThrow(/instance id/);
  });
});

describe('AuditLog resume edge cases', () => {
  it('a torn segment followed by an empty one is still detected, and sealing verifies', async () => {
    const clock = new ManualClock(T0);
    let log = openLog(dir, clock);
    writeDecisions(log, clock, 2);
    await log.close();
    appendFileSync(join(dir, files()[0]!), '{"v":1,"seq":3');
    writeFileSync(join(dir, 'audit-gw1-20240301-000002.jsonl'), ''); // created, crashed before writing
    expect(() => openLog(dir, clock)).toThrow(expect.objectContaining({ code: 'AUDIT_CHAIN_BROKEN' }));
    log = openLog(dir, clock, { onTornTail: 'seal' });
    log.append('decision', decisionBody({ n: 3 }));
    await log.close();
    const v = await verifyAudit(dir);
    expect(v.ok).toBe(true);
    expect(v.breaks[0]).toMatchObject({ file: 'audit-gw1-20240301-000001.jsonl', line: 3, lastGoodSeq: 2 });
  });
});
