/** Conditional orders through the gateway's Binance door with an unmodified ccxt.binanceusdm:
 * protective stops go to the simulated venue as its own conditional orders and are never denied
 * or cancelled by a kill; orders that would grow a position are held by the gateway, cancelled by
 * a kill or a regime escalation, and re-evaluated by the policy in force when they trigger. */
import ccxt from 'ccxt';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryAudit } from '../../../src/audit/query.js';
import { DEMO_API_KEY, DEMO_API_SECRET } from '../../../src/config/embedded-default.js';
import type { SimulatedVenue } from '../../../src/execution/simulated/index.js';
import { ccxtBot, policyDirWith, startFrontDoorGateway, type FrontDoorGateway } from './support.js';

const BTC = 'BTC/USDT:USDT';
const ETH = 'ETH/USDT:USDT';
const XRP = 'XRP/USDT:USDT';
// Splits reduce-only XRP orders above 1000 into 3 children 2 s apart.
const SPLIT_EXITS = `  - id: split-xrp-exits
    when: { symbol: ${XRP}, reduce_only: true, quantity: { gt: 1000 } }
    split: { count: 3, interval: 2s }
`;
const OPS = { 'x-api-key': DEMO_API_KEY, 'content-type': 'application/json', 'x-operator': 'Ada' };

let h: FrontDoorGateway;
let bot: InstanceType<typeof ccxt.binanceusdm>;
let policyDir: string;
let n = 0;
const cid = (p: string) => `${p}-${process.pid}-${++n}`;
const sim = () => h.gw.venues.get('sim') as SimulatedVenue;
const position = (symbol: string) =>
  Number(
    sim()
      .accountStateSync('demo')
      .positions.find((p) => p.symbol === symbol)?.quantity ?? 0,
  );
const tickOf = (symbol: string) => Number(sim().instrument(symbol)!.tickSize);
const mark = (symbol: string) => Number(sim().markPrice(symbol));
const px = (symbol: string, f: number) =>
  Number((Math.round((mark(symbol) * f) / tickOf(symbol)) * tickOf(symbol)).toFixed(8));
/** A mark event (mark = last) into the whole gateway: market view, simulated venue, held orders. */
const moveTo = async (symbol: string, price: number) => {
  h.gw.ingest({ type: 'mark', symbol, ts: h.gw.clock.now(), markPrice: price, lastPrice: price });
  await h.gw.conditionals.idle();
};
const ops = async (path: string, body: unknown, method = 'POST') => {
  const r = await fetch(`${h.url}${path}`, { method, headers: OPS, body: JSON.stringify(body) });
  return { status: r.status, body: (await r.json()) as any };
};
const audit = async () => (await queryAudit(join(h.varDir, 'audit'), { types: ['execution'] } as any)).records as any[];
const conditionalEvents = async (intentId: string) =>
  (await audit()).filter((r) => r.intentId === intentId && r.conditional).map((r) => r.conditional.event);

beforeAll(async () => {
  policyDir = policyDirWith(SPLIT_EXITS);
  // Stricter than the shipped default: a kill stops reduce-only exits too. Protective
  // conditional orders must pass anyway.
  const file = join(policyDir, 'default.yaml');
  writeFileSync(
    file,
    readFileSync(file, 'utf8').replace('kill_allows_reduce_only: true', 'kill_allows_reduce_only: false'),
  );
  h = await startFrontDoorGateway({ policyDir });
  bot = ccxtBot(h.url, DEMO_API_KEY, DEMO_API_SECRET);
  await bot.loadMarkets();
});
afterAll(async () => h?.gw.close());

describe('conditional orders through the gateway door', () => {
  it('a protective STOP_MARKET goes to the venue as its own conditional order and fires there', async () => {
    await bot.createOrder(BTC, 'market', 'buy', 0.01, undefined, { clientOrderId: cid('open') });
    expect(position(BTC)).toBeCloseTo(0.01);
    const stop = px(BTC, 0.98);
    const o = await bot.createOrder(BTC, 'market', 'sell', 0.01, undefined, {
      triggerPrice: stop,
      reduceOnly: true,
      clientOrderId: cid('sl'),
    });
    expect(o.status).toBe('open');
    expect(o.info.orderType).toBe('STOP_MARKET');
    expect(o.info.liqguard).toMatchObject({ decision: 'accept', heldBy: 'venue' });
    // The venue holds it natively, the gateway does not.
    expect(
      sim()
        .exchange.conditional.waiting('demo', BTC)
        .map((c) => c.req.clientOrderId),
    ).toContain(o.clientOrderId);
    expect((await bot.fetchOpenOrders(BTC, undefined, undefined, { trigger: true })).map((x) => x.id)).toContain(o.id);
    await moveTo(BTC, px(BTC, 0.99));
    expect(position(BTC)).toBeCloseTo(0.01);
    await moveTo(BTC, stop - 10 * tickOf(BTC));
    expect(position(BTC)).toBe(0);
    const done = await bot.fetchOrder(o.id!, BTC, { trigger: true });
    expect(done.info.algoStatus).toBe('FINISHED');
    // Placement (decision) and the fill at the venue are audited under the same intent.
    const intentId = o.info.liqguard.intentId;
    const execs = (await audit()).filter((r) => r.intentId === intentId);
    expect(execs.map((r) => r.status)).toEqual(expect.arrayContaining(['new', 'filled']));
  });

  it('an order that would grow the position is held by the gateway and re-evaluated when it triggers', async () => {
    const trig = px(ETH, 1.02);
    const o = await bot.createOrder(ETH, 'market', 'buy', 0.5, undefined, {
      triggerPrice: trig,
      clientOrderId: cid('grow'),
    });
    expect(o.info.liqguard).toMatchObject({ heldBy: 'gateway' });
    expect(sim().exchange.conditional.waiting('demo', ETH)).toHaveLength(0);
    await moveTo(ETH, px(ETH, 1.01));
    expect(position(ETH)).toBe(0);
    await moveTo(ETH, trig + tickOf(ETH));
    expect(position(ETH)).toBeCloseTo(0.5);
    const after = await bot.fetchOrder(o.id!, ETH, { trigger: true });
    expect(after.info.algoStatus).toBe('FINISHED');
    expect(after.info.actualOrderId).toMatch(/^[0-9]+$/);
    const actual = await bot.fetchOrder(after.info.actualOrderId, ETH);
    expect(actual.status).toBe('closed');
    expect(actual.filled).toBeCloseTo(0.5);
    expect(await conditionalEvents(o.info.liqguard.intentId)).toEqual(['held', 'triggered', 're_evaluated']);
    // The triggered order has its own decision record, made at trigger time.
    const decisions = (await queryAudit(join(h.varDir, 'audit'), { types: ['decision'] } as any)).records as any[];
    expect(decisions.some((r) => JSON.stringify(r).includes(after.info.liqguard.triggeredIntentId))).toBe(true);
  });

  it('at trigger the policy then in force decides: a rule added after placement denies the triggered order', async () => {
    const trig = px(ETH, 1.02);
    const o = await bot.createOrder(ETH, 'market', 'buy', 0.3, undefined, {
      triggerPrice: trig,
      clientOrderId: cid('reval'),
    });
    const file = join(policyDir, 'default.yaml');
    const before = readFileSync(file, 'utf8');
    writeFileSync(
      file,
      `${before.trimEnd()}\n  - id: eth-frozen\n    when: { symbol: ${ETH}, reduce_only: false }\n    reject: { code: POLICY_REJECT }\n`,
    );
    try {
      expect((await ops('/v1/policies/reload', {})).status).toBe(200);
      const pos = position(ETH);
      await moveTo(ETH, trig + tickOf(ETH));
      expect(position(ETH)).toBe(pos);
      const s = h.gw.conditionals.state(o.info.liqguard.intentId)!;
      const triggered = h.gw.orders.get(s.triggeredIntentId!)!;
      expect(triggered.decision).toMatchObject({ kind: 'deny', code: 'POLICY_REJECT' });
      expect(await conditionalEvents(o.info.liqguard.intentId)).toEqual(['held', 'triggered', 're_evaluated']);
    } finally {
      writeFileSync(file, before);
      expect((await ops('/v1/policies/reload', {})).status).toBe(200);
    }
  });

  it('under a kill: protective orders are accepted and keep working, growing ones are denied and held ones cancelled', async () => {
    await bot.createOrder(BTC, 'market', 'buy', 0.02, undefined, { clientOrderId: cid('open2') });
    const held = await bot.createOrder(BTC, 'market', 'buy', 0.01, undefined, {
      triggerPrice: px(BTC, 1.03),
      clientOrderId: cid('held'),
    });
    const protect1 = await bot.createOrder(BTC, 'market', 'sell', 0.02, undefined, {
      triggerPrice: px(BTC, 0.9),
      reduceOnly: true,
      clientOrderId: cid('p1'),
    });
    const kill = await ops('/v1/kill', { scope: { type: 'all' }, reason: 'drill' });
    expect(kill.status).toBe(200);
    try {
      expect((await bot.fetchOrder(held.id!, BTC, { trigger: true })).status).toBe('canceled');
      expect((await bot.fetchOrder(protect1.id!, BTC, { trigger: true })).status).toBe('open');
      expect(await conditionalEvents(held.info.liqguard.intentId)).toEqual(['held', 'canceled']);
      // A plain reduce-only exit is stopped by this policy's kill; protective conditional orders
      // (a take-profit and a trailing stop) pass, growing ones do not.
      await expect(bot.createOrder(BTC, 'market', 'sell', 0.01, undefined, { reduceOnly: true })).rejects.toThrow(
        /KILL_SWITCH/,
      );
      const tp = await bot.createOrder(BTC, 'market', 'sell', 0.01, undefined, {
        takeProfitPrice: px(BTC, 1.1),
        reduceOnly: true,
        clientOrderId: cid('tp'),
      });
      expect(tp.info.liqguard).toMatchObject({ decision: 'accept', heldBy: 'venue' });
      expect(JSON.stringify(h.gw.orders.get(tp.info.liqguard.intentId)!.decision.trace)).toContain(
        'gateway.protective_conditional',
      );
      const trail = await bot.createOrder(BTC, 'market', 'sell', 0.01, undefined, {
        trailingPercent: 2,
        reduceOnly: true,
        clientOrderId: cid('tr'),
      });
      expect(trail.info.orderType).toBe('TRAILING_STOP_MARKET');
      await expect(
        bot.createOrder(BTC, 'market', 'buy', 0.01, undefined, { triggerPrice: px(BTC, 1.05) }),
      ).rejects.toThrow(/KILL_SWITCH/);
      await expect(
        bot.createOrder(BTC, 'limit', 'buy', 0.01, px(BTC, 1.06), { triggerPrice: px(BTC, 1.05) }),
      ).rejects.toThrow(/KILL_SWITCH/);
      // closePosition with workingType MARK_PRICE on /fapi/v1/order (older clients): protective too.
      const cp = (await bot.fapiPrivatePostOrder({
        symbol: 'BTCUSDT',
        side: 'SELL',
        type: 'STOP_MARKET',
        stopPrice: String(px(BTC, 0.95)),
        closePosition: 'true',
        workingType: 'MARK_PRICE',
        newClientOrderId: cid('cp'),
      })) as any;
      expect(cp).toMatchObject({ type: 'STOP_MARKET', status: 'NEW', closePosition: true, workingType: 'MARK_PRICE' });
      expect(
        sim()
          .exchange.conditional.waiting('demo', BTC)
          .map((c) => c.req.trigger.kind)
          .sort(),
      ).toEqual(['stop', 'stop', 'take_profit', 'trailing_stop']);
    } finally {
      expect((await ops('/v1/kill', { scope: { type: 'all' } }, 'DELETE')).status).toBe(200);
    }
    await bot.cancelAllOrders(BTC, { trigger: true });
    expect(sim().exchange.conditional.waiting('demo', BTC)).toHaveLength(0);
  });

  it('POST batchOrders takes every conditional type, each through the pipeline on its own', async () => {
    await bot.createOrder(ETH, 'market', 'buy', 0.4, undefined, { clientOrderId: cid('bopen') });
    const s = String;
    const entries = [
      { type: 'STOP_MARKET', side: 'SELL', quantity: '0.1', stopPrice: s(px(ETH, 0.9)), reduceOnly: 'true' },
      { type: 'TAKE_PROFIT_MARKET', side: 'SELL', quantity: '0.1', stopPrice: s(px(ETH, 1.1)), reduceOnly: 'true' },
      { type: 'STOP', side: 'BUY', quantity: '0.1', stopPrice: s(px(ETH, 1.05)), price: s(px(ETH, 1.06)) },
      { type: 'TAKE_PROFIT', side: 'BUY', quantity: '0.1', stopPrice: s(px(ETH, 0.95)), price: s(px(ETH, 0.95)) },
      { type: 'TRAILING_STOP_MARKET', side: 'SELL', quantity: '0.1', callbackRate: '1', reduceOnly: 'true' },
      {
        type: 'STOP_MARKET',
        side: 'SELL',
        stopPrice: s(px(ETH, 0.85)),
        closePosition: 'true',
        workingType: 'MARK_PRICE',
      },
      { type: 'STOP_MARKET', side: 'SELL', quantity: '0.1' }, // no stopPrice: refused on its own
    ].map((o, i) => ({ symbol: 'ETHUSDT', ...o, newClientOrderId: cid(`b${i}`) }));
    // Binance takes at most 5 orders a batch.
    const batch = async (list: unknown[]) => (await bot.fapiPrivatePostBatchOrders({ batchOrders: list })) as any[];
    const out = [...(await batch(entries.slice(0, 4))), ...(await batch(entries.slice(4)))];
    expect(out).toHaveLength(entries.length);
    expect(out.slice(0, 6).map((o) => o.type)).toEqual([
      'STOP_MARKET',
      'TAKE_PROFIT_MARKET',
      'STOP',
      'TAKE_PROFIT',
      'TRAILING_STOP_MARKET',
      'STOP_MARKET',
    ]);
    expect(out.slice(0, 6).map((o) => o.liqguard.heldBy)).toEqual([
      'venue',
      'venue',
      'gateway',
      'gateway',
      'venue',
      'venue',
    ]);
    expect(out[5]).toMatchObject({ closePosition: true, workingType: 'MARK_PRICE', status: 'NEW' });
    expect(out[6]).toMatchObject({ code: -1102 });
    // One decision record per order, each evaluated against its own trigger price.
    const decisions = (await queryAudit(join(h.varDir, 'audit'), { types: ['decision'] } as any)).records as any[];
    for (const o of out.slice(0, 6))
      expect(decisions.filter((r) => r.type === 'decision' && r.intentId === o.liqguard.intentId)).toHaveLength(1);
    expect(
      sim()
        .exchange.conditional.waiting('demo', ETH)
        .map((c) => c.req.clientOrderId),
    ).toEqual(expect.arrayContaining(out.filter((o) => o.liqguard?.heldBy === 'venue').map((o) => o.clientOrderId)));
    await bot.cancelAllOrders(ETH, { trigger: true });
    await bot.cancelAllOrders(ETH);
  });

  it('a protective stop that the policy splits is forwarded child by child, not held, and fires at the venue', async () => {
    await bot.createOrder(XRP, 'market', 'buy', 1500, undefined, { clientOrderId: cid('xopen') });
    expect(position(XRP)).toBe(1500);
    const heldBefore = h.gw.conditionals.size();
    const stop = px(XRP, 0.97);
    const o = await bot.createOrder(XRP, 'market', 'sell', 1500, undefined, {
      triggerPrice: stop,
      reduceOnly: true,
      clientOrderId: cid('xsl'),
    });
    const p = h.gw.orders.get(o.info.liqguard.intentId)!;
    expect(p.decision.kind).toBe('split');
    expect(p.children).toHaveLength(3);
    expect(o.info.liqguard.heldBy).toBe('venue');
    expect(h.gw.conditionals.size()).toBe(heldBefore);
    // Three venue conditional orders, one per child, all at the same trigger: they survive the gateway.
    const waiting = sim().exchange.conditional.waiting('demo', XRP);
    expect(waiting.map((c) => c.req.clientOrderId).sort()).toEqual(p.children.map((c) => c.plan.clientOrderId).sort());
    expect(new Set(waiting.map((c) => c.req.trigger.stopPrice))).toEqual(new Set([String(stop)]));
    expect(waiting.map((c) => Number(c.req.quantity)).reduce((a, b) => a + b, 0)).toBe(1500);
    await moveTo(XRP, stop - tickOf(XRP));
    expect(position(XRP)).toBe(0);
    expect(h.gw.orders.get(p.intentId)!.status).toBe('filled');
  });

  it('a split closePosition stop goes to the venue as one order (the venue sizes it at trigger)', async () => {
    await bot.createOrder(XRP, 'market', 'buy', 1500, undefined, { clientOrderId: cid('xopen2') });
    expect(position(XRP)).toBe(1500);
    const stop = px(XRP, 0.96);
    const o = (await bot.fapiPrivatePostOrder({
      symbol: 'XRPUSDT',
      side: 'SELL',
      type: 'STOP_MARKET',
      stopPrice: String(stop),
      closePosition: 'true',
      newClientOrderId: cid('xcp'),
    })) as any;
    const p = h.gw.orders.get(o.liqguard.intentId)!;
    expect(p.children).toHaveLength(3);
    expect(p.children.slice(1).map((c) => c.status)).toEqual(['canceled', 'canceled']);
    const waiting = sim().exchange.conditional.waiting('demo', XRP);
    expect(waiting.map((c) => c.req.clientOrderId)).toEqual([p.children[0]!.plan.clientOrderId]);
    await moveTo(XRP, stop - tickOf(XRP));
    expect(position(XRP)).toBe(0);
    expect(h.gw.orders.get(p.intentId)!.status).toBe('filled');
  });

  it('a held order is cancelled when the regime escalates beyond the regime it was placed in', async () => {
    const o = await bot.createOrder(ETH, 'market', 'buy', 0.2, undefined, {
      triggerPrice: px(ETH, 1.04),
      clientOrderId: cid('esc'),
    });
    const p = h.gw.orders.get(o.info.liqguard.intentId)!;
    // 'unknown' ranks above every regime (fail closed).
    if (p.regime === 'unknown') throw new Error('test precondition: placed in regime unknown, nothing to escalate to');
    const score = {
      status: 'unavailable',
      symbol: ETH,
      asOf: h.gw.clock.now(),
      regime: 'unknown',
      reason: 'test escalation',
      scorer: 'baseline',
    } as const;
    h.gw.bus.publish({ type: 'regime', symbol: ETH, ts: h.gw.clock.now(), score });
    await moveTo(ETH, px(ETH, 1.001));
    expect(h.gw.orders.get(p.intentId)!.status).toBe('canceled');
    expect(await conditionalEvents(p.intentId)).toEqual(['held', 'canceled']);
  });
});
