/** liqguard evaluate: the model's metrics on one kline file against the baselines stored in the
 * card (fitted on the training rows only), on the file's labelled rows. */
import { commandFlags } from '../command-flags.js';
import { loadModel } from '../../scoring/load-model.js';
import { logisticFromJson, type Side, type SideBaselines } from '../../training/baselines.js';
import type { SideReport } from '../../training/evaluation.js';
import { evaluateRows, servedScores } from '../../training/served-eval.js';
import { loadFileDataset } from '../../training/file-dataset.js';
import { cardJson } from '../../training/write-model.js';

const USAGE = `usage: liqguard evaluate --klines FILE [--funding FILE] [--json] [--model CARD|DIR] [--symbol SYM] [--replicates N]

Scores every bar of the file (resampled to the model bar), labels it with the card's label and
prints PR-AUC, ROC-AUC, Brier skill, ECE with the reliability table and recall at alarm budgets,
for the model and every baseline, with day-block bootstrap intervals.`;

function sideBaselines(training: Record<string, unknown>, side: Side): SideBaselines {
  const s = training[side] as {
    trainingBaseRate: number;
    baselineModels: { signals: SideBaselines['signals']; logistic: Record<string, unknown> };
  };
  return {
    baseRate: s.trainingBaseRate,
    signals: s.baselineModels.signals,
    logistic: logisticFromJson(s.baselineModels.logistic),
  };
}

export async function run(argv: string[]): Promise<number> {
  const a = commandFlags('evaluate', USAGE, argv, {
    klines: { type: 'string' },
    funding: { type: 'string' },
    json: { type: 'boolean' },
    model: { type: 'string' },
    symbol: { type: 'string' },
    replicates: { type: 'string' },
    help: { type: 'boolean' },
  });
  if (typeof a === 'number') return a;
  if (!a.klines) {
    process.stderr.write(`liqguard evaluate: --klines FILE is required\n${USAGE}\n`);
    return 2;
  }
  const replicates = a.replicates === undefined ? 200 : Number(a.replicates);
  if (!(Number.isInteger(replicates) && replicates > 0)) {
    process.stderr.write('liqguard evaluate: --replicates must be a positive integer\n');
    return 2;
  }
  const model = loadModel(a.model ?? 'models');
  const card = model.card;
  const { ds, bars, symbol } = await loadFileDataset(a.klines, a.funding, a.symbol, card.features.barMs, card.label);
  const all = Uint32Array.from(bars.keys());
  const served = {
    onnx: model.onnxBytes,
    names: card.features.names,
    inputName: card.onnx.inputName,
    maxMissingFraction: card.serving.maxMissingFraction,
  };
  const scores = await servedScores(served, ds, all);
  const labelled = Array.from(all).filter(
    (i) => Number.isFinite(ds.labelEnd[i] as number) && Number.isFinite(scores.pDown[i] as number),
  );
  const tr = card.training as { fitSymbols?: string[]; fitEnd?: string; testStart?: string };
  const fitEnd = Date.parse(tr.fitEnd ?? tr.testStart ?? '');
  const inSample = (tr.fitSymbols ?? []).includes(symbol)
    ? labelled.filter((i) => (ds.t[i] as number) < fitEnd).length
    : 0;
  const report: Record<string, unknown> = {
    model: card.id,
    modelSha256: model.sha256,
    symbol,
    file: a.klines,
    bars: bars.length,
    labelledRows: labelled.length,
    label: card.label.description,
    ...(inSample
      ? {
          warning:
            `${inSample} of these rows are in the model's fitting data (${symbol} before ` +
            `${new Date(fitEnd).toISOString().slice(0, 10)}): in-sample, not a test`,
        }
      : {}),
  };
  for (const side of ['down', 'up'] as const) {
    const base = sideBaselines(card.training as Record<string, unknown>, side);
    report[side] = evaluateRows(
      ds,
      labelled,
      side,
      side === 'down' ? scores.pDown : scores.pUp,
      base,
      card.features.names,
      replicates,
      1,
    );
  }
  if (a.json) {
    process.stdout.write(cardJson(report));
    return 0;
  }
  const lines = [
    `${card.id} on ${symbol} (${labelled.length} labelled ${card.features.barMs / 60_000}-min bars)${report.warning ? `\nWARNING: ${report.warning}` : ''}`,
  ];
  for (const side of ['down', 'up'] as const) {
    const r = report[side] as SideReport | null;
    if (!r) continue;
    lines.push(
      `p_${side}: base rate ${r.baseRate.toFixed(4)}; scorer, PR-AUC, ROC-AUC, Brier skill (vs these rows' ` +
        `base rate), ECE`,
    );
    for (const [n, m] of [['model', r.model] as const, ...Object.entries(r.baselines)])
      lines.push(
        `  ${n.padEnd(14)} ${m.prAuc.toFixed(4)} ${m.rocAuc.toFixed(4)} ${m.brierSkill.toFixed(4)} ${m.ece.toFixed(4)}`,
      );
    const acc = r.acceptance;
    lines.push(
      `  bar (ROC-AUC +0.05 over ${acc.bestRocAuc.name}, PR-AUC x1.25 over ${acc.bestPrAuc.name}, ECE <= ` +
        `0.01): ${acc.met ? 'met' : 'not met'}`,
    );
  }
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}
