/** What the front door's route modules share: the gateway stages they call, the signed-request
 * guard, the numeric order ids and the per-client leverage settings. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ClientConfig } from '../../config/types.js';
import type { Clock } from '../../core/clock.js';
import type { IdGenerator } from '../../core/ids.js';
import type { MarketView } from '../../core/stages.js';
import type { InstrumentSpec, Venue } from '../../core/types.js';
import type { OrderStore, ParentOrder } from '../../execution/order-store.js';
import type { Pipeline } from '../../pipeline.js';
import { BinanceApiError, binanceErrors } from '../../binance-wire/errors.js';
import { verifySignedRequest } from '../../binance-wire/signed.js';
import type { ApiKeyAuth, Role } from '../auth.js';
import type { GatewayMarketSource } from './market-source.js';
import type { OrderIdMap } from './order-ids.js';
import type { UserJournal } from './user-journal.js';
import type { Params } from './order-wire.js';

export interface FrontDoorStages {
  readonly pipeline: Pipeline;
  readonly orders: OrderStore;
  readonly venues: ReadonlyMap<string, Venue>;
  readonly market: MarketView;
  /** Decision clock (intents' receivedAt). */
  readonly clock: Clock;
  /** Wall clock: signature timestamps and /fapi/v1/time (bots sign with their wall clock). */
  readonly wallClock: Clock;
  readonly ids: IdGenerator;
  /** Conditional orders the gateway holds: their trigger state, for the Binance views. */
  readonly conditionals?: {
    state(intentId: string): { triggeredIntentId?: string; triggerPrice?: string } | undefined;
  };
}

export interface FrontDoorContext extends FrontDoorStages {
  readonly auth: ApiKeyAuth;
  readonly source: GatewayMarketSource;
  readonly orderIds: OrderIdMap;
  readonly leverage: LeverageBook;
  readonly maxRecvWindowMs: number;
  /** Fills, income and wall-clock order times (user-journal.ts). */
  readonly journal: UserJournal;
}

/** POST /fapi/v1/leverage settings, per client and symbol; passed to the client's intents. */
export class LeverageBook {
  private readonly m = new Map<string, string>();
  set(clientId: string, symbol: string, leverage: string): void {
    this.m.set(`${clientId}\u0000${symbol}`, leverage);
  }
  get(clientId: string, symbol: string): string | undefined {
    return this.m.get(`${clientId}\u0000${symbol}`);
  }
}

interface Signed {
  readonly client: ClientConfig;
  readonly params: Params;
}
const signedOf = new WeakMap<FastifyRequest, Signed>();

/** fastify preHandler: Binance SIGNED-endpoint checks with the gateway-issued key and secret,
 * then the role (any of `role`). A key without an apiSecret cannot use the front door. */
export function signedGuard(ctx: FrontDoorContext, role: Role | readonly Role[]) {
  const roles: readonly Role[] = typeof role === 'string' ? [role] : role;
  return async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const url = req.raw.url ?? req.url;
    const q = url.indexOf('?');
    const header = req.headers['x-mbx-apikey'];
    const r = verifySignedRequest({
      method: req.method,
      queryString: q < 0 ? '' : url.slice(q + 1),
      body: typeof req.body === 'string' ? req.body : '',
      apiKeyHeader: typeof header === 'string' ? header : undefined,
      now: ctx.wallClock.now(),
      secretFor: (key) => ctx.auth.identify(key)?.apiSecret,
      maxRecvWindowMs: ctx.maxRecvWindowMs,
    });
    if (!r.ok) throw new BinanceApiError(r.httpStatus, r.code, r.msg);
    const client = ctx.auth.identify(r.apiKey)!;
    if (!roles.some((r) => client.roles.includes(r)))
      throw new BinanceApiError(
        401,
        -2015,
        `Invalid API-key, IP, or permissions for action. LIQGUARD FORBIDDEN: client=${client.id} lacks role=${roles.join('|')}`,
      );
    signedOf.set(req, { client, params: r.params });
  };
}

export function signed(req: FastifyRequest): Signed {
  const s = signedOf.get(req);
  if (!s) throw binanceErrors.unknown(); // a route without signedGuard: a wiring bug
  return s;
}

export function venueOf(ctx: FrontDoorContext, client: ClientConfig): Venue {
  const v = ctx.venues.get(client.venue);
  if (!v) throw new BinanceApiError(500, -1000, `LIQGUARD UNKNOWN_VENUE: client=${client.id} venue=${client.venue}`);
  return v;
}

/** The client's instrument for a Binance symbol (BTCUSDT), or -1121. */
export function instrumentOf(
  ctx: FrontDoorContext,
  client: ClientConfig,
  params: Params,
  required = true,
): InstrumentSpec | undefined {
  const s = params.symbol;
  if (s === undefined || s === '') {
    if (required) throw binanceErrors.mandatory('symbol');
    return undefined;
  }
  const inst = venueOf(ctx, client)
    .instruments()
    .find((i) => i.venueSymbol === s);
  if (!inst) throw binanceErrors.invalidSymbol();
  return inst;
}

/** A parent order of this client by orderId or origClientOrderId, in this symbol; else -2013. */
export function findOrder(
  ctx: FrontDoorContext,
  client: ClientConfig,
  params: Params,
  inst: InstrumentSpec,
): ParentOrder {
  const byId = params.orderId;
  const cid = params.origClientOrderId;
  if (byId === undefined && cid === undefined)
    throw new BinanceApiError(
      400,
      -1102,
      "Param 'orderId' or 'origClientOrderId' must be sent, but both were empty/null!",
    );
  let p: ParentOrder | undefined;
  if (byId !== undefined) {
    if (!/^[0-9]{1,16}$/.test(byId)) throw binanceErrors.invalidParam('orderId');
    const intentId = ctx.orderIds.intentOf(Number(byId));
    p = intentId ? ctx.orders.get(intentId) : undefined;
  } else p = ctx.orders.getByClientOrderId(client.id, cid!);
  if (!p || p.intent.clientId !== client.id || p.intent.symbol !== inst.symbol)
    throw new BinanceApiError(400, -2013, 'Order does not exist.');
  return p;
}
