/** Signed Binance requests are HMAC'd over the body bytes exactly as sent, so both surfaces (the
 * gateway's /fapi door and `liqguard venue`) keep form and JSON bodies as raw text. JSON too:
 * the official connector sends `Content-Type: application/json` with an EMPTY body on every
 * signed POST/DELETE (parameters in the query string); fastify's JSON parser refuses that. */
import type { FastifyInstance } from 'fastify';

export function keepRawBodies(app: FastifyInstance): void {
  const raw = (_req: unknown, body: string | Buffer, done: (err: Error | null, body?: unknown) => void) =>
    done(null, typeof body === 'string' ? body : body.toString('utf8'));
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, raw);
  if (app.hasContentTypeParser('application/json')) app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, raw);
}
