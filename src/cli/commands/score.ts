/** liqguard score: p_down, p_up and regime for every model bar of a Binance kline file, each from
 * data up to that bar's close only (resampled to the model bar; an unfinished last bucket is
 * withheld). */
import { commandFlags } from '../command-flags.js';
import { loadModel } from '../../scoring/load-model.js';
import { createRegimeSession } from '../../scoring/onnx-session.js';
import { scoreBatch } from '../../scoring/batch-score.js';
import { selectMatrix } from '../../training/dataset.js';
import { loadFileDataset } from '../../training/file-dataset.js';

const USAGE = `usage: liqguard score --klines FILE [--funding FILE] [--format csv|jsonl] [--model CARD|DIR] [--symbol SYM]

Prints, for every bar of the kline file resampled to the model's bar, its open time and the
model's p_down, p_up and regime, computed only from data up to that bar's close.
  --klines FILE    Binance kline CSV (plain or .gz), any interval of 1 minute or more dividing the model bar
  --funding FILE   funding CSV (symbol,calc_time,funding_interval_hours,last_funding_rate or the monthly archive)
  --format         csv (default) or jsonl
  --model          model card or models directory with default.json (default: models)
  --symbol         symbol when the file name does not carry it (e.g. BTCUSDT)`;

const fmt = (v: number): string => (Number.isFinite(v) ? v.toFixed(6) : '');

export async function run(argv: string[]): Promise<number> {
  const a = commandFlags('score', USAGE, argv, {
    klines: { type: 'string' },
    funding: { type: 'string' },
    format: { type: 'string' },
    model: { type: 'string' },
    symbol: { type: 'string' },
    help: { type: 'boolean' },
  });
  if (typeof a === 'number') return a;
  const format = a.format ?? 'csv';
  if (!a.klines || (format !== 'csv' && format !== 'jsonl')) {
    process.stderr.write(
      `liqguard score: ${!a.klines ? '--klines FILE is required' : `--format must be csv or jsonl, got "${format}"`}\n${USAGE}\n`,
    );
    return 2;
  }
  const model = loadModel(a.model ?? 'models');
  const card = model.card;
  const { ds, bars } = await loadFileDataset(a.klines, a.funding, a.symbol, card.features.barMs, card.label);
  const idx = Uint32Array.from(bars.keys());
  const X = selectMatrix(ds, idx, card.features.names);
  const session = await createRegimeSession(model);
  try {
    const s = await scoreBatch(model, session, X.data, X.rows);
    const out: string[] = format === 'csv' ? ['open_time,open_time_iso,p_down,p_up,regime'] : [];
    bars.forEach((b, r) => {
      const pd = s.pDown[r] as number;
      const pu = s.pUp[r] as number;
      if (format === 'csv')
        out.push(`${b.openTime},${new Date(b.openTime).toISOString()},${fmt(pd)},${fmt(pu)},${s.regime[r]}`);
      else
        out.push(
          JSON.stringify({
            openTime: b.openTime,
            time: new Date(b.openTime).toISOString(),
            pDown: Number.isFinite(pd) ? Number(pd.toFixed(6)) : null,
            pUp: Number.isFinite(pu) ? Number(pu.toFixed(6)) : null,
            regime: s.regime[r],
          }),
        );
    });
    process.stdout.write(out.join('\n') + '\n');
  } finally {
    await session.release();
  }
  process.stderr.write(
    `liqguard score: ${bars.length} bars of ${card.features.barMs / 60_000} min scored with model ${card.id}\n`,
  );
  return 0;
}
