/** The holder of conditional orders that open or grow a position: built after the pipeline, it
 * gets only the narrow order entry it needs (submit at trigger, cancel of its parent). */
import type { Clock } from '../core/clock.js';
import { isProtectiveIntent } from '../core/conditional.js';
import type { IdGenerator } from '../core/ids.js';
import type { AuditAppender } from '../core/stages.js';
import type { RegimeLabel, Venue } from '../core/types.js';
import { TriggerHolder, type HeldJournal } from '../execution/conditional/index.js';
import type { OrderStore } from '../execution/order-store.js';
import type { Pipeline } from '../pipeline.js';

export function createConditionalHolder(d: {
  entry: Pick<Pipeline, 'submit' | 'cancel'>;
  clock: Clock;
  ids: IdGenerator;
  orders: OrderStore;
  venues: ReadonlyMap<string, Venue>;
  audit: AuditAppender;
  regimeOf: (symbol: string) => RegimeLabel | undefined;
  journal?: HeldJournal;
}): TriggerHolder {
  const { entry, clock, orders } = d;
  return new TriggerHolder({
    clock,
    ids: d.ids,
    submit: (i) => entry.submit(i),
    cancelParent: (id, reason) => entry.cancel(id, reason),
    endHeld: (p, status, reason) =>
      p.children.forEach((_, i) => orders.endChild(p, i, status, clock.now(), undefined, reason)),
    regimeOf: d.regimeOf,
    position: async (i) =>
      (await d.venues.get(i.venue)!.accountState(i.account)).positions.find((p) => p.symbol === i.symbol)?.quantity ??
      '0',
    audit: (body) => d.audit.append('execution', body),
    isProtective: isProtectiveIntent,
    ...(d.journal ? { journal: d.journal } : {}),
  });
}
