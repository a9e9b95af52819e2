/** Keepers started with the gateway: the venue's dead-man switch and the audit chain anchor. */
import pino from 'pino';
import type { GatewayConfig } from '../config/types.js';
import type { Clock } from '../core/clock.js';
import type { EventBus } from '../core/events.js';
import type { Venue } from '../core/types.js';
import { AuditAnchor } from '../audit/anchor.js';
import { openAnchorStore } from '../audit/anchor-stores.js';
import { DeadmanKeeper } from '../execution/deadman/index.js';
import type { OrderStore } from '../execution/order-store.js';

/** The venue's dead-man switch, armed per symbol with working orders while the gateway is healthy. */
export function createDeadman(
  config: GatewayConfig,
  d: {
    venues: ReadonlyMap<string, Venue>;
    orders: OrderStore;
    audit: { health(): { ok: boolean } };
    bus: EventBus;
    wall: Clock;
  },
): DeadmanKeeper | undefined {
  const dm = config.deadman;
  if (!dm.enabled) return undefined;
  const deadman = new DeadmanKeeper({
    venues: d.venues,
    working: () => d.orders.working().map((p) => p.intent),
    healthy: () => d.audit.health(),
    clock: d.wall,
    countdownMs: dm.countdownMs,
    refreshMs: dm.refreshMs,
    onEvent: (e) => d.bus.publish({ type: 'deadman', ts: d.wall.now(), ...e }),
  });
  if (deadman.applies) d.bus.subscribe(() => deadman.poke(), ['decision', 'execution']);
  return deadman;
}

/** The chain head checkpointed outside the segment files (audit verify --anchor), when configured. */
export function startAnchor(
  config: GatewayConfig,
  head: ConstructorParameters<typeof AuditAnchor>[0]['head'],
  wall: Clock,
): AuditAnchor | undefined {
  const a = config.audit.anchor;
  if (!a) return undefined;
  const anchor = new AuditAnchor({
    instance: config.instance,
    head,
    store: openAnchorStore(a.store, a.keyPrefix),
    clock: wall,
    hmacKey: a.hmacKey,
    intervalMs: a.intervalMs,
    logger: pino({ level: config.server.logLevel, base: { component: 'audit-anchor' } }),
  });
  anchor.start();
  return anchor;
}
