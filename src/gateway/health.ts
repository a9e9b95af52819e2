/** GET /healthz: one check per dependency. A venue that cannot be reached makes the gateway
 * 'failing' (503); anything else not ok makes it 'degraded' (200): it still answers, fail closed. */
import type { HealthReport } from '../app.js';
import type { Clock } from '../core/clock.js';
import type { MarketView } from '../core/stages.js';
import type { Venue } from '../core/types.js';
import type { DeadmanKeeper } from '../execution/deadman/index.js';
import { VenueHealth, type ProbedVenue } from '../execution/venue-health.js';

export interface HealthSources {
  readonly symbols: readonly string[];
  readonly market: MarketView;
  readonly clock: Clock;
  readonly policy: () => { readonly id: string; readonly sha256: string };
  readonly scorer: () => { readonly id: string; readonly kind: string };
  readonly cluster?: { health(): { ok: boolean; detail?: string } };
  readonly deadman?: DeadmanKeeper;
  readonly venues: VenueHealth;
}

function healthReport(s: HealthSources): HealthReport {
  const checks: Record<string, { ok: boolean; detail?: string }> = {};
  for (const sym of s.symbols) {
    const snap = s.market.snapshot(sym, s.clock.now());
    checks[`market:${sym}`] = snap.degraded ? { ok: false, detail: `degraded: ${snap.flags.join(',')}` } : { ok: true };
  }
  const p = s.policy();
  const sc = s.scorer();
  checks.policy = { ok: true, detail: `${p.id}@${p.sha256.slice(0, 12)}` };
  checks.scorer = { ok: true, detail: `${sc.id} (${sc.kind})` };
  if (s.cluster) checks.cluster = s.cluster.health();
  if (s.deadman?.applies) {
    const k = s.deadman.snapshot();
    checks.deadman = k.paused
      ? { ok: false, detail: 'not refreshed: gateway unhealthy' }
      : { ok: true, detail: `${k.armed} symbol(s) armed, ${k.acks} arms acknowledged` };
  }
  const venueChecks = s.venues.checks();
  Object.assign(checks, venueChecks);
  const degraded = Object.values(checks).some((c) => !c.ok);
  const venueDown = Object.values(venueChecks).some((c) => !c.ok);
  return { status: venueDown ? 'failing' : degraded ? 'degraded' : 'ok', checks };
}

/** The health of a gateway: the report, and the venue probes it reads (started with the gateway). */
export function createHealth(
  s: Omit<HealthSources, 'venues'> & { readonly venues: Iterable<Venue>; readonly wallClock: Clock },
): { report: () => HealthReport; start(): void; stop(): void } {
  const probed = [...s.venues].filter(
    (v): v is Venue & ProbedVenue => typeof (v as Partial<ProbedVenue>).probe === 'function',
  );
  const venues = new VenueHealth(probed, s.wallClock);
  return {
    report: () => healthReport({ ...s, venues }),
    start: () => venues.start(),
    stop: () => venues.stop(),
  };
}
