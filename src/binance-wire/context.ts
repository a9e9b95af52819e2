/** What every route module receives. Private routes (issue 6: HMAC-signed order/account
 * endpoints over the simulated exchange) are another RouteModule registered with the same ctx. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../core/clock.js';
import { binanceErrors } from './errors.js';
import type { FaultState } from './faults.js';
import type { Formatter } from './format.js';
import type { MarketDataSource } from './source.js';
import type { WeightMeter } from './weight.js';
import type { WsHub } from './ws-hub.js';

export interface BinanceServerContext {
  readonly source: MarketDataSource;
  readonly clock: Clock;
  readonly fmt: Formatter;
  readonly faults: FaultState;
  readonly weights: WeightMeter;
  readonly hub: WsHub;
}

export type RouteModule = (app: FastifyInstance, ctx: BinanceServerContext) => void | Promise<void>;

/** Count a request's weight, set X-MBX-USED-WEIGHT-1M, and refuse with 429/-1003 over the limit. */
export function charge(ctx: BinanceServerContext, req: FastifyRequest, reply: FastifyReply, weight: number): void {
  const used = ctx.weights.add(req.ip, weight);
  reply.header('X-MBX-USED-WEIGHT-1M', String(used));
  if (used > ctx.weights.limitPerMinute) throw binanceErrors.tooManyRequests(ctx.weights.limitPerMinute);
}
