/** Redis stopped mid-run (a throwaway redis-server of this test, never the shared one): new orders
 * get the fail-closed CLUSTER_UNAVAILABLE answer, audited like every decision; once Redis is back
 * the replicas reconnect by themselves and trade again; both chains verify with every order. */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryAudit } from '../../src/audit/query.js';
import { verifyAudit } from '../../src/audit/verify.js';
import {
  call,
  client,
  clusterConfig,
  order,
  redisMissing,
  runTag,
  START_BUDGET_MS,
  startReplica,
  startThrowawayRedis,
  tempDir,
  until,
  writePolicy,
  type Replica,
} from './support.js';

const missing = await redisMissing('cluster outage test');
const tag = runTag();
const who = `out-${tag}`;
const root = tempDir('outage');
const auditDir = join(root, 'audit');
const SYMBOL = 'BTC/USDT:USDT';
const buy = { symbol: SYMBOL, side: 'buy', type: 'limit', quantity: '0.001', price: '59000' };

describe.skipIf(missing)('Redis stopped mid-run', () => {
  let redis: Awaited<ReturnType<typeof startThrowawayRedis>>;
  const replicas: Replica[] = [];
  beforeAll(async () => {
    redis = await startThrowawayRedis();
    writePolicy(join(root, 'policies'), 'id: cluster-test\nversion: 1\nrules: []\n');
    const spec = (instance: string) => ({
      instance,
      auditDir,
      stateDir: join(root, instance),
      policiesDir: join(root, 'policies'),
      enforce: 'cluster-test',
      clients: [client(who)],
      symbol: SYMBOL,
      price: 60000,
      cluster: clusterConfig(redis.url, `lgtest:${tag}:`),
    });
    replicas.push(...(await Promise.all([startReplica(spec('out-a')), startReplica(spec('out-b'))])));
  }, START_BUDGET_MS);
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    await redis?.stop();
  });

  it(
    'fails closed with CLUSTER_UNAVAILABLE, resumes after a reconnect, loses nothing from the audit',
    async () => {
      const [a, b] = replicas as [Replica, Replica];
      const intents: string[] = [];
      const burst = async () => {
        const res = await Promise.all([a, b, a, b].map((r) => order(r.url, who, buy)));
        for (const r of res) intents.push(r.body.intentId);
        return res;
      };
      const up = await burst();
      expect(up.map((r) => r.body.decision.kind)).toEqual(['accept', 'accept', 'accept', 'accept']);

      await redis.stop();
      const down = await burst();
      expect(down.map((r) => r.status)).toEqual([200, 200, 200, 200]);
      expect(down.map((r) => r.body.decision.code)).toEqual([
        'CLUSTER_UNAVAILABLE',
        'CLUSTER_UNAVAILABLE',
        'CLUSTER_UNAVAILABLE',
        'CLUSTER_UNAVAILABLE',
      ]);
      const health = await call(a.url, who, '/healthz', 'GET');
      expect(health.body.checks.cluster.ok).toBe(false);
      expect(await metric(a.url, 'liqguard_cluster_unavailable_total{op="prefetch"}')).toBeGreaterThanOrEqual(2);

      // Same port, empty server: both replicas reconnect on their own (no restart).
      redis = await startThrowawayRedis(redis.port);
      for (const r of [a, b])
        await until(
          `${r.spec.instance} reconnected`,
          async () => (await call(r.url, who, '/healthz', 'GET')).body.checks.cluster.ok === true,
        );
      const back = await burst();
      expect(back.map((r) => r.body.decision.kind)).toEqual(['accept', 'accept', 'accept', 'accept']);
      expect(await metric(a.url, 'liqguard_cluster_redis_reconnects_total')).toBeGreaterThanOrEqual(1);

      await Promise.all(replicas.map((r) => r.stop()));
      const v = await verifyAudit(auditDir);
      expect(v.ok).toBe(true);
      expect(v.instances.map((i) => i.instance).sort()).toEqual(['out-a', 'out-b']);
      const page = await queryAudit(auditDir, { type: ['decision'] }, { limit: 500 });
      const byIntent = new Map(page.records.map((r) => [String(r.intentId), r as any]));
      for (const id of intents) expect(byIntent.has(id)).toBe(true);
      expect(intents.filter((id) => byIntent.get(id).decision.code === 'CLUSTER_UNAVAILABLE')).toHaveLength(4);
    },
    START_BUDGET_MS,
  );
});

async function metric(url: string, series: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.split(' ')[1]) : 0;
}
