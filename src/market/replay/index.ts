export { TimedReplay, type ReplaySpeed } from './timed-replay.js';
export { createReplayFeed, EMBEDDED_DEFAULT } from './sources.js';
