/** Websockets of the Binance door, on the gateway's own port: market streams (/ws/<stream>,
 * /stream?streams=a/b, /ws + SUBSCRIBE, ccxt.pro's /public/ws and /market/ws) from the gateway's
 * market data, and the user-data stream (/ws/<listenKey>, ccxt.pro's /private/ws?listenKey=K),
 * all served by the same WsHub as `liqguard venue`. A connection that cannot be served is closed
 * at once with a reason (close code 1008): an unknown or lapsed listen key, an invalid stream name,
 * or a path no handler of the gateway serves. Never a connection that hangs. */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { WebSocketServer } from 'ws';
import { LISTEN_KEY_SHAPE, type WsHub } from '../../binance-wire/ws-hub.js';
import { parseStream } from '../../binance-wire/ws-streams.js';
import type { ListenKeys } from './listen-keys.js';

const BINANCE_PATH = /^\/(?:(?:public|market|private)\/)?(ws|stream)(?:\/(.*))?$/;

/** Why a Binance-path upgrade cannot be served, or undefined when the hub can serve it. */
export function refusalOf(url: URL, keys: Pick<ListenKeys, 'clientOf'>): string | undefined {
  const m = BINANCE_PATH.exec(url.pathname);
  if (!m) return `unknown websocket path ${url.pathname}: use /ws/<stream>, /stream?streams=, /ws/<listenKey>`;
  const rest = m[2] ?? '';
  const listenKey = url.searchParams.get('listenKey');
  if (listenKey !== null) return keys.clientOf(listenKey) ? undefined : 'listenKey does not exist or expired';
  const names =
    m[1] === 'stream'
      ? (url.searchParams.get('streams') ?? '').split('/').filter((s) => s !== '')
      : rest === '' || /^[0-9]+$/.test(rest)
        ? []
        : rest.split('/');
  // An empty list is a connection that SUBSCRIBEs later (/ws, ccxt's /public/ws/<n>, the connector).
  for (const n of names) {
    if (parseStream(n) || keys.clientOf(n)) continue;
    return n.includes('@') || names.length > 1 || (m[1] === 'stream' && !LISTEN_KEY_SHAPE(n))
      ? `invalid stream name ${n.slice(0, 60)}`
      : 'listenKey does not exist or expired';
  }
  return undefined;
}

/** Mounts the upgrade handler; returns nothing, cleans up in the app's preClose. */
export function attachWsDoor(app: FastifyInstance, hub: WsHub, keys: ListenKeys): void {
  const closer = new WebSocketServer({ noServer: true });
  const refuseWith = (req: IncomingMessage, socket: Duplex, head: Buffer, reason: string): void => {
    closer.handleUpgrade(req, socket, head, (ws) => ws.close(1008, reason.slice(0, 120)));
  };
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!BINANCE_PATH.test(url.pathname)) {
      // Not ours: the gateway's other handlers (/v1/stream, /v1/ws/orders) run in this same tick.
      // If none took the socket, close it with a reason rather than leave it hanging.
      setImmediate(() => {
        const s = socket as Duplex & { bytesWritten?: number };
        if (socket.destroyed || socket.writableEnded || (s.bytesWritten ?? 0) > 0 || socket.writableLength > 0) return;
        refuseWith(req, socket, head, `unknown websocket path ${url.pathname.slice(0, 60)}`);
      });
      return;
    }
    const why = refusalOf(url, keys);
    if (why) return refuseWith(req, socket, head, why);
    hub.handleUpgrade(req, socket, head);
  };
  app.server.on('upgrade', onUpgrade);
  app.addHook('preClose', async () => {
    app.server.off('upgrade', onUpgrade);
    hub.close();
    closer.close();
  });
}
