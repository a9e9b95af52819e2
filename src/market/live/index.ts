export { createLiveFeed } from './live-feed.js';
export { createCcxtExchange, localBinanceUrls } from './exchange.js';
export { backoffDelay, DEFAULT_BACKOFF } from './backoff.js';
export { classifyError, type ErrorKind } from './stream-loop.js';
export * from './normalize.js';
export * from './types.js';
