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
  if (fe.validation) return validationError(fe.validation, fe.validationContext ?? 'request');
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

type ValidationIssue = NonNullable<FastifyError['validation']>[number];

const dotted = (pointer: string): string => pointer.replace(/^\//, '').replace(/\//g, '.');

/** A failed schema validation in catalog terms. For a body: not an object → INVALID_REQUEST, a
 * top-level key the schema does not know → UNKNOWN_FIELD, a top-level key missing → MISSING_FIELD
 * (in that order, as the hand-written checks did), anything else → INVALID_FIELD. Every issue is
 * listed in `details` with its dotted path. Query and path parameters: INVALID_FIELD. */
function validationError(issues: readonly ValidationIssue[], context: string): LiqguardError {
  const details = issues.map((v) => {
    const params = (v.params ?? {}) as Record<string, unknown>;
    const base = dotted(v.instancePath || '');
    const key = v.keyword === 'required' ? params.missingProperty : params.additionalProperty;
    const path =
      typeof key === 'string' && (v.keyword === 'required' || v.keyword === 'additionalProperties')
        ? base
          ? `${base}.${key}`
          : key
        : base || '(request)';
    const message =
      v.keyword === 'additionalProperties'
        ? 'unknown field'
        : v.keyword === 'required'
          ? 'required'
          : (v.message ?? 'invalid');
    return { path, message, top: !v.instancePath, keyword: v.keyword };
  });
  const list = (k: string) => details.filter((d) => d.top && d.keyword === k).map((d) => d.path);
  const out = details.map(({ path, message }) => ({ path, message }));
  if (context === 'body') {
    if (details.some((d) => d.top && d.keyword === 'type'))
      return new LiqguardError('INVALID_REQUEST', 'the body must be a JSON object');
    const unknown = list('additionalProperties');
    if (unknown.length) return new LiqguardError('UNKNOWN_FIELD', `unknown field(s) ${unknown.join(', ')}`, out);
    const missing = list('required');
    if (missing.length) return new LiqguardError('MISSING_FIELD', `missing ${missing.join(', ')}`, out);
  }
  return new LiqguardError('INVALID_FIELD', `${context}: ${out.map((d) => `${d.path} ${d.message}`).join('; ')}`, out);
}
