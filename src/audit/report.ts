/** The compliance report for a period: verify the whole directory, stream the records, build
 * the figures, render one self-contained HTML file. */
import { writeFileSync } from 'node:fs';
import type { Clock } from '../core/clock.js';
import { streamAudit } from './query.js';
import { ReportBuilder, type ReportData } from './report-data.js';
import { renderReportHtml } from './report-html.js';
import { verifyAudit } from './verify.js';

export interface ReportOptions {
  readonly dir: string;
  readonly from?: number;
  readonly to?: number;
  readonly clock: Clock; // generatedAt
  readonly topN?: number;
  readonly allowPrunedHead?: boolean; // oldest segments archived: see VerifyOptions
  readonly onProgress?: (records: number) => void;
}

export async function buildReportData(opts: ReportOptions): Promise<ReportData> {
  const verify = await verifyAudit(opts.dir, { allowPrunedHead: opts.allowPrunedHead ?? false });
  const builder = new ReportBuilder(opts.from, opts.to, opts.topN);
  let n = 0;
  // From the start (not `from`): loads before the period tell what was in force at its start.
  for await (const { record } of streamAudit(opts.dir, opts.to !== undefined ? { to: opts.to } : {})) {
    builder.add(record);
    if (++n % 100_000 === 0) opts.onProgress?.(n);
  }
  return builder.build(verify, opts.clock.now());
}

/** Writes the report to `out`; returns the data it shows. */
export async function writeAuditReport(opts: ReportOptions & { readonly out: string }): Promise<ReportData> {
  const data = await buildReportData(opts);
  writeFileSync(opts.out, renderReportHtml(data));
  return data;
}
