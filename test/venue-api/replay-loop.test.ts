/** A looping replay restarts at an earlier time: after reset() the klines, ticker and mark follow
 * the new pass (they stayed frozen at the old pass's last bar while premiumIndex moved on), and
 * the book's update ids keep growing so depth-stream clients stay in sync. */
import { describe, expect, it } from 'vitest';
import type { BarEvent } from '../../src/core/types.js';
import { SimulatedExchange } from '../../src/execution/simulated/index.js';
import { EventDrivenMarketDataSource } from '../../src/binance-wire/index.js';
import { ManualClock } from '../../src/core/clock.js';

const BTC = 'BTC/USDT:USDT';
const H = 3_600_000;
const bar = (openTime: number, close: number): BarEvent => ({
  type: 'bar',
  symbol: BTC,
  openTime,
  ts: openTime + H,
  intervalMs: H,
  open: close,
  high: close + 5,
  low: close - 5,
  close,
  volume: 1,
});

describe('EventDrivenMarketDataSource.reset (replay loop)', () => {
  it('klines, ticker and mark follow the second pass; book update ids never go back', () => {
    const instruments = new SimulatedExchange({ clock: new ManualClock(0), venueId: 'v' }).instruments();
    const src = new EventDrivenMarketDataSource({ instruments, synthesizeBook: {} });
    const t0 = Date.UTC(2025, 8, 26);
    for (let i = 0; i < 10; i++) src.ingest(bar(t0 + i * H, 100_000 + i * 100));
    const idBefore = src.book('BTCUSDT', 5)!.lastUpdateId;
    // Without a reset, the second pass's first bar (older) does not move klines.
    src.ingest(bar(t0, 90_000));
    expect(src.klines('BTCUSDT', H, { limit: 1 }).at(-1)!.close).toBe(100_900);
    src.reset();
    src.ingest(bar(t0, 90_000));
    src.ingest(bar(t0 + H, 91_000));
    expect(src.klines('BTCUSDT', H, { limit: 10 }).map((k) => k.close)).toEqual([90_000, 91_000]);
    expect(src.ticker24h('BTCUSDT')!.last).toBe(91_000);
    expect(src.mark('BTCUSDT')!.markPrice).toBe(91_000);
    expect(src.book('BTCUSDT', 5)!.lastUpdateId).toBeGreaterThan(idBefore);
  });
});
