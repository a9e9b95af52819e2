/** The operators' and compliance dashboard: a single page at `/` (static HTML/CSS/JS, no build
 * step at run time) plus two JSON endpoints it reads beside the public API:
 *   GET /v1/dashboard/summary        versions in force, counters per outcome and rule, per-symbol
 *                                    regime with history and data-quality state, overrides
 *   GET /v1/dashboard/decisions/:id  one decision with its inputs, score, trace, children, reports
 * Live updates come from the WebSocket /v1/stream. */
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../core/clock.js';
import { LiqguardError } from '../core/errors.js';
import type { MarketView } from '../core/stages.js';
import type { RegimeScorer } from '../core/types.js';
import type { EventBus, GatewayEvent } from '../core/events.js';
import type { OrderStore } from '../execution/order-store.js';
import type { ApiKeyAuth } from '../ingress/auth.js';
import { presentOrder, presentRegime } from '../ingress/present.js';
import { canSee } from '../ingress/routes-orders.js';
import { presentOverride } from '../overrides/present.js';
import type { OverrideView } from '../overrides/types.js';
import { RegimeHistory } from './history.js';
import { DecisionJournal } from './journal.js';
import { RegimeTicker } from './regime-ticker.js';
import { findPublicDir, loadAssets } from './static.js';

interface PolicyVersion {
  readonly id: string;
  readonly sha256: string;
  readonly version?: number;
}

export interface DashboardDeps {
  readonly bus: Pick<EventBus, 'subscribe'> & { publish(e: GatewayEvent): void };
  readonly clock: Clock;
  readonly orders: OrderStore;
  readonly market: MarketView;
  /** Symbols to show a card for (the venues' instruments). */
  readonly symbols: () => readonly string[];
  readonly scorer: () => RegimeScorer;
  readonly policy: () => PolicyVersion;
  readonly shadowPolicy?: () => PolicyVersion | undefined;
  readonly overrides?: { list(filter?: { state?: OverrideView['state'] }): OverrideView[] };
  readonly instance?: string;
  /** Overrides the static files' directory (default: found beside the module or in src/). */
  readonly publicDir?: string;
  /** When set, the dashboard publishes per-symbol regime events itself at this period (see
   * regime-ticker.ts); leave unset if the gateway already publishes regimes periodically. */
  readonly regimeTickMs?: number;
  readonly historyPoints?: number;
  readonly journalSize?: number;
  /** Key written into the (unauthenticated) page: only the embedded demo's key, never a real one. */
  readonly prefillKey?: string;
}

// The page runs only its own scripts; inline style attributes are allowed for uPlot's layout.
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export function createDashboard(deps: DashboardDeps) {
  const journal = new DecisionJournal(deps.journalSize);
  const history = new RegimeHistory(deps.historyPoints);

  const plugin = (app: FastifyInstance, auth: ApiKeyAuth): void => {
    const detach = [history.attach(deps.bus), journal.attach(deps.bus)];
    const ticker = deps.regimeTickMs
      ? new RegimeTicker({
          bus: deps.bus,
          market: deps.market,
          scorer: deps.scorer,
          symbols: deps.symbols,
          clock: deps.clock,
          intervalMs: deps.regimeTickMs,
        })
      : undefined;
    app.addHook('onReady', async () => ticker?.start());
    app.addHook('onClose', async () => {
      ticker?.stop();
      detach.forEach((d) => d());
    });
    const files = withPrefilledKey(loadAssets(findPublicDir(deps.publicDir)), deps.prefillKey);
    for (const p of files.problems) app.log.warn(p);
    const hide = { hide: true };

    app.get('/', { schema: { ...hide } }, async (_req, reply) => {
      if (!files.index) throw new LiqguardError('UNAVAILABLE', files.problems.join('; '));
      void reply
        .header('content-type', files.index.type)
        .header('content-security-policy', CSP)
        .header('x-content-type-options', 'nosniff')
        .header('referrer-policy', 'no-referrer')
        .header('cache-control', 'no-cache');
      return reply.send(files.index.body);
    });
    app.get('/assets/:file', { schema: { ...hide } }, async (req, reply) => {
      const a = files.assets.get((req.params as { file: string }).file);
      if (!a) throw new LiqguardError('NOT_FOUND', `no dashboard asset ${(req.params as { file: string }).file}`);
      void reply
        .header('content-type', a.type)
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'no-cache');
      return reply.send(a.body);
    });

    app.get(
      '/v1/dashboard/summary',
      {
        preHandler: auth.guard('viewer'),
        schema: {
          tags: ['dashboard'],
          summary: 'Versions in force, counters per outcome and rule, regime history and data quality per symbol',
        },
      },
      async (req) => {
        const now = deps.clock.now();
        const scorer = deps.scorer();
        const privileged = req.client!.roles.includes('operator') || req.client!.roles.includes('compliance');
        const symbols = await Promise.all(
          deps.symbols().map(async (symbol) => {
            const snap = deps.market.snapshot(symbol, now);
            let score = history.latest(symbol);
            if (!score) {
              try {
                score = await scorer.score(snap, now);
              } catch {
                score = undefined;
              }
            }
            const h = history.history(symbol);
            return {
              symbol,
              regime: score ? presentRegime(score) : null,
              history: { ts: h.map((x) => x.ts), p: h.map((x) => x.p), regime: h.map((x) => x.regime) },
              quality: {
                flags: snap.flags,
                degraded: snap.degraded,
                ageMs: Number.isFinite(snap.ageMs) ? snap.ageMs : null,
                missing: snap.missing,
                mark: snap.mark ?? null,
              },
            };
          }),
        );
        const shadow = deps.shadowPolicy?.();
        return {
          now,
          instance: deps.instance ?? null,
          client: req.client!.id,
          roles: req.client!.roles,
          versions: {
            model: { id: scorer.id, sha256: scorer.sha256, kind: scorer.kind },
            policy: deps.policy(),
            shadowPolicy: shadow ?? null,
          },
          counters: { total: journal.total, outcomes: journal.outcomes, rules: journal.ruleCounters() },
          symbols,
          overrides:
            privileged && deps.overrides
              ? deps.overrides
                  .list()
                  .filter((o) => o.state === 'pending' || o.state === 'active')
                  .map(presentOverride)
              : [],
        };
      },
    );

    app.get(
      '/v1/dashboard/decisions/:id',
      {
        preHandler: auth.guard('viewer'),
        schema: {
          tags: ['dashboard'],
          summary: 'One decision: intent, market inputs, score, rule trace, children and venue reports',
        },
      },
      async (req) => {
        const { id } = req.params as { id: string };
        const client = req.client!;
        const order = deps.orders.get(id);
        const entry = journal.get(id);
        const inputs = journal.inputsOf(id);
        const owner = order?.intent.clientId ?? entry?.client;
        const privileged = client.roles.includes('operator') || client.roles.includes('compliance');
        if ((!order && !entry) || (order && !canSee(client, order)) || (!privileged && owner !== client.id))
          throw new LiqguardError(
            'NOT_FOUND',
            `no decision ${id} (the dashboard keeps the latest ${deps.journalSize ?? 5000}; older ones are in ` +
              `the audit log)`,
          );
        return {
          intentId: id,
          order: order ? presentOrder(order) : null,
          intent: entry?.intent ?? order?.intent ?? null,
          decision: entry?.decision ?? order?.decision ?? null,
          regime: entry?.regime ?? order?.regime ?? null,
          score: inputs?.score ?? null,
          market: inputs?.market ?? null,
          reports: entry?.reports ?? [],
        };
      },
    );
  };

  return { plugin, observer: journal.observer, journal, history };
}

const KEY_INPUT = 'id="key-input" name="key" autocomplete="off" spellcheck="false" required value=""';

/** The page asks for a key; with `key` (the embedded demo only) the input comes pre-filled. */
function withPrefilledKey<T extends { index?: { body: Buffer; type: string } }>(files: T, key: string | undefined): T {
  if (!key || !files.index) return files;
  const safe = key.replace(/[^A-Za-z0-9_-]/g, '');
  return {
    ...files,
    index: {
      ...files.index,
      body: Buffer.from(
        files.index.body.toString('utf8').replace(KEY_INPUT, KEY_INPUT.replace('value=""', `value="${safe}"`)),
      ),
    },
  };
}
