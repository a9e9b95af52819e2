/** Issue 13 item 10: duplicate JSON keys were accepted last-wins (a proxy keeping the first value
 * would log a different order than the one evaluated), a BOM and charset=utf-16 were read as
 * UTF-8, and fastify's own errors (bad URL, 414 echoing the whole path, 431) left the error
 * catalog. Driven over real HTTP against a whole gateway on 127.0.0.1. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import fc from 'fast-check';
import { DEMO_API_KEY } from '../../src/config/embedded-default.js';
import { ERROR_CATALOG, LiqguardError } from '../../src/core/errors.js';
import type { Gateway } from '../../src/gateway/gateway.js';
import { assertNoDuplicateKeys, parseStrictJson } from '../../src/ingress/strict-json.js';
import { startEmbeddedGateway } from '../gateway/support.js';

let gw: Gateway;
let url: string;
beforeAll(async () => {
  ({ gw, url } = await startEmbeddedGateway((y) => y.replace('scorer: model', 'scorer: baseline')));
}, 60_000);
afterAll(async () => gw?.close());

type ErrorBody = { error: { code: string; message: string } };
const post = async (body: string | Buffer, contentType = 'application/json') => {
  const res = await fetch(`${url}/v1/orders`, {
    method: 'POST',
    headers: { 'x-api-key': DEMO_API_KEY, 'content-type': contentType },
    body,
  });
  return { status: res.status, body: (await res.json()) as ErrorBody & { decision?: { approvedQuantity: string } } };
};
/** A raw HTTP/1.1 exchange (fetch cannot send an over-long request line). */
function raw(request: string): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    let out = '';
    const s = net.connect(Number(port), '127.0.0.1', () => s.write(request));
    s.on('data', (d) => (out += d.toString('utf8')));
    s.on('close', () => resolve(out));
    s.on('error', (e) => (out ? resolve(out) : reject(e)));
  });
}
const statusOf = (res: string) => Number(res.split(' ')[1]);
const jsonOf = (res: string) => JSON.parse(res.slice(res.indexOf('\r\n\r\n') + 4)) as ErrorBody;
const ORDER = '"symbol":"BTC/USDT:USDT","side":"buy","type":"limit","price":"1000"';

describe('strict JSON on POST /v1/orders', () => {
  it('a duplicate key is refused with 400 DUPLICATE_JSON_KEY naming the key; nothing is decided', async () => {
    const r = await post(`{${ORDER},"quantity":"0.01","quantity":"999999"}`);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('DUPLICATE_JSON_KEY');
    expect(r.body.error.message).toContain('"quantity"');
  });
  it('a duplicate key inside a nested object is named with its path', () => {
    expect(() => assertNoDuplicateKeys('{"a":{"b":1,"c":[{"d":1,"d":2}]}}')).toThrow(/"a\.c\[\]\.d"/);
  });
  it('charset=utf-16 is refused with 415 UNSUPPORTED_CHARSET; a UTF-16 BOM too', async () => {
    const r = await post(`{${ORDER},"quantity":"0.01"}`, 'application/json; charset=utf-16');
    expect(r.status).toBe(415);
    expect(r.body.error.code).toBe('UNSUPPORTED_CHARSET');
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`{${ORDER},"quantity":"0.01"}`, 'utf16le')]);
    const r2 = await post(utf16);
    expect(r2.status).toBe(415);
    expect(r2.body.error.code).toBe('UNSUPPORTED_CHARSET');
  });
  it('a UTF-8 BOM is dropped and the order is decided (documented)', async () => {
    const r = await post(
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`{${ORDER},"quantity":"0.01"}`)]),
      'application/json; charset=UTF-8',
    );
    expect(r.status).toBe(200);
    expect(r.body.decision?.approvedQuantity).toBeDefined();
  });
  it('a content-type other than JSON is 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const r = await post('<order/>', 'application/xml');
    expect(r.status).toBe(415);
    expect(r.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });
  it('__proto__ keys are refused', async () => {
    const r = await post(`{${ORDER},"quantity":"0.01","__proto__":{"x":1}}`);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('INVALID_JSON');
  });
});

describe("fastify's and Node's own errors are in the catalog", () => {
  it('a malformed URL: 400 INVALID_URL', async () => {
    const res = await raw(
      `GET /v1/regime/%zz HTTP/1.1\r\nhost: x\r\nx-api-key: ${DEMO_API_KEY}\r\nconnection: close\r\n\r\n`,
    );
    expect(statusOf(res)).toBe(400);
    expect(jsonOf(res).error.code).toBe('INVALID_URL');
  });
  it('an over-long path parameter: 414 URI_TOO_LONG without echoing the path', async () => {
    const long = 'a'.repeat(5000);
    const res = await raw(
      `GET /v1/orders/${long} HTTP/1.1\r\nhost: x\r\nx-api-key: ${DEMO_API_KEY}\r\nconnection: close\r\n\r\n`,
    );
    expect(statusOf(res)).toBe(414);
    expect(jsonOf(res).error.code).toBe('URI_TOO_LONG');
    expect(res.length).toBeLessThan(1000);
  });
  it('an unknown long path: 404 NOT_FOUND without echoing the path', async () => {
    const res = await raw(`GET /x/${'b'.repeat(8000)} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`);
    expect(statusOf(res)).toBe(404);
    expect(res.length).toBeLessThan(1000);
  });
  it('headers over the limit: 431 HEADERS_TOO_LARGE', async () => {
    const res = await raw(
      `GET /healthz HTTP/1.1\r\nhost: x\r\nx-big: ${'b'.repeat(20_000)}\r\nconnection: close\r\n\r\n`,
    );
    expect(statusOf(res)).toBe(431);
    expect(jsonOf(res).error.code).toBe('HEADERS_TOO_LARGE');
  });
  it('the catalog has the statuses the wire uses', () => {
    expect([
      ERROR_CATALOG.URI_TOO_LONG.status,
      ERROR_CATALOG.HEADERS_TOO_LARGE.status,
      ERROR_CATALOG.UNSUPPORTED_CHARSET.status,
    ]).toEqual([414, 431, 415]);
  });
});

describe('property: the strict parser agrees with JSON.parse except on duplicates', () => {
  it('any JSON without duplicate keys parses to the same value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = JSON.stringify(v);
        if (/"(__proto__|constructor)"\s*:/.test(text)) return;
        expect(parseStrictJson(Buffer.from(text), 'application/json')).toEqual(JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  });
  it('repeating any key of any object is refused with DUPLICATE_JSON_KEY naming it', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string({ maxLength: 6 }).filter((k) => k !== '__proto__' && k !== 'constructor'),
          fc.jsonValue(),
          { minKeys: 1, maxKeys: 5 },
        ),
        fc.nat(),
        fc.jsonValue(),
        (obj, pick, dupValue) => {
          const keys = Object.keys(obj);
          const key = keys[pick % keys.length]!;
          const text = `${JSON.stringify(obj).slice(0, -1)},${JSON.stringify(key)}:${JSON.stringify(dupValue)}}`;
          try {
            parseStrictJson(Buffer.from(text), undefined);
            expect.unreachable('duplicate accepted');
          } catch (err) {
            expect(err).toBeInstanceOf(LiqguardError);
            const e = err as LiqguardError;
            if (e.code === 'INVALID_JSON') return; // a nested forbidden key inside the values
            expect(e.code).toBe('DUPLICATE_JSON_KEY');
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
