/** File readers (I/O edge) and the convenience factory for the embedded default: hourly Binance
 * klines + funding for a few symbols around the 2025-10-10 cascade, from data/. */
import { join } from 'node:path';
import { access } from 'node:fs/promises';
import type { MarketEvent } from '../../core/types.js';
import { toUnifiedSymbol, toVenueSymbol } from '../symbols.js';
import { readTextFile } from './csv.js';
import { ReplayFeed, type ReplaySource } from './feed.js';
import { parseFunding, type FundingOptions } from './funding.js';
import { parseKlines, type KlineOptions } from './klines.js';
import { parseLiquidations, parseOpenInterest, type SeriesOptions } from './series.js';

type WithoutFile<T> = Omit<T, 'file'>;
export const readKlineFile = async (path: string, o: WithoutFile<KlineOptions>) =>
  parseKlines(await readTextFile(path), { ...o, file: path });
export const readFundingFile = async (path: string, o: WithoutFile<FundingOptions> = {}) =>
  parseFunding(await readTextFile(path), { ...o, file: path });
export const readOpenInterestFile = async (path: string, o: WithoutFile<SeriesOptions>) =>
  parseOpenInterest(await readTextFile(path), { ...o, file: path });
export const readLiquidationFile = async (path: string, o: WithoutFile<SeriesOptions>) =>
  parseLiquidations(await readTextFile(path), { ...o, file: path });

export interface ReplaySourcesOptions {
  readonly dataDir: string;
  /** ccxt unified (BTC/USDT:USDT) or venue (BTCUSDT) symbols. */
  readonly symbols: readonly string[];
  readonly from: string | number;
  readonly to: string | number;
  readonly warmupFrom?: string | number;
  readonly funding?: boolean; // default true
  /** BTC open interest / liquidations from the CoinGlass and 5m snapshot files, when they overlap
   * the window. Default true (they cover only 2025-11 → 2026-06, so not the 10/10 default). */
  readonly btcExtras?: boolean;
}

export interface ReplaySources {
  readonly sources: ReplaySource[];
  readonly window: { from: number; to: number; warmupFrom: number };
  /** What was included or skipped and why (log it at start). */
  readonly notes: string[];
}

function toEpochMs(v: string | number, what: string): number {
  const t = typeof v === 'number' ? v : Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v);
  if (!Number.isFinite(t))
    throw new RangeError(`${what}: "${v}" is not an ISO date (e.g. 2025-09-25 or 2025-09-25T00:00:00Z) or epoch ms`);
  return t;
}

const exists = (p: string) =>
  access(p).then(
    () => true,
    () => false,
  );
const inWindow = (evs: MarketEvent[], lo: number, hi: number) => evs.filter((e) => e.ts >= lo && e.ts <= hi);

export async function replaySourcesFor(o: ReplaySourcesOptions): Promise<ReplaySources> {
  const from = toEpochMs(o.from, 'from');
  const to = toEpochMs(o.to, 'to');
  const warmupFrom = o.warmupFrom === undefined ? from : toEpochMs(o.warmupFrom, 'warmupFrom');
  const symbols = o.symbols.map(toUnifiedSymbol);
  const sources: ReplaySource[] = [];
  const notes: string[] = [];
  const add = (name: string, evs: MarketEvent[]) => {
    const kept = inWindow(evs, warmupFrom, to);
    if (kept.length) sources.push({ name, events: kept });
    notes.push(`${name}: ${kept.length} events in window${kept.length ? '' : ' (skipped)'}`);
  };
  for (const symbol of symbols) {
    const path = join(o.dataDir, 'binance_um_klines_1h', `${toVenueSymbol(symbol)}_1h.csv.gz`);
    if (!(await exists(path)))
      throw new RangeError(
        `no hourly klines for ${symbol}: ${path} does not exist (available: see ` +
          `data/binance_um_klines_1h/PROVENANCE.md)`,
      );
    add(`klines ${symbol}`, await readKlineFile(path, { symbol }));
  }
  if (o.funding !== false) {
    const all = await readFundingFile(join(o.dataDir, 'binance_um_funding', 'funding_all.csv.gz'), { symbols });
    for (const symbol of symbols)
      add(
        `funding ${symbol}`,
        all.filter((e) => e.symbol === symbol),
      );
  }
  const btc = 'BTC/USDT:USDT';
  if (o.btcExtras !== false && symbols.includes(btc)) {
    const cg = join(o.dataDir, 'coinglass_btc_agg');
    // one OI series only: two venues' OI interleaved would fake jumps. Prefer Binance 5m.
    const oi5 = inWindow(
      await readOpenInterestFile(join(o.dataDir, 'binance_btcusdt_5m_snapshot', 'btcusdt_perp_5m.csv.gz'), {
        symbol: btc,
      }),
      warmupFrom,
      to,
    );
    const oi1h = inWindow(await readOpenInterestFile(join(cg, 'regime_1h.csv.gz'), { symbol: btc }), warmupFrom, to);
    if (oi5.length >= oi1h.length) add(`openInterest ${btc} (binance 5m)`, oi5);
    else add(`openInterest ${btc} (coinglass 1h oi_close)`, oi1h);
    add(
      `liquidations ${btc} (coinglass 1h, Binance+Bybit+OKX)`,
      await readLiquidationFile(join(cg, 'liquidation_1h.csv.gz'), { symbol: btc }),
    );
  }
  return { sources, window: { from, to, warmupFrom }, notes };
}

/** replaySourcesFor + ReplayFeed in one call. */
export async function createReplayFeed(o: ReplaySourcesOptions): Promise<{ feed: ReplayFeed; notes: string[] }> {
  const s = await replaySourcesFor(o);
  return { feed: new ReplayFeed(s.sources, s.window), notes: s.notes };
}

/** The embedded default: BTC and ETH (plus optional others) around the 2025-10-10 cascade. */
export const EMBEDDED_DEFAULT = Object.freeze({
  symbols: Object.freeze(['BTC/USDT:USDT', 'ETH/USDT:USDT']),
  from: '2025-09-25',
  to: '2025-10-20',
  warmupFrom: '2025-08-01',
});
