/** Batch vs incremental on real data, naive recomputation of features, and no look-ahead. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { BarEvent, FundingEvent, MarketEvent } from '../../../src/core/types.js';
import { computeFeatureRows, rowRecord } from '../../../src/market/features/batch.js';
import { defaultFeatureConfig } from '../../../src/market/features/config.js';
import { mergeSources } from '../../../src/market/replay/feed.js';
import {
  readFundingFile,
  readKlineFile,
  readLiquidationFile,
  readOpenInterestFile,
} from '../../../src/market/replay/sources.js';
import { createMarketView } from '../../../src/market/view/market-view.js';

const BTC = 'BTC/USDT:USDT';
const FROM = Date.parse('2025-06-01T00:00:00Z');
const TO = Date.parse('2026-02-15T00:00:00Z');
let events: MarketEvent[] = [];
let bars: BarEvent[] = [];
let funding: FundingEvent[] = [];

beforeAll(async () => {
  const win = <T extends MarketEvent>(xs: T[]) => xs.filter((e) => e.ts >= FROM && e.ts <= TO);
  bars = win(await readKlineFile('data/binance_um_klines_1h/BTCUSDT_1h.csv.gz', { symbol: BTC }));
  funding = win(await readFundingFile('data/binance_um_funding/funding_all.csv.gz', { symbols: [BTC] }));
  const oi = win(await readOpenInterestFile('data/coinglass_btc_agg/regime_1h.csv.gz', { symbol: BTC }));
  const liq = win(await readLiquidationFile('data/coinglass_btc_agg/liquidation_1h.csv.gz', { symbol: BTC }));
  events = mergeSources([
    { name: 'bars', events: bars },
    { name: 'funding', events: funding },
    { name: 'oi', events: oi },
    { name: 'liq', events: liq },
  ]);
});

const same = (a: ArrayLike<number>, b: ArrayLike<number>) => expect(Array.from(a)).toEqual(Array.from(b)); // NaN equals NaN here

describe('batch and incremental feature computation on real BTC data', () => {
  it('give identical values at every bar close', () => {
    const table = computeFeatureRows(events);
    expect(table.rows).toHaveLength(bars.length);
    const view = createMarketView();
    let k = 0;
    for (const e of events) {
      view.ingest(e);
      if (e.type !== 'bar') continue;
      const snap = view.snapshot(BTC, e.ts);
      const row = table.rows[k++]!;
      expect(row.ts).toBe(e.ts);
      same(
        table.names.map((n) => snap.features[n]!),
        row.features,
      );
    }
    // the comparison is not vacuous: late rows have bar, funding, OI and liquidation features
    const last = rowRecord(table.names, table.rows.at(-1)!);
    for (const n of [
      'rv_pctl_720',
      'drawdown_pctl_720',
      'volume_z_168',
      'taker_imbalance_24',
      'funding_z_30d',
      'oi_z_168',
      'oi_accel',
      'liq_notional_ratio',
      'liq_intensity',
    ]) {
      expect(Number.isFinite(last[n]), n).toBe(true);
    }
  });

  it('match a naive recomputation from the raw rows', () => {
    const { names, rows } = computeFeatureRows(events);
    const c = defaultFeatureConfig();
    const lr = bars.map((b, i) => (i ? Math.log(b.close / bars[i - 1]!.close) : NaN));
    const rv24 = bars.map((_, i) => (i >= 24 ? std(lr.slice(i - 23, i + 1)) : NaN));
    let checked = 0;
    for (let i = 900; i < bars.length; i += 97) {
      const f = rowRecord(names, rows[i]!);
      const b = bars[i]!;
      expect(f.ret_4).toBeCloseTo(Math.log(b.close / bars[i - 4]!.close), 12);
      expect(f.rv_24).toBeCloseTo(rv24[i]!, 10);
      const w = bars.slice(i - 23, i + 1);
      expect(f.parkinson_24).toBeCloseTo(
        Math.sqrt(mean(w.map((x) => Math.log(x.high / x.low) ** 2)) / (4 * Math.LN2)),
        10,
      );
      expect(f.drawdown_168).toBeCloseTo(b.close / Math.max(...bars.slice(i - 167, i + 1).map((x) => x.high)) - 1, 12);
      const hist = rv24.slice(i - c.pctlBars + 1, i + 1);
      expect(f.rv_pctl_720).toBe(hist.filter((v) => v <= rv24[i]!).length / c.pctlBars);
      const vol = sum(w.map((x) => x.volume));
      expect(f.taker_imbalance_24).toBeCloseTo(sum(w.map((x) => 2 * x.takerBuyVolume! - x.volume)) / vol, 9);
      const lv = bars.slice(i - 167, i + 1).map((x) => Math.log1p(x.volume));
      expect(f.volume_z_168).toBeCloseTo((Math.log1p(b.volume) - mean(lv)) / std(lv), 8);
      const settled = funding.filter((x) => x.ts <= b.ts);
      const lastF = settled.at(-1)!;
      expect(f.funding_rate).toBe(lastF.rate);
      const month = settled.filter((x) => x.ts > lastF.ts - 30 * 86_400_000).map((x) => (x.rate * 8) / x.intervalHours);
      expect(f.funding_z_30d).toBeCloseTo(((lastF.rate * 8) / lastF.intervalHours - mean(month)) / std(month), 8);
      let next = Math.floor(lastF.ts / 3_600_000) * 3_600_000;
      while (next < b.ts) next += lastF.intervalHours * 3_600_000;
      expect(f.time_to_funding_h).toBe((next - b.ts) / 3_600_000);
      checked++;
    }
    expect(checked).toBeGreaterThan(40);
  });

  it('never look ahead: appending or altering later events leaves earlier rows unchanged', () => {
    const cut = Date.parse('2026-01-10T00:00:00Z');
    const early = computeFeatureRows(events.filter((e) => e.ts <= cut));
    const altered = events.map((e) =>
      e.ts > cut && e.type === 'funding'
        ? { ...e, rate: e.rate * -50 }
        : e.ts > cut && e.type === 'bar'
          ? { ...e, close: e.close * 0.5, low: e.low * 0.5 }
          : e,
    );
    const full = computeFeatureRows(altered);
    const fullEarly = full.rows.filter((r) => r.ts <= cut);
    expect(fullEarly).toHaveLength(early.rows.length);
    fullEarly.forEach((r, i) => same(r.features, early.rows[i]!.features));
    expect(full.rows.length).toBeGreaterThan(early.rows.length);
  });
});

describe('missing inputs are NaN, never zero', () => {
  it('ETH hourly (no taker flow, no OI, no book) gives NaN for those features', async () => {
    const eth = (await readKlineFile('data/binance_um_klines_1h/ETHUSDT_1h.csv.gz', { symbol: 'ETH/USDT:USDT' })).slice(
      0,
      1000,
    );
    const { names, rows } = computeFeatureRows(eth);
    const f = rowRecord(names, rows.at(-1)!);
    for (const n of [
      'taker_imbalance_24',
      'cvd_24',
      'oi_change_24',
      'liq_intensity',
      'depth_1',
      'spread_bps',
      'funding_rate',
      'mark_last_gap_bps',
    ])
      expect(f[n], n).toBeNaN();
    expect(Number.isFinite(f.rv_168)).toBe(true);
  });
});

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const mean = (xs: number[]) => sum(xs) / xs.length;
const std = (xs: number[]) => {
  const m = mean(xs);
  return Math.sqrt(sum(xs.map((x) => (x - m) ** 2)) / (xs.length - 1));
};
