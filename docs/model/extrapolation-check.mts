/** One-off check (issue 14 audit item "trees stop extrapolating"): on 2025-07-01 → 2025-12-31
 * rows whose 24 h volatility is above the fitting rows' 99th percentile / maximum, mean predicted
 * p vs observed rate, for v2 (lq-x5-h4-4621563c) and v3 (lq-x5-h4-9c46b7d3), both scored through
 * onnxruntime. Run from the repo root: npx tsx docs/model/extrapolation-check.mts */
import { DEFAULT_TRAIN, loadUniverse } from '../../src/training/train-run.js';
import { servedScores } from '../../src/training/served-eval.js';
import { loadModel } from '../../src/scoring/load-model.js';
import { column } from '../../src/training/dataset.js';
import { TIERS } from '../../src/training/universe.js';
import { toVenueSymbol } from '../../src/market/symbols.js';

const { ds, split } = await loadUniverse({ ...DEFAULT_TRAIN, dataDir: 'data', log: () => {} });
const evalIdx = [...split.evalBySymbol.values()].flat();
for (const feat of ['rv_24', 'parkinson_24']) {
  const fit = Array.from(column(ds, feat, split.fitIdx)).filter(Number.isFinite).sort((a, b) => a - b);
  const p99 = fit[Math.floor(0.99 * (fit.length - 1))] as number;
  const max = fit[fit.length - 1] as number;
  const v = column(ds, feat, evalIdx);
  for (const [name, cut] of [
    ['p99', p99],
    ['max', max],
  ] as const) {
    const rows = evalIdx.filter((_, k) => (v[k] as number) > cut);
    const small = rows.filter((i) => TIERS.small.includes(toVenueSymbol(ds.symbol[i] as string)));
    console.log(`${feat} > fit ${name} (${cut.toFixed(5)}): ${rows.length} of ${evalIdx.length} eval rows (${small.length} small-cap)`);
    if (!rows.length) continue;
    for (const id of ['lq-x5-h4-4621563c', 'lq-x5-h4-9c46b7d3']) {
      const m = loadModel(`models/${id}.json`);
      const s = await servedScores(
        { onnx: m.onnxBytes, names: m.card.features.names, inputName: 'features', maxMissingFraction: 0.5 },
        ds,
        rows,
      );
      for (const side of ['down', 'up'] as const) {
        const p = side === 'down' ? s.pDown : s.pUp;
        const y = side === 'down' ? ds.down : ds.up;
        let sp = 0, sy = 0, n = 0;
        rows.forEach((i, k) => {
          if (Number.isFinite(p[k] as number) && Number.isFinite(y[i] as number)) {
            sp += p[k] as number; sy += y[i] as number; n++;
          }
        });
        console.log(`  ${id} p_${side}: mean predicted ${(sp / n).toFixed(3)}, observed ${(sy / n).toFixed(3)} (n ${n})`);
      }
    }
  }
}
