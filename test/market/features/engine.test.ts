import { describe, expect, it } from 'vitest';
import type { BarEvent, BookEvent, MarketEvent } from '../../../src/core/types.js';
import { FeatureEngine } from '../../../src/market/features/engine.js';
import { computeFeatureRows, rowRecord } from '../../../src/market/features/batch.js';
import { defaultFeatureConfig, featureCatalog } from '../../../src/market/features/config.js';
import { parseKlines } from '../../../src/market/replay/klines.js';
import { parseOpenInterest } from '../../../src/market/replay/series.js';
import { readTextFile } from '../../../src/market/replay/csv.js';
import { mergeSources } from '../../../src/market/replay/feed.js';
import { createMarketView } from '../../../src/market/view/market-view.js';

const S = 'BTC/USDT:USDT';
const H = 3_600_000;
const T0 = Date.parse('2025-01-01T00:00:00Z');
function walk(n: number, seed = 1): BarEvent[] {
  let x = seed;
  let p = 100;
  return Array.from({ length: n }, (_, i) => {
    x = (x * 16807) % 2147483647;
    const r = (x / 2147483647 - 0.5) * 0.02;
    const o = p;
    p = p * Math.exp(r);
    return {
      type: 'bar',
      symbol: S,
      openTime: T0 + i * H,
      ts: T0 + (i + 1) * H,
      intervalMs: H,
      open: o,
      high: Math.max(o, p) * 1.001,
      low: Math.min(o, p) * 0.999,
      close: p,
      volume: 100 + (x % 50),
      takerBuyVolume: 40 + (x % 20),
    } satisfies BarEvent;
  });
}
const book = (ts: number, bids: [number, number][], asks: [number, number][]): BookEvent => ({
  type: 'book',
  symbol: S,
  ts,
  bids,
  asks,
});
const vec = (eng: FeatureEngine, ts: number) =>
  rowRecord(eng.names, { symbol: S, openTime: 0, ts, features: eng.sample(ts) });

describe('feature catalog', () => {
  it('has unique snake_case names, each tied to an input', () => {
    const c = featureCatalog(defaultFeatureConfig());
    expect(new Set(c.names).size).toBe(c.names.length);
    for (const n of c.names) expect(n).toMatch(/^[a-z][a-z0-9_]*$/);
    expect(c.names).toEqual(
      expect.arrayContaining([
        'rv_24',
        'rv_168',
        'parkinson_24',
        'rv_pctl_720',
        'drawdown_168',
        'ret_1',
        'ret_4',
        'taker_imbalance_24',
        'cvd_24',
        'volume_z_168',
        'funding_rate',
        'funding_z_30d',
        'time_to_funding_h',
        'oi_change_24',
        'oi_accel',
        'oi_z_168',
        'oi_vs_price',
        'liq_notional_ratio',
        'liq_intensity',
        'depth_05',
        'depth_1',
        'depth_2',
        'depth_collapse',
        'spread_bps',
        'book_imbalance',
        'mark_last_gap_bps',
      ]),
    );
  });
  it('keeps window spans in hours for 5-minute bars', () => {
    const c = featureCatalog(defaultFeatureConfig(300_000));
    expect(c.names).toEqual(expect.arrayContaining(['ret_1', 'ret_48', 'rv_288', 'rv_pctl_8640', 'volume_z_2016']));
  });
});

describe('book, mark and liquidation features', () => {
  it('computes depth within 0.5/1/2% of mid, spread, imbalance and collapse', () => {
    const eng = new FeatureEngine(S);
    const bids: [number, number][] = [
      [99.9, 10],
      [99.5, 5],
      [98.5, 3],
      [97, 100],
    ];
    const asks: [number, number][] = [
      [100.1, 10],
      [100.6, 5],
      [101.5, 3],
      [103, 100],
    ];
    eng.update(book(T0, bids, asks));
    const within = (lv: [number, number][], pct: number) =>
      lv.filter(([p]) => Math.abs(p - 100) / 100 <= pct + 1e-12).reduce((s, [p, q]) => s + p * q, 0);
    const f = vec(eng, T0);
    expect(f.spread_bps).toBeCloseTo(20, 9);
    expect(f.depth_05).toBeCloseTo(within(bids, 0.005) + within(asks, 0.005), 9);
    expect(f.depth_1).toBeCloseTo(within(bids, 0.01) + within(asks, 0.01), 9);
    expect(f.depth_2).toBeCloseTo(within(bids, 0.02) + within(asks, 0.02), 9);
    expect(f.book_imbalance).toBeCloseTo((within(bids, 0.01) - within(asks, 0.01)) / f.depth_1!, 9);
    expect(f.depth_collapse).toBeNaN(); // no trailing baseline yet
    const thin = (lv: [number, number][]) => lv.map(([p, q]) => [p, q / 4] as [number, number]);
    eng.update(book(T0 + 1000, thin(bids), thin(asks)));
    expect(vec(eng, T0 + 1000).depth_collapse).toBeCloseTo(0.75, 9);
    // 30 s later without a book update the book features are stale → missing
    expect(vec(eng, T0 + 61_000).depth_1).toBeNaN();
  });

  it('rejects a crossed book and keeps the previous features', () => {
    const eng = new FeatureEngine(S);
    eng.update(book(T0, [[99, 1]], [[101, 1]]));
    expect(eng.update(book(T0 + 1, [[102, 1]], [[101, 1]]))).toBe('rejected');
    expect(eng.lastReject.book?.reason).toBe('CROSSED_BOOK');
    expect(vec(eng, T0 + 1).spread_bps).toBeCloseTo((2 / 100) * 1e4, 9);
  });

  it('mark/last gap and predicted funding come from mark events', () => {
    const eng = new FeatureEngine(S);
    eng.update({
      type: 'mark',
      symbol: S,
      ts: T0,
      markPrice: 100.5,
      lastPrice: 100,
      indexPrice: 100.25,
      fundingRate: 0.0002,
      nextFundingTime: T0 + 2 * H,
    });
    const f = vec(eng, T0);
    expect(f.mark_last_gap_bps).toBeCloseTo(50, 9);
    expect(f.mark_index_gap_bps).toBeCloseTo((0.25 / 100.25) * 1e4, 9);
    expect(f.funding_predicted).toBe(0.0002);
    expect(eng.update({ type: 'mark', symbol: S, ts: T0 + 1, markPrice: -1 })).toBe('rejected');
  });

  it('liquidation intensity decays with its half-life and is relative to the per-bar baseline', () => {
    const cfg = { ...defaultFeatureConfig(), liqBaselineBars: 4 };
    const eng = new FeatureEngine(S, cfg);
    const bars = walk(6);
    bars.forEach((b, i) => {
      eng.update({
        type: 'liquidation',
        symbol: S,
        ts: b.ts,
        side: 'sell',
        price: NaN,
        quantity: NaN,
        notional: 1000 * (i + 1),
        aggregatedMs: H,
      });
      eng.update(b);
    });
    const f0 = vec(eng, bars[5]!.ts);
    expect(f0.liq_notional_ratio).toBeCloseTo(6000 / ((3000 + 4000 + 5000 + 6000) / 4), 9);
    expect(f0.liq_long_share_24).toBeNaN(); // 24-bar window not full yet
    const later = bars[5]!.ts + 2 * H; // one half-life later, still fresh (aggregated: 2 buckets + 1 min)
    expect(vec(eng, later).liq_intensity).toBeCloseTo(f0.liq_intensity! / 2, 9);
  });
});

describe('plausibility and lifecycle', () => {
  it('an implausible bar is not folded in: rows equal those without it', () => {
    const bars = walk(200);
    const bad: MarketEvent = { ...bars[100]!, openTime: bars[100]!.openTime + 1, ts: bars[100]!.ts + 1, close: -5 };
    const withBad = [...bars.slice(0, 101), bad, ...bars.slice(101)];
    const a = computeFeatureRows(bars);
    const b = computeFeatureRows(withBad);
    expect(b.rows).toHaveLength(a.rows.length);
    b.rows.forEach((r, i) => expect(Array.from(r.features)).toEqual(Array.from(a.rows[i]!.features)));
  });

  it('duplicate and other-interval bars are ignored', () => {
    const eng = new FeatureEngine(S);
    const [b0, b1] = walk(2);
    expect(eng.update(b0!)).toBe('row');
    expect(eng.update(b0!)).toBe('ignored');
    expect(eng.update({ ...b1!, intervalMs: 300_000 })).toBe('ignored');
    expect(eng.bars).toBe(1);
  });

  it('reset() returns the engine to a fresh state', () => {
    const bars = walk(300, 7);
    const eng = new FeatureEngine(S);
    walk(300, 3).forEach((b) => eng.update(b));
    eng.reset();
    const fresh = new FeatureEngine(S);
    for (const b of bars) {
      eng.update(b);
      fresh.update(b);
      expect(Array.from(eng.sample(b.ts))).toEqual(Array.from(fresh.sample(b.ts)));
    }
  });
});

describe('5-minute bars with open interest (real snapshot file)', () => {
  it('batch equals incremental, OI features present, volume features missing (file has no volume)', async () => {
    const text = await readTextFile('data/binance_btcusdt_5m_snapshot/btcusdt_perp_5m.csv.gz');
    const bars = parseKlines(text, { symbol: S, file: 'snap', volumeOptional: true }).slice(0, 3000);
    const oi = parseOpenInterest(text, { symbol: S, file: 'snap' }).filter((e) => e.ts <= bars.at(-1)!.ts);
    const events = mergeSources([
      { name: 'bars', events: bars },
      { name: 'oi', events: oi },
    ]);
    const cfg = defaultFeatureConfig(300_000);
    const table = computeFeatureRows(events, cfg);
    const view = createMarketView({ features: cfg });
    let k = 0;
    for (const e of events) {
      view.ingest(e);
      if (e.type === 'bar')
        expect(table.names.map((n) => view.snapshot(S, e.ts).features[n])).toEqual(
          Array.from(table.rows[k++]!.features),
        );
    }
    const f = rowRecord(table.names, table.rows.at(-1)!);
    expect(Number.isFinite(f.oi_change_288)).toBe(true);
    expect(Number.isFinite(f.oi_z_2016)).toBe(true);
    expect(Number.isFinite(f.rv_288)).toBe(true);
    expect(f.volume_z_2016).toBeNaN();
    expect(f.taker_imbalance_288).toBeNaN();
  });
});
