import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ManualClock } from '../../../src/core/clock.js';
import type { MarketEvent } from '../../../src/core/types.js';
import { ReplayFeed, mergeSources, type EventSink, type ReplaySource } from '../../../src/market/replay/feed.js';
import { TimedReplay, speedMultiplier, type Scheduler } from '../../../src/market/replay/timed-replay.js';
import { replaySourcesFor } from '../../../src/market/replay/sources.js';

const H = 3_600_000;
const bar = (symbol: string, openTime: number): MarketEvent => ({
  type: 'bar',
  symbol,
  ts: openTime + H,
  openTime,
  intervalMs: H,
  open: 1,
  high: 1,
  low: 1,
  close: 1,
  volume: 1,
});
const funding = (symbol: string, ts: number): MarketEvent => ({
  type: 'funding',
  symbol,
  ts,
  rate: 0.0001,
  intervalHours: 8,
});

class Recorder implements EventSink {
  events: MarketEvent[] = [];
  resets = 0;
  ingest(e: MarketEvent) {
    this.events.push(e);
  }
  reset() {
    this.resets++;
    this.events = [];
  }
}

class FakeScheduler implements Scheduler {
  private tasks: { at: number; fn: () => void; id: number }[] = [];
  private n = 0;
  constructor(private readonly clock: ManualClock) {}
  setTimeout(fn: () => void, ms: number) {
    const id = ++this.n;
    this.tasks.push({ at: this.clock.now() + ms, fn, id });
    return id;
  }
  clearTimeout(id: unknown) {
    this.tasks = this.tasks.filter((t) => t.id !== id);
  }
  get pending() {
    return this.tasks.length;
  }
  advanceTo(wall: number) {
    for (;;) {
      this.tasks.sort((a, b) => a.at - b.at);
      const t = this.tasks[0];
      if (!t || t.at > wall) break;
      this.tasks.shift();
      this.clock.set(Math.max(this.clock.now(), t.at));
      t.fn();
    }
    this.clock.set(Math.max(this.clock.now(), wall));
  }
}

const T0 = Date.parse('2025-10-01T00:00:00Z');
const sources = (): ReplaySource[] => [
  { name: 'btc', events: Array.from({ length: 48 }, (_, i) => bar('BTC/USDT:USDT', T0 + i * H)) },
  { name: 'eth', events: Array.from({ length: 48 }, (_, i) => bar('ETH/USDT:USDT', T0 + i * H)) },
  { name: 'fund', events: Array.from({ length: 7 }, (_, i) => funding('BTC/USDT:USDT', T0 + (i + 1) * 8 * H)) },
];

describe('mergeSources', () => {
  it('orders by time; at equal time non-bar events come before the bar that closes then', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 30 }), { maxLength: 5 }), (lists) => {
        const srcs = lists.map((l, s) => ({
          name: `s${s}`,
          events: [...l]
            .sort((a, b) => a - b)
            .map((k) => (k % 2 ? funding('X/USDT:USDT', T0 + k * H) : bar('X/USDT:USDT', T0 + (k - 1) * H))),
        }));
        const merged = mergeSources(srcs);
        expect(merged).toHaveLength(lists.flat().length);
        for (let i = 1; i < merged.length; i++) {
          const a = merged[i - 1]!;
          const b = merged[i]!;
          expect(a.ts <= b.ts).toBe(true);
          if (a.ts === b.ts) expect(!(a.type === 'bar' && b.type !== 'bar')).toBe(true);
        }
      }),
    );
    const m = mergeSources(sources());
    const i8 = m.findIndex((e) => e.ts === T0 + 8 * H);
    expect(m[i8]!.type).toBe('funding');
  });
});

describe('ReplayFeed stepping mode', () => {
  it('warms up at once, then steps to each target and stops at `to`', () => {
    const feed = new ReplayFeed(sources(), { warmupFrom: T0, from: T0 + 24 * H, to: T0 + 36 * H });
    const rec = new Recorder();
    const warm = feed.warmup(rec);
    expect(warm).toBe(feed.visibleStart);
    expect(rec.events.every((e) => e.ts < T0 + 24 * H)).toBe(true);
    expect(feed.stepTo(T0 + 30 * H, rec)).toBeGreaterThan(0);
    expect(rec.events.at(-1)!.ts).toBeLessThanOrEqual(T0 + 30 * H);
    expect(feed.peekTs()).toBeGreaterThan(T0 + 30 * H);
    feed.stepTo(Infinity, rec);
    expect(feed.done).toBe(true);
    expect(rec.events.at(-1)!.ts).toBe(T0 + 36 * H);
    expect(rec.events.map((e) => e.ts)).toEqual([...rec.events.map((e) => e.ts)].sort((a, b) => a - b));
  });
  it('rejects inverted windows with a clear message', () => {
    expect(() => new ReplayFeed([], { from: T0 + H, to: T0 })).toThrow(/from .* must not be after to/);
    expect(() => new ReplayFeed([], { warmupFrom: T0 + 2 * H, from: T0 + H, to: T0 + 3 * H })).toThrow(/warmupFrom/);
  });
});

describe('TimedReplay', () => {
  it('replayTimers fire after a delay in replay time (one replayed hour = 0.5 s at 2 bars/s)', () => {
    const clock = new ManualClock(1_000_000);
    const sched = new FakeScheduler(clock);
    const r = new TimedReplay(
      new ReplayFeed(sources(), { warmupFrom: T0, from: T0 + 24 * H, to: T0 + 47 * H }),
      new Recorder(),
      { clock, scheduler: sched, speed: { barsPerSecond: 2 } },
    );
    const timers = r.replayTimers();
    let fired = 0;
    timers.setTimeout(() => fired++, H);
    const cancelled = timers.setTimeout(() => fired++, H);
    timers.clearTimeout(cancelled);
    sched.advanceTo(1_000_000 + 499);
    expect(fired).toBe(0);
    sched.advanceTo(1_000_000 + 500);
    expect(fired).toBe(1);
  });

  it('maps wall time to replay time at barsPerSecond and carries historical timestamps', () => {
    const clock = new ManualClock(1_000_000);
    const sched = new FakeScheduler(clock);
    const feed = new ReplayFeed(sources(), { warmupFrom: T0, from: T0 + 24 * H, to: T0 + 47 * H });
    const rec = new Recorder();
    const r = new TimedReplay(feed, rec, { clock, scheduler: sched, speed: { barsPerSecond: 2 } });
    expect(r.multiplier).toBe(speedMultiplier({ multiplier: 7200 }));
    r.start();
    const warmed = rec.events.length;
    // warm-up + what is due at replay time `from` (the bars and the funding stamped exactly then)
    expect(warmed).toBe(feed.events.filter((e) => e.ts <= T0 + 24 * H).length);
    expect(warmed).toBeGreaterThan(feed.visibleStart);
    sched.advanceTo(1_000_000 + 2000); // 2 s → 4 bars per symbol
    expect(r.replayClock().now()).toBe(T0 + 28 * H);
    expect(rec.events.at(-1)!.ts).toBe(T0 + 28 * H);
    expect(rec.events.filter((e) => e.type === 'bar' && e.ts > T0 + 24 * H)).toHaveLength(8);
    expect(r.wallTimeAt(T0 + 28 * H)).toBe(1_002_000);
  });

  it('ends without loop; with loop it resets the sink, re-warms and restarts replay time', () => {
    const clock = new ManualClock(0);
    const sched = new FakeScheduler(clock);
    const feed = new ReplayFeed(sources(), { warmupFrom: T0, from: T0 + 24 * H, to: T0 + 30 * H });
    const rec = new Recorder();
    const loops: number[] = [];
    let ended = false;
    const once = new TimedReplay(new ReplayFeed(sources(), feed.window), new Recorder(), {
      clock,
      scheduler: sched,
      speed: { barsPerSecond: 1 },
      onEnd: () => (ended = true),
    });
    once.start();
    sched.advanceTo(10_000);
    expect(ended).toBe(true);
    expect(once.isRunning).toBe(false);

    const r = new TimedReplay(feed, rec, {
      clock,
      scheduler: sched,
      speed: { barsPerSecond: 1 },
      loop: true,
      onLoop: (n) => loops.push(n),
    });
    r.start();
    const firstWarm = rec.events.length;
    sched.advanceTo(clock.now() + 6_500); // past `to` (6 bars at 1 bar/s)
    expect(loops).toEqual([1]);
    expect(rec.resets).toBe(2); // start + loop
    expect(r.replayClock().now()).toBeLessThan(T0 + 26 * H);
    // after the loop the sink holds the warm-up again, in increasing time
    const ts = rec.events.map((e) => e.ts);
    expect(ts).toEqual([...ts].sort((a, b) => a - b));
    expect(rec.events.length).toBeGreaterThanOrEqual(firstWarm);
    r.stop();
    expect(sched.pending).toBe(0);
  });
});

describe('replaySourcesFor (embedded default data)', () => {
  it('loads BTC+ETH hourly bars and funding for the 10/10 window, warm-up first', async () => {
    const s = await replaySourcesFor({
      dataDir: 'data',
      symbols: ['BTC/USDT:USDT', 'ETHUSDT'],
      from: '2025-09-25',
      to: '2025-10-20',
      warmupFrom: '2025-08-01',
    });
    const names = s.sources.map((x) => x.name);
    expect(names).toEqual([
      'klines BTC/USDT:USDT',
      'klines ETH/USDT:USDT',
      'funding BTC/USDT:USDT',
      'funding ETH/USDT:USDT',
    ]);
    expect(s.notes.some((n) => /openInterest .*skipped/.test(n))).toBe(true);
    const feed = new ReplayFeed(s.sources, s.window);
    expect(feed.events[0]!.ts).toBeGreaterThanOrEqual(Date.parse('2025-08-01'));
    expect(feed.events.at(-1)!.ts).toBeLessThanOrEqual(Date.parse('2025-10-20'));
    expect(feed.visibleStart).toBeGreaterThan(2 * 24 * 50);
  });
  it('names a symbol without data', async () => {
    await expect(
      replaySourcesFor({ dataDir: 'data', symbols: ['DOGEUSDT'], from: '2025-09-25', to: '2025-10-20' }),
    ).rejects.toThrow(/no hourly klines for DOGE\/USDT:USDT/);
  });
});
