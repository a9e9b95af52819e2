/** Held conditional orders survive a restart: a growing stop placed through the door is held by
 * the gateway and written to its state directory; a new gateway built on the same state dir
 * re-arms it, and when the price reaches the trigger it is re-evaluated by the policy and placed.
 * A cancelled held order is not re-armed. */
import ccxt from 'ccxt';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { queryAudit } from '../../../src/audit/query.js';
import { DEMO_API_KEY, DEMO_API_SECRET } from '../../../src/config/embedded-default.js';
import type { SimulatedVenue } from '../../../src/execution/simulated/index.js';
import { ccxtBot, startFrontDoorGateway, type FrontDoorGateway } from './support.js';

const ETH = 'ETH/USDT:USDT';
const open: FrontDoorGateway[] = [];
afterAll(async () => {
  for (const h of open) await h.gw.close().catch(() => undefined);
});

const start = async (varDir?: string) => {
  const h = await startFrontDoorGateway(varDir ? { varDir } : {});
  open.push(h);
  const bot = ccxtBot(h.url, DEMO_API_KEY, DEMO_API_SECRET);
  await bot.loadMarkets();
  return { h, bot };
};
const sim = (h: FrontDoorGateway) => h.gw.venues.get('sim') as SimulatedVenue;
const px = (h: FrontDoorGateway, f: number) => {
  const tick = Number(sim(h).instrument(ETH)!.tickSize);
  return Number((Math.round((Number(sim(h).markPrice(ETH)) * f) / tick) * tick).toFixed(8));
};

describe('held conditional orders across a restart', () => {
  it('a new gateway on the same state dir re-arms the held stop; it triggers and is re-evaluated', async () => {
    const a = await start();
    const trig = px(a.h, 1.3); // far from the replayed bars: only the test's mark event reaches it
    const held = await a.bot.createOrder(ETH, 'market', 'buy', 0.2, undefined, {
      triggerPrice: trig,
      clientOrderId: 'restart-held-1',
    });
    const gone = await a.bot.createOrder(ETH, 'market', 'buy', 0.1, undefined, {
      triggerPrice: px(a.h, 1.35),
      clientOrderId: 'restart-held-2',
    });
    expect(held.info.liqguard.heldBy).toBe('gateway');
    await a.bot.cancelOrder(gone.id!, ETH, { trigger: true });
    const intentId = held.info.liqguard.intentId as string;
    await a.h.gw.close();

    const b = await start(a.h.varDir);
    expect(b.h.gw.conditionals.size()).toBe(1);
    expect(b.h.gw.orders.get(intentId)?.status).toBe('pending');
    expect(b.h.gw.orders.get(gone.info.liqguard.intentId)).toBeUndefined();
    const before = Number(
      sim(b.h)
        .accountStateSync('demo')
        .positions.find((p) => p.symbol === ETH)?.quantity ?? 0,
    );
    b.h.gw.ingest({
      type: 'mark',
      symbol: ETH,
      ts: b.h.gw.clock.now(),
      markPrice: trig * 1.001,
      lastPrice: trig * 1.001,
    });
    await b.h.gw.conditionals.idle();
    const after = Number(
      sim(b.h)
        .accountStateSync('demo')
        .positions.find((p) => p.symbol === ETH)?.quantity ?? 0,
    );
    expect(after - before).toBeCloseTo(0.2);
    const s = b.h.gw.conditionals.state(intentId)!;
    expect(b.h.gw.orders.get(s.triggeredIntentId!)!.decision.kind).toBe('accept');
    const records = (await queryAudit(join(a.h.varDir, 'audit'), {} as never)).records as any[];
    const events = records.filter((r) => r.intentId === intentId && r.conditional).map((r) => r.conditional.event);
    expect(events).toEqual(['held', 'rearmed', 'triggered', 're_evaluated']);
    // A decision record for the triggered order, made by the new gateway.
    expect(records.some((r) => r.type === 'decision' && r.intentId === s.triggeredIntentId)).toBe(true);
    await b.h.gw.close();

    // Triggered: nothing is held any more.
    const c = await start(a.h.varDir);
    expect(c.h.gw.conditionals.size()).toBe(0);
  });
});
