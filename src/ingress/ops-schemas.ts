/** Body schemas of the operator write routes (kill switch, policy reload, overrides, limit reset).
 * fastify validates every body against them before the handler runs (ajv: all errors, no coercion,
 * nothing removed) and they appear in /docs/json. `bodyError` maps a failed validation to the
 * catalog codes the routes always answered with. What a schema cannot say (a scope "all" takes no
 * value, a reason is three characters after trimming, an unknown rule id) the handler still checks,
 * with the same codes. */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { SCOPE_LEVELS } from '../core/limit-view.js';
import { PERSON_RE } from '../overrides/identity.js';

const strictObject = <P extends Record<string, TSchema>>(properties: P, description?: string) =>
  Type.Object(properties, { additionalProperties: false, ...(description ? { description } : {}) });

const scope = strictObject(
  {
    type: Type.Unsafe<'all' | 'client' | 'account' | 'symbol' | 'venue'>({
      enum: ['all', 'client', 'account', 'symbol', 'venue'],
    }),
    value: Type.Optional(Type.String({ maxLength: 100, description: 'the client, account, symbol or venue id' })),
  },
  'which orders: { "type": "all" } or { "type": "symbol", "value": "BTC/USDT:USDT" } (client, account, venue alike)',
);
const operator = Type.Optional(
  Type.String({
    pattern: PERSON_RE.source,
    description: "the person acting (or the x-operator header): letters, digits, spaces, . _ @ ' -",
  }),
);
const reason = Type.String({ minLength: 3, maxLength: 500 });

export const killBody = strictObject({ scope, reason, operator });
export const unkillBody = strictObject({ scope, operator, reason: Type.Optional(reason) });
/** DELETE /v1/kill may name the scope in the query instead of a body. */
export const unkillQuery = strictObject({
  type: Type.Optional(Type.String()),
  value: Type.Optional(Type.String()),
});
export const operatorOnlyBody = strictObject({ operator });
export const endOverrideBody = strictObject({ operator, reason: Type.Optional(reason) });
export const overrideRequestBody = strictObject({
  ruleId: Type.String({ minLength: 1, maxLength: 64, description: 'the id of the rule to bypass' }),
  scope,
  reason,
  ttlMs: Type.Integer({ description: 'how long the override lasts once approved (limits: GET /v1/overrides)' }),
  operator,
});
export const limitResetBody = strictObject({
  level: Type.Unsafe<(typeof SCOPE_LEVELS)[number]>({ enum: [...SCOPE_LEVELS] }),
  id: Type.String({ minLength: 1, maxLength: 64 }),
  operator,
});
export type OpsBody<S extends TSchema> = Static<S>;

/** preValidation: an absent body (or JSON null) is an empty object, so that a missing required
 * field is reported as MISSING_FIELD by the schema and a route without required fields needs none. */
export async function absentBodyIsEmpty(req: FastifyRequest): Promise<void> {
  if (req.body === undefined || req.body === null) req.body = {};
}
