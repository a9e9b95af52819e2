import { describe, expect, it } from 'vitest';
import type { MarketSnapshot } from '../../src/core/types.js';
import { BaselineScorer, BASELINE_NOTE, DEFAULT_BASELINE_PARAMS } from '../../src/scoring/baseline-scorer.js';
import { createMarketView } from '../../src/market/view/market-view.js';
import { readKlineFile } from '../../src/market/replay/sources.js';

const snap = (f: Record<string, number>, over: Partial<MarketSnapshot> = {}): MarketSnapshot => ({
  symbol: 'BTC/USDT:USDT',
  asOf: 1000,
  ageMs: 0,
  features: f,
  missing: [],
  ages: {},
  flags: [],
  degraded: false,
  ...over,
});
const sig = (z: number) => 1 / (1 + Math.exp(-z));

describe('BaselineScorer', () => {
  const s = new BaselineScorer();

  it('identifies itself as the baseline with a hash of its parameters', () => {
    expect(s.id).toBe('baseline-v0');
    expect(s.kind).toBe('baseline');
    expect(s.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(new BaselineScorer().sha256).toBe(s.sha256);
    expect(new BaselineScorer({ volWeight: 5 }).sha256).not.toBe(s.sha256);
  });

  it('applies the documented formula and names the components', async () => {
    const r = await s.score(snap({ rv_pctl_720: 0.9, drawdown_pctl_720: 0.8, rally_pctl_720: 0.1 }), 2000);
    if (r.status !== 'ok') throw new Error('expected ok');
    const p = DEFAULT_BASELINE_PARAMS;
    const cv = p.volWeight * 0.4;
    expect(r.pDown).toBeCloseTo(sig(p.intercept + cv + p.moveWeight * 0.3), 12);
    expect(r.pUp).toBeCloseTo(sig(p.intercept + cv + p.moveWeight * -0.4), 12);
    expect(r.probability).toBe(Math.max(r.pDown, r.pUp));
    expect(r.scorer).toBe('baseline');
    expect(r.note).toBe(BASELINE_NOTE);
    expect(r.modelSha256).toBe(s.sha256);
    expect(r.contributions.map((c) => c.feature).sort()).toEqual([
      'drawdown_pctl_720',
      'rally_pctl_720',
      'rv_pctl_720',
    ]);
    expect(r.contributions[0]!.feature).toBe('rv_pctl_720'); // largest |contribution| first
  });

  it('maps calm to stable and extreme vol plus drawdown to critical, monotonically', async () => {
    const at = async (v: number, d: number) => {
      const r = await s.score(snap({ rv_pctl_720: v, drawdown_pctl_720: d, rally_pctl_720: 0.5 }), 0);
      if (r.status !== 'ok') throw new Error('expected ok');
      return r;
    };
    expect((await at(0.5, 0.5)).regime).toBe('stable');
    expect((await at(1, 1)).regime).toBe('critical');
    let prev = 0;
    for (const v of [0, 0.25, 0.5, 0.75, 1]) {
      const p = (await at(v, 0.9)).pDown;
      expect(p).toBeGreaterThan(prev);
      prev = p;
    }
  });

  it('fails closed: degraded snapshot or missing input gives unavailable/unknown', async () => {
    const d = await s.score(
      snap({ rv_pctl_720: 0.5, drawdown_pctl_720: 0.5, rally_pctl_720: 0.5 }, { degraded: true, flags: ['STALE'] }),
      0,
    );
    expect(d).toMatchObject({ status: 'unavailable', regime: 'unknown', scorer: 'baseline', modelId: 'baseline-v0' });
    expect(d.status === 'unavailable' && d.reason).toMatch(/STALE/);
    const m = await s.score(snap({ rv_pctl_720: NaN, drawdown_pctl_720: 0.5, rally_pctl_720: 0.5 }), 0);
    expect(m.status === 'unavailable' && m.reason).toMatch(/missing features: rv_pctl_720/);
  });

  it('rejects thresholds out of order', () => {
    expect(() => new BaselineScorer({ thresholds: { stressed: 0.5, fragile: 0.4, critical: 0.9 } })).toThrow(
      /stressed < fragile/,
    );
  });

  it('on real BTC data the 2025-10-10 21:00 bar scores above a calm July bar', async () => {
    const bars = await readKlineFile('data/binance_um_klines_1h/BTCUSDT_1h.csv.gz', { symbol: 'BTC/USDT:USDT' });
    const view = createMarketView();
    const at = (iso: string) => Date.parse(iso) + 3_600_000;
    const probs: Record<string, number> = {};
    for (const b of bars) {
      view.ingest(b);
      if (b.ts === at('2025-07-15T12:00:00Z') || b.ts === at('2025-10-10T21:00:00Z')) {
        const r = await s.score(view.snapshot(b.symbol, b.ts), b.ts);
        if (r.status !== 'ok') throw new Error(`unavailable: ${r.reason}`);
        probs[b.ts] = r.probability;
      }
      if (b.ts > at('2025-10-10T21:00:00Z')) break;
    }
    expect(probs[at('2025-10-10T21:00:00Z')]).toBeGreaterThan(probs[at('2025-07-15T12:00:00Z')]!);
  });
});
