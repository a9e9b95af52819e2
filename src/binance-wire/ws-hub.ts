/** Websocket side of the Binance-compatible server: raw (/ws, /ws/<stream>) and combined
 * (/stream?streams=a/b) connections, SUBSCRIBE / UNSUBSCRIBE / LIST_SUBSCRIPTIONS, and fan-out of
 * source updates to subscribed streams. ccxt's split futures paths (/public/ws/<n>,
 * /market/ws/<n>) are served like /ws. Faults (silence, depth gaps) are applied here. */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { FaultState } from './faults.js';
import type { Formatter } from './format.js';
import type { MarketDataSource, SourceUpdate } from './source.js';
import { payloadFor } from './ws-payloads.js';
import { channelsFor, faultChannel, parseStream, type StreamSpec } from './ws-streams.js';

interface Conn {
  readonly ws: WebSocket;
  readonly combined: boolean;
  readonly path: string;
  readonly streams: Set<string>;
  /** User-data streams of this connection: /private/ws?listenKey=K, /ws/<listenKey>,
   * /stream?streams=<listenKey>, or SUBSCRIBE [listenKey] (the official connector). */
  readonly listenKeys: Set<string>;
}

/** What a listen key looks like (Binance: 64 alphanumerics); the door passes its live-key check. */
export const LISTEN_KEY_SHAPE = (name: string): boolean => /^[A-Za-z0-9]{16,80}$/.test(name);

const PATH = /^\/(?:(?:public|market|private)\/)?(ws|stream)(?:\/(.*))?$/;

export interface HubStats {
  connectionsOpened: number;
  connectionsRejected: number;
  messagesSent: number;
  subscribeRequests: number;
}

export class WsHub {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly conns = new Set<Conn>();
  private readonly byStream = new Map<string, Set<Conn>>();
  private readonly specs = new Map<string, StreamSpec>();
  private readonly byKey = new Map<string, Set<string>>(); // `${symbol}|${channel}` → stream names
  private readonly unsubscribe: () => void;
  readonly stats: HubStats = { connectionsOpened: 0, connectionsRejected: 0, messagesSent: 0, subscribeRequests: 0 };
  /** Paths and remote addresses of recent accepted connections (tests assert on them). */
  readonly seen: { path: string; remoteAddress: string }[] = [];

  constructor(
    private readonly source: MarketDataSource,
    private readonly fmt: Formatter,
    private readonly faults: FaultState,
    private readonly recordLimit = 10_000,
    private readonly isListenKey: (name: string) => boolean = LISTEN_KEY_SHAPE,
  ) {
    this.unsubscribe = source.subscribe((u) => this.dispatch(u));
  }

  /** Node 'upgrade' handler (the `liqguard venue` server); answers 404 for unknown paths and 503
   * while connections are refused, then serves the socket. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!PATH.test(url.pathname)) return refuse(socket, '404 Not Found');
    if (this.faults.rejectConnections) {
      this.stats.connectionsRejected++;
      return refuse(socket, '503 Service Unavailable');
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.serve(ws, req));
  }

  /** Serve a socket someone else already upgraded (the gateway's door, on @fastify/websocket):
   * the request's path and query say which streams and listen keys it starts with. A path that is
   * not a Binance stream path is closed at once (1008) with the reason. */
  serve(ws: WebSocket, req: Pick<IncomingMessage, 'url' | 'socket'>): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const m = PATH.exec(url.pathname);
    if (!m) return ws.close(1008, `unknown websocket path ${url.pathname.slice(0, 60)}`);
    if (this.faults.rejectConnections) {
      this.stats.connectionsRejected++;
      return ws.close(1013, 'connections are refused (fault injection)');
    }
    const rest = m[2] ?? '';
    const listenKey =
      url.searchParams.get('listenKey') ??
      (m[1] === 'ws' && rest && !rest.includes('/') && !parseStream(rest) && !/^[0-9]+$/.test(rest) ? rest : undefined);
    const conn: Conn = {
      ws,
      combined: m[1] === 'stream',
      path: url.pathname,
      streams: new Set(),
      listenKeys: new Set(listenKey ? [listenKey] : []),
    };
    this.conns.add(conn);
    this.stats.connectionsOpened++;
    this.seen.push({ path: url.pathname + url.search, remoteAddress: req.socket.remoteAddress ?? '' });
    if (this.seen.length >= 2 * this.recordLimit) this.seen.splice(0, this.seen.length - this.recordLimit);
    const initial = conn.combined ? (url.searchParams.get('streams') ?? '').split('/') : rest.split('/');
    for (const name of initial) {
      if (parseStream(name)) this.add(conn, name);
      else if (conn.combined && this.isListenKey(name)) conn.listenKeys.add(name);
    }
    ws.on('message', (data) => this.onMessage(conn, data.toString()));
    ws.on('close', () => this.remove(conn));
    ws.on('error', () => this.remove(conn));
  }

  get connectionCount(): number {
    return this.conns.size;
  }

  /** Extension point for private routes: push a user-data event (ORDER_TRADE_UPDATE,
   * ACCOUNT_UPDATE, ...) to every connection opened with this listenKey. Returns how many got it. */
  publishUserEvent(listenKey: string, payload: unknown): number {
    const raw = JSON.stringify(payload);
    let n = 0;
    for (const c of this.conns) {
      if (!c.listenKeys.has(listenKey)) continue;
      this.send(c, c.combined ? `{"stream":${JSON.stringify(listenKey)},"data":${raw}}` : raw);
      n++;
    }
    return n;
  }

  /** Drop every connection without a close handshake (what a network cut looks like). */
  dropAll(): number {
    const n = this.conns.size;
    for (const c of [...this.conns]) {
      c.ws.terminate();
      this.remove(c);
    }
    return n;
  }

  close(): void {
    this.unsubscribe();
    this.dropAll();
    this.wss.close();
  }

  private onMessage(conn: Conn, text: string): void {
    let msg: { method?: unknown; params?: unknown; id?: unknown };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      return this.send(
        conn,
        JSON.stringify({ error: { code: 3, msg: 'Invalid JSON: expected value at line 1 column 1' } }),
      );
    }
    const id = msg.id ?? null;
    const params = Array.isArray(msg.params) ? msg.params : [];
    switch (msg.method) {
      case 'SUBSCRIBE':
      case 'UNSUBSCRIBE': {
        this.stats.subscribeRequests++;
        const names = params.filter((p): p is string => typeof p === 'string');
        if (names.length !== params.length || names.some((n) => !parseStream(n) && !this.isListenKey(n))) {
          return this.send(conn, JSON.stringify({ error: { code: 2, msg: 'Invalid request: invalid stream' }, id }));
        }
        for (const n of names) {
          if (!parseStream(n)) msg.method === 'SUBSCRIBE' ? conn.listenKeys.add(n) : conn.listenKeys.delete(n);
          else msg.method === 'SUBSCRIBE' ? this.add(conn, n) : this.drop(conn, n);
        }
        return this.send(conn, JSON.stringify({ result: null, id }));
      }
      case 'LIST_SUBSCRIPTIONS':
        return this.send(conn, JSON.stringify({ result: [...conn.streams, ...conn.listenKeys], id }));
      case 'SET_PROPERTY':
        return this.send(conn, JSON.stringify({ result: null, id }));
      case 'GET_PROPERTY':
        return this.send(conn, JSON.stringify({ result: conn.combined, id }));
      default:
        return this.send(conn, JSON.stringify({ error: { code: 2, msg: `Invalid request: unknown method` }, id }));
    }
  }

  private add(conn: Conn, name: string): void {
    const spec = parseStream(name);
    if (!spec) return;
    conn.streams.add(name);
    let set = this.byStream.get(name);
    if (!set) {
      this.byStream.set(name, (set = new Set()));
      this.specs.set(name, spec);
      const key = `${spec.symbol}|${spec.channel}`;
      if (!this.byKey.has(key)) this.byKey.set(key, new Set());
      this.byKey.get(key)!.add(name);
    }
    set.add(conn);
  }

  private drop(conn: Conn, name: string): void {
    conn.streams.delete(name);
    const set = this.byStream.get(name);
    if (!set) return;
    set.delete(conn);
    if (set.size > 0) return;
    this.byStream.delete(name);
    const spec = this.specs.get(name)!;
    this.specs.delete(name);
    this.byKey.get(`${spec.symbol}|${spec.channel}`)?.delete(name);
  }

  private remove(conn: Conn): void {
    if (!this.conns.delete(conn)) return;
    for (const name of [...conn.streams]) this.drop(conn, name);
  }

  private dispatch(u: SourceUpdate): void {
    if (this.conns.size === 0) return;
    const sym = u.symbol.toLowerCase();
    for (const channel of channelsFor(u)) {
      const names = [...(this.byKey.get(`${sym}|${channel}`) ?? []), ...(this.byKey.get(`*|${channel}`) ?? [])];
      if (names.length === 0) continue;
      // A gap is one diff lost for every client, so it is consumed once, here.
      if (channel === 'depth' && this.faults.consumeGap(sym)) continue;
      if (this.faults.isSilenced(sym, faultChannel(channel))) {
        this.faults.counts.messagesSilenced++;
        continue;
      }
      for (const name of names) {
        const payload = payloadFor(this.specs.get(name)!, u, this.fmt, this.source);
        if (payload === undefined) continue;
        const raw = JSON.stringify(payload);
        let wrapped: string | undefined;
        for (const c of this.byStream.get(name) ?? []) {
          this.send(c, c.combined ? (wrapped ??= `{"stream":${JSON.stringify(name)},"data":${raw}}`) : raw);
        }
      }
    }
  }

  private send(conn: Conn, text: string): void {
    if (conn.ws.readyState !== conn.ws.OPEN) return;
    conn.ws.send(text);
    this.stats.messagesSent++;
  }
}

function refuse(socket: Duplex, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
