import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ClientConfig } from '../config/types.js';
import { LiqguardError } from '../core/errors.js';

export type Role = ClientConfig['roles'][number];

declare module 'fastify' {
  interface FastifyRequest {
    client?: ClientConfig;
  }
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** API-key authentication. Keys are compared by their SHA-256 digests in constant time, so the
 * lookup leaks neither the key nor how much of it matched. */
export class ApiKeyAuth {
  private readonly byDigest: { d: Buffer; client: ClientConfig }[];
  constructor(clients: readonly ClientConfig[]) {
    this.byDigest = clients.filter((c) => c.apiKey).map((client) => ({ d: digest(client.apiKey), client }));
  }

  /** Every client with an API key. */
  clients(): readonly ClientConfig[] {
    return this.byDigest.map((e) => e.client);
  }

  /** The key from `x-api-key` or `Authorization: Bearer <key>`; on a WebSocket upgrade also from
   * `?key=`, because a browser's WebSocket cannot send headers. */
  static keyOf(req: FastifyRequest): string | undefined {
    const h = req.headers['x-api-key'];
    if (typeof h === 'string' && h) return h;
    const a = req.headers.authorization;
    if (typeof a === 'string' && /^Bearer\s+\S+$/i.test(a)) return a.replace(/^Bearer\s+/i, '');
    if (req.ws) {
      const k = (req.query as { key?: unknown } | undefined)?.key;
      if (typeof k === 'string' && k) return k;
    }
    return undefined;
  }

  identify(key: string | undefined): ClientConfig | undefined {
    if (!key) return undefined;
    const d = digest(key);
    let found: ClientConfig | undefined;
    for (const e of this.byDigest) if (timingSafeEqual(e.d, d)) found = e.client;
    return found;
  }

  /** fastify preHandler: 401 without a known key, 403 without the route's role. */
  guard(role: Role) {
    return this.guardAny([role]);
  }

  /** Like `guard`, for routes that any of several roles may use. */
  guardAny(roles: readonly Role[]) {
    return async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
      const client = this.identify(ApiKeyAuth.keyOf(req));
      if (!client) throw new LiqguardError('UNAUTHENTICATED', 'missing or unknown API key');
      if (!roles.some((r) => client.roles.includes(r)))
        throw new LiqguardError(
          'FORBIDDEN',
          roles.length === 1
            ? `client "${client.id}" lacks the "${roles[0]}" role`
            : `client "${client.id}" needs one of the roles ${roles.join(', ')}`,
        );
      req.client = client;
    };
  }
}
