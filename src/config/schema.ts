import { hierarchySchema } from '../limits/hierarchy-config.js';
import { alertsConfigSchema } from '../alerts/config.js';
import { deadmanConfigSchema } from '../execution/deadman/config.js';

/** JSON schema of the gateway config file. Unknown keys are rejected everywhere
 * (additionalProperties: false) so a typo never silently falls back to a default. */
const decimalString = { type: 'string', pattern: '^(0|[1-9][0-9]*)(\\.[0-9]+)?$' } as const;
const envName = { type: 'string', pattern: '^[A-Z_][A-Z0-9_]*$' } as const;
const isoDate = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}(T[0-9:.]+Z)?$' } as const;

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['clients', 'venues'],
  properties: {
    instance: { type: 'string', pattern: '^[a-zA-Z0-9_-]{1,32}$' },
    server: {
      type: 'object',
      additionalProperties: false,
      properties: {
        host: { type: 'string', minLength: 1 },
        port: { type: 'integer', minimum: 0, maximum: 65535 },
        bodyLimit: { type: 'integer', minimum: 1024, maximum: 1048576 },
        logLevel: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
        /** Per-API-key HTTP request rate (token bucket); over it: 429 TOO_MANY_REQUESTS. */
        rateLimit: {
          type: 'object',
          additionalProperties: false,
          properties: { perSecond: { type: 'number', minimum: 0 }, burst: { type: 'integer', minimum: 1 } },
        },
      },
    },
    clients: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'account', 'venue'],
        properties: {
          id: { type: 'string', pattern: '^[a-zA-Z0-9_.-]{1,64}$' },
          /** Literal key: only for the embedded demo. Real deployments use apiKeyEnv. */
          apiKey: { type: 'string', minLength: 8 },
          apiKeyEnv: envName,
          /** HMAC secret for the Binance-compatible front door. */
          apiSecret: { type: 'string', minLength: 8 },
          apiSecretEnv: envName,
          account: { type: 'string', minLength: 1 },
          venue: { type: 'string', minLength: 1 },
          roles: { type: 'array', items: { enum: ['trader', 'viewer', 'operator', 'compliance'] }, uniqueItems: true },
        },
      },
    },
    venues: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'kind'],
        properties: {
          id: { type: 'string', pattern: '^[a-zA-Z0-9_-]{1,32}$' },
          kind: { enum: ['simulated', 'ccxt'] },
          symbols: {
            type: 'array',
            minItems: 1,
            items: { type: 'string', pattern: '^[A-Z0-9]+/[A-Z0-9]+:[A-Z0-9]+$' },
          },
          initialBalance: decimalString,
          exchangeId: { type: 'string' },
          apiKeyEnv: envName,
          secretEnv: envName,
          urls: { type: 'object', additionalProperties: { type: 'string' } },
          sandbox: { type: 'boolean' },
        },
      },
    },
    market: {
      type: 'object',
      additionalProperties: false,
      properties: {
        source: { enum: ['replay', 'live', 'none'] },
        replay: {
          type: 'object',
          additionalProperties: false,
          properties: {
            dataDir: { type: 'string' },
            from: isoDate,
            to: isoDate,
            warmupFrom: isoDate,
            barsPerSecond: { type: 'number', exclusiveMinimum: 0, maximum: 10000 },
            loop: { type: 'boolean' },
          },
        },
        staleAfterMs: { type: 'integer', minimum: 1 },
      },
    },
    scoring: {
      type: 'object',
      additionalProperties: false,
      properties: {
        scorer: { enum: ['baseline', 'model'] },
        model: { type: 'string' },
      },
    },
    policies: {
      type: 'object',
      additionalProperties: false,
      properties: {
        dir: { type: 'string' },
        enforce: { type: 'string' },
        shadow: { type: 'string' },
        watch: { type: 'boolean' },
      },
    },
    audit: {
      type: 'object',
      additionalProperties: false,
      properties: {
        dir: { type: 'string' },
        rotateBytes: { type: 'integer', minimum: 4096 },
        rotateDaily: { type: 'boolean' },
        fsync: { type: 'boolean' },
        /** A torn last line at start: refuse (default) or seal it (src/audit/writer.ts). */
        onTornTail: { enum: ['refuse', 'seal'] },
        /** Checkpoints of the chain head outside the segment files (src/audit/anchor.ts). */
        anchor: {
          type: 'object',
          additionalProperties: false,
          properties: {
            store: { type: 'string', pattern: '^(off|file:.+|rediss?://.+)$' },
            storeEnv: envName,
            keyPrefix: { type: 'string', pattern: '^[A-Za-z0-9_:{}.-]{1,64}$' },
            intervalMs: { type: 'integer', minimum: 100, maximum: 3600000 },
            hmacKeyEnv: envName,
          },
        },
      },
    },
    state: {
      type: 'object',
      additionalProperties: false,
      properties: { dir: { type: 'string' } },
    },
    /** Two-person overrides (src/overrides): who may approve. */
    overrides: {
      type: 'object',
      additionalProperties: false,
      properties: {
        distinctClients: { type: 'boolean' },
        requiredApprovals: { type: 'integer', minimum: 1, maximum: 5 },
      },
    },
    /** Firm → desk → strategy → client tree and the loss-limit day (src/limits). */
    hierarchy: hierarchySchema,
    /** Webhook alerts (src/alerts) and the venue dead-man switch (src/execution/deadman). */
    alerts: alertsConfigSchema,
    deadman: deadmanConfigSchema,
    /** Several replicas sharing limits, kill switch and policy version on Redis (src/cluster). */
    cluster: {
      type: 'object',
      additionalProperties: false,
      required: ['redis'],
      properties: {
        redis: {
          type: 'object',
          additionalProperties: false,
          properties: {
            url: { type: 'string', pattern: '^rediss?://' },
            urlEnv: envName,
            keyPrefix: { type: 'string', pattern: '^[A-Za-z0-9_:{}.-]{1,64}$' },
            commandTimeoutMs: { type: 'integer', minimum: 10, maximum: 10000 },
          },
        },
        allowDegradedLocal: { type: 'boolean' },
        clientOrderIdTtlMs: { type: 'integer', minimum: 0 },
        messageRetentionMs: { type: 'integer', minimum: 1000 },
        throttleHeartbeatMs: { type: 'integer', minimum: 10, maximum: 5000 },
        accountViewMaxAgeMs: { type: 'integer', minimum: 100, maximum: 60000 },
        caps: {
          type: 'object',
          additionalProperties: false,
          properties: {
            clientOpenNotional: { type: 'object', additionalProperties: decimalString },
            accountOpenNotional: { type: 'object', additionalProperties: decimalString },
          },
        },
      },
    },
  },
} as const;
