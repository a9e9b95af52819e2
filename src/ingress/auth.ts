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

  /** The key from `x-api-key` or `Authorization: Bearer <key>`. */
  static keyOf(req: FastifyRequest): string | undefined {
    const h = req.headers['x-api-key'];
    if (typeof h === 'string' && h) return h;
    const a = req.headers.authorization;
    if (typeof a === 'string' && /^Bearer\s+\S+$/i.test(a)) return a.replace(/^Bearer\s+/i, '');
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
    return async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
      const client = this.identify(ApiKeyAuth.keyOf(req));
      if (!client) throw new LiqguardError('UNAUTHENTICATED', 'missing or unknown API key');
      if (!client.roles.includes(role))
        throw new LiqguardError('FORBIDDEN', `client "${client.id}" lacks the "${role}" role`);
      req.client = client;
    };
  }
}
