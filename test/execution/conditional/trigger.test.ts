/** The pure parts of conditional orders: the trigger check (property tests against a direct
 * restatement of Binance's rules), the Binance parameter parser, and the protective waiver. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { triggerCheck, type TriggerSpec } from '../../../src/core/conditional.js';
import { Decimal } from '../../../src/core/decimal.js';
import type { DenyCode } from '../../../src/core/deny-codes.js';
import type { Decision, OrderIntent } from '../../../src/core/types.js';
import { atTriggerPrice, protectiveDecision, PROTECTIVE_RULE } from '../../../src/policy/protective-conditional.js';
import { parseConditional } from '../../../src/binance-wire/conditional-params.js';
import { BinanceApiError } from '../../../src/binance-wire/errors.js';
import { ds } from '../../support/decimals.js';

const price = fc.integer({ min: 1, max: 10_000_000 }).map((n) => new Decimal(n).div(100));
const side = fc.constantFrom<'buy' | 'sell'>('buy', 'sell');

describe('triggerCheck', () => {
  it('stop and take-profit fire exactly on the side of the trigger Binance defines', () => {
    fc.assert(
      fc.property(
        side,
        fc.constantFrom<'stop' | 'take_profit'>('stop', 'take_profit'),
        price,
        price,
        (s, kind, stop, p) => {
          const t: TriggerSpec = { kind, stopPrice: stop.toFixed(), workingType: 'contract', closePosition: false };
          // A buy stop / sell take-profit fires at or above the trigger; the other two at or below.
          const fireUp = (kind === 'stop') === (s === 'buy');
          expect(triggerCheck(s, t, p)).toBe(fireUp ? p.gte(stop) : p.lte(stop));
        },
      ),
    );
  });

  it('a trailing sell fires once the price is callbackRate % below the highest price since armed', () => {
    fc.assert(
      fc.property(
        fc.array(price, { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 100 }),
        (path, rate10) => {
          const rate = new Decimal(rate10).div(10); // 0.1 .. 10 %
          const t: TriggerSpec = {
            kind: 'trailing_stop',
            callbackRate: rate.toFixed(),
            workingType: 'contract',
            closePosition: false,
          };
          const st = { armed: false };
          let high = path[0]!;
          let firedAt = -1;
          path.forEach((p, i) => {
            if (firedAt >= 0) return;
            high = Decimal.max(high, p);
            if (triggerCheck('sell', t, p, st)) firedAt = i;
          });
          // Restated directly: the first index where p <= running max × (1 - rate).
          let expected = -1;
          let m = path[0]!;
          for (let i = 0; i < path.length && expected < 0; i++) {
            m = Decimal.max(m, path[i]!);
            if (path[i]!.lte(m.mul(new Decimal(1).minus(rate.div(100))))) expected = i;
          }
          expect(firedAt).toBe(expected);
        },
      ),
    );
  });

  it('a trailing buy with an activation price does nothing until the price reaches it', () => {
    const t: TriggerSpec = {
      kind: 'trailing_stop',
      callbackRate: '1',
      activationPrice: '100',
      workingType: 'mark',
      closePosition: false,
    };
    const st = { armed: false };
    expect(triggerCheck('buy', t, new Decimal(105), st)).toBe(false);
    expect(triggerCheck('buy', t, new Decimal(120), st)).toBe(false); // +14 % but not armed yet
    expect(st.armed).toBe(false);
    expect(triggerCheck('buy', t, new Decimal(99), st)).toBe(false); // armed, low 99
    expect(triggerCheck('buy', t, new Decimal(99.98), st)).toBe(false);
    expect(triggerCheck('buy', t, new Decimal(99.99), st)).toBe(true); // 99 × 1.01
  });
});

describe('parseConditional (Binance parameters)', () => {
  const base = { symbol: 'BTCUSDT', side: 'SELL', type: 'STOP_MARKET', quantity: '0.01', triggerPrice: '50000' };
  it('reads every type and its trigger', () => {
    expect(parseConditional(base, 'clientAlgoId')).toMatchObject({
      type: 'market',
      trigger: { kind: 'stop', stopPrice: '50000', workingType: 'contract', closePosition: false },
    });
    expect(
      parseConditional({ ...base, type: 'TAKE_PROFIT', price: '51000', workingType: 'MARK_PRICE' }, 'clientAlgoId'),
    ).toMatchObject({
      type: 'limit',
      price: '51000',
      timeInForce: 'GTC',
      trigger: { kind: 'take_profit', workingType: 'mark' },
    });
    expect(
      parseConditional(
        { symbol: 'BTCUSDT', side: 'BUY', type: 'STOP_MARKET', stopPrice: '1', closePosition: 'true' },
        'newClientOrderId',
      ),
    ).toMatchObject({ quantity: '0', trigger: { closePosition: true } });
    expect(
      parseConditional(
        {
          symbol: 'BTCUSDT',
          side: 'SELL',
          type: 'TRAILING_STOP_MARKET',
          quantity: '1',
          callbackRate: '0.5',
          activatePrice: '60000',
        },
        'clientAlgoId',
      ).trigger,
    ).toEqual({
      kind: 'trailing_stop',
      callbackRate: '0.5',
      activationPrice: '60000',
      workingType: 'contract',
      closePosition: false,
    });
  });

  it('never throws anything but a Binance error, and never accepts a malformed price or quantity', () => {
    const keys = [
      'side',
      'type',
      'quantity',
      'price',
      'triggerPrice',
      'stopPrice',
      'callbackRate',
      'activatePrice',
      'closePosition',
      'reduceOnly',
      'workingType',
      'timeInForce',
      'clientAlgoId',
    ];
    const value = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom(
        'BUY',
        'SELL',
        'STOP',
        'STOP_MARKET',
        'TAKE_PROFIT',
        'TAKE_PROFIT_MARKET',
        'TRAILING_STOP_MARKET',
        'true',
        'false',
        '1',
        '0.5',
        '-1',
        '1e5',
        'MARK_PRICE',
        'GTC',
      ),
    );
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...keys), value), (p) => {
        let r;
        try {
          r = parseConditional({ symbol: 'BTCUSDT', ...p }, 'clientAlgoId');
        } catch (e) {
          expect(e).toBeInstanceOf(BinanceApiError);
          expect((e as BinanceApiError).code).toBeLessThan(0);
          return;
        }
        const dec = /^[0-9]+(\.[0-9]+)?$/;
        expect(r.quantity).toMatch(dec);
        if (r.price !== undefined) expect(r.price).toMatch(dec);
        if (r.trigger.stopPrice !== undefined) expect(Number(r.trigger.stopPrice)).toBeGreaterThan(0);
        if (r.trigger.closePosition) expect(r.quantity).toBe('0');
        else expect(p.quantity).toBe(r.quantity);
      }),
    );
  });
});

describe('protective conditional orders and the policy', () => {
  const intent = (over: Partial<OrderIntent>): OrderIntent => ({
    intentId: 'ord_1',
    clientOrderId: 'c1',
    clientId: 'demo',
    account: 'demo',
    venue: 'sim',
    symbol: 'BTC/USDT:USDT',
    side: 'sell',
    type: 'market',
    quantity: ds('0.5'),
    reduceOnly: true,
    postOnly: false,
    timeInForce: 'GTC',
    receivedAt: 0,
    transport: 'binance',
    trigger: { kind: 'stop', stopPrice: '90000', workingType: 'mark', closePosition: false },
    ...over,
  });
  const denied = (codes: DenyCode[]): Decision => ({
    kind: 'deny',
    code: codes[0]!,
    detail: codes[0]!,
    params: {},
    originalQuantity: '0.5',
    approvedQuantity: '0',
    children: [],
    throttles: [],
    trace: codes.map((code, i) => ({
      ruleId: `r${i}`,
      action: 'reject',
      mode: 'enforce',
      matched: true,
      outcome: 'deny',
      code,
    })),
    policySetId: 'p',
    policySha256: 'h',
  });

  it('waives kill, halt and regime denials for reduce-only and closePosition orders only', () => {
    const d = protectiveDecision(intent({}), denied(['KILL_SWITCH', 'REGIME_NOTIONAL_CAP']), 5);
    expect(d).toMatchObject({ kind: 'accept', approvedQuantity: '0.5', children: [{ quantity: '0.5', notBefore: 5 }] });
    expect(d.trace.at(-1)).toMatchObject({ ruleId: PROTECTIVE_RULE, outcome: 'pass' });
    expect(
      protectiveDecision(
        intent({
          reduceOnly: false,
          trigger: { kind: 'stop', stopPrice: '1', workingType: 'mark', closePosition: true },
        }),
        denied(['HALTED']),
        0,
      ).kind,
    ).toBe('accept');
    // A growing order is not protective; another denial (fat finger) is never waived.
    expect(protectiveDecision(intent({ reduceOnly: false }), denied(['KILL_SWITCH']), 0).kind).toBe('deny');
    expect(protectiveDecision(intent({}), denied(['KILL_SWITCH', 'MAX_ORDER_QUANTITY']), 0).kind).toBe('deny');
  });

  it('shows the policy the market at the trigger price', () => {
    const snap = {
      symbol: 'BTC/USDT:USDT',
      asOf: 0,
      ageMs: 0,
      mark: 100_000,
      last: 100_010,
      features: {},
      missing: [],
      ages: {},
      flags: [],
      degraded: false,
    };
    expect(atTriggerPrice(snap, intent({}))).toMatchObject({ mark: 90_000, last: 90_000 });
    expect(atTriggerPrice(snap, intent({ trigger: undefined }))).toBe(snap);
  });
});
