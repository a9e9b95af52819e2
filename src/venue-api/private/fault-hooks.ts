/** Applies PrivateFaults to a Binance server: an onRequest hook (ban → 429 → 5xx → latency, in
 * that order), the venue-down switch (listening socket closed, open sockets destroyed, so
 * clients get ECONNREFUSED / a reset) and the control endpoint `/_liqguard/faults`. */
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { parseFault, type PrivateFaults } from './faults.js';

export const CONTROL_PATH = '/_liqguard/faults';

export function installFaultHooks(
  app: FastifyInstance,
  faults: PrivateFaults,
  opts: { controlEndpoint: boolean; weightLimit: number; now: () => number },
): { pendingTimers: Set<NodeJS.Timeout> } {
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  app.server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  let down: { port: number; host: string } | undefined;
  let upTimer: NodeJS.Timeout | undefined;
  const up = (): Promise<void> =>
    new Promise((resolve) => {
      if (upTimer) clearTimeout(upTimer);
      upTimer = undefined;
      const d = down;
      down = undefined;
      if (!d || app.server.listening) return resolve();
      app.server.listen({ port: d.port, host: d.host }, () => resolve());
    });
  faults.onDown = (ms) => {
    const addr = app.server.address();
    if (!addr || typeof addr !== 'object' || down) return;
    down = { port: addr.port, host: addr.address };
    app.server.close();
    for (const s of sockets) s.destroy();
    // Not unref'ed: with the listening socket closed, this timer is what keeps a standalone
    // `liqguard venue` process alive until the venue comes back (close() clears it).
    if (ms !== undefined) upTimer = setTimeout(() => void up(), ms);
  };
  faults.onUp = () => void up();
  // fastify's close() expects a listening server.
  app.addHook('preClose', async () => {
    await up();
    for (const t of timers) clearTimeout(t);
  });

  app.addHook('onRequest', async (req, reply) => {
    const path = req.url.split('?')[0]!;
    if (path === CONTROL_PATH) return;
    const rl = faults.rateLimitFor(path);
    if (rl?.status === 429) {
      return reply
        .code(429)
        .header('Retry-After', String(rl.retryAfterSec))
        .send({
          code: -1003,
          msg: `Too many requests; current limit of IP(${req.ip}) is ${opts.weightLimit} requests per minute. Please use the websocket for live updates to avoid polling the API.`,
        });
    }
    if (rl?.status === 418) {
      const secs = Math.max(1, Math.ceil((rl.until - opts.now()) / 1000));
      return reply
        .code(418)
        .header('Retry-After', String(secs))
        .send({
          code: -1003,
          msg: `Way too many requests; IP(${req.ip}) banned until ${rl.until}. Please use the websocket for live updates to avoid bans.`,
        });
    }
    const err = faults.errorFor(path, req.method);
    if (err) {
      const code = err.code ?? (err.status === 500 ? -1000 : -1001);
      const msg =
        err.msg ??
        (err.status === 500
          ? 'An unknown error occurred while processing the request.'
          : 'Internal error; unable to process your request. Please try again.');
      return reply.code(err.status).send({ code, msg });
    }
    const ms = faults.delayFor(path);
    if (ms > 0) await sleep(ms, timers);
    return undefined;
  });

  if (opts.controlEndpoint) {
    app.get(CONTROL_PATH, async () => ({ counts: faults.counts, down: down !== undefined }));
    app.post(CONTROL_PATH, async (req, reply) => {
      const body = typeof req.body === 'string' ? safeJson(req.body) : req.body;
      const f = parseFault(body);
      if (typeof f === 'string') return reply.code(400).send({ code: -1102, msg: f });
      // Answer before going down, so the caller learns the fault was taken.
      if (f.kind === 'down') {
        reply.send({ ok: true, fault: f });
        setImmediate(() => faults.inject(f));
        return reply;
      }
      faults.inject(f);
      return { ok: true, fault: f };
    });
    app.delete(CONTROL_PATH, async () => {
      faults.clear();
      return { ok: true };
    });
  }
  return { pendingTimers: timers };
}

function sleep(ms: number, timers: Set<NodeJS.Timeout>): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      timers.delete(t);
      resolve();
    }, ms);
    timers.add(t);
  });
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}
