/** ingress/binance: the Binance USD-M-compatible front door. See README.md. */
export { binanceFrontDoor, type BinanceFrontDoor } from './front-door.js';
export { OrderIdMap } from './order-ids.js';
export { presentBinanceOrder } from './order-wire.js';
export { rejectionOf } from './denials.js';
