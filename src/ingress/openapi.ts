/** How the HTTP surface is described as OpenAPI 3 (served at /docs/json, UI at /docs).
 * The Binance-compatible door (/fapi, /ws) mirrors Binance's own API, which Binance documents; it is
 * listed under its own tag with a generated summary so the document stays complete. Catch-all
 * routes (`*`) are not operations a client can call by name and are left out: OpenAPI has no
 * syntax for them, and swagger-parser / redocly reject the document if they appear. */
import type { SwaggerOptions } from '@fastify/swagger';

type Transform = NonNullable<Extract<SwaggerOptions, { mode?: 'dynamic' }>['transform']>;

const BINANCE_PREFIXES = ['/fapi/', '/futures/', '/ws'];

export const describeRoute: Transform = ({ schema, url, route }) => {
  const s = { ...(schema ?? {}) } as Record<string, unknown>;
  if (url.includes('*')) return { schema: { ...s, hide: true }, url };
  const method = Array.isArray(route.method) ? route.method[0] : route.method;
  if (BINANCE_PREFIXES.some((p) => url.startsWith(p))) {
    s.tags ??= ['binance-compatible'];
    s.summary ??= `Binance USD-M compatible: ${String(method)} ${url}`;
  }
  s.summary ??= `${String(method)} ${url}`;
  return { schema: s, url };
};

export const openapiDocument = {
  info: {
    title: 'liqguard',
    version: '0.1.0',
    description: 'Liquidation-aware order gateway. Every /v1 call needs x-api-key (or Authorization: Bearer).',
    license: { name: 'UNLICENSED', url: 'https://spdx.org/licenses/' },
  },
  servers: [{ url: '/', description: 'this gateway' }],
  components: { securitySchemes: { apiKey: { type: 'apiKey' as const, in: 'header' as const, name: 'x-api-key' } } },
  security: [{ apiKey: [] }],
};
