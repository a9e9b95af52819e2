import { describe, expect, it } from 'vitest';
import { parseStrategySpecs } from '../../src/backtest/spec.js';
import {
  createStrategy,
  lotQuantity,
  type BarView,
  type OrderRequest,
  type StrategyAction,
  type StrategyView,
} from '../../src/backtest/strategies.js';
import type { AccountState } from '../../src/core/types.js';
import { buildInstruments } from '../../src/execution/simulated/index.js';

const [ETH] = buildInstruments('sim', ['ETH/USDT:USDT']);
const SYM = 'ETH/USDT:USDT';

function bars(closes: readonly number[]): BarView[] {
  return closes.map((c, i) => ({ ts: (i + 1) * 3_600_000, open: c, high: c * 1.001, low: c * 0.999, close: c }));
}

function view(closes: readonly number[], positionQty = '0', equity = '100000'): StrategyView {
  const account: AccountState = {
    account: 'a',
    walletBalance: equity,
    availableBalance: equity,
    marginBalance: equity,
    maintMargin: '0',
    marginRatio: 0,
    positions:
      positionQty === '0'
        ? []
        : [
            {
              account: 'a',
              symbol: SYM,
              quantity: positionQty,
              entryPrice: '2000',
              leverage: '20',
              marginMode: 'cross',
              isolatedMargin: '0',
              unrealizedPnl: '0',
            },
          ],
  };
  const h = bars(closes);
  return { now: h[h.length - 1]!.ts, symbols: [SYM], history: () => h, account: () => account, instrument: () => ETH! };
}

const orders = (a: readonly StrategyAction[]): OrderRequest[] =>
  a.flatMap((x) => (x.kind === 'order' ? [x.order] : []));

describe('trend follower', () => {
  const rising = Array.from({ length: 30 }, (_, i) => 2000 + i * 10);
  const falling = Array.from({ length: 30 }, (_, i) => 2300 - i * 10);

  it('goes long above the moving average with equity × leverage × size (within the jitter)', () => {
    const bot = createStrategy(parseStrategySpecs(['trend:leverage=20,size=0.5,lookback=24,jitter=0'])[0]!);
    const o = orders(bot.decide(view(rising)));
    expect(o).toHaveLength(1);
    expect(o[0]).toMatchObject({ side: 'buy', type: 'market', reduceOnly: false, leverage: '20' });
    const notional = Number(o[0]!.quantity) * rising[rising.length - 1]!;
    expect(notional).toBeLessThanOrEqual(100_000 * 20 * 0.5);
    expect(notional).toBeGreaterThan(100_000 * 20 * 0.5 - 2300 * 0.001);
  });

  it('flips with a reduce-only exit first, then the new side', () => {
    const bot = createStrategy(parseStrategySpecs(['trend:leverage=10,size=1,lookback=24'])[0]!);
    const o = orders(bot.decide(view(falling, '3.5')));
    expect(o.map((x) => [x.side, x.reduceOnly])).toEqual([
      ['sell', true],
      ['sell', false],
    ]);
    expect(o[0]!.quantity).toBe('3.5');
  });

  it('waits for lookback + 1 bars and holds when within the rebalance band', () => {
    const bot = createStrategy(
      parseStrategySpecs(['trend:leverage=10,size=1,lookback=24,jitter=0,rebalance=0.25'])[0]!,
    );
    expect(bot.decide(view(rising.slice(0, 24)))).toEqual([]);
    const price = rising[rising.length - 1]!;
    const held = ((100_000 * 10) / price) * 0.9; // 10% under target: inside the band
    expect(bot.decide(view(rising, held.toFixed(3)))).toEqual([]);
    const small = ((100_000 * 10) / price) * 0.5; // half the target: tops up
    const o = orders(bot.decide(view(rising, small.toFixed(3))));
    expect(o).toHaveLength(1);
    expect(o[0]).toMatchObject({ side: 'buy', reduceOnly: false });
  });

  it('caps the leverage it asks for at the instrument maximum', () => {
    const bot = createStrategy(parseStrategySpecs(['trend:leverage=125,size=1,lookback=2'])[0]!);
    const o = orders(bot.decide(view([100, 101, 102])));
    expect(o[0]!.leverage).toBe(String(ETH!.maxLeverage));
  });

  it('never asks for more than the venue bracket allows at its leverage', () => {
    const bot = createStrategy(parseStrategySpecs(['trend:leverage=125,size=1,lookback=2,jitter=0'])[0]!);
    const o = orders(bot.decide(view([2000, 2010, 2020])));
    const notional = Number(o[0]!.quantity) * 2020;
    expect(notional).toBeLessThanOrEqual(50_000 * 0.95); // ETH: 125x only up to 50k notional
    expect(notional).toBeGreaterThan(50_000 * 0.95 - 2020 * 0.001);
  });

  it('is deterministic per seed and differs across seeds', () => {
    const run = (seed: number) =>
      orders(createStrategy(parseStrategySpecs([`trend:lookback=24,seed=${seed}`])[0]!).decide(view(rising)))[0]!
        .quantity;
    expect(run(7)).toBe(run(7));
    expect(run(7)).not.toBe(run(8));
  });
});

describe('market maker', () => {
  it('cancels its quotes, then quotes both sides at ±spread/2 around the last close, post-only', () => {
    const bot = createStrategy(parseStrategySpecs(['mm:leverage=10,size=0.05,spread_bps=20,jitter=0'])[0]!);
    const acts = bot.decide(view([2000, 2000]));
    expect(acts[0]).toEqual({ kind: 'cancel_all' });
    const o = orders(acts);
    expect(o.map((x) => x.side)).toEqual(['buy', 'sell']);
    expect(Number(o[0]!.price)).toBeCloseTo(2000 * (1 - 0.001), 2);
    expect(Number(o[1]!.price)).toBeCloseTo(2000 * (1 + 0.001), 2);
    for (const x of o)
      expect(x).toMatchObject({ type: 'limit', postOnly: true, timeInForce: 'GTX', reduceOnly: false });
    expect(Number(o[0]!.quantity) * Number(o[0]!.price)).toBeLessThanOrEqual(100_000 * 10 * 0.05);
  });

  it('stops adding to the inventory at the cap and sends the reducing side reduce-only', () => {
    const bot = createStrategy(parseStrategySpecs(['mm:leverage=10,size=0.05,max_inventory=0.5,jitter=0'])[0]!);
    const capQty = (100_000 * 10 * 0.5) / 2000;
    const o = orders(bot.decide(view([2000], String(capQty))));
    expect(o.map((x) => [x.side, x.reduceOnly])).toEqual([['sell', true]]);
    const below = orders(bot.decide(view([2000], String(capQty / 2))));
    expect(below.map((x) => x.side)).toEqual(['buy', 'sell']);
  });

  it('does nothing without equity', () => {
    const bot = createStrategy(parseStrategySpecs(['mm'])[0]!);
    expect(orders(bot.decide(view([2000], '0', '0')))).toEqual([]);
  });
});

describe('lotQuantity', () => {
  it('floors to the lot and drops sizes under the venue minimums', () => {
    expect(lotQuantity(ETH!, 1.23456, 2000)).toBe('1.234');
    expect(lotQuantity(ETH!, 0.0005, 2000)).toBeUndefined(); // below minQty
    expect(lotQuantity(ETH!, 0.005, 2000)).toBeUndefined(); // 10 USDT < minNotional 20
    expect(lotQuantity(ETH!, Number.NaN, 2000)).toBeUndefined();
  });
});
