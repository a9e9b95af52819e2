/** Audit append throughput and latency (synchronous write(2) per record), with realistic
 * decision bodies (~1.7 KB), fsync off (default) and on. Prints appends/s, p50/p99/max and CPU µs
 * per append (user + system: serialisation, redaction, hashing and the write syscall).
 * Set BENCH_AUDIT_DIR to measure on the disk the gateway will use. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as hdr from 'hdr-histogram-js';
import { ManualClock } from '../src/core/clock.js';
import { AuditLog } from '../src/audit/writer.js';
import { verifyAudit } from '../src/audit/verify.js';
import { queryAudit } from '../src/audit/query.js';
import { decisionBody } from '../test/audit/fixtures.js';

const N = Number(process.env.BENCH_AUDIT_N ?? 20_000);
const N_FSYNC = Number(process.env.BENCH_AUDIT_N_FSYNC ?? 2_000);

async function runCase(label: string, n: number, fsync: boolean): Promise<string> {
  const dir = mkdtempSync(join(process.env.BENCH_AUDIT_DIR ?? tmpdir(), 'lg-audit-bench-'));
  const clock = new ManualClock(Date.UTC(2024, 2, 1));
  const log = AuditLog.open({ dir, instance: 'bench', clock, fsync, rotateBytes: 16 * 1024 * 1024, secrets: ['bench-secret-value-1', 'bench-secret-value-2'] });
  const bodies = Array.from({ length: 64 }, (_, i) => decisionBody({ n: i + 1, kind: i % 4 === 0 ? 'deny' : 'accept', ...(i % 4 === 0 ? { code: 'MAX_ORDER_NOTIONAL' as const } : {}) }));
  for (let i = 0; i < 500; i++) log.append('decision', bodies[i % 64]!); // warm-up
  const h = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 10_000_000, numberOfSignificantValueDigits: 3 });
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const a = process.hrtime.bigint();
    log.append('decision', bodies[i % 64]!);
    h.recordValue(Number(process.hrtime.bigint() - a) / 1000);
    clock.advance(1);
  }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const cpuUs = (cpu.user + cpu.system) / n;
  await log.close();
  let extra = '';
  if (!fsync) {
    const v0 = process.hrtime.bigint();
    const v = await verifyAudit(dir);
    const vs = Number(process.hrtime.bigint() - v0) / 1e9;
    const q0 = process.hrtime.bigint();
    const page = await queryAudit(dir, { outcome: ['deny'] }, { limit: 1000 });
    const qs = Number(process.hrtime.bigint() - q0) / 1e9;
    extra = `\n    verify DIR: ${v.records} records in ${vs.toFixed(2)} s (${Math.round(v.records / vs)} records/s, ok=${v.ok}); query first 1000 denials: ${(qs * 1000).toFixed(0)} ms (${page.records.length} returned)`;
  }
  rmSync(dir, { recursive: true, force: true });
  return `${label.padEnd(22)} ${String(Math.round(n / secs)).padStart(8)} appends/s   p50 ${h.getValueAtPercentile(50).toFixed(0).padStart(5)} µs   p99 ${h.getValueAtPercentile(99).toFixed(0).padStart(6)} µs   max ${h.maxValue.toFixed(0).padStart(7)} µs   CPU ${cpuUs.toFixed(0)} µs/append   (n=${n})${extra}`;
}

async function main(): Promise<void> {
  console.log(`audit append, decision records of ~${JSON.stringify(decisionBody({ n: 1 })).length} bytes of body, synchronous write(2)`);
  console.log(await runCase('sync, fsync off', N, false));
  console.log(await runCase('sync, fsync on', N_FSYNC, true));
}

await main();
