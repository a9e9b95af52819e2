export { createLiveFeed } from './live-feed.js';
export { localBinanceUrls } from './exchange.js';
export * from './normalize.js';
export * from './types.js';
