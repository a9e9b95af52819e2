import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { LiqguardError, type ErrorDetail } from '../core/errors.js';
import { decimalStringOf } from '../core/decimal.js';
import { configSchema, type ConfigFile, type LogLevel } from './schema.js';
import type { ClientConfig, GatewayConfig, VenueConfig } from './types.js';
import { EMBEDDED_DEFAULT_YAML } from './embedded-default.js';
import { resolveHierarchy } from '../limits/hierarchy-config.js';
import { resolveAlertsConfig } from '../alerts/config.js';
import { resolveDeadmanConfig } from '../execution/deadman/config.js';

/** Root of the installed package (where data/, policies/ and models/ live). */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

// strict: a schema keyword ajv does not know, or one that cannot apply, is a build error, not a no-op.
const ajv = new Ajv({ allErrors: true, strict: true });
const validate = ajv.compile<ConfigFile>(configSchema);
const LOG_LEVELS: readonly string[] = configSchema.properties.server.properties.logLevel.enum;

function errorPath(e: ErrorObject): string {
  const base = e.instancePath
    .replace(/^\//, '')
    .replace(/\/(\d+)/g, '[$1]')
    .replace(/\//g, '.');
  if (e.keyword === 'additionalProperties') {
    const extra = (e.params as { additionalProperty: string }).additionalProperty;
    return base ? `${base}.${extra}` : extra;
  }
  if (e.keyword === 'required') {
    const missing = (e.params as { missingProperty: string }).missingProperty;
    return base ? `${base}.${missing}` : missing;
  }
  return base || '(root)';
}

function errorMessage(e: ErrorObject): string {
  if (e.keyword === 'additionalProperties') return 'unknown key';
  if (e.keyword === 'required') return 'is required';
  if (e.keyword === 'enum')
    return `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
  return e.message ?? 'is invalid';
}

export interface LoadOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Directory that relative paths resolve against. */
  readonly baseDir?: string;
  readonly source?: string; // for messages
}

/** Parse, validate (every error at once, with its path), resolve env secrets and paths, freeze. */
export function loadConfigText(text: string, opts: LoadOptions = {}): GatewayConfig {
  const env = opts.env ?? process.env;
  const source = opts.source ?? 'config';
  let raw: unknown;
  try {
    raw = parseYaml(text, { prettyErrors: true });
  } catch (err) {
    throw new LiqguardError('CONFIG_INVALID', `${source}: not valid YAML: ${(err as Error).message}`);
  }
  if (!validate(raw)) {
    const details: ErrorDetail[] = (validate.errors ?? []).map((e) => ({
      path: errorPath(e),
      message: errorMessage(e),
    }));
    throw new LiqguardError(
      'CONFIG_INVALID',
      `${source}: ${details.length} error(s): ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`,
      details,
    );
  }
  const r = raw;
  const details: ErrorDetail[] = [];
  const secrets: string[] = [];
  const baseDir = opts.baseDir ?? PACKAGE_ROOT;
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));

  const venueIds = new Set<string>();
  const venues: VenueConfig[] = r.venues.map((v, i) => {
    if (venueIds.has(v.id)) details.push({ path: `venues[${i}].id`, message: `duplicate venue id "${v.id}"` });
    venueIds.add(v.id);
    if (v.kind === 'ccxt' && !v.exchangeId)
      details.push({ path: `venues[${i}].exchangeId`, message: 'is required for kind ccxt' });
    if (v.kind === 'simulated' && !v.symbols)
      details.push({ path: `venues[${i}].symbols`, message: 'is required for kind simulated' });
    const apiKey = v.apiKeyEnv ? env[v.apiKeyEnv] : undefined;
    const secret = v.secretEnv ? env[v.secretEnv] : undefined;
    if (v.apiKeyEnv && !apiKey)
      details.push({ path: `venues[${i}].apiKeyEnv`, message: `environment variable ${v.apiKeyEnv} is not set` });
    if (v.secretEnv && !secret)
      details.push({ path: `venues[${i}].secretEnv`, message: `environment variable ${v.secretEnv} is not set` });
    if (apiKey) secrets.push(apiKey);
    if (secret) secrets.push(secret);
    return Object.freeze({
      id: v.id,
      kind: v.kind,
      symbols: Object.freeze([...(v.symbols ?? [])]),
      initialBalance: decimalStringOf(v.initialBalance ?? '100000'), // the schema's pattern checked it
      exchangeId: v.exchangeId,
      apiKey,
      secret,
      urls: v.urls ? Object.freeze({ ...v.urls }) : undefined,
      sandbox: v.sandbox ?? false,
    });
  });

  const clientIds = new Set<string>();
  const keys = new Set<string>();
  const clients: ClientConfig[] = r.clients.map((c, i) => {
    if (clientIds.has(c.id)) details.push({ path: `clients[${i}].id`, message: `duplicate client id "${c.id}"` });
    clientIds.add(c.id);
    if (!venueIds.has(c.venue)) details.push({ path: `clients[${i}].venue`, message: `unknown venue "${c.venue}"` });
    let apiKey: string | undefined = c.apiKey;
    if (c.apiKey && c.apiKeyEnv) details.push({ path: `clients[${i}]`, message: 'set apiKey or apiKeyEnv, not both' });
    if (c.apiKeyEnv) {
      apiKey = env[c.apiKeyEnv];
      if (!apiKey)
        details.push({ path: `clients[${i}].apiKeyEnv`, message: `environment variable ${c.apiKeyEnv} is not set` });
      else if (apiKey.length < 8)
        details.push({ path: `clients[${i}].apiKeyEnv`, message: 'key must be at least 8 characters' });
    }
    if (!c.apiKey && !c.apiKeyEnv)
      details.push({ path: `clients[${i}].apiKeyEnv`, message: 'is required (or apiKey for demos)' });
    const apiSecret: string | undefined = c.apiSecretEnv ? env[c.apiSecretEnv] : c.apiSecret;
    if (c.apiSecretEnv && !apiSecret)
      details.push({
        path: `clients[${i}].apiSecretEnv`,
        message: `environment variable ${c.apiSecretEnv} is not set`,
      });
    if (apiKey) {
      if (keys.has(apiKey)) details.push({ path: `clients[${i}]`, message: 'API key shared with another client' });
      keys.add(apiKey);
      secrets.push(apiKey);
    }
    if (apiSecret) secrets.push(apiSecret);
    return Object.freeze({
      id: c.id,
      apiKey: apiKey ?? '',
      apiSecret,
      account: c.account,
      venue: c.venue,
      roles: Object.freeze([...(c.roles ?? ['trader', 'viewer'])]),
    });
  });

  const server = r.server ?? {};
  const envPort = env.PORT;
  let port: number = server.port ?? 8080;
  const logLevel = env.LOG_LEVEL || server.logLevel || 'info';
  if (!LOG_LEVELS.includes(logLevel))
    details.push({ path: 'env.LOG_LEVEL', message: `must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"` });
  if (envPort !== undefined && envPort !== '') {
    const p = Number(envPort);
    if (!Number.isInteger(p) || p < 0 || p > 65535)
      details.push({ path: 'env.PORT', message: `must be an integer 0-65535, got "${envPort}"` });
    else port = p;
  }
  const market = r.market ?? {};
  const replay = market.replay ?? {};
  const scoring = r.scoring ?? {};
  const policies = r.policies ?? {};
  const audit = r.audit ?? {};
  const alerts = resolveAlertsConfig(r.alerts, env, details, secrets);
  const deadman = resolveDeadmanConfig(r.deadman, details);
  if (env.LIQGUARD_INSTANCE && !/^[a-zA-Z0-9_-]{1,32}$/.test(env.LIQGUARD_INSTANCE))
    details.push({ path: 'env.LIQGUARD_INSTANCE', message: 'must be 1-32 letters, digits, _ or -' });
  let cluster: GatewayConfig['cluster'];
  if (r.cluster) {
    const c = r.cluster;
    const url: string | undefined = (c.redis.urlEnv ? env[c.redis.urlEnv] : undefined) ?? c.redis.url;
    if (c.redis.urlEnv && !env[c.redis.urlEnv] && !c.redis.url)
      details.push({ path: 'cluster.redis.urlEnv', message: `environment variable ${c.redis.urlEnv} is not set` });
    else if (!url) details.push({ path: 'cluster.redis', message: 'set url or urlEnv' });
    else if (!/^rediss?:\/\//.test(url))
      details.push({ path: 'cluster.redis.url', message: 'must start with redis:// or rediss://' });
    if (url) {
      try {
        const pw = new URL(url).password;
        if (pw) secrets.push(decodeURIComponent(pw));
      } catch {
        details.push({ path: 'cluster.redis.url', message: 'is not a valid URL' });
      }
    }
    cluster = Object.freeze({
      redis: Object.freeze({
        url: url ?? '',
        keyPrefix: c.redis.keyPrefix ?? 'liqguard:',
        commandTimeoutMs: c.redis.commandTimeoutMs ?? 500,
      }),
      allowDegradedLocal: c.allowDegradedLocal ?? false,
      clientOrderIdTtlMs: c.clientOrderIdTtlMs ?? 86_400_000,
      messageRetentionMs: c.messageRetentionMs ?? 3_600_000,
      throttleHeartbeatMs: c.throttleHeartbeatMs ?? 250,
      accountViewMaxAgeMs: c.accountViewMaxAgeMs ?? 2000,
      ...(c.caps ? { caps: Object.freeze({ ...c.caps }) } : {}),
    });
  }
  const hierarchy = resolveHierarchy(
    r.hierarchy,
    clients.map((c: { id: string }) => c.id),
    details,
  );
  const anchor = auditAnchor(audit.anchor, env, abs(r.state?.dir ?? 'var/state'), details, secrets, abs);
  if (details.length) {
    throw new LiqguardError(
      'CONFIG_INVALID',
      `${source}: ${details.length} error(s): ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`,
      details,
    );
  }
  const cfg: GatewayConfig = {
    // Replicas share one config file and differ by LIQGUARD_INSTANCE (their audit chains too).
    instance: env.LIQGUARD_INSTANCE || r.instance || 'local',
    server: Object.freeze({
      host: env.HOST || server.host || '127.0.0.1',
      port,
      bodyLimit: server.bodyLimit ?? 16384,
      logLevel: logLevel as LogLevel, // checked above
      rateLimit: Object.freeze({
        perSecond: server.rateLimit?.perSecond ?? 2000,
        burst: server.rateLimit?.burst ?? 4000,
      }),
    }),
    clients: Object.freeze(clients),
    venues: Object.freeze(venues),
    market: Object.freeze({
      source: market.source ?? 'replay',
      replay: Object.freeze({
        dataDir: abs(replay.dataDir ?? 'data'),
        from: replay.from ?? '2025-09-26',
        to: replay.to ?? '2025-10-24',
        // 31 days before `from` unless set: the 720-bar features are warm at the first visible bar
        warmupFrom:
          replay.warmupFrom ??
          new Date(Date.parse(replay.from ?? '2025-09-26') - 31 * 86_400_000).toISOString().slice(0, 10),
        barsPerSecond: replay.barsPerSecond ?? 2,
        loop: replay.loop ?? true,
      }),
      staleAfterMs: market.staleAfterMs ?? 7_200_000,
    }),
    scoring: Object.freeze({ scorer: scoring.scorer ?? 'baseline', model: abs(scoring.model ?? 'models') }),
    policies: Object.freeze({
      dir: abs(policies.dir ?? 'policies'),
      enforce: policies.enforce ?? 'default',
      shadow: policies.shadow,
      watch: policies.watch ?? false,
    }),
    audit: Object.freeze({
      dir: abs(audit.dir ?? 'var/audit'),
      rotateBytes: audit.rotateBytes ?? 64 * 1024 * 1024,
      rotateDaily: audit.rotateDaily ?? true,
      fsync: audit.fsync ?? false,
      onTornTail: audit.onTornTail ?? 'refuse',
      ...(anchor ? { anchor } : {}),
    }),
    state: Object.freeze({ dir: abs(r.state?.dir ?? 'var/state') }),
    overrides: Object.freeze({
      distinctClients: r.overrides?.distinctClients ?? true,
      requiredApprovals: r.overrides?.requiredApprovals ?? 1,
    }),
    hierarchy,
    ...(cluster ? { cluster } : {}),
    ...(alerts ? { alerts } : {}),
    deadman,
    sha256: createHash('sha256').update(text).digest('hex'),
    secrets: Object.freeze(secrets),
  };
  return Object.freeze(cfg);
}

/** Load a config file (relative paths resolve against its directory), or the embedded default. */
export function loadConfig(
  file: string | undefined,
  opts: Omit<LoadOptions, 'baseDir' | 'source'> = {},
): GatewayConfig {
  if (!file) {
    const env = opts.env ?? process.env;
    // The embedded default keeps its state under the working directory, data/models/policies in the package.
    const text = EMBEDDED_DEFAULT_YAML.replace(
      'dir: var/audit',
      `dir: ${resolve(env.LIQGUARD_VAR ?? 'var', 'audit')}`,
    ).replace('dir: var/state', `dir: ${resolve(env.LIQGUARD_VAR ?? 'var', 'state')}`);
    return Object.freeze({
      ...loadConfigText(text, { ...opts, baseDir: PACKAGE_ROOT, source: 'embedded default config' }),
      embeddedDefault: true,
    });
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new LiqguardError(
      'CONFIG_INVALID',
      `cannot read config file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  return loadConfigText(text, { ...opts, baseDir: dirname(resolve(file)), source: file });
}

/** audit.anchor: on by default with a checkpoint file under the state directory; `store: off`
 * turns it off. A Redis URL's password and the HMAC key are secrets (never logged). */
function auditAnchor(
  a: { store?: string; storeEnv?: string; keyPrefix?: string; intervalMs?: number; hmacKeyEnv?: string } | undefined,
  env: NodeJS.ProcessEnv,
  stateDir: string,
  details: ErrorDetail[],
  secrets: string[],
  abs: (p: string) => string,
): GatewayConfig['audit']['anchor'] {
  const spec = (a?.storeEnv ? env[a.storeEnv] : undefined) ?? a?.store ?? `file:${join(stateDir, 'audit-anchors')}`;
  if (a?.storeEnv && !env[a.storeEnv] && !a.store)
    details.push({ path: 'audit.anchor.storeEnv', message: `environment variable ${a.storeEnv} is not set` });
  if (spec === 'off') return undefined;
  if (!/^(file:.+|rediss?:\/\/.+)$/.test(spec))
    details.push({ path: 'audit.anchor.store', message: 'must be off, file:DIR or redis://…' });
  if (/^rediss?:/.test(spec)) {
    try {
      const pw = new URL(spec).password;
      if (pw) secrets.push(decodeURIComponent(pw));
    } catch {
      details.push({ path: 'audit.anchor.store', message: 'is not a valid URL' });
    }
  }
  const hmacKey = a?.hmacKeyEnv ? env[a.hmacKeyEnv] : undefined;
  if (a?.hmacKeyEnv && !hmacKey)
    details.push({ path: 'audit.anchor.hmacKeyEnv', message: `environment variable ${a.hmacKeyEnv} is not set` });
  if (hmacKey) secrets.push(hmacKey);
  const store = spec.startsWith('file:') ? `file:${abs(spec.slice(5))}` : spec;
  return Object.freeze({
    store,
    keyPrefix: a?.keyPrefix ?? 'liqguard:',
    intervalMs: a?.intervalMs ?? 5000,
    ...(hmacKey ? { hmacKey } : {}),
  });
}
