/** backtest/: policy backtests through the real pipeline. See README.md. */
export { parseStrategySpecs, formatStrategySpec, SPEC_GRAMMAR, type StrategySpec, type TrendSpec, type MarketMakerSpec } from './spec.js';
export { createStrategy, TrendFollower, MarketMaker, lotQuantity, type Strategy, type StrategyView, type StrategyAction, type OrderRequest, type BarView } from './strategies.js';
export { prepareArms, scorerChoice, clientIdOf, NO_POLICY_ID, NO_POLICY_YAML, type Arm, type ArmSetup } from './config.js';
export { runBacktest, stepTimes, HOUR_MS, type BacktestOptions, type BacktestRun, type ArmRun, type MarketSeries } from './run.js';
export { buildReport, drawdownSeries, REPORT_VERSION, type ReplayReport, type ArmReport, type StrategyOutcome } from './summary.js';
export { renderReportHtml, headline } from './report-html.js';
export { writeReport, reportJson } from './report.js';
