/** WebSocket support for the gateway's HTTP app, on @fastify/websocket: every upgrade request is
 * routed like any request, so it passes the same hooks as REST (rate limit in onRequest, the API-key
 * guard, schema validation of the query) and a refusal is an ordinary HTTP answer with the catalog's
 * error body (401, 403, 400, 503). Only routes declared with a `wsHandler` upgrade; an upgrade
 * request to an HTTP-only route is answered 404 with a reason instead of being accepted and dropped.
 * Heartbeats are the ws library's ping/pong frames, sent by each endpoint on its own interval. */
import websocket from '@fastify/websocket';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { LiqguardError } from '../core/errors.js';
import { shortPath } from './framework-errors.js';

/** One frame from a client may hold at most this many bytes (larger: closed 1009 by ws). */
const MAX_PAYLOAD = 16 * 1024;

export async function installWebsocket(app: FastifyInstance): Promise<void> {
  await app.register(websocket, {
    options: { maxPayload: MAX_PAYLOAD },
    // Each endpoint closes its own sockets in its preClose hook (with 1001 and its own ordering:
    // order entry cancels its sessions' orders first); the plugin's default would close them all
    // first, without a code.
    preClose: (done) => done(),
    // An error on an established socket (a client that vanished mid-frame) ends that socket only.
    errorHandler: (err, socket, req) => {
      req.log.debug({ err }, 'websocket error');
      socket.terminate();
    },
  });
  app.addHook('onRequest', async (req) => {
    if (req.ws && req.routeOptions.url !== undefined && !req.routeOptions.config.websocket)
      throw new LiqguardError('NOT_FOUND', `no WebSocket endpoint at ${shortPath(req.url)}`);
  });
  // An upgrade answered over HTTP (401, 403, 429, 404, ...) ends its connection: the plugin does so
  // only for requests its own onRequest hook saw, and hooks installed before it (the rate limit) can
  // refuse earlier. A socket left open would hold the server's close up.
  app.addHook('onResponse', async (req) => {
    if (req.headers.upgrade?.toLowerCase() === 'websocket') req.raw.socket?.destroy();
  });
  // ws's server.close() waits for every client: a socket that was still upgrading when the
  // endpoints' preClose hooks ran (so none of them closed it) would hold the close up. Each
  // endpoint has said its goodbye by now; what is left is ended here.
  app.addHook('onClose', async () => {
    for (const client of app.websocketServer.clients) client.terminate();
    await new Promise<void>((resolve) => app.websocketServer.close(() => resolve()));
  });
}

/** The hooks every WebSocket endpoint shares: a connection cap answered 503 before the upgrade,
 * refused upgrades counted, and a plain GET told that the path wants an upgrade. */
export function wsEndpointHooks(
  path: string,
  full: () => boolean,
  what: string,
  stats: { rejected: number },
): Pick<RouteOptions, 'preHandler' | 'onError' | 'handler'> {
  return {
    preHandler: async (req) => {
      if (req.ws && full()) throw new LiqguardError('UNAVAILABLE', `too many ${what} connections; retry later`);
    },
    onError: async (req) => {
      if (req.ws) stats.rejected++;
    },
    handler: async () => {
      throw new LiqguardError(
        'INVALID_REQUEST',
        `${path} is a WebSocket endpoint: connect with an upgrade request (ws://host${path}) and your API key`,
      );
    },
  };
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set on routes that take a WebSocket upgrade (they declare a wsHandler). */
    websocket?: boolean;
  }
}
