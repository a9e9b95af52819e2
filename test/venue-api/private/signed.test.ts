import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { hmacHex, signQuery, verifySignedRequest, type SignedRequestInput } from '../../../src/binance-wire/signed.js';

const KEY = 'testKey123';
const SECRET = 's3cret';
const NOW = 1_700_000_000_000;

function input(over: Partial<SignedRequestInput> = {}): SignedRequestInput {
  return {
    method: 'POST',
    queryString: '',
    body: '',
    apiKeyHeader: KEY,
    now: NOW,
    secretFor: (k) => (k === KEY ? SECRET : undefined),
    ...over,
  };
}

describe('verifySignedRequest', () => {
  it('accepts a correctly signed body and returns the parsed params', () => {
    const body = signQuery({ symbol: 'BTCUSDT', side: 'BUY', quantity: '0.010', timestamp: NOW - 100 }, SECRET);
    const r = verifySignedRequest(input({ body }));
    expect(r).toEqual({
      ok: true,
      apiKey: KEY,
      params: { symbol: 'BTCUSDT', side: 'BUY', quantity: '0.010', timestamp: String(NOW - 100) },
    });
  });

  it('accepts a signed query string (GET) and decodes values', () => {
    const qs = signQuery({ symbol: 'BTCUSDT', origClientOrderId: 'a b/c', timestamp: NOW }, SECRET);
    const r = verifySignedRequest(input({ method: 'GET', queryString: qs }));
    expect(r.ok && r.params.origClientOrderId).toBe('a b/c');
  });

  it('signs totalParams = query + body with no separator (Binance doc example)', () => {
    // https://developers.binance.com example 3: the mixed query-string / body signature.
    const query = 'symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC';
    const bodyNoSig = 'quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559';
    const secret = 'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j';
    const sig = hmacHex(query + bodyNoSig, secret);
    expect(sig).toBe('0fd168b8ddb4876a0358a8d14d0c9f3da0e9b20c5d52b2a00fcf7d1c602f9a77');
    const r = verifySignedRequest(
      input({
        queryString: query,
        body: `${bodyNoSig}&signature=${sig}`,
        now: 1499827319559 + 10,
        secretFor: () => secret,
      }),
    );
    expect(r.ok).toBe(true);
  });

  it('rejects a missing or malformed API key with -2014 and an unknown one with -2015', () => {
    const body = signQuery({ timestamp: NOW }, SECRET);
    expect(verifySignedRequest(input({ body, apiKeyHeader: undefined }))).toMatchObject({
      ok: false,
      httpStatus: 401,
      code: -2014,
    });
    expect(verifySignedRequest(input({ body, apiKeyHeader: 'bad key!' }))).toMatchObject({ ok: false, code: -2014 });
    expect(verifySignedRequest(input({ body, apiKeyHeader: 'someoneElse' }))).toMatchObject({
      ok: false,
      httpStatus: 401,
      code: -2015,
    });
  });

  it('requires timestamp and signature (-1102 naming the parameter)', () => {
    const noTs = verifySignedRequest(input({ body: signQuery({ symbol: 'BTCUSDT' }, SECRET) }));
    expect(noTs).toMatchObject({ ok: false, code: -1102 });
    expect(!noTs.ok && noTs.msg).toContain("'timestamp'");
    const noSig = verifySignedRequest(input({ body: `timestamp=${NOW}` }));
    expect(noSig).toMatchObject({ ok: false, code: -1102 });
    expect(!noSig.ok && noSig.msg).toContain("'signature'");
  });

  it('rejects a wrong secret, a tampered parameter and a non-hex signature with -1022', () => {
    const good = signQuery({ symbol: 'BTCUSDT', quantity: '1', timestamp: NOW }, SECRET);
    expect(verifySignedRequest(input({ body: signQuery({ timestamp: NOW }, 'other') }))).toMatchObject({
      ok: false,
      code: -1022,
    });
    expect(verifySignedRequest(input({ body: good.replace('quantity=1', 'quantity=9') }))).toMatchObject({
      ok: false,
      code: -1022,
    });
    expect(verifySignedRequest(input({ body: `timestamp=${NOW}&signature=zz` }))).toMatchObject({
      ok: false,
      code: -1022,
    });
  });

  it('enforces recvWindow: default 5000, explicit, maximum 60000', () => {
    expect(verifySignedRequest(input({ body: signQuery({ timestamp: NOW - 5000 }, SECRET) })).ok).toBe(true);
    expect(verifySignedRequest(input({ body: signQuery({ timestamp: NOW - 5001 }, SECRET) }))).toMatchObject({
      ok: false,
      code: -1021,
    });
    expect(
      verifySignedRequest(input({ body: signQuery({ timestamp: NOW - 9000, recvWindow: 10000 }, SECRET) })).ok,
    ).toBe(true);
    expect(
      verifySignedRequest(input({ body: signQuery({ timestamp: NOW, recvWindow: 60001 }, SECRET) })),
    ).toMatchObject({ ok: false, code: -1131 });
  });

  it('rejects timestamps 1000 ms or more ahead of server time with -1021', () => {
    expect(verifySignedRequest(input({ body: signQuery({ timestamp: NOW + 999 }, SECRET) })).ok).toBe(true);
    const r = verifySignedRequest(input({ body: signQuery({ timestamp: NOW + 1000 }, SECRET) }));
    expect(r).toMatchObject({ ok: false, code: -1021 });
    expect(!r.ok && r.msg).toContain('ahead');
  });

  it('rejects duplicate parameters with -1101', () => {
    const qs = `timestamp=${NOW}&symbol=A&symbol=B`;
    expect(verifySignedRequest(input({ body: `${qs}&signature=${hmacHex(qs, SECRET)}` }))).toMatchObject({
      ok: false,
      code: -1101,
    });
  });

  it('round-trips any params signed by signQuery; flipping one signature digit fails', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc
            .stringMatching(/^[a-zA-Z]{1,8}$/)
            .filter((k) => k !== 'timestamp' && k !== 'signature' && k !== 'recvWindow'),
          fc.string({ maxLength: 12 }),
          { maxKeys: 6 },
        ),
        fc.integer({ min: 0, max: 63 }),
        (params, pos) => {
          const signed = signQuery({ ...params, timestamp: NOW }, SECRET);
          const ok = verifySignedRequest(input({ queryString: signed }));
          expect(ok.ok).toBe(true);
          if (ok.ok) expect(ok.params).toEqual({ ...params, timestamp: String(NOW) });
          const i = signed.length - 64 + pos;
          const flipped = signed.slice(0, i) + (signed[i] === '0' ? '1' : '0') + signed.slice(i + 1);
          expect(verifySignedRequest(input({ queryString: flipped }))).toMatchObject({ ok: false, code: -1022 });
        },
      ),
    );
  });
});
