/** Bottleneck limiters clustered on Redis (datastore 'ioredis'): the admission stage's throttles
 * and a cluster-wide venue weight gate share rates, concurrency and reservoirs across replicas.
 * One IORedisConnection (two sockets) serves every limiter: a connection per limiter would open
 * two sockets per throttle key. */
import Bottleneck from 'bottleneck';
import { Redis } from 'ioredis';
import type { AdmissionOptions } from '../execution/admission/admission.js';

export interface ClusterThrottleOptions {
  readonly url: string;
  /** Same prefix as the shared limits; bottleneck keys go under `<prefix>bn:`. */
  readonly keyPrefix: string;
  /** Reservoir refresh is driven by the heartbeat in Redis mode: keep it small. Default 250 ms. */
  readonly heartbeatIntervalMs?: number;
  /** Keys of a limiter idle this long expire in Redis. Default 15 min. */
  readonly idleTimeoutMs?: number;
}

interface VenueGate {
  /** Wait for `weight` units of the venue's shared per-minute budget; false after maxWaitMs. */
  acquire(weight?: number): Promise<{ ok: true; waitedMs: number } | { ok: false; waitedMs: number; reason: string }>;
}

export interface ClusterThrottles {
  /** Pass as `new Admission({ specFor, bottleneck })`. */
  readonly bottleneck: NonNullable<AdmissionOptions['bottleneck']>;
  /** One cluster-wide weight budget per venue (in front of the per-replica VenueBudget). */
  venueGate(venue: string, o: { weightPerMinute: number; maxWaitMs: number }): VenueGate;
  close(): Promise<void>;
}

export function createClusterThrottles(o: ClusterThrottleOptions): ClusterThrottles {
  // Offline queue on: a limiter created while Redis is away subscribes once it is back. Orders
  // never wait on it during an outage: the shared-limit prefetch denies them first.
  const client = new Redis(o.url, { keyPrefix: `${o.keyPrefix}bn:`, lazyConnect: false });
  client.on('error', () => undefined); // bottleneck surfaces errors per job
  const connection = new Bottleneck.IORedisConnection({
    client,
    Redis,
  } as unknown as Bottleneck.IORedisConnectionOptions);
  connection.on('error', () => undefined);
  const common = {
    datastore: 'ioredis' as const,
    connection,
    heartbeatInterval: o.heartbeatIntervalMs ?? 250,
    timeout: o.idleTimeoutMs ?? 15 * 60_000,
  };
  const gates = new Map<string, Bottleneck>();
  return {
    bottleneck: common,
    venueGate(venue, g) {
      const id = `liqguard:venue:${venue}:${g.weightPerMinute}`;
      let l = gates.get(id);
      if (!l) {
        l = new Bottleneck({
          id,
          ...common,
          reservoir: g.weightPerMinute,
          reservoirRefreshAmount: g.weightPerMinute,
          reservoirRefreshInterval: 60_000,
        });
        l.on('error', () => undefined);
        gates.set(id, l);
      }
      const limiter = l;
      return {
        async acquire(weight = 1) {
          const start = performance.now();
          const waited = () => Math.round(performance.now() - start);
          // A job that starts after its caller gave up still consumes its weight: conservative.
          let timer: NodeJS.Timeout | undefined;
          const timeout = new Promise<string>(
            (resolve) => (timer = setTimeout(() => resolve(`queued longer than ${g.maxWaitMs} ms`), g.maxWaitMs)),
          );
          try {
            const r = await Promise.race([limiter.schedule({ weight }, () => Promise.resolve(undefined)), timeout]);
            return r === undefined ? { ok: true, waitedMs: waited() } : { ok: false, waitedMs: waited(), reason: r };
          } catch (err) {
            return { ok: false, waitedMs: waited(), reason: (err as Error).message };
          } finally {
            clearTimeout(timer);
          }
        },
      };
    },
    async close() {
      await Promise.all([...gates.values()].map((l) => l.disconnect(false)));
      await connection.disconnect(false);
    },
  };
}
