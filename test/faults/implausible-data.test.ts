/** Issue 13 item 8: the data-quality gate caught gaps and high < low, but a consistent 10x bar or
 * a mark 5x the index scored as calm. Now both are named data-quality flags (PRICE_JUMP,
 * MARK_INDEX_DIVERGENCE) that make the regime unknown (fail closed). The gateway test runs the
 * real ONNX model on the replayed Binance history of the embedded default. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEMO_API_KEY } from '../../src/config/embedded-default.js';
import type { BarEvent } from '../../src/core/types.js';
import type { Gateway } from '../../src/gateway/gateway.js';
import { DEFAULT_PLAUSIBILITY, markImplausible, PriceJumpTracker } from '../../src/market/view/plausibility.js';
import { startEmbeddedGateway } from '../gateway/support.js';

const BTC = 'BTC/USDT:USDT';
const H = 3_600_000;
let gw: Gateway;
let url: string;
beforeAll(async () => {
  // The replayed market held still, so only the injected events move it.
  ({ gw, url } = await startEmbeddedGateway((y) => y.replace(/barsPerSecond: [0-9.]+/, 'barsPerSecond: 0.001')));
}, 60_000);
afterAll(async () => gw?.close());

const get = async (path: string) =>
  (await (await fetch(`${url}${path}`, { headers: { 'x-api-key': DEMO_API_KEY } })).json()) as Record<string, any>;
const regime = async () => (await get(`/v1/regime/${encodeURIComponent(BTC)}`)) as { regime: string; status: string };
const market = async () => (await get(`/v1/market/${encodeURIComponent(BTC)}`)) as { flags: string[] };

function nextBar(factor: number, k = 0): BarEvent {
  const eng = gw.market.engine(BTC)!;
  const close = eng.lastClose * factor;
  const openTime = eng.lastTs.bar + k * H;
  return {
    type: 'bar',
    symbol: BTC,
    openTime,
    ts: openTime + H,
    intervalMs: H,
    open: close,
    high: close * 1.001,
    low: close * 0.999,
    close,
    volume: 1000,
  };
}

describe('implausible data makes the regime unknown (real gateway, real model)', () => {
  it('a mark price 5x the index: MARK_INDEX_DIVERGENCE, regime unknown', async () => {
    const before = await regime();
    expect(before.regime).not.toBe('unknown');
    const eng = gw.market.engine(BTC)!;
    const ts = eng.lastTs.bar + 1;
    gw.ingest({
      type: 'mark',
      symbol: BTC,
      ts,
      markPrice: eng.lastClose * 5,
      indexPrice: eng.lastClose,
      lastPrice: eng.lastClose,
    });
    expect((await market()).flags).toContain('MARK_INDEX_DIVERGENCE');
    expect((await regime()).regime).toBe('unknown');
    // A sane mark again clears it.
    gw.ingest({
      type: 'mark',
      symbol: BTC,
      ts: ts + 1,
      markPrice: eng.lastClose,
      indexPrice: eng.lastClose,
      lastPrice: eng.lastClose,
    });
    expect((await market()).flags).not.toContain('MARK_INDEX_DIVERGENCE');
  });

  it('a consistent 10x bar (OHLC all 10x, high ≥ low): PRICE_JUMP, regime unknown, orders denied REGIME-wise', async () => {
    expect((await regime()).regime).not.toBe('unknown');
    gw.ingest(nextBar(10));
    expect((await market()).flags).toContain('PRICE_JUMP');
    expect((await regime()).regime).toBe('unknown');
    // The next bars continue at the new level: still flagged (not read as calm an hour later).
    gw.ingest(nextBar(1));
    expect((await regime()).regime).toBe('unknown');
  });
});

describe('PriceJumpTracker', () => {
  const walk = (n: number, sigma: number, seed = 7) => {
    let x = seed;
    let p = 100;
    return Array.from({ length: n }, () => {
      x = (x * 16807) % 2147483647;
      p *= Math.exp((x / 2147483647 - 0.5) * 2 * sigma);
      return p;
    });
  };
  it('property: ordinary bars never flag; a 10x (or 1/10) bar always does, for jumpHoldBars bars', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.double({ min: 0.001, max: 0.03, noNaN: true }),
        fc.boolean(),
        (seed, sigma, up) => {
          const t = new PriceJumpTracker();
          const closes = walk(60, sigma, seed);
          for (const c of closes) {
            t.onBar(c);
            expect(t.jumped).toBe(false);
          }
          let p = closes.at(-1)! * (up ? 10 : 0.1);
          t.onBar(p);
          for (let i = 0; i < DEFAULT_PLAUSIBILITY.jumpHoldBars; i++) {
            expect(t.jumped).toBe(true);
            t.onBar((p *= 1.001));
          }
          expect(t.jumped).toBe(false);
        },
      ),
      { numRuns: 100 },
    );
  });
  it('mark/index divergence: 5x flagged, 1 % not, unknown index ignored', () => {
    expect(markImplausible(500, 100, 100)).toBe(true);
    expect(markImplausible(101, 100, 100)).toBe(false);
    expect(markImplausible(101, NaN, NaN)).toBe(false);
    expect(markImplausible(500, NaN, 100)).toBe(true);
  });
});
