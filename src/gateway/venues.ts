/** The venues of a config: simulated paper exchanges (fed by the market events) and ccxt
 * exchanges (markets loaded, credentials from env, ccxt's limiter off, the shared venue budget
 * on; a ban seen by the budget becomes a venue_ban event). */
import pino from 'pino';
import type { GatewayConfig } from '../config/types.js';
import type { Clock } from '../core/clock.js';
import type { EventBus } from '../core/events.js';
import type { Venue } from '../core/types.js';
import { CcxtVenue, createCcxtVenue } from '../execution/ccxt/index.js';
import { createSimulatedVenue, type SimulatedVenue } from '../execution/simulated/index.js';
import type { Metrics } from './metrics.js';

export async function createVenues(
  config: GatewayConfig,
  d: { clock: Clock; wallClock: Clock; metrics: Metrics; bus: EventBus },
): Promise<{ venues: Map<string, Venue>; simulated: SimulatedVenue[] }> {
  const venues = new Map<string, Venue>();
  const simulated: SimulatedVenue[] = [];
  for (const v of config.venues) {
    if (v.kind === 'simulated') {
      const sim = createSimulatedVenue({ id: v.id, symbols: v.symbols, initialBalance: v.initialBalance }, d.clock);
      simulated.push(sim);
      venues.set(v.id, sim);
      continue;
    }
    const venue = await createCcxtVenue(v, {
      clock: d.clock,
      wallClock: d.wallClock,
      registry: d.metrics.registry,
      logger: pino({ level: config.server.logLevel, base: { component: `venue-${v.id}` } }),
      ...(config.cluster ? { options: { accountMaxStaleMs: config.cluster.accountViewMaxAgeMs } } : {}),
    });
    venues.set(v.id, venue);
    if (venue instanceof CcxtVenue)
      venue.budget.onBan((until) => d.bus.publish({ type: 'venue_ban', ts: d.wallClock.now(), venue: v.id, until }));
  }
  return { venues, simulated };
}
