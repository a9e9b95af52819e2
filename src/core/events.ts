/** The gateway's in-process event bus: what the WebSocket stream (/v1/stream) and the dashboard
 * subscribe to. Publishing is synchronous and never throws into the order path: a failing
 * subscriber is dropped from that delivery and counted. */
import type { Decision, ExecutionReport, OrderIntent, RegimeScore } from './types.js';

export type GatewayEvent =
  | { readonly type: 'regime'; readonly symbol: string; readonly ts: number; readonly score: RegimeScore }
  | {
      readonly type: 'decision';
      readonly symbol: string;
      readonly client: string;
      readonly ts: number;
      readonly intent: OrderIntent;
      readonly decision: Decision;
      readonly regime: string;
    }
  | {
      readonly type: 'execution';
      readonly symbol: string;
      readonly client?: string;
      readonly ts: number;
      readonly intentId?: string;
      readonly report: ExecutionReport;
    }
  | {
      readonly type: 'kill';
      readonly ts: number;
      readonly active: boolean;
      readonly scope: Readonly<Record<string, string>>;
      readonly operator: string;
      readonly reason?: string;
    }
  | {
      readonly type: 'policy';
      readonly ts: number;
      readonly id: string;
      readonly sha256: string;
      readonly ok: boolean;
      readonly error?: string;
    }
  | {
      readonly type: 'override';
      readonly ts: number;
      readonly id: string;
      readonly state: string;
      readonly detail: Readonly<Record<string, unknown>>;
    }
  | {
      readonly type: 'latch';
      readonly ts: number;
      readonly scope: { readonly level: string; readonly id: string };
      readonly state: 'reduce_only' | 'halt' | 'cleared';
      readonly reason: string;
      readonly operator?: string;
    }
  // The dead-man switch keeper (execution/deadman): state changes, not every refresh.
  | {
      readonly type: 'deadman';
      readonly ts: number;
      readonly venue: string;
      readonly symbol: string;
      readonly state: 'armed' | 'disarmed' | 'refresh_failed' | 'paused' | 'resumed' | 'expired';
      readonly countdownMs: number;
      readonly detail?: string;
    }
  // A venue banned us (HTTP 418): new orders are held by the venue budget until `until`.
  | { readonly type: 'venue_ban'; readonly ts: number; readonly venue: string; readonly until: number }
  // The audit log could not write: orders now fail closed (AUDIT_WRITE_FAILED) until restart.
  | { readonly type: 'audit_failure'; readonly ts: number; readonly error: string }
  // The shadow policy set decided differently from the enforced one.
  | {
      readonly type: 'shadow_diff';
      readonly ts: number;
      readonly symbol: string;
      readonly client: string;
      readonly intentId: string;
      readonly fields: readonly string[];
    };

export type GatewayEventListener = (e: GatewayEvent) => void;

export class EventBus {
  private readonly listeners = new Set<GatewayEventListener>();
  failures = 0;

  subscribe(l: GatewayEventListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  publish(e: GatewayEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        this.failures++;
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }
}
