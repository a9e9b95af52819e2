/** The door's user-data stream: POST/PUT/DELETE /fapi/v1/listenKey (API key only, as Binance's
 * USER_STREAM security) and the pushes, built from the pipeline's decisions and execution reports
 * on the event bus: ORDER_TRADE_UPDATE for every status change and fill of the client's orders
 * (split parents as one order), ACCOUNT_UPDATE after each fill (the venue's wallet and that
 * symbol's position) and after each funding payment the venue reports, listenKeyExpired when a key lapses. Delivery is through the door's WsHub
 * (`publishUserEvent`), which the websocket upgrade handler in ws-door.ts fills. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ClientConfig } from '../../config/types.js';
import type { EventBus } from '../../core/events.js';
import { BinanceApiError } from '../../binance-wire/errors.js';
import type { WsHub } from '../../binance-wire/ws-hub.js';
import type { FrontDoorContext } from './context.js';
import type { ListenKeys } from './listen-keys.js';
import { accountUpdate } from './user-events.js';
import type { JournalEntry, UserJournal } from './user-journal.js';

export interface UserStreamDeps {
  readonly bus: EventBus;
  readonly hub: WsHub;
  readonly keys: ListenKeys;
  readonly journal: UserJournal;
  /** How often lapsed keys are looked for. Default 60 s. */
  readonly sweepMs?: number;
}

/** X-MBX-APIKEY only (no signature), any of the client's roles that may read or trade. */
function apiKeyClient(ctx: FrontDoorContext, req: FastifyRequest): ClientConfig {
  const h = req.headers['x-mbx-apikey'];
  const key = typeof h === 'string' ? h.trim() : '';
  if (!key) throw new BinanceApiError(401, -2014, 'API-key format invalid.');
  const client = ctx.auth.identify(key);
  if (!client || !client.roles.some((r) => r === 'trader' || r === 'viewer'))
    throw new BinanceApiError(401, -2015, 'Invalid API-key, IP, or permissions for action.');
  return client;
}

export function registerUserStream(app: FastifyInstance, ctx: FrontDoorContext, d: UserStreamDeps): () => void {
  app.post('/fapi/v1/listenKey', async (req) => ({ listenKey: d.keys.open(apiKeyClient(ctx, req).id) }));
  app.put('/fapi/v1/listenKey', async (req) => {
    const key = d.keys.keepAlive(apiKeyClient(ctx, req).id);
    if (!key) throw new BinanceApiError(400, -1125, 'This listenKey does not exist.');
    return { listenKey: key };
  });
  app.delete('/fapi/v1/listenKey', async (req) => {
    const key = d.keys.close(apiKeyClient(ctx, req).id);
    if (key) d.hub.publishUserEvent(key, { e: 'listenKeyExpired', E: ctx.wallClock.now(), listenKey: key });
    return {};
  });

  // ACCOUNT_UPDATE needs the venue's (async) account state: one chain keeps pushes in order.
  let chain: Promise<void> = Promise.resolve();
  const deliver = (entry: JournalEntry): void => {
    const key = d.keys.keyOf(entry.clientId);
    if (!key) return;
    for (const ev of entry.events) d.hub.publishUserEvent(key, ev);
    if (!entry.filled) return;
    const { venue, account } = entry.parent.intent;
    const v = ctx.venues.get(venue);
    if (!v) return;
    chain = chain
      .then(async () => {
        const state = await v.accountState(account);
        const k = d.keys.keyOf(entry.clientId);
        if (k)
          d.hub.publishUserEvent(
            k,
            accountUpdate({
              state,
              asset: entry.inst.quote,
              insts: [entry.inst],
              reason: 'ORDER',
              eventTime: ctx.wallClock.now(),
            }),
          );
      })
      .catch(() => undefined); // a venue read failure loses one snapshot, never the stream
  };

  const unsubscribe = d.bus.subscribe(
    (e) => {
      if (e.type === 'decision') {
        if (e.decision.kind !== 'deny') d.journal.onDecision(e.intent.intentId);
        return;
      }
      if (!e.intentId) return;
      const parent = ctx.orders.get(e.intentId);
      if (!parent) return;
      // The journal is always kept (userTrades, income and order times read it); the pushes are
      // built only for a client with an open listen key.
      const entry = d.journal.onReport(parent, e.report, d.keys.keyOf(parent.intent.clientId) !== undefined);
      if (entry) deliver(entry);
    },
    ['decision', 'execution'],
  );

  // Funding settlements the venue reports (the simulated venue books them; a ccxt venue polls its income): FUNDING_FEE income for every
  // client trading that venue account, and an ACCOUNT_UPDATE with reason FUNDING_FEE.
  const unfund: (() => void)[] = [];
  for (const v of ctx.venues.values()) {
    if (!v.onFunding) continue;
    unfund.push(
      v.onFunding((f) => {
        const inst = v.instrument(f.symbol);
        if (!inst) return;
        // A ccxt venue trades one exchange account and reports it as '' (any client on that venue).
        const clients = ctx.auth
          .clients()
          .filter((c) => c.venue === f.venue && (f.account === '' || c.account === f.account));
        for (const c of clients) d.journal.onFunding(c.id, inst, f.amount);
        chain = chain
          .then(async () => {
            const state = await v.accountState(f.account || clients[0]?.account || '');
            for (const c of clients) {
              const k = d.keys.keyOf(c.id);
              if (k)
                d.hub.publishUserEvent(
                  k,
                  accountUpdate({
                    state,
                    asset: inst.quote,
                    insts: [inst],
                    reason: 'FUNDING_FEE',
                    eventTime: ctx.wallClock.now(),
                    balanceChange: f.amount,
                  }),
                );
            }
          })
          .catch(() => undefined);
      }),
    );
  }

  const sweep = setInterval(() => {
    for (const { key } of d.keys.sweep())
      d.hub.publishUserEvent(key, { e: 'listenKeyExpired', E: ctx.wallClock.now(), listenKey: key });
  }, d.sweepMs ?? 60_000);
  sweep.unref();
  return () => {
    clearInterval(sweep);
    unsubscribe();
    for (const u of unfund) u();
  };
}
