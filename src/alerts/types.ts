/** Alert values: what the gateway tells operators about, outside the order path. */

export const ALERT_KINDS = [
  'kill',
  'latch',
  'loss_limit',
  'regime',
  'venue_ban',
  'deadman',
  'audit_failure',
  'shadow_diff',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const severityRank = (s: Severity): number => SEVERITIES.indexOf(s);

export interface Alert {
  readonly id: string;
  /** Deduplication key: the same key within the window is raised once. */
  readonly key: string;
  readonly kind: AlertKind;
  readonly severity: Severity;
  readonly title: string;
  readonly text: string;
  readonly ts: number;
  /** Flat facts for the JSON body and the Slack fields (strings and numbers only). */
  readonly fields: Readonly<Record<string, string | number>>;
}

/** An alert before the dispatcher gives it an id and a time. */
export type AlertDraft = Omit<Alert, 'id' | 'ts'>;
