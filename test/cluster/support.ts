/** Helpers of the cluster tests: the Redis gate (skip with a reason, fail under CI=true), unique
 * key prefixes and their cleanup, replica child processes, a throwaway redis-server. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { ClusterConfig } from '../../src/cluster/index.js';
import type { ClientConfig } from '../../src/config/types.js';
import type { ReplicaSpec } from './replica-main.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');

export async function probeRedis(url = REDIS_URL): Promise<{ ok: true } | { ok: false; reason: string }> {
  const r = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  r.on('error', () => undefined);
  try {
    await r.connect();
    await r.ping();
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: `Redis at ${url} unreachable: ${(err as Error).message}` };
  } finally {
    r.disconnect();
  }
}

/** true when the Redis tests must skip; prints why. Under CI=true an unreachable Redis fails. */
export async function redisMissing(what: string): Promise<boolean> {
  const p = await probeRedis();
  if (p.ok) return false;
  if (process.env.CI === 'true') throw new Error(`${what}: ${p.reason} (CI=true: Redis tests must run; set REDIS_URL)`);
  console.warn(`SKIP ${what}: ${p.reason} (set REDIS_URL to run them)`);
  return true;
}

export const runTag = (): string => `${process.pid.toString(36)}${randomBytes(3).toString('hex')}`;
export const uniquePrefix = (tag: string): string => `lgtest:${tag}:`;

export async function cleanupPrefix(prefix: string, url = REDIS_URL): Promise<number> {
  const r = new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on('error', () => undefined);
  let n = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) n += await r.del(...keys);
    } while (cursor !== '0');
  } catch {
    // a throwaway server that is already gone
  } finally {
    r.disconnect();
  }
  return n;
}

export function clusterConfig(url: string, keyPrefix: string, over: Partial<ClusterConfig> = {}): ClusterConfig {
  return {
    redis: { url, keyPrefix, commandTimeoutMs: 1000 },
    allowDegradedLocal: false,
    clientOrderIdTtlMs: 600_000,
    messageRetentionMs: 600_000,
    throttleHeartbeatMs: 100,
    accountViewMaxAgeMs: 2000,
    ...over,
  };
}

export const client = (id: string): ClientConfig => ({
  id,
  apiKey: `key-${id}`,
  account: `acct-${id}`,
  venue: 'sim',
  roles: ['trader', 'viewer', 'operator', 'compliance'],
});

export function tempDir(name: string): string {
  return mkdtempSync(join(tmpdir(), `lg-cluster-${name}-`));
}

export function writePolicy(dir: string, yaml: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'cluster-test.yaml'), yaml);
}

/** Start-up is awaited on the replica's ready line (its URL on stdout); this cap only turns a hung
 * start into an error. A cold start took 16.9 s on a busy 2-core host, so it is sized far above. */
const REPLICA_START_MS = 120_000;
/** beforeAll budget for starting replicas (two cold starts in parallel on a busy host). */
export const START_BUDGET_MS = 2 * REPLICA_START_MS + 10_000;

export interface Replica {
  readonly url: string;
  readonly spec: ReplicaSpec;
  readonly stderr: () => string;
  stop(): Promise<void>;
}

export async function startReplica(spec: ReplicaSpec): Promise<Replica> {
  const file = join(spec.stateDir, `${spec.instance}.replica.json`);
  mkdirSync(spec.stateDir, { recursive: true });
  writeFileSync(file, JSON.stringify(spec));
  const proc: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(HERE, 'replica-main.ts'), file], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env },
  });
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () =>
        reject(new Error(`replica ${spec.instance} did not print its URL within ${REPLICA_START_MS / 1000} s: ${err}`)),
      REPLICA_START_MS,
    );
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      // The ready line is the one JSON object with a url (log lines may come first).
      const line = out.split('\n').find((l) => l.startsWith('{"url"'));
      if (line) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { url: string }).url);
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`replica ${spec.instance} exited with ${code}: ${err}`));
    });
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  return {
    url,
    spec,
    stderr: () => err,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    },
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** A redis-server child on its own port that keeps nothing on disk. */
export async function startThrowawayRedis(
  port?: number,
): Promise<{ url: string; port: number; stop(): Promise<void> }> {
  const p = port ?? (await freePort());
  const proc = spawn('redis-server', ['--port', String(p), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  const url = `redis://127.0.0.1:${p}`;
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  for (let i = 0; i < 100; i++) {
    if ((await probeRedis(url)).ok) break;
    if (proc.exitCode !== null) throw new Error(`redis-server exited with ${proc.exitCode}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    port: p,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await exited;
    },
  };
}

export async function order(
  url: string,
  clientId: string,
  body: Record<string, unknown>,
): Promise<{ status: number; body: any }> {
  const r = await fetch(`${url}/v1/orders`, {
    method: 'POST',
    headers: { 'x-api-key': `key-${clientId}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json()) as any };
}

export async function call(
  url: string,
  clientId: string,
  path: string,
  method: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const r = await fetch(`${url}${path}`, {
    method,
    headers: { 'x-api-key': `key-${clientId}`, 'content-type': 'application/json', 'x-operator': 'Ada' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: r.status, body: (await r.json()) as any };
}

export async function until(what: string, fn: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
