/** JSON schema of the gateway config file, written with TypeBox so that the type of a validated
 * file (`ConfigFile`) is derived from the schema instead of written beside it. The schema itself is
 * plain JSON Schema, compiled by ajv in strict mode. Unknown keys are rejected everywhere
 * (additionalProperties: false) so a typo never silently falls back to a default. */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { hierarchySchema, type resolveHierarchy } from '../limits/hierarchy-config.js';
import { alertsConfigSchema, type resolveAlertsConfig } from '../alerts/config.js';
import { deadmanConfigSchema, type resolveDeadmanConfig } from '../execution/deadman/config.js';

const decimalText = Type.String({ pattern: '^(0|[1-9][0-9]*)(\\.[0-9]+)?$' });
const envName = Type.String({ pattern: '^[A-Z_][A-Z0-9_]*$' });
const isoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}(T[0-9:.]+Z)?$' });
/** `enum` rather than a union of literals: ajv then reports one "must be one of …" error, not anyOf noise. */
const oneOf = <T extends string>(values: readonly T[]) => Type.Unsafe<T>({ enum: [...values] });
/** A section owned by another stage: its schema and raw type live there, with its resolver. */
const section = <R>(schema: object) => Type.Unsafe<NonNullable<R>>({ ...schema });
const strictObject = <P extends Record<string, TSchema>>(properties: P) =>
  Type.Object(properties, { additionalProperties: false });
const { Optional } = Type;

const roles = ['trader', 'viewer', 'operator', 'compliance'] as const;
const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const serverSchema = strictObject({
  host: Optional(Type.String({ minLength: 1 })),
  port: Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
  bodyLimit: Optional(Type.Integer({ minimum: 1024, maximum: 1048576 })),
  logLevel: Optional(oneOf(logLevels)),
  /** Per-API-key HTTP request rate (token bucket); over it: 429 TOO_MANY_REQUESTS. */
  rateLimit: Optional(
    strictObject({
      perSecond: Optional(Type.Number({ minimum: 0 })),
      burst: Optional(Type.Integer({ minimum: 1 })),
    }),
  ),
});

const clientSchema = strictObject({
  id: Type.String({ pattern: '^[a-zA-Z0-9_.-]{1,64}$' }),
  /** Literal key: only for the embedded demo. Real deployments use apiKeyEnv. */
  apiKey: Optional(Type.String({ minLength: 8 })),
  apiKeyEnv: Optional(envName),
  /** HMAC secret for the Binance-compatible front door. */
  apiSecret: Optional(Type.String({ minLength: 8 })),
  apiSecretEnv: Optional(envName),
  account: Type.String({ minLength: 1 }),
  venue: Type.String({ minLength: 1 }),
  roles: Optional(Type.Array(oneOf(roles), { uniqueItems: true })),
});

const venueSchema = strictObject({
  id: Type.String({ pattern: '^[a-zA-Z0-9_-]{1,32}$' }),
  kind: oneOf(['simulated', 'ccxt'] as const),
  symbols: Optional(Type.Array(Type.String({ pattern: '^[A-Z0-9]+/[A-Z0-9]+:[A-Z0-9]+$' }), { minItems: 1 })),
  initialBalance: Optional(decimalText),
  exchangeId: Optional(Type.String()),
  apiKeyEnv: Optional(envName),
  secretEnv: Optional(envName),
  urls: Optional(Type.Record(Type.String(), Type.String())),
  sandbox: Optional(Type.Boolean()),
});

const marketSchema = strictObject({
  source: Optional(oneOf(['replay', 'live', 'none'] as const)),
  replay: Optional(
    strictObject({
      dataDir: Optional(Type.String()),
      from: Optional(isoDate),
      to: Optional(isoDate),
      warmupFrom: Optional(isoDate),
      barsPerSecond: Optional(Type.Number({ exclusiveMinimum: 0, maximum: 10000 })),
      loop: Optional(Type.Boolean()),
    }),
  ),
  staleAfterMs: Optional(Type.Integer({ minimum: 1 })),
});

const auditSchema = strictObject({
  dir: Optional(Type.String()),
  rotateBytes: Optional(Type.Integer({ minimum: 4096 })),
  rotateDaily: Optional(Type.Boolean()),
  fsync: Optional(Type.Boolean()),
  /** A torn last line at start: refuse (default) or seal it (src/audit/writer.ts). */
  onTornTail: Optional(oneOf(['refuse', 'seal'] as const)),
  /** Checkpoints of the chain head outside the segment files (src/audit/anchor.ts). */
  anchor: Optional(
    strictObject({
      store: Optional(Type.String({ pattern: '^(off|file:.+|rediss?://.+)$' })),
      storeEnv: Optional(envName),
      keyPrefix: Optional(Type.String({ pattern: '^[A-Za-z0-9_:{}.-]{1,64}$' })),
      intervalMs: Optional(Type.Integer({ minimum: 100, maximum: 3600000 })),
      hmacKeyEnv: Optional(envName),
    }),
  ),
});

/** Several replicas sharing limits, kill switch and policy version on Redis (src/cluster). */
const clusterSchema = strictObject({
  redis: strictObject({
    url: Optional(Type.String({ pattern: '^rediss?://' })),
    urlEnv: Optional(envName),
    keyPrefix: Optional(Type.String({ pattern: '^[A-Za-z0-9_:{}.-]{1,64}$' })),
    commandTimeoutMs: Optional(Type.Integer({ minimum: 10, maximum: 10000 })),
  }),
  allowDegradedLocal: Optional(Type.Boolean()),
  clientOrderIdTtlMs: Optional(Type.Integer({ minimum: 0 })),
  messageRetentionMs: Optional(Type.Integer({ minimum: 1000 })),
  throttleHeartbeatMs: Optional(Type.Integer({ minimum: 10, maximum: 5000 })),
  accountViewMaxAgeMs: Optional(Type.Integer({ minimum: 100, maximum: 60000 })),
  caps: Optional(
    strictObject({
      clientOpenNotional: Optional(Type.Record(Type.String(), decimalText)),
      accountOpenNotional: Optional(Type.Record(Type.String(), decimalText)),
    }),
  ),
});

export const configSchema = strictObject({
  instance: Optional(Type.String({ pattern: '^[a-zA-Z0-9_-]{1,32}$' })),
  server: Optional(serverSchema),
  clients: Type.Array(clientSchema, { minItems: 1 }),
  venues: Type.Array(venueSchema, { minItems: 1 }),
  market: Optional(marketSchema),
  scoring: Optional(
    strictObject({ scorer: Optional(oneOf(['baseline', 'model'] as const)), model: Optional(Type.String()) }),
  ),
  policies: Optional(
    strictObject({
      dir: Optional(Type.String()),
      enforce: Optional(Type.String()),
      shadow: Optional(Type.String()),
      watch: Optional(Type.Boolean()),
    }),
  ),
  audit: Optional(auditSchema),
  state: Optional(strictObject({ dir: Optional(Type.String()) })),
  /** Two-person overrides (src/overrides): who may approve. */
  overrides: Optional(
    strictObject({
      distinctClients: Optional(Type.Boolean()),
      requiredApprovals: Optional(Type.Integer({ minimum: 1, maximum: 5 })),
    }),
  ),
  /** Firm → desk → strategy → client tree and the loss-limit day (src/limits). */
  hierarchy: Optional(section<Parameters<typeof resolveHierarchy>[0]>(hierarchySchema)),
  /** Webhook alerts (src/alerts) and the venue dead-man switch (src/execution/deadman). */
  alerts: Optional(section<Parameters<typeof resolveAlertsConfig>[0]>(alertsConfigSchema)),
  deadman: Optional(section<Parameters<typeof resolveDeadmanConfig>[0]>(deadmanConfigSchema)),
  cluster: Optional(clusterSchema),
});

/** A config file that passed `configSchema`: the type is the schema's, never written by hand. */
export type ConfigFile = Static<typeof configSchema>;
export type ClientRole = (typeof roles)[number];
export type LogLevel = (typeof logLevels)[number];
