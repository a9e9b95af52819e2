export { parseCsv, readTextFile, dataError } from './csv.js';
export { parseKlines, type KlineOptions } from './klines.js';
export { parseFunding, type FundingOptions } from './funding.js';
export { parseOpenInterest, parseLiquidations, type SeriesOptions } from './series.js';
export { ReplayFeed, mergeSources, type ReplaySource, type EventSink, type ReplayWindow } from './feed.js';
export { TimedReplay, systemScheduler, speedMultiplier, type Scheduler, type ReplaySpeed, type TimedReplayOptions } from './timed-replay.js';
export {
  replaySourcesFor,
  createReplayFeed,
  readKlineFile,
  readFundingFile,
  readOpenInterestFile,
  readLiquidationFile,
  toEpochMs,
  EMBEDDED_DEFAULT,
  type ReplaySourcesOptions,
  type ReplaySources,
} from './sources.js';
