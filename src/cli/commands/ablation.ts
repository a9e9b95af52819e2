/** liqguard ablation: the BTC open-interest / liquidation ablation of the regime model
 * (docs/model/ablation.md). Offline; reads data/ and the default model card's feature list. */
import { commandFlags } from '../command-flags.js';
import { writeFile } from 'node:fs/promises';
import { OI_ABLATION_LABELS, renderAblationTables, runOiAblation } from '../../training/ablation-run.js';
import { renderLiqAblation, runLiqPressureAblation } from '../../training/liq-ablation.js';
import { renderMarketAblation, runMarketAblation } from '../../training/market-ablation.js';
import { DEFAULT_TRAIN } from '../../training/train-run.js';
import { loadModel } from '../../scoring/load-model.js';

const USAGE = `usage: liqguard ablation [--data DIR] [--models DIR] [--replicates N] [--seed N] [--json] [--out FILE]
                         [--liq-pressure | --market-wide]

Fits two small GBDTs on BTC/USDT:USDT hourly rows 2025-11-23 → 2026-02-28 (same rows,
hyper-parameters and seed): A = the default model's 20 bar+funding features, B = A + 8 open-interest
and liquidation features; tests on 2026-03-01 → 2026-05-22 and prints PR-AUC, ROC-AUC, Brier skill,
ECE and positives per side, with day-block bootstrap CIs of B − A, for the 5 %/4 h label and a
2 %/4 h variant. Markdown tables on stdout (or --out FILE); --json for the raw figures.

--liq-pressure: the liquidation-pressure ablation instead (BTC, ETH, SOL, XRP; daily Binance
liquidations from data/coinglass_multi_liq_oi; src/training/liq-ablation.ts, docs/model/liq-pressure.md).
--market-wide: the market-wide stress ablation on the 43-market training setting
(src/training/market-ablation.ts, docs/model/market-wide.md; about as long as liqguard train).`;

export async function run(argv: string[]): Promise<number> {
  const a = commandFlags('ablation', USAGE, argv, {
    data: { type: 'string' },
    models: { type: 'string' },
    replicates: { type: 'string' },
    seed: { type: 'string' },
    json: { type: 'boolean' },
    out: { type: 'string' },
    help: { type: 'boolean' },
    'liq-pressure': { type: 'boolean' },
    'market-wide': { type: 'boolean' },
  });
  if (typeof a === 'number') return a;
  const replicates = a.replicates === undefined ? 1000 : Number(a.replicates);
  const seed = a.seed === undefined ? 20250101 : Number(a.seed);
  if (!(Number.isInteger(replicates) && replicates > 0)) {
    process.stderr.write('liqguard ablation: --replicates must be a positive integer\n');
    return 2;
  }
  if (!Number.isInteger(seed)) {
    process.stderr.write('liqguard ablation: --seed must be an integer\n');
    return 2;
  }
  if (a['market-wide']) {
    const r = await runMarketAblation({
      ...DEFAULT_TRAIN,
      dataDir: a.data ?? 'data',
      replicates: a.replicates === undefined ? DEFAULT_TRAIN.replicates : replicates,
      seed: a.seed === undefined ? DEFAULT_TRAIN.seed : seed,
      log: (m) => process.stderr.write(`ablation: ${m}\n`),
    });
    const text = a.json ? JSON.stringify(r, null, 2) : renderMarketAblation(r);
    if (a.out) await writeFile(a.out, text + '\n');
    else process.stdout.write(text + '\n');
    return 0;
  }
  if (a['liq-pressure']) {
    const names = loadModel(a.models ?? 'models').card.features.names;
    const grid = DEFAULT_TRAIN.selection.grid[0] as NonNullable<(typeof DEFAULT_TRAIN.selection.grid)[0]>;
    const r = await runLiqPressureAblation({
      dataDir: a.data ?? 'data',
      label: DEFAULT_TRAIN.label,
      names,
      params: { ...grid, nTrees: 100 },
      structure: DEFAULT_TRAIN.structure as NonNullable<typeof DEFAULT_TRAIN.structure>,
      replicates,
      seed,
      log: (m) => process.stderr.write(`ablation: ${m}\n`),
    });
    const text = a.json ? JSON.stringify(r, null, 2) : renderLiqAblation(r, { replicates, seed });
    if (a.out) await writeFile(a.out, text + '\n');
    else process.stdout.write(text + '\n');
    return 0;
  }
  const report = await runOiAblation({
    dataDir: a.data ?? 'data',
    modelsDir: a.models ?? 'models',
    labels: OI_ABLATION_LABELS,
    replicates,
    seed,
    log: (m) => process.stderr.write(`ablation: ${m}\n`),
  });
  const text = a.json
    ? JSON.stringify(
        {
          ...report,
          runs: report.runs.map((r) => ({
            label: r.label,
            ...r.result,
            fitIdx: undefined,
            testIdx: undefined,
            fitRows: r.result.fitIdx.length,
            testRows: r.result.testIdx.length,
            sides: Object.fromEntries(
              Object.entries(r.result.sides).map(([k, v]) => [k, { ...v, testProbA: undefined, testProbB: undefined }]),
            ),
          })),
        },
        null,
        2,
      )
    : renderAblationTables(report);
  if (a.out) await writeFile(a.out, text + '\n');
  else process.stdout.write(text + '\n');
  return 0;
}
