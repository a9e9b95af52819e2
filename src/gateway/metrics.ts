import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RegimeLabel, RegimeScore } from '../core/types.js';
import type { PipelineObserver } from '../pipeline.js';

/** Latency buckets (seconds) of the order path: 50 µs to 5 s, dense around the sub-millisecond
 * costs of a decision and an audit write, reaching far enough for a slow venue. */
const ORDER_PATH_BUCKETS = [
  0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
];

/** Regime as a number for the gauge: unknown is -1 so that alerts on `>= 2` never fire on it and
 * dashboards can colour it apart (unknown is treated as the most conservative regime by policy). */
export const REGIME_LEVEL: Readonly<Record<RegimeLabel, number>> = {
  unknown: -1,
  stable: 0,
  stressed: 1,
  fragile: 2,
  critical: 3,
};

/** Gateway-level Prometheus metrics. Stages that own counters (policy rules, feeds, venue
 * budget) register theirs on the same registry. */
export function createMetrics(opts: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (opts.defaultMetrics) collectDefaultMetrics({ register: registry });
  const decisions = new Counter({
    name: 'liqguard_decisions_total',
    help: 'Order decisions by kind and code',
    labelNames: ['kind', 'code', 'regime'],
    registers: [registry],
  });
  const reports = new Counter({
    name: 'liqguard_execution_reports_total',
    help: 'Venue execution reports by status',
    labelNames: ['venue', 'status'],
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'liqguard_http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['route', 'method', 'status'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  const h = (name: string, help: string, labelNames: string[] = []) =>
    new Histogram({ name, help, labelNames, buckets: ORDER_PATH_BUCKETS, registers: [registry] });
  const decisionSeconds = h(
    'liqguard_decision_seconds',
    'Order received by the pipeline to decision made (score, exposure, policy, admission wait)',
  );
  const auditWriteSeconds = h(
    'liqguard_audit_write_seconds',
    'Write-ahead decision record: serialise, hash, write (before any venue I/O)',
  );
  const venueRoundTripSeconds = h(
    'liqguard_venue_round_trip_seconds',
    'placeOrder sent to first venue answer, per child order',
    ['venue'],
  );
  const endToEndSeconds = h(
    'liqguard_order_end_to_end_seconds',
    'pipeline.submit: received to decision audited and every due child answered',
  );
  const regimeLevel = new Gauge({
    name: 'liqguard_regime_level',
    help: 'Current regime per symbol: -1 unknown, 0 stable, 1 stressed, 2 fragile, 3 critical',
    labelNames: ['symbol'],
    registers: [registry],
  });
  const regimeProbability = new Gauge({
    name: 'liqguard_regime_probability',
    help: 'Probability of the adverse move behind the regime, per symbol (absent when unknown)',
    labelNames: ['symbol'],
    registers: [registry],
  });
  // The scorer caches its score per bar (one frozen object), and every order sets the gauges twice
  // (the observer and the bus's regime event): the same object again changes nothing.
  const gaugedScore = new Map<string, RegimeScore>();
  const setRegime = (symbol: string, s: RegimeScore): void => {
    if (gaugedScore.get(symbol) === s) return;
    gaugedScore.set(symbol, s);
    regimeLevel.set({ symbol }, REGIME_LEVEL[s.regime]);
    if (s.status === 'ok') regimeProbability.set({ symbol }, s.probability);
    else regimeProbability.remove({ symbol });
  };
  const observer: PipelineObserver = {
    onDecision: (i, d, s) => {
      decisions.inc({ kind: d.kind, code: d.code ?? '', regime: s.regime });
      setRegime(i.symbol, s);
    },
    onReport: (r) => reports.inc({ venue: r.venue, status: r.status }),
    onTimings: (t) => {
      decisionSeconds.observe(t.decisionS);
      auditWriteSeconds.observe(t.auditS);
      endToEndSeconds.observe(t.totalS);
    },
    onVenueRoundTrip: (venue, seconds) => venueRoundTripSeconds.observe({ venue }, seconds),
  };
  return {
    ...{ registry, decisions, reports, httpDuration, observer },
    ...{ decisionSeconds, auditWriteSeconds, venueRoundTripSeconds, endToEndSeconds },
    ...{ regimeLevel, regimeProbability, setRegime },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
