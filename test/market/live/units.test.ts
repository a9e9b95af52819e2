import fc from 'fast-check';
import ccxt from 'ccxt';
import { describe, expect, it } from 'vitest';
import { isLiqguardError } from '../../../src/core/errors.js';
import { backoffDelay } from '../../../src/market/live/backoff.js';
import { createCcxtExchange, localBinanceUrls } from '../../../src/market/live/exchange.js';
import {
  FundingTracker,
  toClosedBars,
  toLiquidationEvents,
  toMarkEvent,
  toOpenInterestEvent,
  toTradeEvents,
} from '../../../src/market/live/normalize.js';
import { runLoop, type ErrorKind } from '../../../src/market/live/stream-loop.js';
import { StreamRegistry, streamKey } from '../../../src/market/live/stream-registry.js';

const S = 'BTC/USDT:USDT';

describe('backoffDelay', () => {
  it('stays in [cap/2, cap] with cap = min(max, initial·factorⁿ), and never shrinks between attempts', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5_000 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 0, max: 40 }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        (initialMs, extra, n, r1, r2) => {
          const o = { initialMs, maxMs: initialMs + extra, factor: 2 };
          const cap = Math.min(o.maxMs, initialMs * 2 ** n);
          const d = backoffDelay(n, o, () => r1);
          expect(d).toBeGreaterThanOrEqual(Math.floor(cap / 2));
          expect(d).toBeLessThanOrEqual(Math.ceil(cap));
          const next = backoffDelay(n + 1, o, () => r2);
          if (cap * 2 <= o.maxMs) expect(next).toBeGreaterThanOrEqual(d);
        },
      ),
    );
  });
});

describe('normalize', () => {
  it('mark from a ccxt watchMarkPrice ticker carries funding from info.r and info.T', () => {
    const e = toMarkEvent(
      S,
      { markPrice: 100.5, indexPrice: 100.4, timestamp: 5, info: { r: '0.00012', T: 28_800_000 } },
      9,
    );
    expect(e).toEqual({
      type: 'mark',
      symbol: S,
      ts: 5,
      markPrice: 100.5,
      indexPrice: 100.4,
      fundingRate: 0.00012,
      nextFundingTime: 28_800_000,
    });
    expect(toMarkEvent(S, { markPrice: undefined, info: {} }, 9)).toBeUndefined();
  });

  it('FundingTracker emits the last predicted rate as settled when the next funding time advances', () => {
    const f = new FundingTracker();
    const m = (ts: number, rate: number, next: number) => ({
      type: 'mark' as const,
      symbol: S,
      ts,
      markPrice: 1,
      fundingRate: rate,
      nextFundingTime: next,
    });
    expect(f.observe(m(1, 0.0001, 8 * 3_600_000))).toBeUndefined();
    expect(f.observe(m(2, 0.0002, 8 * 3_600_000))).toBeUndefined();
    expect(f.observe(m(3, 0.0005, 16 * 3_600_000))).toEqual({
      type: 'funding',
      symbol: S,
      ts: 8 * 3_600_000,
      rate: 0.0002,
      intervalHours: 8,
    });
  });

  it('only closed bars newer than the last emitted one', () => {
    const rows = [
      [0, 1, 2, 0.5, 1.5, 10],
      [60_000, 1.5, 2, 1, 1.8, 5],
      [120_000, 1.8, 1.9, 1.7, 1.75, 1],
    ];
    expect(toClosedBars(S, rows, 60_000, 180_000, -Infinity).map((b) => b.openTime)).toEqual([0, 60_000, 120_000]);
    expect(toClosedBars(S, rows, 60_000, 179_999, 0).map((b) => b.openTime)).toEqual([60_000]);
    expect(toClosedBars(S, rows, 60_000, 180_000, 0)[0]).toEqual({
      type: 'bar',
      symbol: S,
      ts: 120_000,
      openTime: 60_000,
      intervalMs: 60_000,
      open: 1.5,
      high: 2,
      low: 1,
      close: 1.8,
      volume: 5,
    });
  });

  it('trades, liquidations and open interest; malformed entries are dropped', () => {
    expect(
      toTradeEvents(
        S,
        [
          { price: 10, amount: 2, side: 'sell', timestamp: 4 },
          { price: 'x', amount: 1, side: 'buy' },
        ],
        0,
      ),
    ).toEqual([{ type: 'trade', symbol: S, ts: 4, price: 10, quantity: 2, takerSide: 'sell' }]);
    expect(toLiquidationEvents(S, [{ price: 100, contracts: 3, side: 'buy', timestamp: 7 }], 0)).toEqual([
      { type: 'liquidation', symbol: S, ts: 7, side: 'buy', price: 100, quantity: 3, notional: 300 },
    ]);
    expect(toOpenInterestEvent(S, { openInterestAmount: 5, timestamp: 1 }, 0)).toEqual({
      type: 'openInterest',
      symbol: S,
      ts: 1,
      openInterest: 5,
    });
    expect(toOpenInterestEvent(S, {}, 0)).toBeUndefined();
  });
});

describe('StreamRegistry', () => {
  it('starting → live → silent → live, with the reason and last event time', () => {
    const r = new StreamRegistry();
    r.register('v', S, 'mark', 100, 0);
    const k = streamKey('v', S, 'mark');
    expect(r.checkSilence(100)).toEqual([]);
    expect(r.checkSilence(101)[0]).toMatchObject({ state: 'silent', reason: 'no event for 101 ms (threshold 100 ms)' });
    expect(r.recordEvent(k, 150)).toMatchObject({ state: 'live', lastEventAt: 150 });
    expect(r.recordEvent(k, 160)).toBeUndefined();
    expect(r.checkSilence(260)).toEqual([]);
    expect(r.checkSilence(261)[0]).toMatchObject({ state: 'silent', lastEventAt: 160 });
    expect(r.checkSilence(999)).toEqual([]); // reported once
    expect(r.lastEventAt(undefined, S, 'mark')).toBe(160);
  });
  it('a zero threshold never reports silence', () => {
    const r = new StreamRegistry();
    r.register('v', S, 'liquidations', 0, 0);
    expect(r.checkSilence(1e12)).toEqual([]);
  });
});

describe('runLoop', () => {
  const base = { backoff: { initialMs: 1, maxMs: 4, factor: 2 }, random: () => 0 };

  it('retries a gap at once, backs off on network errors, and ends on an unsupported method', async () => {
    const script: unknown[] = [
      new ccxt.ChecksumError('gap'),
      new ccxt.NetworkError('down'),
      new ccxt.NetworkError('down'),
      'ok',
      new ccxt.NotSupported('no'),
    ];
    const seen: [ErrorKind, number | undefined][] = [];
    let calls = 0;
    await runLoop(
      async () => {
        const step = script[calls++];
        if (step instanceof Error) throw step;
      },
      { ...base, signal: new AbortController().signal, onError: (k, _e, wait) => void seen.push([k, wait]) },
    );
    expect(seen).toEqual([
      ['gap', 0],
      ['network', 1],
      ['network', 1],
      ['unsupported', undefined],
    ]);
    expect(calls).toBe(5);
  });

  it('stops when aborted, including during a poll interval', async () => {
    const ac = new AbortController();
    let calls = 0;
    const done = runLoop(
      async () => void calls++,
      { ...base, signal: ac.signal, onError: () => undefined },
      { intervalMs: 60_000 },
    );
    await new Promise((r) => setTimeout(r, 10));
    ac.abort();
    await done;
    expect(calls).toBe(1);
  });
});

describe('createCcxtExchange', () => {
  it('rejects an unknown exchange id with CONFIG_INVALID', () => {
    try {
      createCcxtExchange({ id: 'x', exchangeId: 'nope', symbols: [] });
      expect.unreachable();
    } catch (e) {
      expect(isLiqguardError(e) && e.code).toBe('CONFIG_INVALID');
      expect((e as Error).message).toMatch(/"nope" is not a ccxt.pro exchange id/);
    }
  });

  it('applies url overrides by dotted path, an agent for ws://, no rate limiter, credentials from env', () => {
    const ex = createCcxtExchange(
      {
        id: 'x',
        exchangeId: 'binanceusdm',
        symbols: [],
        urls: localBinanceUrls('http://127.0.0.1:9', 'ws://127.0.0.1:9'),
        apiKeyEnv: 'LG_K',
        secretEnv: 'LG_S',
      },
      { LG_K: 'key-1', LG_S: 'secret-1' },
    ) as any;
    expect(ex.urls.api.fapiPublic).toBe('http://127.0.0.1:9/fapi/v1');
    expect(ex.urls.api.fapiData).toBe('http://127.0.0.1:9/futures/data');
    expect(ex.urls.api.ws.future).toBe('ws://127.0.0.1:9/ws');
    expect(ex.urls.api.ws.spot).toMatch(/^wss:/); // siblings untouched
    expect(ex.httpAgent).toBeDefined();
    expect(ex.enableRateLimit).toBe(false);
    expect(ex.options.fetchCurrencies).toBe(false);
    expect(ex.options.ws.backoff.base).toBe(0);
    expect([ex.apiKey, ex.secret]).toEqual(['key-1', 'secret-1']);
  });
});

describe('createLiveFeed with a venue that has no websocket streams', () => {
  it('polls fetchFundingRate for the mark, starts only supported streams, and never logs credentials', async () => {
    const { createLiveFeed } = await import('../../../src/market/live/live-feed.js');
    const logs: string[] = [];
    const log = (o: object, m?: string) => void logs.push(JSON.stringify(o) + (m ?? ''));
    const events: unknown[] = [];
    let loads = 0;
    const fake = {
      id: 'fake',
      has: { fetchFundingRate: true, fetchOpenInterest: true },
      markets: { [S]: {} },
      loadMarkets: async () => {
        if (++loads === 1) throw new ccxt.NetworkError('first load fails');
      },
      close: async () => undefined,
      fetchFundingRate: async () => ({
        markPrice: 101,
        indexPrice: 100.9,
        fundingRate: 0.0003,
        fundingTimestamp: 28_800_000,
        timestamp: 7,
      }),
      fetchOpenInterest: async () => ({ openInterestAmount: 12, timestamp: 8 }),
    };
    const feed = createLiveFeed({
      venues: [{ id: 'v', exchangeId: 'fake', symbols: [S], apiKey: 'very-secret-key', secret: 'very-secret-value' }],
      onEvent: (e) => void events.push(e),
      logger: { info: log, warn: log, error: log, debug: log },
      clock: { now: () => 1_000 },
      backoff: { initialMs: 1, maxMs: 2 },
      fundingPollMs: 5,
      openInterestPollMs: 5,
      bars: false,
      createExchange: () => fake,
    });
    await feed.start();
    expect(
      feed
        .status()
        .map((s) => s.stream)
        .sort(),
    ).toEqual(['mark', 'openInterest']);
    await new Promise<void>((resolve) => {
      const t = setInterval(() => events.length >= 4 && (clearInterval(t), resolve()), 2);
    });
    await feed.stop();
    expect(events).toContainEqual({
      type: 'mark',
      symbol: S,
      ts: 7,
      markPrice: 101,
      indexPrice: 100.9,
      fundingRate: 0.0003,
      nextFundingTime: 28_800_000,
    });
    expect(events).toContainEqual({ type: 'openInterest', symbol: S, ts: 8, openInterest: 12 });
    expect(loads).toBe(2);
    expect(logs.some((l) => l.includes('loadMarkets failed'))).toBe(true);
    expect(logs.join('\n')).not.toMatch(/very-secret/);
  });
});
