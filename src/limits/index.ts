/** Public API of the limits stage (see README.md). */
export { Hierarchy, DEFAULT_HIERARCHY, scopeKeyOf, type HierarchyConfig } from './hierarchy.js';
export { LimitBook, type LimitBookOptions, type LatchEvent } from './limit-book.js';
export { PnlLedger } from './pnl-ledger.js';
export { MessageCounters } from './message-counters.js';
export { periodIndex, zoneOffsetMs, assertTimeZone } from './period.js';
export { FillDeltas, type FillDelta } from './fill-deltas.js';
