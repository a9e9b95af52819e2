/** Venue reachability for /healthz. Each probed venue (a ccxt venue: `fetchTime`, one unit of
 * request weight) is asked every `intervalMs`; a failed or timed-out probe marks it down until
 * a probe succeeds again. Venues without a probe (the in-process simulated venue) are always up.
 * Read-only: it never gates orders (the pipeline's own venue calls fail closed on their own). */
import type { Clock } from '../core/clock.js';

export interface ProbedVenue {
  readonly id: string;
  probe(): Promise<void>;
}

export interface VenueCheck {
  readonly ok: boolean;
  readonly detail: string;
}

export class VenueHealth {
  private readonly state = new Map<string, { ok: boolean; detail: string; at: number }>();
  private timer: NodeJS.Timeout | undefined;
  private readonly inflight = new Set<string>();

  constructor(
    private readonly venues: readonly ProbedVenue[],
    private readonly clock: Clock,
    private readonly intervalMs = 2000,
  ) {
    for (const v of venues) this.state.set(v.id, { ok: true, detail: 'not probed yet', at: NaN });
  }

  start(): void {
    if (!this.venues.length) return;
    void this.probeAll();
    this.timer = setInterval(() => void this.probeAll(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async probeAll(): Promise<void> {
    await Promise.all(this.venues.map((v) => this.probeOne(v)));
  }

  checks(): Record<string, VenueCheck> {
    return Object.fromEntries([...this.state].map(([id, s]) => [`venue:${id}`, { ok: s.ok, detail: s.detail }]));
  }

  private async probeOne(v: ProbedVenue): Promise<void> {
    if (this.inflight.has(v.id)) return;
    this.inflight.add(v.id);
    const t0 = this.clock.now();
    try {
      await v.probe();
      this.state.set(v.id, { ok: true, detail: `reachable (${this.clock.now() - t0} ms)`, at: t0 });
    } catch (err) {
      this.state.set(v.id, { ok: false, detail: `down: ${(err as Error).message.slice(0, 160)}`, at: t0 });
    } finally {
      this.inflight.delete(v.id);
    }
  }
}
