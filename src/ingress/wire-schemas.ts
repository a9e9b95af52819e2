/** JSON schemas of the REST API: they document the wire format in the OpenAPI document served
 * at /docs/json. The order body is enforced by order-body.ts (strict, no coercion). */
const decimal = { type: 'string', pattern: '^(0|[1-9][0-9]*)(\\.[0-9]+)?$', examples: ['0.01'] } as const;
const open = { type: 'object', additionalProperties: true } as const;

export const orderBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['symbol', 'side', 'type', 'quantity'],
  properties: {
    symbol: { type: 'string', description: 'ccxt unified symbol', examples: ['BTC/USDT:USDT'] },
    side: { type: 'string', enum: ['buy', 'sell'] },
    type: { type: 'string', enum: ['market', 'limit'] },
    quantity: { ...decimal, description: 'base quantity, decimal string' },
    price: { ...decimal, description: 'limit price (limit orders only)' },
    reduceOnly: { type: 'boolean' },
    postOnly: { type: 'boolean', description: 'limit orders only; implies timeInForce GTX' },
    leverage: { ...decimal, description: 'leverage for the position after the fill (max 125)' },
    clientOrderId: {
      type: 'string',
      pattern: '^[a-zA-Z0-9._:-]{1,32}$',
      description: 'idempotency key; reused ids are denied',
    },
    timeInForce: { type: 'string', enum: ['GTC', 'IOC', 'FOK', 'GTX'] },
  },
} as const;

export const errorSchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        hint: { type: 'string' },
        requestId: { type: 'string' },
        details: {
          type: 'array',
          items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } },
        },
      },
    },
  },
} as const;

const child = {
  type: 'object',
  properties: {
    clientOrderId: { type: 'string' },
    quantity: { type: 'string' },
    price: { type: 'string' },
    notBefore: { type: 'integer' },
    status: {
      type: 'string',
      enum: ['pending', 'new', 'partially_filled', 'filled', 'canceled', 'rejected', 'expired'],
    },
    filledQuantity: { type: 'string' },
    avgPrice: { type: 'string' },
    venueOrderId: { type: 'string' },
    code: { type: 'string' },
    reason: { type: 'string' },
  },
} as const;

export const regimeSchema = {
  type: 'object',
  additionalProperties: true,
  properties: {
    symbol: { type: 'string' },
    status: { type: 'string', enum: ['ok', 'unavailable'] },
    regime: { type: 'string', enum: ['stable', 'stressed', 'fragile', 'critical', 'unknown'] },
    probability: { type: 'number' },
    pDown: { type: 'number' },
    pUp: { type: 'number' },
    horizonHours: { type: 'number' },
    scorer: { type: 'string', enum: ['baseline', 'model'] },
    modelId: { type: 'string' },
    reason: { type: 'string' },
    note: { type: 'string' },
    asOf: { type: 'integer' },
    contributions: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          feature: { type: 'string' },
          value: { type: ['number', 'null'] },
          contribution: { type: 'number' },
        },
      },
    },
  },
} as const;

export const orderResponseSchema = {
  type: 'object',
  properties: {
    intentId: { type: 'string' },
    clientOrderId: { type: 'string' },
    status: child.properties.status,
    filledQuantity: { type: 'string' },
    avgPrice: { type: 'string' },
    decision: {
      type: 'object',
      additionalProperties: true,
      properties: {
        kind: { type: 'string', enum: ['accept', 'modify', 'split', 'deny'] },
        code: { type: 'string' },
        detail: { type: 'string' },
        originalQuantity: { type: 'string' },
        approvedQuantity: { type: 'string' },
        policy: open,
        trace: { type: 'array', items: open },
      },
    },
    regime: regimeSchema,
    risk: open,
    children: { type: 'array', items: child },
  },
} as const;

export const symbolParams = {
  type: 'object',
  required: ['symbol'],
  properties: { symbol: { type: 'string', description: 'URL-encoded ccxt unified symbol, e.g. BTC%2FUSDT%3AUSDT' } },
} as const;

export const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', maxLength: 64 } },
} as const;
