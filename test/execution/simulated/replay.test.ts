import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import type { ExecutionReport, MarketEvent } from '../../../src/core/types.js';
import { SimulatedExchange } from '../../../src/execution/simulated/exchange.js';
import { SimulatedVenue } from '../../../src/execution/simulated/venue.js';
import { BTC, order } from './helpers.js';
import { loadBars, loadFunding } from './data.js';
import { ds } from '../../support/decimals.js';

// Real BTCUSDT hours around the 2025-10-10 cascade (BTC fell from ~121.5k to ~102k intra-hour).
const FROM = Date.UTC(2025, 9, 8);
const TO = Date.UTC(2025, 9, 12);
const events: MarketEvent[] = [...loadBars('BTCUSDT', BTC, FROM, TO), ...loadFunding('BTCUSDT', BTC, FROM, TO)].sort(
  (a, b) => a.ts - b.ts,
);

/** Replays the window with a few bots; returns everything observable. */
function run(): { ledger: unknown; reports: ExecutionReport[]; insurance: string; equity: unknown } {
  const clock = new ManualClock(FROM);
  const ex = new SimulatedExchange({ clock });
  const reports: ExecutionReport[] = [];
  ex.onReport((r) => reports.push(r));
  ex.setMarginMode('iso10', BTC, 'isolated');
  let i = 0;
  for (const e of events) {
    ex.ingest(e);
    clock.set(Math.max(clock.now(), e.ts));
    if (e.type !== 'bar') continue;
    i++;
    if (i === 2) {
      ex.placeOrderSync(
        order({ account: 'iso10', quantity: ds('0.5'), leverage: ds('10'), clientOrderId: 'iso-open' }),
      );
      ex.placeOrderSync(
        order({ account: 'cross3', quantity: ds('1'), leverage: ds('3'), clientOrderId: 'cross-open' }),
      );
      ex.placeOrderSync(
        order({ account: 'maker', type: 'limit', price: ds('110000'), quantity: ds('0.2'), clientOrderId: 'dip-bid' }),
      );
      ex.placeOrderSync(
        order({ account: 'short', side: 'sell', quantity: ds('0.3'), leverage: ds('5'), clientOrderId: 'short-open' }),
      );
    }
    if (i === 60)
      ex.placeOrderSync(
        order({ account: 'short', side: 'buy', quantity: ds('0.3'), reduceOnly: true, clientOrderId: 'short-close' }),
      );
  }
  const accounts = ex.accounts().sort();
  return {
    ledger: accounts.map((a) => ex.ledger(a)),
    equity: accounts.map((a) => ex.equityHistory(a)),
    reports,
    insurance: ex.insuranceFund(),
  };
}

describe('replay on real data', () => {
  it('is deterministic: the same events give the same ledger, reports and equity', () => {
    const a = run();
    const b = run();
    expect(events.length).toBeGreaterThan(90);
    expect(b).toEqual(a);
  });

  it('liquidates the 10x isolated long in the cascade, not the 3x cross one; the dip bid fills', () => {
    const { reports } = run();
    const liq = reports.filter((r) => r.liquidation);
    expect(liq.map((r) => r.account)).toEqual(['iso10']);
    expect(new Date(liq[0]!.ts).toISOString().slice(0, 10)).toBe('2025-10-10');
    expect(reports.find((r) => r.clientOrderId === 'dip-bid' && r.status === 'filled')?.avgPrice).toBe('110000');
    expect(reports.find((r) => r.clientOrderId === 'short-close')?.status).toBe('filled');
  });
});

describe('SimulatedVenue (the async Venue contract)', () => {
  it('returns a call outcome and forwards only asynchronous reports to listeners', async () => {
    const clock = new ManualClock(FROM);
    const venue = new SimulatedVenue(new SimulatedExchange({ clock }));
    const seen: ExecutionReport[] = [];
    const off = venue.onReport((r) => seen.push(r));
    const bars = events.filter((e) => e.type === 'bar');
    venue.ingest(bars[0]!);
    const filled = await venue.placeOrder(order({ quantity: ds('0.01') }));
    expect(filled.status).toBe('filled');
    const resting = await venue.placeOrder(
      order({ type: 'limit', price: ds('100000'), quantity: ds('0.01'), clientOrderId: 'low-bid' }),
    );
    expect(resting.status).toBe('new');
    expect(seen).toHaveLength(0);
    expect((await venue.openOrders('a1')).map((o) => o.clientOrderId)).toEqual(['low-bid']);
    expect((await venue.fetchOrder('a1', BTC, 'low-bid'))?.status).toBe('new');
    expect((await venue.cancelOrder('a1', BTC, 'low-bid')).status).toBe('canceled');
    expect(seen).toHaveLength(0);
    const st = await venue.accountState('a1');
    expect(st.positions[0]?.quantity).toBe('0.01');
    expect(venue.markPrice(BTC)).toBe(String(bars[0]!.type === 'bar' ? bars[0]!.close : ''));
    await venue.placeOrder(
      order({ type: 'limit', price: ds('105000'), quantity: ds('0.01'), clientOrderId: 'low-bid-2' }),
    );
    for (const b of bars.slice(1)) venue.ingest(b);
    expect(seen.map((r) => [r.clientOrderId, r.status])).toContainEqual(['low-bid-2', 'filled']);
    off();
    await venue.close();
  });
});
