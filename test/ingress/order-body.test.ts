import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseOrderBody } from '../../src/ingress/order-body.js';

const base = { symbol: 'BTC/USDT:USDT', side: 'buy', type: 'market', quantity: '0.01' };

describe('parseOrderBody', () => {
  it('accepts a minimal market order and fills defaults', () => {
    const r = parseOrderBody(base);
    expect(r).toEqual({
      ok: true,
      value: {
        symbol: 'BTC/USDT:USDT',
        side: 'buy',
        type: 'market',
        quantity: '0.01',
        reduceOnly: false,
        postOnly: false,
        timeInForce: 'IOC',
      },
    });
  });

  it('canonicalises decimals (trailing zeros)', () => {
    const r = parseOrderBody({ ...base, type: 'limit', price: '65000.500', quantity: '1.000' });
    expect(r.ok && r.value.price).toBe('65000.5');
    expect(r.ok && r.value.quantity).toBe('1');
  });

  it.each([
    [{ side: 'buy', type: 'market', quantity: '1' }, 'MISSING_FIELD', 'symbol'],
    [{ ...base, quantity: undefined }, 'MISSING_FIELD', 'quantity'],
    [{ ...base, quantity: 1 }, 'INVALID_FIELD', 'quantity'],
    [{ ...base, quantity: '-1' }, 'INVALID_DECIMAL', 'quantity'],
    [{ ...base, quantity: '0' }, 'INVALID_DECIMAL', 'quantity'],
    [{ ...base, quantity: '0.000' }, 'INVALID_DECIMAL', 'quantity'],
    [{ ...base, quantity: '1e400' }, 'INVALID_DECIMAL', 'quantity'],
    [{ ...base, quantity: '1234567890123456789012345678901234567890' }, 'INVALID_DECIMAL', 'quantity'],
    [{ ...base, quantity: ' 1' }, 'INVALID_DECIMAL', 'quantity'],
    [{ ...base, quantity: '0x10' }, 'INVALID_DECIMAL', 'quantity'],
    [{ ...base, quantity: 'NaN' }, 'INVALID_DECIMAL', 'quantity'],
    [{ ...base, side: 'long' }, 'INVALID_FIELD', 'side'],
    [{ ...base, type: 'stop' }, 'INVALID_FIELD', 'type'],
    [{ ...base, reduceOnly: 'true' }, 'INVALID_FIELD', 'reduceOnly'],
    [{ ...base, symbol: 'BTCUSDT' }, 'INVALID_FIELD', 'symbol'],
    [{ ...base, symbol: 42 }, 'INVALID_FIELD', 'symbol'],
    [{ ...base, price: '100' }, 'INVALID_FIELD', 'price'],
    [{ ...base, type: 'limit' }, 'MISSING_FIELD', 'price'],
    [{ ...base, leverage: '200' }, 'INVALID_FIELD', 'leverage'],
    [{ ...base, clientOrderId: 'has space' }, 'INVALID_FIELD', 'clientOrderId'],
    [{ ...base, clientOrderId: 'x'.repeat(33) }, 'INVALID_FIELD', 'clientOrderId'],
    [{ ...base, qty: '1' }, 'UNKNOWN_FIELD', 'qty'],
    [{ ...base, timeInForce: 'DAY' }, 'INVALID_FIELD', 'timeInForce'],
  ])('rejects %j with %s naming %s', (body, code, field) => {
    const r = parseOrderBody(body);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.code).toBe(code);
    expect(r.details.map((d) => d.path)).toContain(field);
    expect(r.message).toContain(field);
  });

  it.each([[null], [[]], ['str'], [42]])('rejects a non-object body %j', (body) => {
    const r = parseOrderBody(body);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.code).toBe('INVALID_REQUEST');
  });

  it('lists every problem, not just the first', () => {
    const r = parseOrderBody({ symbol: 1, side: 'x', quantity: '-1', extra: true });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.details.map((d) => d.path).sort()).toEqual(['extra', 'quantity', 'side', 'symbol', 'type']);
  });

  it('property: every accepted quantity is a canonical positive decimal that round-trips', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (q) => {
        const r = parseOrderBody({ ...base, quantity: q });
        if (!r.ok) return true;
        const v = r.value.quantity;
        return /^(0|[1-9]\d*)(\.\d*[1-9])?$/.test(v) && Number(v) > 0 && Number(v) === Number(q);
      }),
      { numRuns: 2000 },
    );
  });

  it('property: valid decimals within the digit limits are always accepted', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 15n - 1n }), fc.integer({ min: 0, max: 12 }), (n, scale) => {
        const s = n.toString().padStart(scale + 1, '0');
        const text = scale ? `${s.slice(0, -scale)}.${s.slice(-scale)}` : s;
        const intPart = text.split('.')[0]!;
        if (intPart.length > 15 || (intPart.length > 1 && intPart.startsWith('0'))) return true;
        return parseOrderBody({ ...base, quantity: text }).ok;
      }),
      { numRuns: 2000 },
    );
  });

  it('property: any JSON value in any field never throws and is either ok or a coded error', () => {
    const fields = [
      'symbol',
      'side',
      'type',
      'quantity',
      'price',
      'reduceOnly',
      'leverage',
      'clientOrderId',
      'timeInForce',
      'zzz',
    ];
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...fields), fc.jsonValue()), (body) => {
        const r = parseOrderBody(body);
        return r.ok || (typeof r.code === 'string' && r.details.length > 0);
      }),
      { numRuns: 1000 },
    );
  });
});
