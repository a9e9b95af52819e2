export { Ring } from './ring.js';
export { RollingStats } from './rolling-stats.js';
export { RollingExtreme } from './extrema.js';
export { RollingPercentile } from './percentile.js';
export { Ewma, DecayingIntensity } from './ewma.js';
