import type { FastifyInstance } from 'fastify';
import type { ClientConfig } from '../config/types.js';
import type { Clock } from '../core/clock.js';
import { LiqguardError } from '../core/errors.js';
import type { IdGenerator } from '../core/ids.js';
import type { OrderIntent, Venue } from '../core/types.js';
import type { OrderStore, ParentOrder } from '../execution/order-store.js';
import type { Pipeline } from '../pipeline.js';
import type { ApiKeyAuth } from './auth.js';
import { parseOrderBody, type OrderFields } from './order-body.js';
import { presentOrder } from './present.js';
import { errorSchema, idParams, orderBodySchema, orderResponseSchema } from './wire-schemas.js';

export interface OrderRouteDeps {
  readonly auth: ApiKeyAuth;
  readonly pipeline: Pipeline;
  readonly orders: OrderStore;
  readonly venues: ReadonlyMap<string, Venue>;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  /** Cluster mode: an order this replica does not hold may be another replica's (shared account). */
  readonly remote?: RemoteOrders;
}

/** Orders placed through other replicas: find the owner, have it cancel (src/cluster/shared-orders.ts). */
export interface RemoteOrders {
  /** The owner's view of the cancelled order, or undefined when no replica placed it. */
  cancel(id: string, client: ClientConfig): Promise<unknown | undefined>;
}

/** Turn validated wire fields into an OrderIntent for this client, or a 400 for an unknown
 * symbol. Shared by every transport (REST, WebSocket, Binance-compatible). */
export function toIntent(
  fields: OrderFields,
  client: ClientConfig,
  deps: Pick<OrderRouteDeps, 'venues' | 'clock' | 'ids'>,
  transport: OrderIntent['transport'],
): OrderIntent {
  const venue = deps.venues.get(client.venue);
  if (!venue)
    throw new LiqguardError(
      'UNKNOWN_VENUE',
      `client "${client.id}" trades through venue "${client.venue}", which is not configured`,
    );
  if (!venue.instrument(fields.symbol)) {
    const known = venue
      .instruments()
      .map((i) => i.symbol)
      .join(', ');
    throw new LiqguardError(
      'UNKNOWN_SYMBOL',
      `symbol ${fields.symbol} is not traded on venue ${venue.id} (known: ${known})`,
      [{ path: 'symbol', message: 'unknown symbol' }],
    );
  }
  const intentId = deps.ids.next('ord');
  return {
    intentId,
    clientOrderId: fields.clientOrderId ?? intentId,
    clientId: client.id,
    account: client.account,
    venue: venue.id,
    symbol: fields.symbol,
    side: fields.side,
    type: fields.type,
    quantity: fields.quantity,
    ...(fields.price ? { price: fields.price } : {}),
    reduceOnly: fields.reduceOnly,
    postOnly: fields.postOnly,
    ...(fields.leverage ? { leverage: fields.leverage } : {}),
    timeInForce: fields.timeInForce,
    receivedAt: deps.clock.now(),
    transport,
  };
}

export function canSee(client: ClientConfig, p: ParentOrder): boolean {
  return p.intent.clientId === client.id || client.roles.includes('operator') || client.roles.includes('compliance');
}

/** Cancelling is narrower than seeing: compliance reviews other clients' orders but only the
 * owner or an operator may cancel them. */
function canCancel(client: ClientConfig, p: ParentOrder): boolean {
  return p.intent.clientId === client.id || client.roles.includes('operator');
}

export function registerOrderRoutes(app: FastifyInstance, deps: OrderRouteDeps): void {
  const { auth, pipeline, orders } = deps;
  // The body is validated by parseOrderBody (strict, every error listed): no ajv coercion here.
  app.post(
    '/v1/orders',
    {
      preHandler: auth.guard('trader'),
      validatorCompiler: () => () => true,
      schema: {
        tags: ['orders'],
        summary: 'Submit an order: scored, checked against the policy, audited, forwarded if allowed',
        security: [{ apiKey: [] }],
        body: orderBodySchema,
        response: { 200: orderResponseSchema, 400: errorSchema, 401: errorSchema },
      },
    },
    async (req) => {
      const parsed = parseOrderBody(req.body);
      if (!parsed.ok) throw new LiqguardError(parsed.code, parsed.message, parsed.details);
      const intent = toIntent(parsed.value, req.client!, deps, 'rest');
      const res = await pipeline.submit(intent);
      return presentOrder(res.order, res.regime, res.exposure);
    },
  );

  app.get(
    '/v1/orders',
    {
      preHandler: auth.guard('viewer'),
      schema: {
        tags: ['orders'],
        summary: 'Recent orders of this client (operators see all)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            limit: { type: 'string', pattern: '^[1-9][0-9]{0,2}$', description: '1-500, default 100' },
            status: { type: 'string' },
          },
        },
      },
    },
    async (req) => {
      const q = req.query as { limit?: string; status?: string };
      const limit = Math.min(500, Number(q.limit ?? 100));
      const client = req.client!;
      return {
        orders: orders
          .list((p) => canSee(client, p) && (!q.status || p.status === q.status), limit)
          .map((p) => presentOrder(p)),
      };
    },
  );

  app.get(
    '/v1/orders/:id',
    {
      preHandler: auth.guard('viewer'),
      schema: {
        tags: ['orders'],
        summary: 'One order (by intentId or clientOrderId) with its children',
        params: idParams,
        response: { 200: orderResponseSchema, 404: errorSchema },
      },
    },
    async (req) => {
      const p = find(req.params as { id: string }, req.client!);
      return presentOrder(p);
    },
  );

  app.delete(
    '/v1/orders/:id',
    {
      preHandler: auth.guard('trader'),
      schema: {
        tags: ['orders'],
        summary: 'Cancel an order: pending children dropped, working children cancelled at the venue',
        params: idParams,
        response: { 200: orderResponseSchema, 404: errorSchema },
      },
    },
    async (req) => {
      const local = orders.get(params(req).id) ?? orders.getByClientOrderId(req.client!.id, params(req).id);
      if (!local && deps.remote) {
        const there = await deps.remote.cancel(params(req).id, req.client!);
        if (there !== undefined) return there;
      }
      const p = find(req.params as { id: string }, req.client!);
      if (!canCancel(req.client!, p))
        throw new LiqguardError(
          'FORBIDDEN',
          `client "${req.client!.id}" may see order ${params(req).id} but not cancel it (owner or operator only)`,
        );
      await pipeline.cancel(p.intentId, `cancelled by ${req.client!.id}`);
      return presentOrder(p);
    },
  );

  const params = (req: { params: unknown }) => req.params as { id: string };
  function find(params: { id: string }, client: ClientConfig): ParentOrder {
    const p = orders.get(params.id) ?? orders.getByClientOrderId(client.id, params.id);
    if (!p || !canSee(client, p)) throw new LiqguardError('NOT_FOUND', `no order ${params.id}`);
    return p;
  }
}
