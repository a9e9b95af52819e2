/** A kline file (+ optional funding file) -> model-bar dataset, for `liqguard score` and
 * `liqguard evaluate`: read with the market replay readers, resample to the model bar, features
 * from the FeatureEngine, labels with the card's definition. */
import { basename } from 'node:path';
import { LiqguardError } from '../core/errors.js';
import type { BarEvent, FundingEvent } from '../core/types.js';
import { readTextFile } from '../market/replay/csv.js';
import { parseFunding } from '../market/replay/funding.js';
import { parseKlines } from '../market/replay/klines.js';
import { toUnifiedSymbol, toVenueSymbol } from '../market/symbols.js';
import { buildSymbolDataset, type Dataset, type LabelSpec } from './dataset.js';
import { resampleBars } from './resample.js';

function symbolFromFileName(path: string): string | undefined {
  const m = /([A-Z0-9]+?(?:USDT|USDC))(?=[_\-.])/.exec(basename(path).toUpperCase());
  return m?.[1];
}

export interface FileDataset {
  readonly symbol: string;
  readonly bars: readonly BarEvent[];
  readonly ds: Dataset;
}

export async function loadFileDataset(
  klinesPath: string,
  fundingPath: string | undefined,
  symbolArg: string | undefined,
  barMs: number,
  label: LabelSpec,
): Promise<FileDataset> {
  const venue = symbolArg ? toVenueSymbol(toUnifiedSymbol(symbolArg)) : symbolFromFileName(klinesPath);
  if (!venue)
    throw new LiqguardError(
      'INVALID_REQUEST',
      `cannot tell the symbol from the file name ${basename(klinesPath)}; pass --symbol BTCUSDT`,
    );
  const symbol = toUnifiedSymbol(venue);
  const raw = parseKlines(await readTextFile(klinesPath), { symbol, file: klinesPath, volumeOptional: true });
  const bars = resampleBars(raw, barMs, klinesPath);
  if (bars.length === 0)
    throw new LiqguardError(
      'INVALID_REQUEST',
      `${klinesPath}: no complete ${barMs / 60_000}-minute bar after resampling`,
    );
  let funding: FundingEvent[] = [];
  if (fundingPath)
    funding = parseFunding(await readTextFile(fundingPath), { file: fundingPath, symbols: [venue], symbol: venue });
  return { symbol, bars, ds: buildSymbolDataset({ symbol, bars, side: funding }, label) };
}
