/** Public API of the limits stage (see README.md). */
export { Hierarchy } from './hierarchy.js';
export { LimitBook, type LatchEvent } from './limit-book.js';
export { periodIndex } from './period.js';
export { FillDeltas } from './fill-deltas.js';
