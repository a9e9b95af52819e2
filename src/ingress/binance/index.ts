/** ingress/binance: the Binance USD-M-compatible front door. See README.md. */
export { binanceFrontDoor, toBinanceError, type BinanceFrontDoor, type BinanceFrontDoorDeps } from './front-door.js';
export { GatewayMarketSource, type GatewayMarketSourceOptions } from './market-source.js';
export { OrderIdMap } from './order-ids.js';
export { binanceStatusOf, presentBinanceOrder } from './order-wire.js';
export { rejectionOf } from './denials.js';
