/** Audit append throughput and latency (synchronous write(2) per record), with decision bodies
 * shaped like the embedded default's (~4.9 KB in v1: 16 rules in the trace, 45 features of which
 * 19 missing), record format v1 (full) and v2 (compact) back to back, fsync off (default) and on. Prints appends/s, p50/p99/max and CPU µs
 * per append (user + system: serialisation, redaction, hashing and the write syscall).
 * Set BENCH_AUDIT_DIR to measure on the disk the gateway will use. */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
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

/** The fixture body grown to the embedded default's shape: unmatched rules and missing features. */
function realistic(i: number): ReturnType<typeof decisionBody> {
  const b = decisionBody({
    n: i + 1,
    kind: i % 4 === 0 ? 'deny' : 'accept',
    ...(i % 4 === 0 ? { code: 'MAX_ORDER_NOTIONAL' as const } : {}),
  });
  const rules = Array.from({ length: 14 }, (_, k) => ({
    ruleId: `rule-${k}-allow-list`,
    action: 'reject' as const,
    mode: 'enforce' as const,
    matched: false,
    outcome: 'pass' as const,
  }));
  const names = Array.from({ length: 45 }, (_, k) => `feature_${k}_24`);
  const missing = names.filter((_, k) => k % 5 < 2);
  const features = Object.fromEntries(names.map((f, k) => [f, missing.includes(f) ? null : 0.0123456789 * (k + i)]));
  return {
    ...b,
    decision: { ...b.decision, trace: [...rules, ...b.decision.trace] },
    market: { ...b.market, features, missing },
  };
}

async function runCase(label: string, n: number, fsync: boolean, format: 1 | 2 = 2): Promise<string> {
  const dir = mkdtempSync(join(process.env.BENCH_AUDIT_DIR ?? tmpdir(), 'lg-audit-bench-'));
  const clock = new ManualClock(Date.UTC(2024, 2, 1));
  const log = AuditLog.open({
    dir,
    instance: 'bench',
    clock,
    fsync,
    format,
    rotateBytes: 16 * 1024 * 1024,
    secrets: ['bench-secret-value-1', 'bench-secret-value-2'],
  });
  const bodies = Array.from({ length: 64 }, (_, i) => realistic(i));
  for (let i = 0; i < 500; i++) log.append('decision', bodies[i % 64]!); // warm-up
  const h = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 10_000_000,
    numberOfSignificantValueDigits: 3,
  });
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
  const bytes = readdirSync(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0) / (n + 500);
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
  return `${label.padEnd(22)} ${String(Math.round(n / secs)).padStart(8)} appends/s   p50 ${h.getValueAtPercentile(50).toFixed(0).padStart(5)} µs   p99 ${h.getValueAtPercentile(99).toFixed(0).padStart(6)} µs   max ${h.maxValue.toFixed(0).padStart(7)} µs   CPU ${cpuUs.toFixed(0)} µs/append   ${bytes.toFixed(0)} B/record   (n=${n})${extra}`;
}

async function main(): Promise<void> {
  console.log(
    `audit append, decision records of ~${JSON.stringify(realistic(1)).length} bytes of body (v1), synchronous write(2)`,
  );
  for (let r = 0; r < 2; r++) {
    console.log(await runCase('v1 full, fsync off', N, false, 1));
    console.log(await runCase('v2 compact, fsync off', N, false, 2));
  }
  console.log(await runCase('v1 full, fsync on', N_FSYNC, true, 1));
  console.log(await runCase('v2 compact, fsync on', N_FSYNC, true, 2));
}

await main();
