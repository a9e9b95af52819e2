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
export type GatewayEventType = GatewayEvent['type'];
type EventOf<T extends GatewayEventType> = Extract<GatewayEvent, { readonly type: T }>;

// A record, so that the compiler fails here when a type is added to the union and not listed.
const TYPES: Record<GatewayEventType, true> = {
  regime: true,
  decision: true,
  execution: true,
  kill: true,
  policy: true,
  override: true,
  latch: true,
  deadman: true,
  venue_ban: true,
  audit_failure: true,
  shadow_diff: true,
};
const EVERY_TYPE = Object.keys(TYPES) as GatewayEventType[];

export class EventBus {
  // Listeners per event type (an array, rebuilt on (un)subscribe, iterated per publish): the order
  // path publishes three events per order, and most subscribers care about one or two types.
  private readonly byType = new Map<GatewayEventType, readonly GatewayEventListener[]>();
  private readonly listeners = new Set<GatewayEventListener>();
  failures = 0;

  /** `types`: only events of these types reach `l` (default: every event). */
  subscribe(l: GatewayEventListener): () => void;
  subscribe<T extends GatewayEventType>(l: (e: EventOf<T>) => void, types: readonly T[]): () => void;
  subscribe(l: (e: never) => void, types: readonly GatewayEventType[] = EVERY_TYPE): () => void {
    // A fresh function per subscription: each unsubscribe removes exactly its own.
    const entry: GatewayEventListener = (e) => (l as GatewayEventListener)(e);
    this.listeners.add(entry);
    for (const t of new Set(types)) this.byType.set(t, [...(this.byType.get(t) ?? []), entry]);
    return () => {
      if (!this.listeners.delete(entry)) return;
      for (const t of new Set(types))
        this.byType.set(
          t,
          this.byType.get(t)!.filter((x) => x !== entry),
        );
    };
  }

  /** Whether anyone listens to events of this type: lets a publisher skip building the event. */
  wants(type: GatewayEventType): boolean {
    return (this.byType.get(type)?.length ?? 0) > 0;
  }

  publish(e: GatewayEvent): void {
    const ls = this.byType.get(e.type);
    if (!ls) return;
    for (const l of ls) {
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
