/** Scoring latency: p50/p99 per score of (a) OnnxRegimeScorer.score() on fresh snapshots (ORT
 * batch-1 + hysteresis + Saabas contributions), (b) the raw ORT batch-1 run, (c) the TypeScript
 * tree path (both sides, calibrated), (d) a cache hit. Uses the committed default model and real
 * feature rows (ETH 2025 bars through the market FeatureEngine). Run: npx tsx bench/scoring.bench.ts */
import hdr from 'hdr-histogram-js';
import { loadModel } from '../src/scoring/load-model.js';
import { OnnxRegimeScorer } from '../src/scoring/onnx-scorer.js';
import { createRegimeSession } from '../src/scoring/onnx-session.js';
import { calibratedProbability } from '../src/scoring/tree-ensemble.js';
import { buildSymbolDataset, selectMatrix } from '../src/training/dataset.js';
import { klinePath, readKlineFile, TEST_START } from '../src/training/data-files.js';
import type { MarketSnapshot } from '../src/core/types.js';

const N = 20_000;
const model = loadModel(process.argv[2] ?? 'models');
const names = model.card.features.names;
const bars = (await readKlineFile(klinePath('data', 'ETHUSDT'), 'ETHUSDT')).filter(
  (b) => b.ts >= TEST_START - 60 * 86_400_000,
);
const ds = buildSymbolDataset({ symbol: 'ETH/USDT:USDT', bars, side: [] }, model.card.label);
const X = selectMatrix(ds, Uint32Array.from(bars.keys()).slice(1000), names);
const row = (i: number): Float64Array => X.data.subarray((i % X.rows) * X.cols, ((i % X.rows) + 1) * X.cols);
const snap = (i: number): MarketSnapshot => {
  const r = row(i);
  return {
    symbol: 'ETH/USDT:USDT',
    asOf: i,
    ageMs: 0,
    features: Object.fromEntries(names.map((n, j) => [n, r[j] as number])),
    missing: [],
    ages: {},
    flags: [],
    degraded: false,
  };
};

function report(name: string, h: hdr.Histogram): void {
  const us = (v: number): string => (v / 1000).toFixed(1);
  process.stdout.write(
    `${name.padEnd(34)} p50 ${us(h.getValueAtPercentile(50)).padStart(7)} us   p99 ${us(h.getValueAtPercentile(99)).padStart(7)} us   max ${us(h.maxValue).padStart(8)} us   n=${h.totalCount}\n`,
  );
}
const hist = (): hdr.Histogram =>
  hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 1e9, numberOfSignificantValueDigits: 3 });
const now = (): bigint => process.hrtime.bigint();

process.stdout.write(
  `model ${model.card.id}: ${names.length} features, trees down/up ${model.decoded.sides.down.model.trees.length}/${model.decoded.sides.up.model.trees.length}; ${X.rows} real ETH feature rows\n`,
);

const scorer = await OnnxRegimeScorer.create(model);
const snaps = Array.from({ length: 2000 }, (_, i) => snap(i));
for (let i = 0; i < 2000; i++) await scorer.score(snaps[i] as MarketSnapshot, i); // warm-up
const hScore = hist();
for (let i = 0; i < N; i++) {
  const s = { ...(snaps[i % snaps.length] as MarketSnapshot), asOf: 10_000 + i };
  const t0 = now();
  await scorer.score(s, i);
  hScore.recordValue(Number(now() - t0));
}
report('scorer.score (fresh asOf)', hScore);
const hHit = hist();
const same = { ...(snaps[0] as MarketSnapshot), asOf: 1e12 };
await scorer.score(same, 0);
for (let i = 0; i < N; i++) {
  const t0 = now();
  await scorer.score(same, i);
  hHit.recordValue(Number(now() - t0));
}
report('scorer.score (cache hit)', hHit);
await scorer.close();

const session = await createRegimeSession(model);
const hOrt = hist();
const x32 = Array.from({ length: 2000 }, (_, i) => Float32Array.from(row(i)));
for (let i = 0; i < 2000; i++) await session.run(x32[i] as Float32Array, 1);
for (let i = 0; i < N; i++) {
  const t0 = now();
  await session.run(x32[i % x32.length] as Float32Array, 1);
  hOrt.recordValue(Number(now() - t0));
}
report('ORT run batch-1 (both sides)', hOrt);
await session.release();

const hTs = hist();
const d = model.decoded.sides;
let sink = 0;
for (let i = 0; i < N; i++) {
  const x = row(i);
  const t0 = now();
  sink +=
    calibratedProbability(d.down.model, d.down.calibration, x) + calibratedProbability(d.up.model, d.up.calibration, x);
  hTs.recordValue(Number(now() - t0));
}
report('TS trees (both sides, calibrated)', hTs);
if (!Number.isFinite(sink)) process.exitCode = 1;
