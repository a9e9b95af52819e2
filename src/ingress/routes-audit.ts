import type { FastifyInstance } from 'fastify';
import { handleAuditQuery } from '../audit/index.js';
import type { ApiKeyAuth } from './auth.js';

/** GET /v1/audit: paginated audit records with the same filters as `liqguard audit query`.
 * Compliance role: the log holds every client's orders. */
export function auditRoutes(dir: string) {
  return (app: FastifyInstance, auth: ApiKeyAuth): void => {
    app.get(
      '/v1/audit',
      {
        preHandler: auth.guard('compliance'),
        schema: {
          tags: ['audit'],
          summary: 'Audit records (all replicas merged), filtered and paginated; follow nextCursor',
          querystring: {
            type: 'object',
            properties: {
              from: { type: 'string', description: 'ISO time or epoch ms' },
              to: { type: 'string' },
              client: { type: 'string' },
              symbol: { type: 'string' },
              outcome: { type: 'string', enum: ['accept', 'modify', 'split', 'deny'] },
              rule: { type: 'string' },
              type: { type: 'string' },
              instance: { type: 'string' },
              limit: { type: 'string', description: '1-1000, default 100' },
              cursor: { type: 'string' },
            },
          },
        },
      },
      async (req) => handleAuditQuery(dir, req.query as Record<string, unknown>),
    );
  };
}
