/** liqguard venue: the simulated exchange's private Binance USD-M API (orders, account, user
 * stream, faults) and its server; the public wire it shares with the gateway is src/binance-wire. */
export { createPrivateApi, PrivateFaults, parseFault, CONTROL_PATH, DEFAULT_ORDER_LIMITS, type PrivateApi, type PrivateApiOptions, type Fault, type FaultCounts, type ApiKeyConfig, type OrderLimits } from './private/index.js';
export { startSimulatedVenueServer, type SimulatedVenueServer, type SimulatedVenueServerOptions } from './private/simulated-venue-server.js';
