/** Reading the project's data files (data/README.md) with the market replay readers. */
import { join } from 'node:path';
import type { BarEvent, FundingEvent } from '../core/types.js';
import { readTextFile } from '../market/replay/csv.js';
import { parseKlines } from '../market/replay/klines.js';
import { parseFunding } from '../market/replay/funding.js';
import { toUnifiedSymbol } from '../market/symbols.js';

/** The first model's split (lq-x5-h4-a962165b); the 43-market split is in universe.ts. */
const FIT_SYMBOLS = ['ETHUSDT', 'XRPUSDT', 'BNBUSDT'] as const;
/** Every other kline file in data/ is out-of-sample (data/SOURCES.md). */
const TEST_ONLY_SYMBOLS = [
  'BTCUSDT',
  'TURBOUSDT',
  'PIPPINUSDT',
  'BANANAS31USDT',
  'SIRENUSDT',
  'MYXUSDT',
  'COAIUSDT',
  'RIVERUSDT',
  'BEATUSDT',
  'POWERUSDT',
  'AIAUSDT',
] as const;
export const TEST_START = Date.UTC(2025, 0, 1);

export async function readKlineFile(path: string, venueSymbol: string): Promise<BarEvent[]> {
  return parseKlines(await readTextFile(path), { symbol: toUnifiedSymbol(venueSymbol), file: path });
}

export const KLINES_43 = 'binance_um_klines_1h_43';
export const klinePath = (dataDir: string, venueSymbol: string, folder = 'binance_um_klines_1h'): string =>
  join(dataDir, folder, `${venueSymbol}_1h.csv.gz`);

export async function readFundingFile(path: string, venueSymbols?: readonly string[]): Promise<FundingEvent[]> {
  return parseFunding(await readTextFile(path), { file: path, ...(venueSymbols ? { symbols: venueSymbols } : {}) });
}

export const fundingPath = (dataDir: string): string => join(dataDir, 'binance_um_funding', 'funding_all.csv.gz');
