/** account/: Binance USD-M margin arithmetic. Pure functions; see README.md. */
export { bracketFor, bracketTable, maintenanceMargin, marginRatio, maxNotionalForLeverage, unrealizedPnl } from './margin.js';
export { crossedLiquidation, liquidationPrice, type LiquidationInput, type LiquidationResult } from './liquidation.js';
export { erfc, normalCdf, touchProbability } from './normal.js';
export { applyFill, computeExposure, isolatedMarginAfter, type ExposureInput, type FillEffect, type PositionWithMargin } from './exposure.js';
