import { describe, expect, it } from 'vitest';
import type { BarEvent, MarketEvent } from '../../../src/core/types.js';
import { createMarketView } from '../../../src/market/view/market-view.js';

const S = 'BTC/USDT:USDT';
const H = 3_600_000;
const T0 = Date.parse('2025-01-01T00:00:00Z');

/** Deterministic random-walk bars; `shock` overrides the log return of given bar indices. */
function walk(n: number, shock: Record<number, number> = {}, volume: Record<number, number> = {}): BarEvent[] {
  let x = 42;
  let p = 100;
  return Array.from({ length: n }, (_, i) => {
    x = (x * 16807) % 2147483647;
    const r = shock[i] ?? (x / 2147483647 - 0.5) * 0.02;
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
      volume: volume[i] ?? 100 + (x % 50),
    };
  });
}
const feed = (events: MarketEvent[], opts: Parameters<typeof createMarketView>[0] = {}) => {
  const v = createMarketView(opts);
  events.forEach((e) => v.ingest(e));
  return v;
};
const lastTs = (evs: MarketEvent[]) => evs.at(-1)!.ts;

describe('MarketView snapshots', () => {
  it('a symbol never seen is NO_DATA and degraded, with every feature missing', () => {
    const s = createMarketView().snapshot(S, T0);
    expect(s.flags).toEqual(['NO_DATA']);
    expect(s.degraded).toBe(true);
    expect(s.missing.length).toBe(Object.keys(s.features).length);
    expect(Object.values(s.features).every(Number.isNaN)).toBe(true);
  });

  it('is WARMING_UP (degraded) until the core features exist, then clean', () => {
    const bars = walk(800);
    const v = createMarketView();
    bars.slice(0, 100).forEach((b) => v.ingest(b));
    const early = v.snapshot(S, bars[99]!.ts);
    expect(early.flags).toContain('WARMING_UP');
    expect(early.degraded).toBe(true);
    bars.slice(100).forEach((b) => v.ingest(b));
    const s = v.snapshot(S, lastTs(bars) + 1000);
    expect(s.flags).toEqual([]);
    expect(s.degraded).toBe(false);
    expect(s.last).toBe(bars.at(-1)!.close);
    expect(s.ages).toEqual({ bar: 1000 });
    // inputs hourly replay never provides are missing but do not degrade
    expect(s.missing).toEqual(
      expect.arrayContaining(['depth_1', 'spread_bps', 'funding_rate', 'oi_change_24', 'liq_intensity']),
    );
    expect(s.missing).not.toContain('rv_pctl_720');
  });

  it('STALE: a required input degrades, an optional one only flags', () => {
    const bars = walk(800);
    const book: MarketEvent = { type: 'book', symbol: S, ts: lastTs(bars), bids: [[99, 1]], asks: [[101, 1]] };
    const v = feed([...bars, book]);
    const later = v.snapshot(S, lastTs(bars) + 60_000);
    expect(later.flags).toEqual(['STALE']);
    expect(later.degraded).toBe(false);
    expect(later.ages.book).toBe(60_000);
    const strict = feed([...bars, book], { required: ['bar', 'book'] });
    expect(strict.snapshot(S, lastTs(bars) + 60_000).degraded).toBe(true);
    const barStale = v.snapshot(S, lastTs(bars) + 3 * H);
    expect(barStale.flags).toContain('STALE');
    expect(barStale.degraded).toBe(true);
    const never = feed(bars, { required: ['bar', 'book'] }).snapshot(S, lastTs(bars));
    expect(never.flags).toContain('NO_DATA');
    expect(never.degraded).toBe(true);
  });

  it('CROSSED_BOOK and NON_POSITIVE_PRICE are flagged until a valid event of that input arrives', () => {
    const bars = walk(800);
    const t = lastTs(bars);
    const good: MarketEvent = { type: 'book', symbol: S, ts: t + 1, bids: [[99, 1]], asks: [[101, 1]] };
    const crossed: MarketEvent = { type: 'book', symbol: S, ts: t + 2, bids: [[102, 1]], asks: [[101, 1]] };
    const v = feed([...bars, good, crossed]);
    const s = v.snapshot(S, t + 3);
    expect(s.flags).toContain('CROSSED_BOOK');
    expect(s.degraded).toBe(true);
    expect(s.bid).toBe(99); // the crossed book was not folded in
    expect(feed([...bars, good, crossed], { degradeOnImplausible: 'required' }).snapshot(S, t + 3).degraded).toBe(
      false,
    );
    v.ingest({ ...good, ts: t + 4 });
    expect(v.snapshot(S, t + 5).flags).not.toContain('CROSSED_BOOK');
    v.ingest({ type: 'mark', symbol: S, ts: t + 6, markPrice: 0 });
    expect(v.snapshot(S, t + 6).flags).toContain('NON_POSITIVE_PRICE');
  });

  it('OI_JUMP_WITHOUT_VOLUME when open interest jumps 20% in a bar with almost no volume', () => {
    const n = 400;
    const bars = walk(n, {}, { [n - 1]: 1 });
    const oi: MarketEvent[] = bars.map((b, i) => ({
      type: 'openInterest',
      symbol: S,
      ts: b.ts,
      openInterestValue: i === n - 1 ? 1.2e9 : 1e9,
    }));
    const merged = bars.flatMap((b, i) => [oi[i]!, b]);
    const s = feed(merged).snapshot(S, lastTs(bars));
    expect(s.flags).toContain('OI_JUMP_WITHOUT_VOLUME');
    expect(s.degraded).toBe(true);
    const normal = walk(n);
    const s2 = feed(normal.flatMap((b, i) => [oi[i]!, b])).snapshot(S, lastTs(normal));
    expect(s2.flags).not.toContain('OI_JUMP_WITHOUT_VOLUME');
  });

  it('LIQUIDATION_FEED_SILENT when a large move shows no liquidations', () => {
    const n = 800;
    const drop = { [n - 4]: -0.02, [n - 3]: -0.02, [n - 2]: -0.02, [n - 1]: -0.02 };
    const build = (zeroTail: boolean) => {
      const bars = walk(n, drop);
      return bars.flatMap((b, i) => [
        {
          type: 'liquidation',
          symbol: S,
          ts: b.ts,
          side: 'sell',
          price: NaN,
          quantity: NaN,
          notional: zeroTail && i >= n - 4 ? 0 : 5e5,
          aggregatedMs: H,
        } as MarketEvent,
        b,
      ]);
    };
    const silent = feed(build(true)).snapshot(S, T0 + n * H);
    expect(silent.flags).toContain('LIQUIDATION_FEED_SILENT');
    expect(silent.degraded).toBe(true);
    const alive = feed(build(false)).snapshot(S, T0 + n * H);
    expect(alive.flags).not.toContain('LIQUIDATION_FEED_SILENT');
    // without a liquidation feed at all there is nothing to call silent
    expect(feed(walk(n, drop)).snapshot(S, T0 + n * H).flags).not.toContain('LIQUIDATION_FEED_SILENT');
  });

  it('FEED_GAP after a missing bar', () => {
    const bars = walk(800).filter((_, i) => i !== 790);
    const s = feed(bars).snapshot(S, lastTs(bars));
    expect(s.flags).toContain('FEED_GAP');
  });

  it('reset() forgets every symbol (a looping replay re-warms from scratch)', () => {
    const v = feed(walk(800));
    v.reset();
    const s = v.snapshot(S, T0 + 800 * H);
    expect(s.flags).toContain('NO_DATA');
    expect(s.degraded).toBe(true);
  });
});
