/** ONNX (onnxruntime-node) output equals the TypeScript model within 1e-5 on every test row: of a
 * tiny model trained here, and of the committed default model on 2025-07-01 → 2025-12-31 of a
 * major, a held-out major and a held-out small cap of the 43-market set. */
import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trainTiny } from './tiny-model.js';
import { loadModel, type LoadedModel } from '../../src/scoring/load-model.js';
import { createRegimeSession } from '../../src/scoring/onnx-session.js';
import { calibratedProbability } from '../../src/scoring/tree-ensemble.js';
import { buildSymbolDataset, concatDatasets, selectMatrix, type Dataset } from '../../src/training/dataset.js';
import { KLINES_43, fundingPath, klinePath, readFundingFile, readKlineFile } from '../../src/training/data-files.js';
import { toUnifiedSymbol } from '../../src/market/symbols.js';

const FROM = Date.UTC(2025, 6, 1);

async function testRows(
  symbols: readonly string[],
  label: { thresholdPct: number; horizonHours: number },
): Promise<{ ds: Dataset; idx: number[] }> {
  const funding = await readFundingFile(fundingPath('data'), symbols);
  const parts: Dataset[] = [];
  for (const s of symbols) {
    const bars = (await readKlineFile(klinePath('data', s, KLINES_43), s)).filter(
      (b) => b.ts >= FROM - 60 * 86_400_000,
    );
    parts.push(buildSymbolDataset({ symbol: toUnifiedSymbol(s), bars, side: funding }, label));
  }
  const ds = concatDatasets(parts);
  const idx: number[] = [];
  ds.t.forEach((t, i) => {
    if (t >= FROM) idx.push(i);
  });
  return { ds, idx };
}

async function maxParityError(model: LoadedModel, ds: Dataset, idx: number[]): Promise<number> {
  const X = selectMatrix(ds, idx, model.card.features.names);
  const session = await createRegimeSession(model);
  const { pDown, pUp } = await session.run(Float32Array.from(X.data), X.rows);
  await session.release();
  let worst = 0;
  for (let k = 0; k < X.rows; k++) {
    const x = X.data.subarray(k * X.cols, (k + 1) * X.cols);
    for (const [side, p] of [
      ['down', pDown],
      ['up', pUp],
    ] as const) {
      const s = model.decoded.sides[side];
      const ts = calibratedProbability(s.model, s.calibration, x);
      worst = Math.max(worst, Math.abs((p[k] as number) - ts));
    }
  }
  return worst;
}

describe('ONNX vs TypeScript parity', () => {
  it('tiny model: every test row within 1e-5, and the decoded trees equal the trained ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lq-parity-'));
    const r = await trainTiny(dir);
    const model = loadModel(dir);
    const { ds, idx } = await testRows(['ETHUSDT', 'BTCUSDT'], r.card.label);
    expect(idx.length).toBeGreaterThan(8_000);
    expect(await maxParityError(model, ds, idx)).toBeLessThan(1e-5);
  }, 240_000);

  it('committed default model: every evaluated row of three symbols within 1e-5', async () => {
    const model = loadModel('models');
    const { ds, idx } = await testRows(['BTCUSDT', 'XRPUSDT', 'WIFUSDT'], model.card.label);
    expect(idx.length).toBeGreaterThan(12_000);
    expect(await maxParityError(model, ds, idx)).toBeLessThan(1e-5);
  }, 240_000);
});
