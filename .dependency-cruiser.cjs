/** Import boundaries of the house design (docs/architecture.md): stages share only core types,
 * pure stages never reach for I/O or composition, and only the composition layer (gateway, server,
 * cli, backtest) wires stages together. `npm run lint:deps` fails on any violation. */
const STAGES_WITH_IO = '^src/(ingress|execution|cluster|dashboard|venue-api|binance-wire|alerts|gateway|cli|backtest|server\\.ts|app\\.ts)';
module.exports = {
  forbidden: [
    { name: 'core-is-a-leaf', severity: 'error', comment: 'core holds the shared types and catalogs; it imports no other stage',
      from: { path: '^src/core/' }, to: { path: '^src/', pathNot: '^src/core/' } },
    { name: 'pure-stages-no-io', severity: 'error', comment: 'market, scoring, policy, account and audit decide; they do not call ingress, execution or composition code',
      from: { path: '^src/(market|scoring|policy|account|audit|overrides)/' }, to: { path: STAGES_WITH_IO } },
    { name: 'ingress-not-on-the-simulator', severity: 'error', comment: 'the Binance door shares wire code with liqguard venue through src/binance-wire, never the simulator itself',
      from: { path: '^src/ingress/' }, to: { path: '^src/(venue-api|execution/simulated)/' } },
    { name: 'wire-not-on-the-simulator', severity: 'error', comment: 'src/binance-wire is shared by both servers; it never depends on either',
      from: { path: '^src/binance-wire/' }, to: { path: '^src/(venue-api|ingress|execution/simulated)/' } },
    { name: 'training-offline', severity: 'error', comment: 'training runs offline; serving code never imports it',
      from: { path: '^src/', pathNot: '^src/(training|cli|backtest)/' }, to: { path: '^src/training/' } },
    { name: 'cli-is-the-top', severity: 'error', comment: 'nothing imports the command line',
      from: { path: '^src/', pathNot: '^src/cli/' }, to: { path: '^src/cli/' } },
    { name: 'no-test-code-in-src', severity: 'error', from: { path: '^src/' }, to: { path: '^test/' } },
    { name: 'no-circular', severity: 'error', comment: 'a cycle between modules hides the order of construction',
      from: {}, to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
