/** Where a conditional order goes once its decision allows it (pipeline.routeConditional):
 * protective ones (reduce-only, closePosition) to the venue as its own conditional order, so
 * they fire even if the gateway is down; the rest to the TriggerHolder, which re-evaluates
 * them at trigger. A protective order the venue cannot hold natively (no placeConditional) is
 * held by the gateway too; a split one is forwarded child by child (pipeline.routeConditional). */
import { isProtectiveIntent } from '../../core/conditional.js';
import type { Venue } from '../../core/types.js';
import type { ParentOrder } from '../order-store.js';
import type { TriggerHolder } from './trigger-holder.js';

export function conditionalRouting(holder: TriggerHolder) {
  return {
    forwardToVenue: (p: ParentOrder, venue: Venue): boolean =>
      isProtectiveIntent(p.intent) && typeof venue.placeConditional === 'function',
    hold: (p: ParentOrder): void => holder.hold(p),
    cancel: (intentId: string, reason: string): void => holder.cancel(intentId, reason),
  };
}

/** Kill-switch cancels leave protective conditional orders working (they reduce risk). */
export const killCancels = (p: ParentOrder): boolean => !isProtectiveIntent(p.intent);
