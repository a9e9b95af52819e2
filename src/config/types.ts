import type { AlertsConfig } from '../alerts/config.js';
import type { ClusterConfig } from '../cluster/index.js';
import type { HierarchyConfig } from '../limits/hierarchy.js';
import type { DeadmanConfig } from '../execution/deadman/config.js';
import type { DecimalString } from '../core/decimal.js';
import type { ClientRole, ConfigFile, LogLevel } from './schema.js';

type FileVenue = ConfigFile['venues'][number];
type Section<K extends keyof ConfigFile> = NonNullable<ConfigFile[K]>;

/** The validated, resolved gateway config (defaults filled in, paths absolute, secrets read from
 * env), frozen. The file's own shape is `ConfigFile`, derived from the schema; the value types
 * here (kinds, roles, levels, sources) are taken from it, so the two cannot drift apart. */
export interface ClientConfig {
  readonly id: string;
  readonly apiKey: string;
  readonly apiSecret?: string;
  readonly account: string;
  readonly venue: string;
  readonly roles: readonly ClientRole[];
}

export interface VenueConfig {
  readonly id: string;
  readonly kind: FileVenue['kind'];
  readonly symbols: readonly string[];
  readonly initialBalance: DecimalString;
  readonly exchangeId?: string;
  readonly apiKey?: string;
  readonly secret?: string;
  readonly urls?: Readonly<Record<string, string>>;
  readonly sandbox: boolean;
}

export interface GatewayConfig {
  readonly instance: string;
  readonly server: {
    readonly host: string;
    readonly port: number;
    readonly bodyLimit: number;
    readonly logLevel: LogLevel;
    readonly rateLimit: { readonly perSecond: number; readonly burst: number };
  };
  readonly clients: readonly ClientConfig[];
  readonly venues: readonly VenueConfig[];
  readonly market: {
    readonly source: NonNullable<Section<'market'>['source']>;
    readonly replay: {
      readonly dataDir: string;
      readonly from: string;
      readonly to: string;
      readonly warmupFrom: string;
      readonly barsPerSecond: number;
      readonly loop: boolean;
    };
    readonly staleAfterMs: number;
  };
  readonly scoring: { readonly scorer: NonNullable<Section<'scoring'>['scorer']>; readonly model: string };
  readonly policies: {
    readonly dir: string;
    readonly enforce: string;
    readonly shadow?: string;
    readonly watch: boolean;
  };
  readonly audit: {
    readonly dir: string;
    readonly rotateBytes: number;
    readonly rotateDaily: boolean;
    readonly fsync: boolean;
    readonly onTornTail: NonNullable<Section<'audit'>['onTornTail']>;
    /** Where the chain head is checkpointed (`file:DIR`, `redis://…`), or undefined when off. */
    readonly anchor?: {
      readonly store: string;
      readonly keyPrefix: string;
      readonly intervalMs: number;
      readonly hmacKey?: string;
    };
  };
  readonly state: { readonly dir: string };
  /** distinctClients (default true): requester and every approver authenticate with different API keys. */
  readonly overrides: { readonly distinctClients: boolean; readonly requiredApprovals: number };
  /** Firm → desk → strategy → client, and when the loss-limit day starts. */
  readonly hierarchy: HierarchyConfig;
  /** Set: limits, kill switch, overrides and policy version are shared on Redis. */
  readonly cluster?: ClusterConfig;
  /** Set: webhook alerts (src/alerts). */
  readonly alerts?: AlertsConfig;
  /** The venue dead-man switch the gateway keeps armed (venues that have one). */
  readonly deadman: DeadmanConfig;
  /** True only for the embedded default (no --config): the demo key may be shown in the page. */
  readonly embeddedDefault?: boolean;
  /** sha256 of the config file text, recorded in the audit log at start. */
  readonly sha256: string;
  /** Literal secret values (API keys, HMAC secrets) that must never appear in any log. */
  readonly secrets: readonly string[];
}
