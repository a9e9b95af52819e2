/** account/: Binance USD-M margin arithmetic. Pure functions; see README.md. */
export { computeExposure } from './exposure.js';
