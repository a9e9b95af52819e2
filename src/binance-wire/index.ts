export { buildBinanceServer, type BinanceServer } from './server.js';
export type * from './source.js';
export { EventDrivenMarketDataSource } from './event-driven-source.js';
export { InMemoryMarketDataSource, perpInstrument } from './in-memory-source.js';
