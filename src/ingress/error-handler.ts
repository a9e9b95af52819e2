import type { FastifyError, FastifyInstance } from 'fastify';
import { ERROR_CATALOG, LiqguardError, isLiqguardError } from '../core/errors.js';
import { shortPath } from './framework-errors.js';

/** Every error leaves the gateway as `{ error: { code, message, hint, details?, requestId } }`
 * with a code from the catalog. 5xx messages are hidden from the caller and logged instead. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | LiqguardError, req, reply) => {
    const e = toLiqguardError(err);
    if (e.statusCode >= 500) req.log.error({ err }, 'request failed');
    // The message of a gateway fault can name files, hosts or internals: only the code, the catalog's
    // hint and the request id leave; the message is in the log under that id.
    const body =
      e.statusCode >= 500
        ? {
            code: e.code,
            message:
              e.code === 'INTERNAL' ? 'internal error' : `gateway fault ${e.code}; see the log for request ${req.id}`,
            hint: e.hint,
            requestId: req.id,
          }
        : { ...e.toJSON(), requestId: req.id };
    if (e.code === 'TOO_MANY_REQUESTS') void reply.header('retry-after', '1');
    void reply.status(e.statusCode).send({ error: body });
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.status(404).send({
      error: {
        code: 'NOT_FOUND',
        message: `no route ${req.method} ${shortPath(req.url)}`,
        hint: 'See /docs for the API.',
        requestId: req.id,
      },
    });
  });
}

export function toLiqguardError(err: FastifyError | LiqguardError | Error): LiqguardError {
  if (isLiqguardError(err)) return err;
  const fe = err as FastifyError;
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new LiqguardError('BODY_TOO_LARGE', 'request body too large');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new LiqguardError('INVALID_JSON', `invalid JSON body: ${fe.message}`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new LiqguardError('UNSUPPORTED_MEDIA_TYPE', 'unsupported content-type: send application/json');
  }
  if (fe.validation) {
    const details = fe.validation.map((v) => ({
      path:
        (v.instancePath || '').replace(/^\//, '') ||
        String((v.params as Record<string, unknown>)?.missingProperty ?? '(request)'),
      message: v.message ?? 'invalid',
    }));
    return new LiqguardError(
      'INVALID_FIELD',
      `${fe.validationContext ?? 'request'}: ${details.map((d) => `${d.path} ${d.message}`).join('; ')}`,
      details,
    );
  }
  if (err instanceof SyntaxError || fe.statusCode === 400)
    return new LiqguardError('INVALID_JSON', `invalid request: ${err.message}`);
  if (fe.statusCode && fe.statusCode < 500) {
    const code =
      (Object.keys(ERROR_CATALOG) as (keyof typeof ERROR_CATALOG)[]).find(
        (k) => ERROR_CATALOG[k].status === fe.statusCode,
      ) ?? 'INVALID_REQUEST';
    return new LiqguardError(code, err.message);
  }
  return new LiqguardError('INTERNAL', err.message);
}
