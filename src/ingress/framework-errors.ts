/** fastify's and Node's own request errors, mapped into the error catalog: a malformed URL
 * (INVALID_URL), a path parameter over maxParamLength (URI_TOO_LONG, 414) and, from Node's HTTP
 * parser, headers or a request line over the size limit (HEADERS_TOO_LARGE, 431). The path is
 * never echoed whole: at most PATH_ECHO characters of it. */
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CATALOG, type ErrorCode } from '../core/errors.js';

const PATH_ECHO = 80;

export const shortPath = (url: string): string => {
  const p = url.split('?')[0] ?? '';
  return p.length > PATH_ECHO ? `${p.slice(0, PATH_ECHO)}… (${p.length} chars)` : p;
};

const body = (code: ErrorCode, message: string, requestId?: string): string =>
  JSON.stringify({ error: { code, message, hint: ERROR_CATALOG[code].hint, ...(requestId ? { requestId } : {}) } });

/** fastify's `frameworkErrors` option (bad URL, over-long path parameter). */
export function frameworkErrors(err: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  const code: ErrorCode =
    err.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? 'URI_TOO_LONG'
      : err.code === 'FST_ERR_BAD_URL'
        ? 'INVALID_URL'
        : 'INVALID_REQUEST';
  const message =
    code === 'URI_TOO_LONG'
      ? `path parameter too long in ${shortPath(req.raw.url ?? '')}`
      : `malformed URL ${shortPath(req.raw.url ?? '')}`;
  void reply
    .status(ERROR_CATALOG[code].status)
    .header('content-type', 'application/json; charset=utf-8')
    .send(body(code, message, req.id));
}

/** fastify's `clientErrorHandler` option: errors Node raises before there is a request. */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy(err);
    return;
  }
  const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
  const code: ErrorCode = tooLarge ? 'HEADERS_TOO_LARGE' : 'INVALID_REQUEST';
  const b = body(code, tooLarge ? 'request line and headers exceed the size limit' : 'malformed HTTP request');
  const status = ERROR_CATALOG[code].status;
  const reason = tooLarge ? 'Request Header Fields Too Large' : 'Bad Request';
  const head = [
    `HTTP/1.1 ${status} ${reason}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(b)}`,
    'Connection: close',
  ];
  socket.end(`${head.join('\r\n')}\r\n\r\n${b}`);
}
