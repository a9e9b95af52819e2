export { SplitScheduler } from './scheduler.js';
export { ManualTimers, type Timers } from './timers.js';
