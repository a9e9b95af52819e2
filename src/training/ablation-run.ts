/** The BTC OI/liquidation ablation end to end (I/O edge): replay sources from data/ → dataset
 * through the market FeatureEngine → runAblation per label → markdown table. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BarEvent, MarketEvent } from '../core/types.js';
import { replaySourcesFor } from '../market/replay/sources.js';
import { runAblation, METRICS, type AblationResult, type MetricName } from './ablation.js';
import { buildSymbolDataset, type LabelSpec } from './dataset.js';

const D = (s: string): number => Date.parse(s);

export interface OiAblationOptions {
  readonly dataDir: string;
  readonly modelsDir: string; // arm A = the committed default card's features
  readonly labels: readonly LabelSpec[];
  readonly replicates: number;
  readonly seed: number;
  readonly rowsFrom?: number;
  readonly rowsTo?: number;
  readonly log?: (m: string) => void;
}

/** Liquidations start 2025-11-23 05:00 (bar open) and end 2026-05-22 05:00; rows are the bar
 * closes in between. Fit on label windows ending by 2026-02-28 24:00, test from 2026-03-01. */
const OI_ABLATION_SPAN = Object.freeze({
  rowsFrom: D('2025-11-23T06:00:00Z'),
  rowsTo: D('2026-05-22T06:00:00Z'),
  fitLabelEnd: D('2026-03-01T00:00:00Z'),
  testFrom: D('2026-03-01T00:00:00Z'),
  warmupFrom: D('2025-09-01T00:00:00Z'), // 720-bar percentiles need 30 days of bars
});
export const OI_ABLATION_LABELS: readonly LabelSpec[] = Object.freeze([
  { thresholdPct: 5, horizonHours: 4 },
  { thresholdPct: 2, horizonHours: 4 },
]);

export interface OiAblationReport {
  readonly symbol: string;
  readonly baseModel: string;
  readonly notes: readonly string[];
  readonly runs: readonly { readonly label: LabelSpec; readonly result: AblationResult }[];
}

async function defaultModelFeatures(modelsDir: string): Promise<{ id: string; names: string[] }> {
  const { model } = JSON.parse(await readFile(join(modelsDir, 'default.json'), 'utf8')) as { model: string };
  const card = JSON.parse(await readFile(join(modelsDir, `${model}.json`), 'utf8')) as {
    features: { names: string[] };
  };
  return { id: model, names: card.features.names };
}

export async function runOiAblation(o: OiAblationOptions): Promise<OiAblationReport> {
  const log = o.log ?? (() => {});
  const symbol = 'BTC/USDT:USDT';
  const rowsFrom = o.rowsFrom ?? OI_ABLATION_SPAN.rowsFrom;
  const rowsTo = o.rowsTo ?? OI_ABLATION_SPAN.rowsTo;
  const maxH = Math.max(...o.labels.map((l) => l.horizonHours));
  const src = await replaySourcesFor({
    dataDir: o.dataDir,
    symbols: [symbol],
    warmupFrom: OI_ABLATION_SPAN.warmupFrom,
    from: rowsFrom,
    to: rowsTo + maxH * 3_600_000,
    btcExtras: true,
  });
  for (const n of src.notes) log(n);
  const bars: BarEvent[] = [];
  const side: MarketEvent[] = [];
  for (const s of src.sources) for (const e of s.events) e.type === 'bar' ? bars.push(e) : side.push(e);
  bars.sort((a, b) => a.ts - b.ts);
  const base = await defaultModelFeatures(o.modelsDir);
  const runs = [];
  for (const label of o.labels) {
    log(`label ${label.thresholdPct} % / ${label.horizonHours} h: building rows and fitting both arms`);
    const ds = buildSymbolDataset({ symbol, bars, side }, label);
    const result = runAblation(ds, {
      split: { rowsFrom, rowsTo, fitLabelEnd: OI_ABLATION_SPAN.fitLabelEnd, testFrom: OI_ABLATION_SPAN.testFrom },
      baseFeatures: base.names,
      replicates: o.replicates,
      seed: o.seed,
    });
    runs.push({ label, result });
  }
  return { symbol, baseModel: base.id, notes: src.notes, runs };
}

const f = (v: number, d = 3): string => (Number.isFinite(v) ? v.toFixed(d) : 'n/a');
const sgn = (v: number, d = 3): string => (Number.isFinite(v) ? (v >= 0 ? '+' : '') + v.toFixed(d) : 'n/a');
const LABEL: Record<MetricName, string> = {
  prAuc: 'PR-AUC',
  rocAuc: 'ROC-AUC',
  brierSkill: 'Brier skill',
  ece: 'ECE (lower is better)',
};
const day = (t: number): string => new Date(t).toISOString().slice(0, 16).replace('T', ' ');

/** The measured part of docs/model/ablation.md: sample sizes and one table per label. */
export function renderAblationTables(r: OiAblationReport): string {
  const out: string[] = [];
  for (const { label, result: x } of r.runs) {
    out.push(
      `### Label: adverse move ≥ ${label.thresholdPct} % within ${label.horizonHours} h${label.thresholdPct === 5 ? " (the default model's label)" : ' (variant for this ablation only: more positives)'}`,
      '',
    );
    out.push(
      `Fit rows ${x.fitIdx.length}, test rows ${x.testIdx.length} (${x.testDays} UTC days), purged at the ` +
        `boundary ${x.purgedRows}. ${x.replicates} day-block bootstrap replicates.`,
      '',
    );
    out.push(
      '| side | fit positives | test positives | metric | A (20 bar+funding) | B (A + 8 OI/liq) | B − A | 95 % CI of B − A |',
      '| --- | ---: | ---: | --- | ---: | ---: | ---: | --- |',
    );
    for (const s of ['down', 'up'] as const) {
      const v = x.sides[s];
      for (const m of METRICS) {
        const d = v.diff[m];
        out.push(
          `| ${s} | ${v.fitPositives} | ${v.testPositives} | ${LABEL[m]} | ${f(v.a[m])} | ${f(v.b[m])} | ` +
            `${sgn(d.value)} | [${sgn(d.lo)}, ${sgn(d.hi)}] |`,
        );
      }
    }
    out.push('');
  }
  const x = r.runs[0]?.result;
  if (x) {
    out.push(
      'Coverage of the extra features (share of rows with a value; the rest are missing, which the trees route by a learned default direction):',
      '',
    );
    out.push('| feature | fit rows | test rows |', '| --- | ---: | ---: |');
    for (const [n, c] of Object.entries(x.coverage)) out.push(`| ${n} | ${f(c.fit, 2)} | ${f(c.test, 2)} |`);
    out.push('');
    out.push(
      `Fit decision times ${day(OI_ABLATION_SPAN.rowsFrom)} → label windows ending by ` +
        `${day(OI_ABLATION_SPAN.fitLabelEnd)}; test from ${day(OI_ABLATION_SPAN.testFrom)} to ` +
        `${day(OI_ABLATION_SPAN.rowsTo)} (UTC).`,
      '',
    );
  }
  out.push('Sources:', '', ...r.notes.map((n) => `- ${n}`), '');
  return out.join('\n');
}
