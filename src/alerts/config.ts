/** `alerts:` in the gateway config: webhook targets and delivery settings. */
import type { ErrorDetail } from '../core/errors.js';
import { ALERT_KINDS, SEVERITIES, type AlertKind, type Severity } from './types.js';

const envName = { type: 'string', pattern: '^[A-Z_][A-Z0-9_]*$' } as const;

export const alertsConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['targets'],
  properties: {
    targets: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id'],
        properties: {
          id: { type: 'string', pattern: '^[a-zA-Z0-9_-]{1,32}$' },
          url: { type: 'string', pattern: '^https?://' },
          urlEnv: envName,
          format: { enum: ['json', 'slack'] },
          kinds: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: [...ALERT_KINDS] } },
          minSeverity: { enum: [...SEVERITIES] },
        },
      },
    },
    dedupeWindowMs: { type: 'integer', minimum: 0, maximum: 86_400_000 },
    maxAttempts: { type: 'integer', minimum: 1, maximum: 20 },
    backoffMs: { type: 'integer', minimum: 1, maximum: 600_000 },
    maxBackoffMs: { type: 'integer', minimum: 1, maximum: 3_600_000 },
    timeoutMs: { type: 'integer', minimum: 100, maximum: 60_000 },
    queueSize: { type: 'integer', minimum: 1, maximum: 100_000 },
    shadowDiff: {
      type: 'object',
      additionalProperties: false,
      properties: {
        rate: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
        windowMs: { type: 'integer', minimum: 1000 },
        minDecisions: { type: 'integer', minimum: 1 },
      },
    },
  },
} as const;

export interface AlertTarget {
  readonly id: string;
  readonly url: string;
  readonly format: 'json' | 'slack';
  readonly kinds: readonly AlertKind[];
  readonly minSeverity: Severity;
}

export interface AlertsConfig {
  readonly targets: readonly AlertTarget[];
  readonly dedupeWindowMs: number;
  readonly maxAttempts: number;
  readonly backoffMs: number;
  readonly maxBackoffMs: number;
  readonly timeoutMs: number;
  readonly queueSize: number;
  readonly shadowDiff: { readonly rate: number; readonly windowMs: number; readonly minDecisions: number };
}

type RawTarget = {
  id: string;
  url?: string;
  urlEnv?: string;
  format?: 'json' | 'slack';
  kinds?: AlertKind[];
  minSeverity?: Severity;
};
type RawAlerts = Partial<Omit<AlertsConfig, 'targets' | 'shadowDiff'>> & {
  targets: RawTarget[];
  shadowDiff?: Partial<AlertsConfig['shadowDiff']>;
};

/** Defaults filled in, URLs read from env (and added to `secrets`: webhook URLs carry tokens). */
export function resolveAlertsConfig(
  raw: RawAlerts | undefined,
  env: NodeJS.ProcessEnv,
  details: ErrorDetail[],
  secrets: string[],
): AlertsConfig | undefined {
  if (!raw) return undefined;
  const ids = new Set<string>();
  const targets = raw.targets.map((t, i): AlertTarget => {
    if (ids.has(t.id)) details.push({ path: `alerts.targets[${i}].id`, message: `duplicate target id "${t.id}"` });
    ids.add(t.id);
    if ((t.url === undefined) === (t.urlEnv === undefined))
      details.push({ path: `alerts.targets[${i}]`, message: 'set exactly one of url or urlEnv' });
    const url = t.urlEnv ? env[t.urlEnv] : t.url;
    if (t.urlEnv && !url)
      details.push({ path: `alerts.targets[${i}].urlEnv`, message: `environment variable ${t.urlEnv} is not set` });
    else if (t.urlEnv && url && !/^https?:\/\//.test(url))
      details.push({ path: `alerts.targets[${i}].urlEnv`, message: 'must hold an http(s) URL' });
    if (url) secrets.push(url);
    return Object.freeze({
      id: t.id,
      url: url ?? '',
      format: t.format ?? 'json',
      kinds: Object.freeze([...(t.kinds ?? ALERT_KINDS)]),
      minSeverity: t.minSeverity ?? 'warning',
    });
  });
  const backoffMs = raw.backoffMs ?? 1000;
  const maxBackoffMs = raw.maxBackoffMs ?? 60_000;
  if (maxBackoffMs < backoffMs)
    details.push({ path: 'alerts.maxBackoffMs', message: `must be at least backoffMs (${backoffMs})` });
  return Object.freeze({
    targets: Object.freeze(targets),
    dedupeWindowMs: raw.dedupeWindowMs ?? 300_000,
    maxAttempts: raw.maxAttempts ?? 5,
    backoffMs,
    maxBackoffMs,
    timeoutMs: raw.timeoutMs ?? 5000,
    queueSize: raw.queueSize ?? 1000,
    shadowDiff: Object.freeze({
      rate: raw.shadowDiff?.rate ?? 0.05,
      windowMs: raw.shadowDiff?.windowMs ?? 600_000,
      minDecisions: raw.shadowDiff?.minDecisions ?? 20,
    }),
  });
}
