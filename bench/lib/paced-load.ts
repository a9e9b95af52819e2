/** Open-loop load at a fixed rate (requests are started on schedule whether or not earlier ones
 * finished, so queueing shows up in the latency, no coordinated omission), latencies recorded
 * in microseconds in an HDR histogram. */
import * as hdr from 'hdr-histogram-js';
import { Pool } from 'undici';

export interface PacedResult {
  readonly rate: number;
  readonly sent: number;
  readonly ok: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly p50us: number;
  readonly p90us: number;
  readonly p99us: number;
  readonly maxUs: number;
  readonly achievedRps: number;
}

export async function pacedLoad(opts: {
  origin: string;
  path: string;
  rate: number;
  seconds: number;
  headers?: Record<string, string>;
  body: () => string;
  connections?: number;
}): Promise<PacedResult> {
  const pool = new Pool(opts.origin, { connections: opts.connections ?? 32, pipelining: 1 });
  const h = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: 3,
  });
  const total = Math.round(opts.rate * opts.seconds);
  const interval = 1000 / opts.rate;
  let ok = 0,
    non2xx = 0,
    errors = 0;
  const start = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const body = opts.body();
    // Measured from when the request was due (waiting behind earlier ones counts), or from when it
    // was really sent if the loop sent it early (waits under 1 ms are not slept).
    const from = Math.min(due, performance.now());
    inflight.push(
      (async () => {
        try {
          const res = await pool.request({
            path: opts.path,
            method: 'POST',
            headers: { 'content-type': 'application/json', ...opts.headers },
            body,
          });
          await res.body.arrayBuffer();
          if (res.statusCode >= 200 && res.statusCode < 300) ok++;
          else non2xx++;
        } catch {
          errors++;
        }
        h.recordValue(Math.max(1, Math.round((performance.now() - from) * 1000)));
      })(),
    );
  }
  await Promise.all(inflight);
  const elapsed = (performance.now() - start) / 1000;
  await pool.close();
  return {
    rate: opts.rate,
    sent: total,
    ok,
    non2xx,
    errors,
    p50us: h.getValueAtPercentile(50),
    p90us: h.getValueAtPercentile(90),
    p99us: h.getValueAtPercentile(99),
    maxUs: h.maxValue,
    achievedRps: total / elapsed,
  };
}

export const ms = (us: number): string => (us / 1000).toFixed(2);
