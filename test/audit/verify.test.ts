import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { formatVerifyResult, verifyAudit } from '../../src/audit/verify.js';
import { openLog, T0, tempDir, writeDecisions } from './fixtures.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

const files = (): string[] =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .map((f) => join(dir, f));
const readLines = (f: string): string[] => readFileSync(f, 'utf8').split('\n').slice(0, -1);
const writeLines = (f: string, ls: string[]): void => writeFileSync(f, ls.map((l) => l + '\n').join(''));
/** A replace that must change something, so a tamper test can never pass by tampering nothing. */
const edit = (s: string, a: string, b: string): string => {
  const r = s.replace(a, b);
  if (r === s) throw new Error(`fixture: "${a}" not found`);
  return r;
};

async function writeLog(n: number, rotateBytes = 0, instance = 'gw1'): Promise<void> {
  const clock = new ManualClock(T0);
  const log = openLog(dir, clock, { rotateBytes, instance });
  writeDecisions(log, clock, n);
  await log.close();
}

describe('verifyAudit, single file', () => {
  it('passes an intact file and reports counts and head', async () => {
    await writeLog(6);
    const r = await verifyAudit(files()[0]!);
    expect(r.ok).toBe(true);
    expect(r.records).toBe(6);
    expect(r.instances[0]).toMatchObject({ instance: 'gw1', firstSeq: 1, lastSeq: 6, anchor: 'genesis' });
    expect(r.instances[0]!.headHash).toBe(JSON.parse(readLines(files()[0]!)[5]!).hash);
    expect(formatVerifyResult(r)).toMatch(/audit chain intact: 6 records/);
  });

  it('a changed value fails as tampered at that line', async () => {
    await writeLog(6);
    const f = files()[0]!;
    const ls = readLines(f);
    ls[2] = edit(ls[2]!, '"quantity":"0.5"', '"quantity":"5"');
    writeLines(f, ls);
    const r = await verifyAudit(f);
    expect(r.ok).toBe(false);
    expect(r.failures[0]).toMatchObject({ file: f, line: 3, reason: 'tampered' });
    expect(formatVerifyResult(r)).toContain(`${f}:3: tampered`);
  });

  it('a deleted line fails as prev_mismatch at the line that follows it', async () => {
    await writeLog(6);
    const f = files()[0]!;
    const ls = readLines(f);
    ls.splice(3, 1); // remove seq 4
    writeLines(f, ls);
    const r = await verifyAudit(f);
    expect(r.failures[0]).toMatchObject({ line: 4, reason: 'prev_mismatch' });
    expect(r.failures[0]!.message).toMatch(/seq 5 where seq 4 was expected/);
  });

  it('reordered lines fail as prev_mismatch at the first moved line', async () => {
    await writeLog(6);
    const f = files()[0]!;
    const ls = readLines(f);
    [ls[1], ls[2]] = [ls[2]!, ls[1]!];
    writeLines(f, ls);
    const r = await verifyAudit(f);
    expect(r.failures[0]).toMatchObject({ line: 2, reason: 'prev_mismatch' });
  });

  it('a torn last line fails as truncated naming the line', async () => {
    await writeLog(6);
    const f = files()[0]!;
    const text = readFileSync(f, 'utf8');
    writeFileSync(f, text.slice(0, text.length - 40));
    const r = await verifyAudit(f);
    expect(r.failures[0]).toMatchObject({ file: f, line: 6, reason: 'truncated' });
  });

  it('a line whose hash was recomputed after an edit breaks the next line', async () => {
    await writeLog(4);
    const f = files()[0]!;
    const ls = readLines(f);
    const { recordHash } = await import('../../src/audit/canonical.js');
    const rec = JSON.parse(ls[1]!) as Record<string, unknown>;
    rec.outcome = 'accept';
    rec.hash = recordHash(rec);
    ls[1] = JSON.stringify(rec);
    writeLines(f, ls);
    const r = await verifyAudit(f);
    expect(r.failures[0]).toMatchObject({ line: 3, reason: 'prev_mismatch' });
  });

  it('garbage in the middle fails as malformed', async () => {
    await writeLog(4);
    const f = files()[0]!;
    const ls = readLines(f);
    ls.splice(1, 0, 'not json');
    writeLines(f, ls);
    expect((await verifyAudit(f)).failures[0]).toMatchObject({ line: 2, reason: 'malformed' });
  });
});

describe('verifyAudit, directory across rotated files', () => {
  it('a deleted middle file fails as missing_file naming the next file', async () => {
    await writeLog(30, 4096);
    const fs = files();
    expect(fs.length).toBeGreaterThanOrEqual(3);
    rmSync(fs[1]!);
    const r = await verifyAudit(dir);
    expect(r.ok).toBe(false);
    expect(r.failures[0]).toMatchObject({ file: fs[2], line: 1, reason: 'missing_file' });
  });

  it('an edited first line of the second file fails as tampered at file2:1', async () => {
    await writeLog(30, 4096);
    const fs = files();
    const ls = readLines(fs[1]!);
    ls[0] = edit(ls[0]!, '"client":"alpha"', '"client":"mallory"');
    writeLines(fs[1]!, ls);
    const r = await verifyAudit(dir);
    expect(r.failures[0]).toMatchObject({ file: fs[1], line: 1, reason: 'tampered' });
  });

  it('a last line moved to the next file breaks the chain', async () => {
    await writeLog(30, 4096);
    const fs = files();
    const a = readLines(fs[0]!);
    const b = readLines(fs[1]!);
    const moved = a.pop()!;
    writeLines(fs[0]!, a);
    writeLines(fs[1]!, [b[0]!, moved, ...b.slice(1)]);
    const r = await verifyAudit(dir);
    expect(r.failures[0]).toMatchObject({ file: fs[1], line: 1, reason: 'prev_mismatch' });
  });

  it('a missing first segment fails unless allowPrunedHead', async () => {
    await writeLog(30, 4096);
    rmSync(files()[0]!);
    const strict = await verifyAudit(dir);
    expect(strict.failures[0]).toMatchObject({ reason: 'missing_file', line: 1 });
    const pruned = await verifyAudit(dir, { allowPrunedHead: true });
    expect(pruned.ok).toBe(true);
    expect(pruned.instances[0]!.anchor).toBe('first-line');
  });

  it('two instances in one directory verify independently', async () => {
    await writeLog(8, 4096, 'gw1');
    await writeLog(5, 4096, 'gw2');
    const ok = await verifyAudit(dir);
    expect(ok.ok).toBe(true);
    expect(ok.instances.map((i) => [i.instance, i.records])).toEqual([
      ['gw1', 8],
      ['gw2', 5],
    ]);
    const f2 = files().find((f) => f.includes('audit-gw2-'))!;
    const ls = readLines(f2);
    ls[1] = edit(ls[1]!, '"client":"alpha"', '"client":"mallory"');
    writeLines(f2, ls);
    const bad = await verifyAudit(dir);
    expect(bad.instances.map((i) => i.ok)).toEqual([true, false]);
    expect(bad.failures).toHaveLength(1);
    expect(bad.failures[0]).toMatchObject({ instance: 'gw2', file: f2, line: 2, reason: 'tampered' });
  });

  it("a file copied into another instance's chain is an instance mismatch", async () => {
    await writeLog(3, 0, 'gw1');
    await writeLog(3, 0, 'gw2');
    const [f1, f2] = files();
    writeFileSync(f2!, readFileSync(f1!));
    const r = await verifyAudit(dir);
    expect(r.failures[0]).toMatchObject({ instance: 'gw2', reason: 'instance_mismatch', line: 1 });
  });

  it('an empty directory is not a pass', async () => {
    const r = await verifyAudit(dir);
    expect(r.ok).toBe(false);
    expect(r.failures[0]!.reason).toBe('empty');
  });
});
