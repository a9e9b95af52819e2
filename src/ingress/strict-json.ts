/** Strict JSON bodies. JSON.parse keeps the last of duplicate keys, while a proxy or log in
 * front may keep the first: `"quantity":"0.01",…,"quantity":"999999"` would be read as two
 * different orders. So a body is refused when any object repeats a key (DUPLICATE_JSON_KEY,
 * naming the key and where), a charset other than UTF-8 is refused (415 UNSUPPORTED_CHARSET), a
 * UTF-16/32 byte-order mark is refused with the same code and a UTF-8 BOM is dropped (RFC 8259
 * §8.1 lets parsers ignore it). `__proto__` and `constructor` keys are refused outright. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { LiqguardError } from '../core/errors.js';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor']);

/** The charset parameter of a content-type, lower-cased, or undefined. */
function charsetOf(contentType: string | undefined): string | undefined {
  const m = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  return m ? m[1]!.toLowerCase() : undefined;
}

function checkEncoding(buf: Buffer, contentType: string | undefined): Buffer {
  const cs = charsetOf(contentType);
  if (cs !== undefined && cs !== 'utf-8' && cs !== 'utf8') {
    throw new LiqguardError(
      'UNSUPPORTED_CHARSET',
      `charset "${cs}" is not accepted: send UTF-8 JSON (charset=utf-8 or none)`,
    );
  }
  if ((buf[0] === 0xfe && buf[1] === 0xff) || (buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0 && buf[1] === 0)) {
    throw new LiqguardError('UNSUPPORTED_CHARSET', 'the body starts with a UTF-16/32 byte-order mark: send UTF-8 JSON');
  }
  return buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? buf.subarray(3) : buf;
}

/** Throws DUPLICATE_JSON_KEY for the first repeated key. `text` must already be valid JSON:
 * then every string followed by ':' is a key. */
export function assertNoDuplicateKeys(text: string): void {
  const stack: ({ keys: Set<string>; path: string } | null)[] = [];
  const paths: string[] = [];
  let lastKey: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b /* { */) {
      const top = stack[stack.length - 1];
      const path =
        top === undefined ? '' : top === null ? `${paths[paths.length - 1] ?? ''}[]` : join(top.path, lastKey ?? '');
      stack.push({ keys: new Set(), path });
      paths.push(path);
    } else if (c === 0x5b /* [ */) {
      const top = stack[stack.length - 1];
      paths.push(
        top === undefined ? '' : top === null ? `${paths[paths.length - 1] ?? ''}[]` : join(top.path, lastKey ?? ''),
      );
      stack.push(null);
    } else if (c === 0x7d || c === 0x5d) {
      stack.pop();
      paths.pop();
    } else if (c === 0x22 /* " */) {
      let j = i + 1;
      while (text.charCodeAt(j) !== 0x22) j += text.charCodeAt(j) === 0x5c ? 2 : 1;
      let k = j + 1;
      while (k < text.length && /\s/.test(text[k]!)) k++;
      const top = stack[stack.length - 1];
      if (text[k] === ':' && top) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        const at = join(top.path, key);
        if (FORBIDDEN_KEYS.has(key))
          throw new LiqguardError('INVALID_JSON', `invalid JSON body: key "${key}" is not accepted`, [
            { path: at, message: 'forbidden key' },
          ]);
        if (top.keys.has(key)) {
          throw new LiqguardError(
            'DUPLICATE_JSON_KEY',
            `duplicate JSON key "${at}": each key may appear once per object`,
            [{ path: at, message: 'duplicate key' }],
          );
        }
        top.keys.add(key);
        lastKey = key;
      }
      i = j;
    }
  }
}

const join = (path: string, key: string): string => (path ? `${path}.${key}` : key);

/** Parse a JSON body strictly (see the module comment). */
export function parseStrictJson(raw: Buffer, contentType: string | undefined): unknown {
  const text = checkEncoding(raw, contentType).toString('utf8');
  if (text.trim() === '') throw new LiqguardError('INVALID_JSON', 'invalid JSON body: the body is empty');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new LiqguardError('INVALID_JSON', `invalid JSON body: ${(err as Error).message}`);
  }
  assertNoDuplicateKeys(text);
  return value;
}

/** Replace fastify's application/json parser for every route of `app`. */
export function installStrictJson(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req: FastifyRequest, body: Buffer, done) => {
    try {
      done(null, parseStrictJson(body, req.headers['content-type']));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
}
