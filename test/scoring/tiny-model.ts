/** Trains a tiny real model (small slice of the project data, one grid entry, few trees) for
 * tests. Never the full model. ETH is fitted, BTC is the held-out symbol. */
import { DEFAULT_TRAIN, trainModel, type TrainOptions, type TrainResult } from '../../src/training/train-run.js';
import { writeModel } from '../../src/training/write-model.js';

const TINY: TrainOptions = {
  ...DEFAULT_TRAIN,
  dataDir: 'data',
  log: () => {},
  symbols: ['ETHUSDT', 'BTCUSDT'],
  heldOut: ['BTCUSDT'],
  fitStart: Date.UTC(2025, 0, 1),
  dataEnd: Date.UTC(2025, 9, 20),
  evalEnd: Date.UTC(2025, 9, 20),
  fitStride: 1,
  replicates: 5,
  selection: {
    ...DEFAULT_TRAIN.selection,
    folds: [{ name: '2025Q2', start: Date.UTC(2025, 3, 1), end: Date.UTC(2025, 6, 1) }],
    grid: [
      {
        ...(DEFAULT_TRAIN.selection.grid[0] as NonNullable<(typeof DEFAULT_TRAIN.selection.grid)[0]>),
        minChildWeight: 5,
      },
    ],
    checkpoints: [10, 20],
  },
};

export async function trainTiny(dir?: string, seed = TINY.seed): Promise<TrainResult> {
  const r = await trainModel({ ...TINY, seed });
  if (dir) writeModel(dir, r, true);
  return r;
}
