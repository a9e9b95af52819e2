import { ManualClock } from '../../../src/core/clock.js';
import type { BarEvent, ChildOrderRequest, ExecutionReport } from '../../../src/core/types.js';
import { SimulatedExchange, type SimulatedExchangeOptions } from '../../../src/execution/simulated/exchange.js';
import type { ReportOrigin } from '../../../src/execution/simulated/exchange.js';
import { ds } from '../../support/decimals.js';

export const BTC = 'BTC/USDT:USDT';
export const ETH = 'ETH/USDT:USDT';
export const HOUR = 3_600_000;
export const T0 = Date.UTC(2025, 0, 1);

export function setup(o: Partial<SimulatedExchangeOptions> = {}): {
  ex: SimulatedExchange;
  clock: ManualClock;
  reports: { r: ExecutionReport; origin: ReportOrigin }[];
} {
  const clock = new ManualClock(T0);
  const ex = new SimulatedExchange({ clock, ...o });
  const reports: { r: ExecutionReport; origin: ReportOrigin }[] = [];
  ex.onReport((r, origin) => reports.push({ r, origin }));
  return { ex, clock, reports };
}

/** An hourly bar starting `hour` hours after T0. */
export function bar(
  symbol: string,
  hour: number,
  open: number,
  high: number,
  low: number,
  close: number,
  volume = 1000,
): BarEvent {
  const openTime = T0 + hour * HOUR;
  return { type: 'bar', symbol, openTime, ts: openTime + HOUR, intervalMs: HOUR, open, high, low, close, volume };
}

export function flat(symbol: string, hour: number, price: number, volume = 1000): BarEvent {
  return bar(symbol, hour, price, price, price, price, volume);
}

let n = 0;
export function order(o: Partial<ChildOrderRequest> = {}): ChildOrderRequest {
  return {
    account: 'a1',
    symbol: BTC,
    clientOrderId: `c${++n}`,
    side: 'buy',
    type: 'market',
    quantity: ds('1'),
    reduceOnly: false,
    postOnly: false,
    timeInForce: 'GTC',
    ...o,
  };
}
