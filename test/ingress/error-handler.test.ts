/** Every error leaves as a catalog code; gateway faults (5xx) never show their message to the caller. */
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiqguardError } from '../../src/core/errors.js';
import { installErrorHandler } from '../../src/ingress/error-handler.js';

const app = Fastify({ logger: false });
beforeAll(async () => {
  installErrorHandler(app);
  app.get('/internal', async () => {
    throw new Error('ENOENT /secret/path/to/state.json');
  });
  app.get('/unavailable', async () => {
    throw new LiqguardError('UNAVAILABLE', 'redis at 10.0.0.7:6379 refused the connection');
  });
  app.get('/unknown-venue', async () => {
    throw new LiqguardError('UNKNOWN_VENUE', 'client "a" trades through venue "x", which is not configured');
  });
  await app.ready();
});
afterAll(async () => app.close());

describe('error handler', () => {
  it.each([
    ['/internal', 500, 'INTERNAL', '/secret/path'],
    ['/unavailable', 503, 'UNAVAILABLE', '10.0.0.7'],
  ])('%s answers %i %s without the message', async (url, status, code, leaked) => {
    const res = await app.inject({ url });
    expect(res.statusCode).toBe(status);
    const body = res.json() as { error: { code: string; message: string; requestId: string } };
    expect(body.error.code).toBe(code);
    expect(res.body).not.toContain(leaked);
    expect(body.error.requestId).toBeTruthy();
  });

  it('keeps the message of a 4xx, which tells the caller what to fix', async () => {
    const res = await app.inject({ url: '/unknown-venue' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      error: { code: 'UNKNOWN_VENUE', message: expect.stringContaining('venue "x"') },
    });
  });
});
