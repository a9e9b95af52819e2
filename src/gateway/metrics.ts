import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { PipelineObserver } from '../pipeline.js';

/** Gateway-level Prometheus metrics. Stages that own counters (policy rules, feeds, venue
 * budget) register theirs on the same registry. */
export function createMetrics(opts: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (opts.defaultMetrics) collectDefaultMetrics({ register: registry });
  const decisions = new Counter({ name: 'liqguard_decisions_total', help: 'Order decisions by kind and code', labelNames: ['kind', 'code', 'regime'], registers: [registry] });
  const reports = new Counter({ name: 'liqguard_execution_reports_total', help: 'Venue execution reports by status', labelNames: ['venue', 'status'], registers: [registry] });
  const httpDuration = new Histogram({ name: 'liqguard_http_request_duration_seconds', help: 'HTTP request duration', labelNames: ['route', 'method', 'status'], buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1], registers: [registry] });
  const observer: PipelineObserver = {
    onDecision: (_i, d, s) => decisions.inc({ kind: d.kind, code: d.code ?? '', regime: s.regime }),
    onReport: (r) => reports.inc({ venue: r.venue, status: r.status }),
  };
  return { registry, decisions, reports, httpDuration, observer };
}

export type Metrics = ReturnType<typeof createMetrics>;
