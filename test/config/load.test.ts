import { describe, expect, expectTypeOf, it } from 'vitest';
import { Ajv } from 'ajv';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, loadConfigText } from '../../src/config/load.js';
import { DEMO_API_KEY, EMBEDDED_DEFAULT_YAML } from '../../src/config/embedded-default.js';
import { LiqguardError } from '../../src/core/errors.js';
import { configSchema, type ConfigFile } from '../../src/config/schema.js';
import type { GatewayConfig } from '../../src/config/types.js';

function errorsOf(fn: () => unknown): { code: string; paths: string[]; message: string } {
  try {
    fn();
  } catch (e) {
    const err = e as LiqguardError;
    return { code: err.code, paths: err.details.map((d) => d.path ?? ''), message: err.message };
  }
  throw new Error('expected an error');
}

const minimal = `
clients:
  - { id: a, apiKeyEnv: A_KEY, account: acc, venue: sim }
venues:
  - { id: sim, kind: simulated, symbols: [BTC/USDT:USDT] }
`;

describe('config', () => {
  it('the file type is derived from the schema, which ajv compiles in strict mode', () => {
    expect(() => new Ajv({ strict: true, allErrors: true }).compile(configSchema)).not.toThrow();
    expectTypeOf<ConfigFile['venues'][number]['kind']>().toEqualTypeOf<'simulated' | 'ccxt'>();
    expectTypeOf<ConfigFile['clients'][number]['apiKeyEnv']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<GatewayConfig['market']['source']>().toEqualTypeOf<'replay' | 'live' | 'none'>();
    // The schema rejects what the type would not allow: a kind outside the enum, with its path.
    const bad = minimal.replace('kind: simulated', 'kind: paper');
    expect(errorsOf(() => loadConfigText(bad, { env: { A_KEY: 'key-aaaaaaaa' } })).paths).toEqual(['venues[0].kind']);
  });
  it('an unknown LOG_LEVEL is reported with its path instead of reaching the logger', () => {
    const e = errorsOf(() => loadConfigText(minimal, { env: { A_KEY: 'key-aaaaaaaa', LOG_LEVEL: 'loud' } }));
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.paths).toEqual(['env.LOG_LEVEL']);
    expect(loadConfigText(minimal, { env: { A_KEY: 'key-aaaaaaaa', LOG_LEVEL: 'debug' } }).server.logLevel).toBe(
      'debug',
    );
  });
  it('loads the embedded default: demo client, simulated venue, frozen', () => {
    const c = loadConfig(undefined, { env: {} });
    expect(c.clients[0]!.apiKey).toBe(DEMO_API_KEY);
    expect(c.venues[0]!.kind).toBe('simulated');
    expect(c.server).toMatchObject({ host: '127.0.0.1', port: 8080 });
    expect(Object.isFrozen(c)).toBe(true);
    expect(c.secrets).toContain(DEMO_API_KEY);
    expect(c.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('PORT and HOST from env override the file', () => {
    const c = loadConfigText(EMBEDDED_DEFAULT_YAML, { env: { PORT: '9191', HOST: '0.0.0.0' } });
    expect(c.server).toMatchObject({ host: '0.0.0.0', port: 9191 });
  });

  it('replay warm-up defaults to 31 days before the first visible bar (the 720-bar features are warm)', () => {
    const c = loadConfigText(`${minimal}market:\n  replay: { from: 2025-03-01, to: 2025-03-10 }\n`, {
      env: { A_KEY: 'secret-key-123' },
    });
    expect(c.market.replay.warmupFrom).toBe('2025-01-29');
  });

  it('reads secrets from env and reports an unset variable with its path', () => {
    expect(loadConfigText(minimal, { env: { A_KEY: 'secret-key-123' } }).clients[0]!.apiKey).toBe('secret-key-123');
    const e = errorsOf(() => loadConfigText(minimal, { env: {} }));
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.paths).toContain('clients[0].apiKeyEnv');
  });

  it('reports every error at once, each with its path, and rejects unknown keys', () => {
    const bad = `
servr: { port: 1 }
server: { port: 99999, logLevel: loud }
clients:
  - { id: a, apiKeyEnv: A_KEY, account: acc, venue: nowhere, colour: red }
venues:
  - { id: sim, kind: paper }
`;
    const e = errorsOf(() => loadConfigText(bad, { env: { A_KEY: 'secret-key-123' } }));
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.paths).toEqual(
      expect.arrayContaining(['servr', 'server.port', 'server.logLevel', 'clients[0].colour', 'venues[0].kind']),
    );
    expect(e.paths.length).toBeGreaterThanOrEqual(5);
  });

  it('checks cross references after the schema: unknown venue, duplicate ids', () => {
    const bad = `
clients:
  - { id: a, apiKey: abcdefgh1, account: acc, venue: nowhere }
  - { id: a, apiKey: abcdefgh2, account: acc, venue: sim }
venues:
  - { id: sim, kind: simulated, symbols: [BTC/USDT:USDT] }
`;
    const e = errorsOf(() => loadConfigText(bad, { env: {} }));
    expect(e.paths).toEqual(expect.arrayContaining(['clients[0].venue', 'clients[1].id']));
  });

  it('rejects invalid YAML and an invalid PORT with clear messages', () => {
    expect(errorsOf(() => loadConfigText('clients: [', { env: {} })).message).toMatch(/not valid YAML/);
    expect(errorsOf(() => loadConfigText(EMBEDDED_DEFAULT_YAML, { env: { PORT: 'eighty' } })).paths).toContain(
      'env.PORT',
    );
  });

  it('resolves relative paths against the config file directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lg-cfg-'));
    const file = join(dir, 'gw.yaml');
    writeFileSync(file, minimal + 'audit: { dir: ./audit-logs }\n');
    const c = loadConfig(file, { env: { A_KEY: 'secret-key-123' } });
    expect(c.audit.dir).toBe(join(dir, 'audit-logs'));
    expect(errorsOf(() => loadConfig(join(dir, 'missing.yaml'))).message).toMatch(/cannot read config file/);
  });
});

describe('overrides config', () => {
  it('two API keys by default; overrides.distinctClients and requiredApprovals are accepted and bounded', () => {
    expect(loadConfigText(minimal, { env: { A_KEY: 'key-aaaaaaaa' } }).overrides).toEqual({
      distinctClients: true,
      requiredApprovals: 1,
    });
    const c = loadConfigText(`${minimal}overrides: { distinctClients: false, requiredApprovals: 2 }\n`, {
      env: { A_KEY: 'key-aaaaaaaa' },
    });
    expect(c.overrides).toEqual({ distinctClients: false, requiredApprovals: 2 });
    const bad = errorsOf(() =>
      loadConfigText(`${minimal}overrides: { distinctClients: 'yes', requiredApprovals: 0, quorum: 3 }\n`, {
        env: { A_KEY: 'key-aaaaaaaa' },
      }),
    );
    expect(bad.code).toBe('CONFIG_INVALID');
    expect(bad.paths.sort()).toEqual(
      ['overrides.distinctClients', 'overrides.quorum', 'overrides.requiredApprovals'].sort(),
    );
  });
});

describe('cluster config', () => {
  const withCluster = (block: string) => minimal + block;
  it('resolves the Redis URL from env, applies defaults, scrubs the password, takes LIQGUARD_INSTANCE', () => {
    const c = loadConfigText(withCluster('cluster:\n  redis: { urlEnv: REDIS_URL }\n'), {
      env: { A_KEY: 'secret-key-123', REDIS_URL: 'redis://:s3cretpw@127.0.0.1:6379', LIQGUARD_INSTANCE: 'replica-b' },
    });
    expect(c.cluster).toMatchObject({
      redis: { url: 'redis://:s3cretpw@127.0.0.1:6379', keyPrefix: 'liqguard:', commandTimeoutMs: 500 },
      allowDegradedLocal: false,
    });
    expect(c.secrets).toContain('s3cretpw');
    expect(c.instance).toBe('replica-b');
  });
  it('reports a missing URL, a bad scheme and a bad instance name with their paths', () => {
    expect(
      errorsOf(() =>
        loadConfigText(withCluster('cluster:\n  redis: { urlEnv: REDIS_URL }\n'), { env: { A_KEY: 'secret-key-123' } }),
      ).paths,
    ).toContain('cluster.redis.urlEnv');
    expect(
      errorsOf(() =>
        loadConfigText(withCluster('cluster:\n  redis: { url: "http://x" }\n'), { env: { A_KEY: 'secret-key-123' } }),
      ).paths,
    ).toContain('cluster.redis.url');
    expect(
      errorsOf(() => loadConfigText(minimal, { env: { A_KEY: 'secret-key-123', LIQGUARD_INSTANCE: 'bad name!' } }))
        .paths,
    ).toContain('env.LIQGUARD_INSTANCE');
  });
});
