/** JSON views of core values. JSON has no NaN or Infinity: a missing feature is written as null
 * (and named in `missing`), never as 0. */
import type { MarketSnapshot } from './types.js';

function finiteOrNull(rec: Readonly<Record<string, number>>): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const [k, v] of Object.entries(rec)) out[k] = Number.isFinite(v) ? v : null;
  return out;
}

/** A frozen record (the market view's features, shared by every snapshot of a bar) maps to one
 * frozen JSON view, so every order of the bar carries the same object (audit/redact.ts serialises
 * a deeply frozen object once). */
const frozenViews = new WeakMap<object, Readonly<Record<string, number | null>>>();
function finiteOrNullShared(rec: Readonly<Record<string, number>>): Readonly<Record<string, number | null>> {
  if (!Object.isFrozen(rec)) return finiteOrNull(rec);
  let view = frozenViews.get(rec);
  if (!view) frozenViews.set(rec, (view = Object.freeze(finiteOrNull(rec))));
  return view;
}

/** A market snapshot as written to the audit log and served by GET /v1/market/:symbol. */
export function snapshotJson(s: MarketSnapshot): Record<string, unknown> {
  return {
    symbol: s.symbol,
    asOf: s.asOf,
    ageMs: s.ageMs,
    mark: s.mark ?? null,
    last: s.last ?? null,
    bid: s.bid ?? null,
    ask: s.ask ?? null,
    degraded: s.degraded,
    flags: s.flags,
    missing: s.missing,
    ages: finiteOrNull(s.ages),
    features: finiteOrNullShared(s.features),
  };
}
