/** Publishes a 'regime' event per symbol whenever its market snapshot moved on (new bar, mark,
 * flag), so the stream and the dashboard show regimes live even when no order is flowing. The
 * scorer caches per (symbol, asOf), so a tick without new data costs a snapshot, not inference. */
import type { Clock } from '../core/clock.js';
import type { MarketView } from '../core/stages.js';
import type { RegimeScorer } from '../core/types.js';
import type { GatewayEvent } from '../core/events.js';

export interface RegimeTickerDeps {
  readonly bus: { publish(e: GatewayEvent): void };
  readonly market: MarketView;
  readonly scorer: () => RegimeScorer;
  readonly symbols: () => readonly string[];
  readonly clock: Clock;
  readonly intervalMs?: number; // default 1000
}

export class RegimeTicker {
  private readonly last = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  failures = 0;

  constructor(private readonly d: RegimeTickerDeps) {}

  /** One pass: score and publish the symbols whose snapshot changed. Returns how many were published. */
  async tick(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    let n = 0;
    try {
      const now = this.d.clock.now();
      for (const symbol of this.d.symbols()) {
        const snap = this.d.market.snapshot(symbol, now);
        const key = `${snap.asOf}|${snap.flags.join(',')}`;
        if (this.last.get(symbol) === key) continue;
        try {
          const score = await this.d.scorer().score(snap, now);
          this.last.set(symbol, key);
          this.d.bus.publish({ type: 'regime', symbol, ts: now, score });
          n++;
        } catch {
          this.failures++;
        }
      }
    } finally {
      this.running = false;
    }
    return n;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.d.intervalMs ?? 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
