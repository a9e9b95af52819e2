/** Optional Prometheus counters for the live feed, registered on the gateway's Registry. */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { StreamKind } from './types.js';

export interface FeedMetrics {
  event(venue: string, stream: StreamKind): void;
  gap(venue: string, symbol: string, stream: StreamKind): void;
  reconnect(venue: string, stream: StreamKind): void;
  error(venue: string, stream: StreamKind, kind: string): void;
  silent(venue: string, symbol: string, stream: StreamKind, silent: boolean): void;
}

export const noMetrics: FeedMetrics = { event() {}, gap() {}, reconnect() {}, error() {}, silent() {} };

export function createFeedMetrics(registry: Registry): FeedMetrics {
  const registers = [registry];
  const events = new Counter({
    name: 'liqguard_feed_events_total',
    help: 'Market events emitted by the live feed',
    labelNames: ['venue', 'stream'],
    registers,
  });
  const gaps = new Counter({
    name: 'liqguard_feed_gaps_total',
    help: 'Sequence gaps detected (order book resynced)',
    labelNames: ['venue', 'symbol', 'stream'],
    registers,
  });
  const reconnects = new Counter({
    name: 'liqguard_feed_reconnects_total',
    help: 'Stream reconnects after a network error',
    labelNames: ['venue', 'stream'],
    registers,
  });
  const errors = new Counter({
    name: 'liqguard_feed_errors_total',
    help: 'Feed errors by kind',
    labelNames: ['venue', 'stream', 'kind'],
    registers,
  });
  const silent = new Gauge({
    name: 'liqguard_feed_silent',
    help: '1 while a stream is silent past its threshold',
    labelNames: ['venue', 'symbol', 'stream'],
    registers,
  });
  return {
    event: (venue, stream) => events.inc({ venue, stream }),
    gap: (venue, symbol, stream) => gaps.inc({ venue, symbol, stream }),
    reconnect: (venue, stream) => reconnects.inc({ venue, stream }),
    error: (venue, stream, kind) => errors.inc({ venue, stream, kind }),
    silent: (venue, symbol, stream, on) => silent.set({ venue, symbol, stream }, on ? 1 : 0),
  };
}
