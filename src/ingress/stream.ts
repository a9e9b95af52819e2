/** WebSocket /v1/stream: live regime updates, decisions, execution reports and operator events
 * from the EventBus. Authenticated at the upgrade (x-api-key, Authorization: Bearer, or ?key= for
 * browsers; the key is never logged). Traders and viewers see only their own client's decisions
 * and reports; operators and compliance see all.
 *
 * Protocol (JSON text frames):
 *   → {"op":"subscribe","channels":["regime","decision"],"symbols":["BTC/USDT:USDT"],"clients":["bot1"]}
 *   → {"op":"unsubscribe","channels":["regime"]}          (no channels: everything)
 *   → {"op":"ping","id":"x"}                              ← {"type":"pong","id":"x","ts":...}
 *   ← {"type":"hello"|"subscribed"|"unsubscribed"|"dropped"|<channel>, ...}
 * Served by @fastify/websocket (websocket.ts): the upgrade passes the REST hooks, so a refusal is
 * an HTTP answer with the catalog's body (401, 403, 503 at maxConnections).
 * Close codes: 1003 binary frame, 1007 invalid JSON, 4400 malformed message, 4403 forbidden
 * channel or client filter, 1001 gateway shutting down; 1009 (by ws) for frames over 16 KiB.
 * Backpressure: while a socket's bufferedAmount exceeds maxBufferedBytes, its messages are dropped
 * and counted; it is told how many with a {"type":"dropped"} message once it drains. */
import type { FastifyInstance } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import type { ClientConfig } from '../config/types.js';
import type { Clock } from '../core/clock.js';
import { LiqguardError } from '../core/errors.js';
import { wsEndpointHooks } from './websocket.js';
import type { EventBus, GatewayEvent } from '../core/events.js';
import type { ApiKeyAuth } from './auth.js';
import { presentDecision, presentRegime } from './present.js';

const CHANNELS = ['regime', 'decision', 'execution', 'kill', 'policy', 'override', 'latch'] as const;
export type Channel = (typeof CHANNELS)[number];
const PRIVILEGED_CHANNELS: ReadonlySet<Channel> = new Set(['override']);

export interface StreamOptions {
  readonly bus: Pick<EventBus, 'subscribe'>;
  readonly clock: Clock;
  readonly path?: string; // default /v1/stream
  readonly maxBufferedBytes?: number; // default 1 MiB
  readonly heartbeatMs?: number; // default 30 s; a socket that misses one pong is terminated
  readonly maxConnections?: number; // default 1000
}

export interface StreamStats {
  connections: number;
  accepted: number;
  rejected: number;
  sent: number;
  dropped: number;
  closedForBadMessages: number;
}

interface Conn {
  readonly ws: WebSocket;
  readonly client: ClientConfig;
  readonly privileged: boolean;
  channels: Set<Channel>;
  symbols?: Set<string>;
  clients?: Set<string>;
  alive: boolean;
  dropped: number;
}

/** Wire form of a bus event (the same views as the REST routes). */
function presentEvent(e: GatewayEvent): Record<string, unknown> {
  switch (e.type) {
    case 'regime':
      return { type: 'regime', ts: e.ts, ...presentRegime(e.score), symbol: e.symbol };
    case 'decision':
      return {
        type: 'decision',
        ts: e.ts,
        symbol: e.symbol,
        client: e.client,
        intentId: e.intent.intentId,
        clientOrderId: e.intent.clientOrderId,
        side: e.intent.side,
        orderType: e.intent.type,
        quantity: e.intent.quantity,
        ...(e.intent.price ? { price: e.intent.price } : {}),
        outcome: e.decision.kind,
        regime: e.regime,
        rules: e.decision.trace.filter((t) => t.matched).map((t) => t.ruleId),
        decision: presentDecision(e.decision),
      };
    case 'execution':
      return {
        type: 'execution',
        ts: e.ts,
        symbol: e.symbol,
        ...(e.client ? { client: e.client } : {}),
        ...(e.intentId ? { intentId: e.intentId } : {}),
        report: e.report,
      };
    default:
      return { ...e };
  }
}

class BadMessage extends Error {
  constructor(
    readonly closeCode: number,
    message: string,
  ) {
    super(message);
  }
}

function stringList(v: unknown, field: string, max: number): Set<string> | undefined {
  if (v === undefined) return undefined;
  if (
    !Array.isArray(v) ||
    v.length > max ||
    !v.every((s) => typeof s === 'string' && s.length > 0 && s.length <= 100)
  ) {
    throw new BadMessage(4400, `INVALID_FIELD: ${field} must be an array of at most ${max} non-empty strings`);
  }
  return new Set(v as string[]);
}

function channelList(v: unknown, required: boolean): Channel[] | undefined {
  if (v === undefined && !required) return undefined;
  if (!Array.isArray(v) || v.length === 0)
    throw new BadMessage(4400, `INVALID_FIELD: channels must be a non-empty array of ${CHANNELS.join(', ')}`);
  for (const c of v)
    if (!(CHANNELS as readonly unknown[]).includes(c))
      throw new BadMessage(
        4400,
        `INVALID_FIELD: unknown channel ${JSON.stringify(String(c)).slice(0, 40)}; use ${CHANNELS.join(', ')}`,
      );
  return v as Channel[];
}

/** Close reasons are limited to 123 bytes by the protocol. */
const reasonText = (s: string): string =>
  Buffer.byteLength(s) <= 123
    ? s
    : Buffer.from(s)
        .subarray(0, 120)
        .toString()
        .replace(/\uFFFD$/, '') + '...';

export function createStream(opts: StreamOptions) {
  const path = opts.path ?? '/v1/stream';
  const maxBuffered = opts.maxBufferedBytes ?? 1 << 20;
  const maxConnections = opts.maxConnections ?? 1000;
  const stats: StreamStats = { connections: 0, accepted: 0, rejected: 0, sent: 0, dropped: 0, closedForBadMessages: 0 };
  const conns = new Set<Conn>();

  function send(c: Conn, msg: string): void {
    if (c.ws.readyState !== c.ws.OPEN) return;
    if (c.ws.bufferedAmount > maxBuffered) {
      c.dropped++;
      stats.dropped++;
      return;
    }
    if (c.dropped) {
      c.ws.send(JSON.stringify({ type: 'dropped', count: c.dropped, ts: opts.clock.now() }));
      c.dropped = 0;
    }
    c.ws.send(msg);
    stats.sent++;
  }

  function wants(c: Conn, e: GatewayEvent): boolean {
    if (!c.channels.has(e.type as Channel)) return false;
    if (e.type === 'regime' || e.type === 'decision' || e.type === 'execution') {
      if (c.symbols && !c.symbols.has(e.symbol)) return false;
    }
    if (e.type === 'decision' || e.type === 'execution') {
      if (!c.privileged && e.client !== c.client.id) return false;
      if (c.clients && (!e.client || !c.clients.has(e.client))) return false;
    }
    return true;
  }

  function dispatch(e: GatewayEvent): void {
    let msg: string | undefined;
    for (const c of conns) if (wants(c, e)) send(c, (msg ??= JSON.stringify(presentEvent(e))));
  }

  function onMessage(c: Conn, data: RawData, isBinary: boolean): void {
    if (isBinary) throw new BadMessage(1003, 'binary frames are not accepted; send JSON text');
    let m: unknown;
    try {
      m = JSON.parse(data.toString());
    } catch {
      throw new BadMessage(1007, 'INVALID_JSON: send one JSON object per frame, e.g. {"op":"ping"}');
    }
    if (typeof m !== 'object' || m === null || Array.isArray(m))
      throw new BadMessage(4400, 'INVALID_REQUEST: a message is a JSON object with an "op"');
    const o = m as Record<string, unknown>;
    const allowed: Record<string, readonly string[]> = {
      subscribe: ['op', 'channels', 'symbols', 'clients'],
      unsubscribe: ['op', 'channels'],
      ping: ['op', 'id'],
    };
    const keys = typeof o.op === 'string' ? allowed[o.op] : undefined;
    if (!keys) throw new BadMessage(4400, 'INVALID_FIELD: op must be subscribe, unsubscribe or ping');
    const unknown = Object.keys(o).find((k) => !keys.includes(k));
    if (unknown) throw new BadMessage(4400, `UNKNOWN_FIELD: ${unknown.slice(0, 40)} (allowed: ${keys.join(', ')})`);
    const now = opts.clock.now();
    if (o.op === 'ping') {
      c.ws.send(
        JSON.stringify({
          type: 'pong',
          ts: now,
          ...(typeof o.id === 'string' || typeof o.id === 'number' ? { id: o.id } : {}),
        }),
      );
      return;
    }
    if (o.op === 'unsubscribe') {
      const chans = channelList(o.channels, false);
      if (chans) for (const ch of chans) c.channels.delete(ch);
      else c.channels.clear();
      c.ws.send(JSON.stringify({ type: 'unsubscribed', channels: [...c.channels], ts: now }));
      return;
    }
    const chans = channelList(o.channels, true)!;
    const forbidden = chans.find((ch) => PRIVILEGED_CHANNELS.has(ch) && !c.privileged);
    if (forbidden) throw new BadMessage(4403, `FORBIDDEN: channel ${forbidden} needs the operator or compliance role`);
    const symbols = stringList(o.symbols, 'symbols', 200);
    const clients = stringList(o.clients, 'clients', 200);
    if (clients && !c.privileged && [...clients].some((x) => x !== c.client.id))
      throw new BadMessage(4403, `FORBIDDEN: client "${c.client.id}" may only follow its own orders`);
    for (const ch of chans) c.channels.add(ch);
    // Filters given replace the previous ones; absent filters are kept.
    if (o.symbols !== undefined) c.symbols = symbols!.size ? symbols : undefined;
    if (o.clients !== undefined) c.clients = clients!.size ? clients : undefined;
    c.ws.send(
      JSON.stringify({
        type: 'subscribed',
        channels: [...c.channels],
        symbols: c.symbols ? [...c.symbols] : null,
        clients: c.clients ? [...c.clients] : null,
        ts: now,
      }),
    );
  }

  /** A socket that passed the route's hooks (API key with a viewer, operator or compliance role). */
  function accept(ws: WebSocket, client: ClientConfig): void {
    const c: Conn = {
      ws,
      client,
      privileged: client.roles.includes('operator') || client.roles.includes('compliance'),
      channels: new Set(),
      alive: true,
      dropped: 0,
    };
    conns.add(c);
    stats.accepted++;
    stats.connections = conns.size;
    ws.on('pong', () => (c.alive = true));
    ws.on('message', (data, isBinary) => {
      try {
        onMessage(c, data, isBinary);
      } catch (err) {
        const bad = err instanceof BadMessage ? err : new BadMessage(1011, 'internal error');
        stats.closedForBadMessages++;
        ws.close(bad.closeCode, reasonText(bad.message));
      }
    });
    const gone = () => {
      conns.delete(c);
      stats.connections = conns.size;
    };
    ws.on('close', gone);
    ws.on('error', gone);
    ws.send(
      JSON.stringify({
        type: 'hello',
        client: client.id,
        privileged: c.privileged,
        channels: CHANNELS.filter((ch) => c.privileged || !PRIVILEGED_CHANNELS.has(ch)),
        ts: opts.clock.now(),
      }),
    );
  }

  const plugin = (app: FastifyInstance, auth: ApiKeyAuth): void => {
    const unsubscribe = opts.bus.subscribe(dispatch);

    app.route({
      method: 'GET',
      url: path,
      config: { websocket: true },
      schema: {
        tags: ['stream'],
        summary:
          'WebSocket stream of regime updates, decisions, execution reports and operator events ' +
          '(upgrade required; see src/ingress/stream.ts for the protocol)',
        querystring: {
          type: 'object',
          properties: {
            key: { type: 'string', description: 'API key, for browsers (a WebSocket cannot send headers)' },
          },
        },
      },
      // The REST guard: 401 without a known key, 403 without a role that may stream; an HTTP answer.
      preValidation: auth.guardAny(['viewer', 'operator', 'compliance']),
      ...wsEndpointHooks(path, () => conns.size >= maxConnections, 'stream', stats),
      wsHandler: (ws, req) => accept(ws, req.client!),
    });

    const heartbeat = setInterval(() => {
      for (const c of conns) {
        if (!c.alive) {
          c.ws.terminate();
          conns.delete(c);
          continue;
        }
        c.alive = false;
        c.ws.ping();
      }
      stats.connections = conns.size;
    }, opts.heartbeatMs ?? 30_000);
    heartbeat.unref();

    // preClose: the HTTP server's close waits for upgraded sockets, so they must go first.
    app.addHook('preClose', async () => {
      clearInterval(heartbeat);
      unsubscribe();
      const sockets = [...conns].map((c) => c.ws);
      conns.clear();
      for (const ws of sockets) ws.close(1001, 'gateway shutting down');
      // A client that never answers the close frame must not hold the shutdown up.
      await Promise.race([
        Promise.all(
          sockets.map((ws) => (ws.readyState === ws.CLOSED ? undefined : new Promise((r) => ws.once('close', r)))),
        ),
        new Promise((r) => setTimeout(r, 1000).unref()),
      ]);
      for (const ws of sockets) if (ws.readyState !== ws.CLOSED) ws.terminate();
    });
  };

  return { plugin, stats: (): Readonly<StreamStats> => ({ ...stats }) };
}
