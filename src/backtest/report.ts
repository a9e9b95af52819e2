/** Writes the replay report: report.json (the document, stable key order, deterministic) and
 * report.html (self-contained page with inline SVG charts). I/O edge of the backtest. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderReportHtml } from './report-html.js';
import type { BacktestRun } from './run.js';
import { buildReport, type ReplayReport } from './summary.js';

function reportJson(report: ReplayReport): string {
  return JSON.stringify(report, null, 1) + '\n';
}

export function writeReport(run: BacktestRun, outDir: string): { report: ReplayReport; json: string; html: string } {
  mkdirSync(outDir, { recursive: true });
  const report = buildReport(run, outDir);
  const json = join(outDir, 'report.json');
  const html = join(outDir, 'report.html');
  writeFileSync(json, reportJson(report));
  writeFileSync(html, renderReportHtml(report));
  return { report, json, html };
}
