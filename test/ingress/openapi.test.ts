/** The served OpenAPI document is valid for real validators (swagger-parser and redocly's
 * recommended ruleset), for the whole gateway as built from the embedded default. */
import SwaggerParser from '@apidevtools/swagger-parser';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/gateway/gateway.js';
import { startEmbeddedGateway } from '../gateway/support.js';

let gw: Gateway;
let doc: string;

beforeAll(async () => {
  const started = await startEmbeddedGateway();
  gw = started.gw;
  doc = await (await fetch(`${started.url}/docs/json`)).text();
}, 60_000);
afterAll(async () => gw?.close());

describe('OpenAPI document at /docs/json', () => {
  it('validates with swagger-parser', async () => {
    await expect(SwaggerParser.validate(JSON.parse(doc))).resolves.toBeTruthy();
  });

  it('has no errors under redocly recommended', async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({ source: doc, absoluteRef: 'openapi.json', config });
    const errors = problems
      .filter((p) => p.severity === 'error')
      .map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`);
    expect(errors).toEqual([]);
  });

  it('describes the order API and the Binance door, without catch-all routes', () => {
    const spec = JSON.parse(doc) as { paths: Record<string, Record<string, { tags?: string[] }>> };
    expect(spec.paths['/v1/orders']?.post).toBeDefined();
    expect(spec.paths['/fapi/v1/order']?.post?.tags).toContain('binance-compatible');
    expect(Object.keys(spec.paths).filter((p) => p.includes('*'))).toEqual([]);
  });

  it('describes the body of every JSON write route with a closed schema', () => {
    type Op = { requestBody?: { content?: Record<string, { schema?: { additionalProperties?: boolean } }> } };
    const spec = JSON.parse(doc) as { paths: Record<string, Record<string, Op>> };
    const writes = Object.entries(spec.paths)
      .filter(([path]) => path.startsWith('/v1/'))
      .flatMap(([path, ops]) =>
        Object.entries(ops)
          .filter(([method]) => ['post', 'put', 'patch', 'delete'].includes(method))
          .map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, op })),
      )
      // DELETE /v1/orders/{id} names its order in the path and takes no body.
      .filter((w) => w.route !== 'DELETE /v1/orders/{id}');
    expect(writes.map((w) => w.route).sort()).toEqual([
      'DELETE /v1/kill',
      'POST /v1/kill',
      'POST /v1/limits/reset',
      'POST /v1/orders',
      'POST /v1/overrides',
      'POST /v1/overrides/{id}/approve',
      'POST /v1/overrides/{id}/reject',
      'POST /v1/overrides/{id}/revoke',
      'POST /v1/policies/reload',
    ]);
    for (const w of writes)
      expect({
        route: w.route,
        closed: w.op.requestBody?.content?.['application/json']?.schema?.additionalProperties,
      }).toEqual({ route: w.route, closed: false });
  });
});
