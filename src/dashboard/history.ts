/** Per-symbol regime history from the bus 'regime' events: the latest score and a bounded ring of
 * (ts, probability, regime) points, so a freshly opened dashboard draws its charts at once. */
import type { EventBus } from '../core/events.js';
import type { RegimeScore } from '../core/types.js';

export interface HistoryPoint {
  readonly ts: number;
  readonly p: number | null; // null: score unavailable (regime unknown)
  readonly regime: string;
}

export class RegimeHistory {
  private readonly points = new Map<string, HistoryPoint[]>();
  private readonly latestScore = new Map<string, RegimeScore>();

  constructor(private readonly capacity = 720) {}

  attach(bus: Pick<EventBus, 'subscribe'>): () => void {
    return bus.subscribe((e) => this.add(e.symbol, e.ts, e.score), ['regime']);
  }

  add(symbol: string, ts: number, score: RegimeScore): void {
    let ring = this.points.get(symbol);
    if (!ring) this.points.set(symbol, (ring = []));
    const p = score.status === 'ok' ? score.probability : null;
    const last = ring[ring.length - 1];
    // Replays can loop back in time: start the series again rather than draw backwards.
    if (last && ts < last.ts) ring.length = 0;
    if (last && ts === last.ts) ring[ring.length - 1] = { ts, p, regime: score.regime };
    else ring.push({ ts, p, regime: score.regime });
    // Trimmed in batches (a tenth of the capacity at a time), not by one splice per point: every
    // order publishes a regime event, and shifting the whole ring per order showed in the profile.
    if (ring.length > this.capacity + Math.ceil(this.capacity / 10)) ring.splice(0, ring.length - this.capacity);
    this.latestScore.set(symbol, score);
  }

  latest(symbol: string): RegimeScore | undefined {
    return this.latestScore.get(symbol);
  }

  /** The newest `capacity` points, oldest first. */
  history(symbol: string): readonly HistoryPoint[] {
    const ring = this.points.get(symbol) ?? [];
    return ring.length > this.capacity ? ring.slice(ring.length - this.capacity) : ring;
  }
}
