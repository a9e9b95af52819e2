/** Split children and throttles on replay time. buildGateway wires the split scheduler to real
 * setTimeout and throttles to bottleneck on wall time: in a backtest that steps an hour in a few
 * milliseconds, children would fire at random steps and throttle waits (and their denials) would
 * depend on the machine's speed, so the same inputs would not give the same report.
 *
 * Until buildGateway takes `timers` and `admission` options (requested from the gateway owner),
 * this swaps those two pipeline dependencies right after the build, before any order:
 *  - a SplitScheduler wired exactly like the gateway's, on ManualTimers over the backtest clock:
 *    children go out at their notBefore in replay time, in order, when the engine advances;
 *  - no admission: throttle rules are evaluated and traced but never wait (at one step per hour a
 *    per-second rate cannot bind in replay time). */
import type { ManualClock } from '../core/clock.js';
import type { RegimeLabel } from '../core/types.js';
import { ManualTimers, SplitScheduler } from '../execution/split/index.js';
import type { Gateway } from '../gateway.js';
import type { PipelineDeps } from '../pipeline.js';

type MutableDeps = { -readonly [K in keyof PipelineDeps]: PipelineDeps[K] };

export function installReplayExecution(gw: Gateway, clock: ManualClock): ManualTimers {
  const deps = (gw.pipeline as unknown as { d?: MutableDeps }).d;
  if (!deps || typeof deps !== 'object' || !('orders' in deps) || !('venues' in deps)) {
    throw new Error('backtest: cannot put split children and throttles on replay time: the Pipeline no longer keeps its deps in `d`; buildGateway needs GatewayOptions.timers and GatewayOptions.admission');
  }
  const timers = new ManualTimers(clock);
  const lastRegime = new Map<string, RegimeLabel>();
  gw.bus.subscribe((e) => {
    if (e.type === 'regime') lastRegime.set(e.symbol, e.score.regime);
  });
  deps.deferred = new SplitScheduler({
    clock,
    timers,
    regimeOf: (symbol) => lastRegime.get(symbol) ?? 'unknown',
    endChild: (p, i, status, reason) => gw.orders.endChild(p, i, status, clock.now(), undefined, reason),
    onEvent: (e) => gw.audit.append('execution', { intentId: e.intentId, scheduler: e }),
  });
  delete deps.admission;
  return timers;
}
