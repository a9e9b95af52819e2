/** Which gateway events become alerts: a pure function of the event and a small state (the last
 * regime per symbol, the recent decisions and shadow differences). Time comes from the events. */
import type { GatewayEvent } from '../core/events.js';
import type { AlertDraft } from './types.js';

/** Reasons of loss-limit latches start with one of these codes (policy deny codes). */
const LOSS_LIMIT_CODES = ['LOSS_LIMIT', 'DRAWDOWN_LIMIT'] as const;

const REGIME_RANK: Readonly<Record<string, number>> = { stable: 0, stressed: 1, fragile: 2, critical: 3 };

export interface RuleSettings {
  readonly shadowDiff: { readonly rate: number; readonly windowMs: number; readonly minDecisions: number };
}

export class AlertRules {
  private readonly regimes = new Map<string, string>();
  private decisions: number[] = [];
  private diffs: number[] = [];

  constructor(private readonly s: RuleSettings) {}

  /** The alerts an event raises (usually none). */
  onEvent(e: GatewayEvent): AlertDraft[] {
    switch (e.type) {
      case 'kill':
        return [killAlert(e)];
      case 'latch':
        return [latchAlert(e)];
      case 'regime':
        return this.regime(e.symbol, e.score.regime, e.score.status === 'ok' ? e.score.probability : undefined);
      case 'venue_ban': {
        const until = new Date(e.until).toISOString();
        return [
          {
            key: `venue_ban:${e.venue}`,
            kind: 'venue_ban',
            severity: 'critical',
            title: `Venue ${e.venue} banned the gateway (HTTP 418)`,
            text: `New orders to ${e.venue} are held until ${until}; cancels are still attempted.`,
            fields: { venue: e.venue, until },
          },
        ];
      }
      case 'deadman':
        return deadmanAlert(e);
      case 'audit_failure':
        return [
          {
            key: 'audit_failure',
            kind: 'audit_failure',
            severity: 'critical',
            title: 'Audit log write failed: orders are refused',
            text:
              `${e.error}. Every new order fails closed until the gateway is restarted; ` +
              'the dead-man switch stops refreshing.',
            fields: { error: e.error.slice(0, 300) },
          },
        ];
      case 'decision':
        this.decisions.push(e.ts);
        return [];
      case 'shadow_diff':
        this.diffs.push(e.ts);
        return this.shadowRate(e.ts);
      default:
        return [];
    }
  }

  private regime(symbol: string, regime: string, probability: number | undefined): AlertDraft[] {
    const prev = this.regimes.get(symbol);
    this.regimes.set(symbol, regime);
    const rank = REGIME_RANK[regime];
    if (prev === undefined || rank === undefined || rank < 2 || rank <= (REGIME_RANK[prev] ?? -1)) return [];
    const p = probability !== undefined ? ` (p=${probability.toFixed(3)})` : '';
    return [
      {
        key: `regime:${symbol}:${regime}`,
        kind: 'regime',
        severity: regime === 'critical' ? 'critical' : 'warning',
        title: `${symbol} regime ${prev} → ${regime}`,
        text: `The liquidation regime of ${symbol} escalated from ${prev} to ${regime}${p}.`,
        fields: { symbol, from: prev, to: regime, ...(probability !== undefined ? { probability } : {}) },
      },
    ];
  }

  private shadowRate(now: number): AlertDraft[] {
    const { rate, windowMs, minDecisions } = this.s.shadowDiff;
    const from = now - windowMs;
    this.decisions = this.decisions.filter((t) => t > from);
    this.diffs = this.diffs.filter((t) => t > from);
    const n = this.decisions.length;
    if (n < minDecisions || this.diffs.length / n <= rate) return [];
    const r = this.diffs.length / n;
    return [
      {
        key: 'shadow_diff',
        kind: 'shadow_diff',
        severity: 'warning',
        title: `Shadow policy differs on ${(r * 100).toFixed(1)} % of decisions`,
        text:
          `${this.diffs.length} of ${n} decisions in the last ${Math.round(windowMs / 1000)} s differ from the ` +
          `shadow set (threshold ${(rate * 100).toFixed(1)} %).`,
        fields: { differing: this.diffs.length, decisions: n, rate: Number(r.toFixed(4)), threshold: rate },
      },
    ];
  }
}

function killAlert(e: Extract<GatewayEvent, { type: 'kill' }>): AlertDraft {
  // Kill scopes are { type: 'all' } or { type: 'symbol' | 'client' | 'venue', value }.
  const { type, value } = e.scope;
  const scope = type ? (value ? `${type}=${value}` : type) : 'all';
  const because = e.reason ? `: ${e.reason}` : '';
  return {
    key: `kill:${scope}:${e.active ? 'on' : 'off'}`,
    kind: 'kill',
    severity: e.active ? 'critical' : 'info',
    title: e.active ? `Kill switch ON (${scope})` : `Kill switch lifted (${scope})`,
    text: `${e.active ? 'Trading halted' : 'Trading resumed'} for ${scope} by ${e.operator}${because}.`,
    fields: { scope, operator: e.operator, ...(e.reason ? { reason: e.reason } : {}) },
  };
}

function latchAlert(e: Extract<GatewayEvent, { type: 'latch' }>): AlertDraft {
  const scope = `${e.scope.level}=${e.scope.id}`;
  const loss = LOSS_LIMIT_CODES.some((c) => e.reason.startsWith(c));
  const fields = {
    scope,
    state: e.state,
    reason: e.reason.slice(0, 300),
    ...(e.operator ? { operator: e.operator } : {}),
  };
  if (e.state === 'cleared') {
    return {
      key: `latch:${scope}:cleared`,
      kind: loss ? 'loss_limit' : 'latch',
      severity: 'info',
      title: `Latch cleared (${scope})`,
      text: `${scope} trades normally again${e.operator ? ` (reset by ${e.operator})` : ''}: ${e.reason}`,
      fields,
    };
  }
  const what = e.state === 'halt' ? 'halted' : 'reduce-only';
  return {
    key: `latch:${scope}:${e.state}`,
    kind: loss ? 'loss_limit' : 'latch',
    severity: e.state === 'halt' || loss ? 'critical' : 'warning',
    title: loss ? `Loss limit breached: ${scope} is ${what}` : `${scope} latched ${what}`,
    text: `${scope} is ${what} until an operator resets it or the period rolls: ${e.reason}`,
    fields,
  };
}

function deadmanAlert(e: Extract<GatewayEvent, { type: 'deadman' }>): AlertDraft[] {
  const fields = {
    venue: e.venue,
    symbol: e.symbol,
    countdownMs: e.countdownMs,
    ...(e.detail ? { detail: e.detail.slice(0, 300) } : {}),
  };
  const key = `deadman:${e.venue}:${e.symbol}:${e.state}`;
  if (e.state === 'expired')
    return [
      {
        key,
        kind: 'deadman',
        severity: 'critical',
        title: `Dead-man switch expired: ${e.venue} cancelled ${e.symbol} orders`,
        text:
          `The gateway stopped refreshing the countdown (${e.detail ?? 'unhealthy'}); ` +
          "the venue cancels the symbol's open orders.",
        fields,
      },
    ];
  if (e.state === 'refresh_failed')
    return [
      {
        key,
        kind: 'deadman',
        severity: 'warning',
        title: `Dead-man switch refresh failed: ${e.venue} ${e.symbol}`,
        text:
          `Re-arming the venue countdown failed (${e.detail ?? 'unknown'}); ` +
          `if it keeps failing the venue cancels in ${Math.round(e.countdownMs / 1000)} s.`,
        fields,
      },
    ];
  if (e.state === 'paused')
    return [
      {
        key,
        kind: 'deadman',
        severity: 'warning',
        title: `Dead-man switch no longer refreshed: ${e.venue} ${e.symbol}`,
        text: `The gateway is unhealthy (${e.detail ?? 'unknown'}) and lets the venue countdown run out.`,
        fields,
      },
    ];
  return [];
}
