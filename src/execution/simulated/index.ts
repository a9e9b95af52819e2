/** execution/simulated: the paper exchange. See README.md. */
export { SimulatedExchange } from './exchange.js';
export type { ReportOrigin } from './options.js';
export { SimulatedVenue, createSimulatedVenue } from './venue.js';
export { buildInstruments, DEFAULT_INSTRUMENTS } from './instruments.js';
export { bracketsFor } from './brackets.js';
export { type SimConditional } from './conditional-book.js';
