/** WebSocket order entry at /v1/ws/orders: the same verb as POST /v1/orders over one socket.
 * Authenticated at the upgrade by the REST guard (x-api-key, Authorization: Bearer, or ?key=; never
 * logged); the key needs the trader role. Served by @fastify/websocket (websocket.ts): a refusal is an
 * HTTP answer with the catalog's body (401, 403, 400 for a bad option, 503 at maxConnections).
 *
 * Protocol (JSON text frames):
 *   → {"op":"submit","id":"a1","order":{...the POST /v1/orders body...}}
 *   ← {"id":"a1","ok":true,"result":{...the POST /v1/orders answer: decision, status, children...}}
 *   → {"op":"cancel","id":"a2","intentId":"ord_…"}  (or "clientOrderId":"…")
 *   ← {"id":"a2","ok":true,"result":{...the order...}}
 *   → {"op":"ping","id":"p"}                        ← {"type":"pong","id":"p","ts":…}
 *   ← {"type":"order","ts":…,"report":{...venue report...},"order":{...the parent order...}}
 *   ← {"id":…,"ok":false,"error":{"code","message","hint","details?"}}  for a bad message; the
 *     socket stays open (closing it would cancel the session's orders).
 * A denial is a value here too: ok:true with decision.kind "deny". Order pushes cover the orders
 * submitted on this socket, for every execution update after the submit's own answer (the
 * answer already carries the state the first venue reports produced).
 *
 * Cancel-on-disconnect (`?cancelOnDisconnect=true|false`, default true): when the socket closes
 * for any reason (client, network, heartbeat, gateway shutdown), the session's working orders
 * are cancelled through pipeline.cancel. Dead-man switch: a venue that exposes
 * `armDeadman(symbol, countdownMs)` (Binance countdownCancelAll) is kept armed for every symbol
 * in which a cancel-on-disconnect session has orders, refreshed every `refreshMs`, and disarmed
 * (countdown 0) when the last such session ends: if the gateway itself dies, the venue cancels.
 * Note that a venue's switch covers the whole account and symbol, not only this session's orders. */
import type { FastifyInstance } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import type { ClientConfig } from '../config/types.js';
import type { Clock } from '../core/clock.js';
import { isLiqguardError, LiqguardError } from '../core/errors.js';
import { wsEndpointHooks } from './websocket.js';
import type { IdGenerator } from '../core/ids.js';
import type { Venue } from '../core/types.js';
import type { EventBus } from '../core/events.js';
import { isTerminal, type OrderStore, type ParentOrder } from '../execution/order-store.js';
import type { Pipeline } from '../pipeline.js';
import type { ApiKeyAuth } from './auth.js';
import { parseOrderBody } from './order-body.js';
import { presentOrder } from './present.js';
import { DeadmanKeeper, realIntervals, type DeadmanEvent, type IntervalTimers } from '../execution/deadman/index.js';
import { toIntent } from './routes-orders.js';

// The dead-man switch lives in execution/deadman (one implementation for the gateway and this entry).
export { type IntervalTimers } from '../execution/deadman/index.js';

export interface WsOrderEntryDeps {
  readonly pipeline: Pick<Pipeline, 'submit' | 'cancel'>;
  readonly orders: OrderStore;
  readonly venues: ReadonlyMap<string, Venue>;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly bus: Pick<EventBus, 'subscribe'>;
  readonly path?: string; // default /v1/ws/orders
  readonly maxConnections?: number; // default 1000
  readonly heartbeatMs?: number; // default 30 s; a socket that misses a pong is terminated
  /** Dead-man switch: timing for a keeper of this entry's own sessions (default countdown 60 s,
   * refresh every 15 s), false to turn it off, or the gateway's keeper (which covers every working
   * order, so this entry only nudges it after a submit or a session end). */
  readonly deadman?: { readonly countdownMs?: number; readonly refreshMs?: number } | false | DeadmanKeeper;
  readonly timers?: IntervalTimers;
  readonly logger?: { warn(obj: object, msg: string): void };
}

export interface WsOrderStats {
  connections: number;
  accepted: number;
  rejected: number;
  submits: number;
  cancels: number;
  badMessages: number;
  pushes: number;
  disconnectCancels: number;
  deadmanArms: number;
  deadmanErrors: number;
}

interface Session {
  readonly ws: WebSocket;
  readonly client: ClientConfig;
  readonly cancelOnDisconnect: boolean;
  readonly intents: Set<string>;
  readonly inflight: Set<string>; // submits not answered yet: their pushes are in the answer
  alive: boolean;
}

class BadMessage extends LiqguardError {}

const OPS: Readonly<Record<string, readonly string[]>> = {
  submit: ['op', 'id', 'order'],
  cancel: ['op', 'id', 'intentId', 'clientOrderId'],
  ping: ['op', 'id'],
};

export function wsOrderEntry(deps: WsOrderEntryDeps) {
  const path = deps.path ?? '/v1/ws/orders';
  const timers = deps.timers ?? realIntervals;
  const stats: WsOrderStats = {
    connections: 0,
    accepted: 0,
    rejected: 0,
    submits: 0,
    cancels: 0,
    badMessages: 0,
    pushes: 0,
    disconnectCancels: 0,
    deadmanArms: 0,
    deadmanErrors: 0,
  };
  const sessions = new Set<Session>();
  const byIntent = new Map<string, Session>();
  const pendingCancels = new Set<Promise<unknown>>();

  const send = (s: Session, msg: unknown): void => {
    if (s.ws.readyState === s.ws.OPEN) s.ws.send(JSON.stringify(msg));
  };
  const idOf = (o: Record<string, unknown>): string | number | null =>
    (typeof o.id === 'string' && o.id.length <= 64) || typeof o.id === 'number' ? (o.id as string | number) : null;

  // ── dead-man switch ────────────────────────────────────────────────────────────────────────
  // Own keeper: the symbols in which a cancel-on-disconnect session has working orders.
  const ownSessionsWorking = function* (): Iterable<{ venue: string; symbol: string }> {
    for (const s of sessions) {
      if (!s.cancelOnDisconnect) continue;
      for (const id of s.intents) {
        const p = deps.orders.get(id);
        if (p && !isTerminal(p.status)) yield { venue: p.intent.venue, symbol: p.intent.symbol };
      }
    }
  };
  const logDeadman = (e: DeadmanEvent): void => {
    if (e.state === 'refresh_failed')
      deps.logger?.warn({ venue: e.venue, symbol: e.symbol, err: e.detail }, 'dead-man switch arm failed');
  };
  const external = deps.deadman instanceof DeadmanKeeper;
  const keeper: DeadmanKeeper | undefined =
    deps.deadman instanceof DeadmanKeeper
      ? deps.deadman
      : deps.deadman === false
        ? undefined
        : new DeadmanKeeper({
            venues: deps.venues,
            working: ownSessionsWorking,
            clock: deps.clock,
            countdownMs: deps.deadman?.countdownMs ?? 60_000,
            refreshMs: deps.deadman?.refreshMs ?? 15_000,
            timers,
            onEvent: logDeadman,
          });
  const syncDeadman = (): void => keeper?.sync(false);

  // ── messages ───────────────────────────────────────────────────────────────────────────────
  async function onMessage(s: Session, data: RawData, isBinary: boolean): Promise<void> {
    let id: string | number | null = null;
    try {
      if (isBinary) throw new BadMessage('INVALID_REQUEST', 'binary frames are not accepted; send JSON text');
      let m: unknown;
      try {
        m = JSON.parse(data.toString());
      } catch {
        throw new BadMessage('INVALID_JSON', 'send one JSON object per frame, e.g. {"op":"ping"}');
      }
      if (typeof m !== 'object' || m === null || Array.isArray(m))
        throw new BadMessage('INVALID_REQUEST', 'a message is a JSON object with an "op"');
      const o = m as Record<string, unknown>;
      id = idOf(o);
      const keys = typeof o.op === 'string' ? OPS[o.op] : undefined;
      if (!keys)
        throw new BadMessage('INVALID_FIELD', 'op must be submit, cancel or ping', [
          { path: 'op', message: 'unknown op' },
        ]);
      const unknown = Object.keys(o).find((k) => !keys.includes(k));
      if (unknown)
        throw new BadMessage('UNKNOWN_FIELD', `unknown field "${unknown.slice(0, 40)}" (allowed: ${keys.join(', ')})`, [
          { path: unknown.slice(0, 40), message: 'unknown field' },
        ]);
      if (o.op === 'ping') return send(s, { type: 'pong', ...(id !== null ? { id } : {}), ts: deps.clock.now() });
      if (id === null)
        throw new BadMessage(
          'MISSING_FIELD',
          'id is required (a string of at most 64 characters or a number): answers carry it',
          [{ path: 'id', message: 'required' }],
        );
      if (o.op === 'submit') return send(s, { id, ok: true, result: await submit(s, o.order) });
      return send(s, { id, ok: true, result: await cancel(s, o) });
    } catch (err) {
      const e = isLiqguardError(err) ? err : new LiqguardError('INTERNAL', 'internal error');
      if (!isLiqguardError(err)) deps.logger?.warn({ err, client: s.client.id }, 'ws order entry failed');
      if (err instanceof BadMessage) stats.badMessages++;
      send(s, { id, ok: false, error: e.toJSON() });
    }
  }

  async function submit(s: Session, body: unknown): Promise<Record<string, unknown>> {
    const parsed = parseOrderBody(body);
    if (!parsed.ok) throw new LiqguardError(parsed.code, parsed.message, parsed.details);
    const intent = toIntent(parsed.value, s.client, deps, 'ws');
    stats.submits++;
    s.intents.add(intent.intentId);
    s.inflight.add(intent.intentId);
    byIntent.set(intent.intentId, s);
    try {
      const res = await deps.pipeline.submit(intent);
      if (res.order.decision.kind !== 'deny') syncDeadman();
      return presentOrder(res.order, res.regime, res.exposure);
    } finally {
      s.inflight.delete(intent.intentId);
    }
  }

  async function cancel(s: Session, o: Record<string, unknown>): Promise<Record<string, unknown>> {
    const ref =
      typeof o.intentId === 'string' ? o.intentId : typeof o.clientOrderId === 'string' ? o.clientOrderId : undefined;
    if (ref === undefined || (o.intentId !== undefined && o.clientOrderId !== undefined))
      throw new BadMessage('INVALID_FIELD', 'cancel needs exactly one of intentId or clientOrderId (a string)', [
        { path: 'intentId', message: 'one of intentId, clientOrderId' },
      ]);
    const p: ParentOrder | undefined =
      typeof o.intentId === 'string' ? deps.orders.get(ref) : deps.orders.getByClientOrderId(s.client.id, ref);
    if (!p || p.intent.clientId !== s.client.id) throw new LiqguardError('NOT_FOUND', `no order ${ref.slice(0, 64)}`);
    stats.cancels++;
    await deps.pipeline.cancel(p.intentId, `cancelled by ${s.client.id} (ws)`);
    return presentOrder(p);
  }

  const onBus = (e: Parameters<Parameters<EventBus['subscribe']>[0]>[0]): void => {
    if (e.type !== 'execution' || !e.intentId) return;
    const s = byIntent.get(e.intentId);
    if (!s || s.inflight.has(e.intentId)) return;
    const p = deps.orders.get(e.intentId);
    if (!p) return;
    stats.pushes++;
    send(s, { type: 'order', ts: e.ts, report: e.report, order: presentOrder(p) });
  };

  function endSession(s: Session): void {
    if (!sessions.delete(s)) return;
    stats.connections = sessions.size;
    const working = [...s.intents].filter((id) => {
      const p = deps.orders.get(id);
      return p !== undefined && !isTerminal(p.status);
    });
    for (const id of s.intents) byIntent.delete(id); // the socket is gone: nothing to push to
    if (s.cancelOnDisconnect && working.length) {
      stats.disconnectCancels += working.length;
      const done = Promise.all(
        working.map((id) =>
          deps.pipeline
            .cancel(id, `cancel-on-disconnect: ws session of ${s.client.id} closed`)
            .catch((err: unknown) => deps.logger?.warn({ err, intentId: id }, 'cancel-on-disconnect failed')),
        ),
      );
      pendingCancels.add(done);
      void done.finally(() => pendingCancels.delete(done));
    }
    syncDeadman();
  }

  /** A socket that passed the route's hooks (API key with the trader role, a valid option). */
  function accept(ws: WebSocket, client: ClientConfig, cancelOnDisconnect: boolean): void {
    const s: Session = { ws, client, cancelOnDisconnect, intents: new Set(), inflight: new Set(), alive: true };
    sessions.add(s);
    stats.accepted++;
    stats.connections = sessions.size;
    ws.on('pong', () => (s.alive = true));
    ws.on('message', (data, isBinary) => void onMessage(s, data, isBinary));
    ws.on('close', () => endSession(s));
    ws.on('error', () => endSession(s));
    send(s, {
      type: 'hello',
      client: client.id,
      cancelOnDisconnect,
      deadman: keeper?.applies === true && cancelOnDisconnect,
      ts: deps.clock.now(),
    });
  }

  const plugin = (app: FastifyInstance, auth: ApiKeyAuth): void => {
    const unsubscribe = deps.bus.subscribe(onBus);
    app.route({
      method: 'GET',
      url: path,
      config: { websocket: true },
      schema: {
        tags: ['orders'],
        summary:
          'WebSocket order entry: submit/cancel with pushed order updates, cancel-on-disconnect ' +
          '(upgrade required; see src/ingress/ws-orders.ts)',
        querystring: {
          type: 'object',
          properties: {
            cancelOnDisconnect: {
              type: 'string',
              enum: ['true', 'false'],
              description: 'cancel the working orders of this session when the socket closes (default true)',
            },
            key: { type: 'string', description: 'API key, for browsers (a WebSocket cannot send headers)' },
          },
        },
      },
      // The REST guard (401, 403), then the query schema (400): refusals are HTTP answers.
      preValidation: auth.guard('trader'),
      ...wsEndpointHooks(path, () => sessions.size >= (deps.maxConnections ?? 1000), 'order-entry', stats),
      wsHandler: (ws, req) =>
        accept(ws, req.client!, (req.query as { cancelOnDisconnect?: string }).cancelOnDisconnect !== 'false'),
    });

    const heartbeat = timers.setInterval(() => {
      for (const s of sessions) {
        if (!s.alive) {
          s.ws.terminate();
          continue;
        }
        s.alive = false;
        s.ws.ping();
      }
    }, deps.heartbeatMs ?? 30_000);
    if (!external) keeper?.start();

    // preClose: upgraded sockets hold the HTTP server's close; their sessions' cancels run first.
    app.addHook('preClose', async () => {
      timers.clearInterval(heartbeat);
      if (!external) keeper?.stop();
      const sockets = [...sessions].map((s) => s.ws);
      for (const ws of sockets) ws.close(1001, 'gateway shutting down');
      await Promise.race([
        Promise.all(
          sockets.map((ws) => (ws.readyState === ws.CLOSED ? undefined : new Promise((r) => ws.once('close', r)))),
        ),
        new Promise((r) => setTimeout(r, 1000).unref()),
      ]);
      for (const ws of sockets) if (ws.readyState !== ws.CLOSED) ws.terminate();
      for (const s of [...sessions]) endSession(s);
      await Promise.all([...pendingCancels]);
      unsubscribe();
    });
  };

  const withDeadman = (): WsOrderStats => {
    const k = keeper?.snapshot();
    return { ...stats, deadmanArms: k ? k.arms + k.disarms : 0, deadmanErrors: k?.errors ?? 0 };
  };
  return { plugin, stats: (): Readonly<WsOrderStats> => withDeadman() };
}
