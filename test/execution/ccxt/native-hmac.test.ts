/** The adapter signs with node:crypto instead of ccxt's JS HMAC: it must give the same bytes. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import ccxt from 'ccxt';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { nativeHmac } from '../../../src/execution/ccxt/exchange.js';

describe('nativeHmac', () => {
  const ex = new ccxt.binanceusdm({});
  const original = (ex.hmac as (...a: unknown[]) => string).bind(ex) as Parameters<typeof nativeHmac>[0];
  const native = nativeHmac(original);
  it('property: equals ccxt’s HMAC-SHA256 (hex and base64) on any request and secret', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 300 }),
        fc.string({ minLength: 1, maxLength: 64 }),
        fc.constantFrom('hex', 'base64'),
        (req, secret, digest) => {
          const a = native(ex.encode(req), ex.encode(secret), sha256 as never, digest as never);
          const b = original(ex.encode(req), ex.encode(secret), sha256 as never, digest as never);
          return a === b;
        },
      ),
      { numRuns: 500 },
    );
  });
  it('falls back to ccxt for other hashes', () => {
    expect(native(ex.encode('x'), ex.encode('k'), sha512 as never, 'hex' as never)).toBe(
      original(ex.encode('x'), ex.encode('k'), sha512 as never, 'hex' as never),
    );
  });
});
