/** Trains a tiny real model (small slice of the project data, one grid entry, few trees) for
 * tests. Never the full model. */
import { DEFAULT_TRAIN, trainModel, type TrainResult } from '../../src/training/train-run.js';
import { writeModel } from '../../src/training/write-model.js';

export const TINY = {
  ...DEFAULT_TRAIN,
  dataDir: 'data',
  log: () => {},
  fitSymbols: ['ETHUSDT'],
  testSymbols: ['BTCUSDT'],
  fitStart: Date.UTC(2024, 0, 1),
  dataEnd: Date.UTC(2025, 1, 1),
  replicates: 5,
  selection: {
    ...DEFAULT_TRAIN.selection,
    folds: [{ name: '2024H2', start: Date.UTC(2024, 6, 1), end: Date.UTC(2025, 0, 1) }],
    grid: DEFAULT_TRAIN.selection.grid.slice(0, 1),
    checkpoints: [10, 20],
  },
};

export async function trainTiny(dir?: string, seed = TINY.seed): Promise<TrainResult> {
  const r = await trainModel({ ...TINY, seed });
  if (dir) writeModel(dir, r, true);
  return r;
}
