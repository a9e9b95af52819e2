/** liqguard train: builds the dataset from data/, selects, calibrates, evaluates and writes
 * models/<id>.onnx + .json + .md. Progress on stderr; the model id on stdout. */
import { commandFlags } from '../command-flags.js';
import { DEFAULT_TRAIN, trainModel, type TrainOptions } from '../../training/train-run.js';
import { writeModel } from '../../training/write-model.js';
import { HELD_OUT, UNIVERSE } from '../../training/universe.js';
import { loadModel } from '../../scoring/load-model.js';

const USAGE = `usage: liqguard train [--data DIR] [--out DIR] [--seed N] [--no-default]
                      [--threshold-pct X] [--horizon-hours H] [--replicates N] [--stride K]
                      [--fit-start YYYY-MM-DD] [--data-end YYYY-MM-DD] [--symbols A,B] [--quick]
                      [--compare-with DIR|CARD]

Fits the 43-market universe (data/binance_um_klines_1h_43) except the held-out group
(${HELD_OUT.join(', ')}) on label windows ending by 2025-06-30 (data/SOURCES.md); reports every
symbol on 2025-07-01 → 2025-12-31, by tier, and the held-out group. Same data + options + seed
give byte-identical files.
  --symbols A,B       a subset of the universe (held-out symbols stay held out)
  --stride K          fit on every K-th bar per symbol (default 12)
  --data DIR          project data folder (default: data)
  --out DIR           where to write <id>.onnx/.json/.md (default: models)
  --no-default        do not point models/default.json at the new model
  --quick             tiny grid and few trees (smoke runs; not for the committed model)
  --compare-with M    also score model M (a models dir's default or a card) on the evaluation rows
                      (the card's structure comparison; decides whether a new model may replace it)
  --fit-start/--data-end  restrict the bars read (quick runs and tests)`;

const date = (s: string | undefined, flag: string): number | undefined => {
  if (s === undefined) return undefined;
  const t = Date.parse(`${s}T00:00:00Z`);
  if (!Number.isFinite(t)) throw new Error(`${flag} must be a date YYYY-MM-DD, got "${s}"`);
  return t;
};
const posNum = (s: string | undefined, flag: string, dflt: number): number => {
  if (s === undefined) return dflt;
  const v = Number(s);
  if (!(Number.isFinite(v) && v > 0)) throw new Error(`${flag} must be a positive number, got "${s}"`);
  return v;
};

export async function run(argv: string[]): Promise<number> {
  const a = commandFlags('train', USAGE, argv, {
    data: { type: 'string' },
    out: { type: 'string' },
    seed: { type: 'string' },
    'no-default': { type: 'boolean' },
    help: { type: 'boolean' },
    'threshold-pct': { type: 'string' },
    'horizon-hours': { type: 'string' },
    replicates: { type: 'string' },
    'fit-start': { type: 'string' },
    'data-end': { type: 'string' },
    symbols: { type: 'string' },
    stride: { type: 'string' },
    quick: { type: 'boolean' },
    'compare-with': { type: 'string' },
  });
  if (typeof a === 'number') return a;
  const started = Date.now();
  const log = (m: string): void => {
    process.stderr.write(`[train ${((Date.now() - started) / 1000).toFixed(1)}s] ${m}\n`);
  };
  let o: TrainOptions;
  try {
    const fitStart = date(a['fit-start'], '--fit-start');
    const dataEnd = date(a['data-end'], '--data-end');
    o = {
      ...DEFAULT_TRAIN,
      dataDir: a.data ?? 'data',
      log,
      seed: Math.floor(posNum(a.seed, '--seed', DEFAULT_TRAIN.seed)),
      label: {
        thresholdPct: posNum(a['threshold-pct'], '--threshold-pct', DEFAULT_TRAIN.label.thresholdPct),
        horizonHours: posNum(a['horizon-hours'], '--horizon-hours', DEFAULT_TRAIN.label.horizonHours),
      },
      replicates: Math.floor(posNum(a.replicates, '--replicates', a.quick ? 20 : DEFAULT_TRAIN.replicates)),
      ...(a.symbols ? { symbols: a.symbols.split(',').filter(Boolean) } : {}),
      fitStride: Math.floor(posNum(a.stride, '--stride', DEFAULT_TRAIN.fitStride)),
      ...(fitStart !== undefined ? { fitStart } : {}),
      ...(dataEnd !== undefined ? { dataEnd } : {}),
      ...(a.quick
        ? {
            selection: {
              ...DEFAULT_TRAIN.selection,
              grid: DEFAULT_TRAIN.selection.grid.slice(0, 1),
              checkpoints: [10, 20],
            },
          }
        : {}),
    };
    if (a['compare-with']) {
      const prev = loadModel(a['compare-with']);
      o = { ...o, previous: { id: prev.card.id, onnx: prev.onnxBytes, names: prev.card.features.names } };
    }
    const unknown = o.symbols.filter((s) => !UNIVERSE.includes(s));
    if (unknown.length) throw new Error(`--symbols: not in the 43-market universe: ${unknown.join(', ')}`);
  } catch (e) {
    process.stderr.write(`liqguard train: ${(e as Error).message}\n`);
    return 2;
  }
  const r = await trainModel(o);
  const paths = writeModel(a.out ?? 'models', r, !a['no-default']);
  log(`wrote ${paths.onnx}, ${paths.card}, ${paths.markdown}`);
  process.stdout.write(r.id + '\n');
  return 0;
}
