/** backtest/: policy backtests through the real pipeline. See README.md. */
export { parseStrategySpecs, SPEC_GRAMMAR, type StrategySpec } from './spec.js';
export { type Arm } from './config.js';
export { runBacktest, type BacktestOptions, type BacktestRun } from './run.js';
export { buildReport, type ReplayReport } from './summary.js';
export { renderReportHtml, headline } from './report-html.js';
export { writeReport } from './report.js';
