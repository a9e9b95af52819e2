export { SplitScheduler, type SchedulerEvent, type SplitSchedulerOptions } from './scheduler.js';
export { ManualTimers, realTimers, type Timers } from './timers.js';
