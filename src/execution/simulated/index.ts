/** execution/simulated: the paper exchange. See README.md. */
export { SimulatedExchange } from './exchange.js';
export type { ReportListener, ReportOrigin, SimResult, SimulatedExchangeOptions } from './options.js';
export { SimulatedVenue, createSimulatedVenue, type SimulatedVenueConfig } from './venue.js';
export { buildInstruments, DEFAULT_INSTRUMENTS, type InstrumentConfig } from './instruments.js';
export { ALT_BRACKETS, BTCUSDT_BRACKETS, ETHUSDT_BRACKETS, bracketsFor } from './brackets.js';
export { DEFAULT_IMPACT, impactFraction, parkinsonSigma, type ImpactParams } from './impact.js';
export { intrabarPath, type PathPoint } from './intrabar-path.js';
export { REJECT, rejectReason, type VenueReject } from './rejects.js';
export type { EquityPoint, LedgerEntry, LedgerKind } from './state.js';
export { ConditionalBook, type SimConditional, type ConditionalStatus } from './conditional-book.js';
