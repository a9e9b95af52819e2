/** One gateway replica for the cluster integration tests and the benchmark: the real composition
 * root (buildGateway) with `cluster:` in its config, a simulated venue and one synthetic hourly
 * bar (market.source none), the baseline scorer. Usage:
 *   node --import tsx test/cluster/replica-main.ts <replica.json>
 * Prints one JSON line {"url": ...} on stdout when listening; SIGTERM closes it cleanly. */
import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import type { ClusterConfig } from '../../src/cluster/index.js';
import { loadConfigText, PACKAGE_ROOT } from '../../src/config/load.js';
import type { ClientConfig } from '../../src/config/types.js';
import { systemClock } from '../../src/core/clock.js';
import { buildGateway } from '../../src/gateway/gateway.js';

export interface ReplicaSpec {
  readonly instance: string;
  readonly auditDir: string;
  readonly stateDir: string;
  readonly policiesDir: string;
  readonly enforce: string;
  readonly clients: readonly ClientConfig[];
  readonly symbol: string;
  readonly price: number;
  readonly cluster: ClusterConfig;
}

const spec = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as ReplicaSpec;
const yaml = stringify({
  instance: spec.instance,
  server: { logLevel: 'warn' },
  clients: spec.clients.map((c) => ({
    id: c.id,
    apiKey: c.apiKey,
    account: c.account,
    venue: c.venue,
    roles: [...c.roles],
  })),
  venues: [{ id: 'sim', kind: 'simulated', initialBalance: '100000000', symbols: [spec.symbol] }],
  market: { source: 'none', staleAfterMs: 10 * 365 * 86_400_000 },
  scoring: { scorer: 'baseline' },
  policies: { dir: spec.policiesDir, enforce: spec.enforce, watch: false },
  audit: { dir: spec.auditDir, rotateDaily: false },
  state: { dir: spec.stateDir },
  cluster: {
    redis: {
      url: spec.cluster.redis.url,
      keyPrefix: spec.cluster.redis.keyPrefix,
      commandTimeoutMs: spec.cluster.redis.commandTimeoutMs,
    },
    allowDegradedLocal: spec.cluster.allowDegradedLocal,
    clientOrderIdTtlMs: spec.cluster.clientOrderIdTtlMs,
    messageRetentionMs: spec.cluster.messageRetentionMs,
    throttleHeartbeatMs: spec.cluster.throttleHeartbeatMs,
    accountViewMaxAgeMs: spec.cluster.accountViewMaxAgeMs,
    ...(spec.cluster.caps ? { caps: spec.cluster.caps } : {}),
  },
});
const config = loadConfigText(yaml, { env: {}, baseDir: PACKAGE_ROOT, source: `replica ${spec.instance}` });
const gw = await buildGateway(config, { logger: false });
await gw.start();
const now = systemClock.now();
gw.ingest({
  type: 'bar',
  symbol: spec.symbol,
  ts: now,
  openTime: now - 3_600_000,
  intervalMs: 3_600_000,
  open: spec.price,
  high: spec.price,
  low: spec.price,
  close: spec.price,
  volume: 1000,
});
const url = await gw.app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ url, instance: spec.instance })}\n`);

let closing = false;
process.on('SIGTERM', () => {
  if (closing) return;
  closing = true;
  void gw.close().finally(() => process.exit(0));
});
