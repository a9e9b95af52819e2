/** Websockets of the Binance door, on the gateway's own port: market streams (/ws/<stream>,
 * /stream?streams=a/b, /ws + SUBSCRIBE, ccxt.pro's /public/ws and /market/ws) from the gateway's
 * market data, and the user-data stream (/ws/<listenKey>, ccxt.pro's /private/ws?listenKey=K),
 * all served by the same WsHub as `liqguard venue`. A connection that cannot be served is closed
 * at once with a reason (close code 1008): an unknown or lapsed listen key, an invalid stream name,
 * or a path no handler of the gateway serves. Never a connection that hangs. */
import type { FastifyInstance } from 'fastify';
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

/** Routes constrained to `upgrade: 'websocket'` match WebSocket upgrade requests only: a plain
 * GET never reaches the door's wildcard, so fastify's own answers (404, 414 for an over-long path
 * parameter of a real route) stay as they are. */
const UPGRADE_ONLY: Parameters<FastifyInstance['addConstraintStrategy']>[0] = {
  name: 'upgrade',
  storage() {
    const handlers = new Map<string, unknown>();
    return {
      get: (k: string) => (handlers.get(k) ?? null) as never,
      set: (k: string, v: unknown) => void handlers.set(k, v),
    };
  },
  deriveConstraint: (req) => (String(req.headers.upgrade ?? '').toLowerCase() === 'websocket' ? 'websocket' : ''),
  mustMatchWhenDerived: false,
  validate: () => undefined,
};

/** Serves the door's websockets from one wildcard route on @fastify/websocket: a Binance stream
 * path goes to the hub (`serve`, the same hub code as `liqguard venue`), anything else is closed at
 * once with 1008 and the reason. The gateway's own endpoints (/v1/stream, /v1/ws/orders) are exact
 * routes and win over the wildcard; the wildcard matches upgrade requests only. */
export function attachWsDoor(app: FastifyInstance, hub: WsHub, keys: ListenKeys): void {
  if (!app.hasConstraintStrategy(UPGRADE_ONLY.name)) app.addConstraintStrategy(UPGRADE_ONLY);
  app.route({
    method: 'GET',
    url: '/*',
    constraints: { upgrade: 'websocket' },
    config: { websocket: true },
    schema: { hide: true },
    handler: (_req, reply) => reply.callNotFound(),
    wsHandler: (ws, req) => {
      const url = new URL(req.url, 'http://localhost');
      const why = BINANCE_PATH.test(url.pathname)
        ? refusalOf(url, keys)
        : `unknown websocket path ${url.pathname.slice(0, 60)}`;
      if (why) return ws.close(1008, why.slice(0, 120));
      hub.serve(ws, req.raw);
    },
  });
  app.addHook('preClose', async () => hub.close());
}
