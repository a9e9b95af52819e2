/** Per-stream bookkeeping: last event time, state (starting → live ⇄ silent, or unsupported /
 * failed), counters. Pure: time comes in as arguments; the feed runs the timer and reports
 * the transitions returned here. */
import type { StreamCounters, StreamKind, StreamState, StreamStatus } from './types.js';

interface Entry {
  venue: string;
  symbol: string;
  stream: StreamKind;
  state: StreamState;
  since: number;
  lastEventAt?: number;
  reason?: string;
  silenceAfterMs: number;
  readonly counters: StreamCounters;
}

export const streamKey = (venue: string, symbol: string, stream: StreamKind): string => `${venue} ${symbol} ${stream}`;

export class StreamRegistry {
  private readonly entries = new Map<string, Entry>();

  register(venue: string, symbol: string, stream: StreamKind, silenceAfterMs: number, now: number): void {
    this.entries.set(streamKey(venue, symbol, stream), {
      venue,
      symbol,
      stream,
      state: 'starting',
      since: now,
      silenceAfterMs,
      counters: { events: 0, gaps: 0, reconnects: 0, errors: 0 },
    });
  }

  counters(key: string): StreamCounters | undefined {
    return this.entries.get(key)?.counters;
  }

  /** Records an event; returns the status change when the stream becomes live again. */
  recordEvent(key: string, now: number): StreamStatus | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    e.lastEventAt = now;
    e.counters.events++;
    if (e.state === 'live') return undefined;
    return this.transition(e, 'live', now);
  }

  /** A terminal or external state change (unsupported, failed, stopped). */
  set(key: string, state: StreamState, now: number, reason?: string): StreamStatus | undefined {
    const e = this.entries.get(key);
    if (!e || e.state === state) return undefined;
    return this.transition(e, state, now, reason);
  }

  /** Streams silent longer than their threshold since their last event (or since start). */
  checkSilence(now: number): StreamStatus[] {
    const out: StreamStatus[] = [];
    for (const e of this.entries.values()) {
      if (e.silenceAfterMs <= 0 || (e.state !== 'live' && e.state !== 'starting')) continue;
      const quietFor = now - (e.lastEventAt ?? e.since);
      if (quietFor > e.silenceAfterMs)
        out.push(this.transition(e, 'silent', now, `no event for ${quietFor} ms (threshold ${e.silenceAfterMs} ms)`));
    }
    return out;
  }

  lastEventAt(venue: string | undefined, symbol: string, stream: StreamKind): number | undefined {
    let best: number | undefined;
    for (const e of this.entries.values()) {
      if (e.symbol !== symbol || e.stream !== stream || (venue !== undefined && e.venue !== venue)) continue;
      if (e.lastEventAt !== undefined && (best === undefined || e.lastEventAt > best)) best = e.lastEventAt;
    }
    return best;
  }

  statuses(): StreamStatus[] {
    return [...this.entries.values()].map(view);
  }

  allCounters(): Record<string, StreamCounters> {
    const out: Record<string, StreamCounters> = {};
    for (const [k, e] of this.entries) out[k] = { ...e.counters };
    return out;
  }

  private transition(e: Entry, state: StreamState, now: number, reason?: string): StreamStatus {
    e.state = state;
    e.since = now;
    if (reason === undefined) delete e.reason;
    else e.reason = reason;
    return view(e);
  }
}

function view(e: Entry): StreamStatus {
  return {
    venue: e.venue,
    symbol: e.symbol,
    stream: e.stream,
    state: e.state,
    since: e.since,
    ...(e.lastEventAt !== undefined ? { lastEventAt: e.lastEventAt } : {}),
    ...(e.reason !== undefined ? { reason: e.reason } : {}),
  };
}
