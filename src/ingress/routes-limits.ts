/** Operator routes of the hierarchy limits: the scopes with their PnL and latches, and the
 * reset of a latched scope (audited, with the person named by x-operator). */
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../core/clock.js';
import { LiqguardError } from '../core/errors.js';
import type { LimitBook } from '../limits/index.js';
import { identityText } from '../overrides/identity.js';
import type { ApiKeyAuth } from './auth.js';
import { operatorOf } from './routes-ops.js';
import { absentBodyIsEmpty, limitResetBody, type OpsBody } from './ops-schemas.js';

export function limitRoutes(deps: { book: LimitBook; clock: Clock }) {
  return (app: FastifyInstance, auth: ApiKeyAuth): void => {
    const tags = ['limits'];
    app.get(
      '/v1/limits',
      {
        preHandler: auth.guard('viewer'),
        schema: { tags, summary: 'Hierarchy scopes with daily PnL, drawdown, gross/net notional and latches' },
      },
      async () => {
        const h = deps.book.hierarchy.config;
        return {
          firm: h.firm,
          dayStart: h.dayStart,
          timeZone: h.timeZone,
          desks: h.desks,
          scopes: deps.book.list(deps.clock.now()),
        };
      },
    );
    app.post(
      '/v1/limits/reset',
      {
        preValidation: [auth.guard('operator'), absentBodyIsEmpty],
        schema: {
          tags,
          summary: 'Clear the loss-limit latch of a scope; its day and equity peak restart from its PnL now',
          body: limitResetBody,
        },
      },
      async (req) => {
        const b = req.body as OpsBody<typeof limitResetBody>;
        const who = identityText(operatorOf(req, b));
        const ref = { level: b.level, id: b.id };
        if (!deps.book.hierarchy.scopes().some((s) => s.level === ref.level && s.id === ref.id))
          throw new LiqguardError('NOT_FOUND', `no scope ${ref.level}:${ref.id} in the hierarchy`);
        if (!deps.book.latchOf(ref)) throw new LiqguardError('CONFLICT', `scope ${ref.level}:${ref.id} is not latched`);
        deps.book.reset(ref, who, deps.clock.now());
        return { scope: ref, state: 'cleared', operator: who };
      },
    );
  };
}
