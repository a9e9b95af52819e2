import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiqguardError } from '../../src/core/errors.js';
import type { GatewayEvent } from '../../src/core/events.js';
import { call, KEYS, startTestGateway, type TestGateway } from '../dashboard/fixtures.js';

let g: TestGateway;
const events: GatewayEvent[] = [];
beforeAll(async () => {
  g = await startTestGateway({ restingOrders: true });
  g.bus.subscribe((e) => events.push(e));
});
afterAll(async () => g.app.close());

const limit = (clientOrderId: string) => ({
  symbol: 'BTC/USDT:USDT',
  side: 'buy',
  type: 'limit',
  quantity: '0.5',
  price: '59000',
  clientOrderId,
});
const asAlice = { 'x-operator': 'alice' };
const asBob = { 'x-operator': 'bob' };

describe('kill switch routes', () => {
  it('needs the operator role: 401 without a key, 403 for a trader', async () => {
    const body = { scope: { type: 'all' }, reason: 'test' };
    expect((await call(g.url, 'POST', '/v1/kill', undefined, body)).body.error.code).toBe('UNAUTHENTICATED');
    const r = await call(g.url, 'POST', '/v1/kill', KEYS.bot, body);
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('FORBIDDEN');
    expect(g.kills.list()).toEqual([]);
  });

  it.each([
    [{ reason: 'x y z' }, 'MISSING_FIELD', 'scope'],
    [{ scope: { type: 'planet' }, reason: 'why not' }, 'INVALID_FIELD', 'scope.type'],
    [{ scope: { type: 'symbol' }, reason: 'why not' }, 'INVALID_FIELD', 'scope.value'],
    [{ scope: { type: 'all', value: 'x' }, reason: 'why not' }, 'INVALID_FIELD', 'scope.value'],
    [{ scope: { type: 'all' }, reason: 'why not', force: true }, 'UNKNOWN_FIELD', 'force'],
    [{ scope: { type: 'all' }, reason: '' }, 'INVALID_FIELD', 'reason'],
    [{ scope: { type: 'all' }, reason: 'why not', operator: '<script>' }, 'INVALID_FIELD', 'operator'],
    [[1, 2], 'INVALID_REQUEST', undefined],
  ])('rejects a bad kill body %j with %s', async (body, code, path) => {
    const r = await call(g.url, 'POST', '/v1/kill', KEYS.ops, body);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe(code);
    if (path) expect(r.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    expect(g.kills.list()).toEqual([]);
  });

  it('rejects invalid JSON and a person named differently in the header and the body', async () => {
    expect((await call(g.url, 'POST', '/v1/kill', KEYS.ops, '{"scope":')).body.error.code).toBe('INVALID_JSON');
    const r = await call(
      g.url,
      'POST',
      '/v1/kill',
      KEYS.ops,
      { scope: { type: 'all' }, reason: 'why not', operator: 'bob' },
      asAlice,
    );
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/different people/);
  });

  it("a client kill cancels that client's working orders only, stops its new orders, is audited and published; DELETE lifts it", async () => {
    const o1 = await call(g.url, 'POST', '/v1/orders', KEYS.bot, limit('k1'));
    const o2 = await call(g.url, 'POST', '/v1/orders', KEYS.other, limit('k2'));
    expect([o1.body.status, o2.body.status]).toEqual(['new', 'new']);
    events.length = 0;
    const k = await call(
      g.url,
      'POST',
      '/v1/kill',
      KEYS.ops,
      { scope: { type: 'client', value: 'bot1' }, reason: 'runaway bot' },
      asAlice,
    );
    expect(k.status).toBe(200);
    expect(k.body).toMatchObject({ active: true, operator: 'ops/alice', cancelled: 1 });
    expect(g.orders.get(o1.body.intentId)!.status).toBe('canceled');
    expect(g.orders.get(o2.body.intentId)!.status).toBe('new');
    expect(g.audit.records.filter((r) => r.type === 'kill').at(-1)!.body).toMatchObject({
      scope: { type: 'client', value: 'bot1' },
      operator: 'ops/alice',
      reason: 'runaway bot',
    });
    expect(events.find((e) => e.type === 'kill')).toMatchObject({
      active: true,
      operator: 'ops/alice',
      scope: { type: 'client', value: 'bot1' },
    });
    const denied = await call(g.url, 'POST', '/v1/orders', KEYS.bot, limit('k3'));
    expect(denied.body.decision).toMatchObject({ kind: 'deny', code: 'KILL_SWITCH' });
    expect((await call(g.url, 'POST', '/v1/orders', KEYS.other, limit('k4'))).body.decision.kind).toBe('accept');

    const list = await call(g.url, 'GET', '/v1/kill', KEYS.viewer);
    expect(list.body).toMatchObject({
      active: true,
      kills: [{ key: 'client:bot1', operator: 'ops/alice', reason: 'runaway bot' }],
    });

    expect(
      (await call(g.url, 'DELETE', '/v1/kill', KEYS.bot, { scope: { type: 'client', value: 'bot1' } })).status,
    ).toBe(403);
    const lift = await call(
      g.url,
      'DELETE',
      '/v1/kill',
      KEYS.ops,
      { scope: { type: 'client', value: 'bot1' }, reason: 'bot fixed' },
      asBob,
    );
    expect(lift.status).toBe(200);
    expect(lift.body).toMatchObject({ active: false, operator: 'ops/bob', kills: [] });
    expect(g.audit.records.filter((r) => r.type === 'unkill').at(-1)!.body).toMatchObject({
      operator: 'ops/bob',
      reason: 'bot fixed',
    });
    expect(events.filter((e) => e.type === 'kill').map((e) => (e as { active: boolean }).active)).toEqual([
      true,
      false,
    ]);
    expect((await call(g.url, 'POST', '/v1/orders', KEYS.bot, limit('k5'))).body.decision.kind).toBe('accept');
    const again = await call(g.url, 'DELETE', '/v1/kill', KEYS.ops, { scope: { type: 'client', value: 'bot1' } });
    expect(again.status).toBe(404);
    expect(again.body.error.message).toContain('client:bot1');
  });

  it('a global kill cancels every working order; lifting works with query parameters too', async () => {
    const before = g.orders.working().length;
    expect(before).toBeGreaterThan(0);
    const k = await call(g.url, 'POST', '/v1/kill', KEYS.ops, {
      scope: { type: 'all' },
      reason: 'venue incident',
      operator: 'carol',
    });
    expect(k.body.cancelled).toBe(before);
    expect(g.orders.working()).toEqual([]);
    const lift = await call(g.url, 'DELETE', '/v1/kill?type=all', KEYS.ops, undefined, asAlice);
    expect(lift.status).toBe(200);
    expect(g.kills.list()).toEqual([]);
  });
});

describe('kill switch when the audit log cannot be written', () => {
  it('a kill still stops trading (and says the audit failed); a lift that cannot be audited does not happen', async () => {
    const append = g.audit.append.bind(g.audit);
    g.audit.append = () => {
      throw new LiqguardError('AUDIT_WRITE_FAILED', 'disk full');
    };
    try {
      const k = await call(
        g.url,
        'POST',
        '/v1/kill',
        KEYS.ops,
        { scope: { type: 'venue', value: 'sim' }, reason: 'audit disk full' },
        asAlice,
      );
      expect(k.status).toBe(503);
      expect(k.body.error.code).toBe('AUDIT_WRITE_FAILED');
      expect(g.kills.list().map((e) => e.scope)).toEqual([{ type: 'venue', value: 'sim' }]);
      const lift = await call(
        g.url,
        'DELETE',
        '/v1/kill',
        KEYS.ops,
        { scope: { type: 'venue', value: 'sim' } },
        asAlice,
      );
      expect(lift.status).toBe(503);
      expect(g.kills.list()).toHaveLength(1);
    } finally {
      g.audit.append = append;
    }
    expect(
      (await call(g.url, 'DELETE', '/v1/kill', KEYS.ops, { scope: { type: 'venue', value: 'sim' } }, asAlice)).status,
    ).toBe(200);
  });
});

describe('policy reload route', () => {
  it('swaps on success: audited with the operator, published', async () => {
    g.policies.next = { ok: true, id: 'default', sha256: 'c'.repeat(64), version: 3 };
    const r = await call(g.url, 'POST', '/v1/policies/reload', KEYS.ops, undefined, asAlice);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      ok: true,
      policy: { id: 'default', sha256: 'c'.repeat(64), version: 3 },
      operator: 'ops/alice',
    });
    expect(g.audit.records.at(-1)).toMatchObject({
      type: 'policy_load',
      body: { ok: true, operator: 'ops/alice', sha256: 'c'.repeat(64) },
    });
  });

  it('keeps the old set on error and says why (409 with the validator details)', async () => {
    g.policies.next = {
      ok: false,
      error: 'rules[2].action.type: unknown action "nuke"',
      details: [{ path: 'rules[2].action.type', message: 'unknown action' }],
    };
    const r = await call(g.url, 'POST', '/v1/policies/reload', KEYS.ops);
    expect(r.status).toBe(409);
    expect(r.body.error.message).toMatch(/rejected: rules\[2\].action.type.*still enforcing default/);
    expect(r.body.error.details).toEqual([{ path: 'rules[2].action.type', message: 'unknown action' }]);
    expect(g.policies.current.sha256).toBe('c'.repeat(64));
    expect(g.audit.records.at(-1)).toMatchObject({ type: 'policy_load', body: { ok: false, operator: 'ops' } });
    g.policies.next = new Error('ENOENT: policies/default.yaml');
    const thrown = await call(g.url, 'POST', '/v1/policies/reload', KEYS.ops);
    expect(thrown.status).toBe(409);
    expect(thrown.body.error.message).toContain('ENOENT');
    expect((await call(g.url, 'POST', '/v1/policies/reload', KEYS.viewer)).status).toBe(403);
  });
});

describe('override routes', () => {
  const body = {
    ruleId: 'max-qty',
    scope: { type: 'client', value: 'bot1' },
    reason: 'block trade agreed with desk',
    ttlMs: 60_000,
  };

  it('request → same person cannot approve → second operator approves → active → revoke; each step audited', async () => {
    const r = await call(g.url, 'POST', '/v1/overrides', KEYS.ops, body, asAlice);
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ state: 'pending', requestedBy: 'ops/alice', ruleId: 'max-qty' });
    const self = await call(g.url, 'POST', `/v1/overrides/${r.body.id}/approve`, KEYS.ops, undefined, {
      'x-operator': 'Alice',
    });
    expect(self.status).toBe(403);
    const anon = await call(g.url, 'POST', `/v1/overrides/${r.body.id}/approve`, KEYS.ops);
    expect(anon.status).toBe(403);
    const ok = await call(g.url, 'POST', `/v1/overrides/${r.body.id}/approve`, KEYS.ops, { operator: 'bob' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ state: 'active', approvals: [{ by: 'ops/bob' }] });
    expect(
      g.overrides.activeOverridesFor('max-qty', {
        clientId: 'bot1',
        account: 'acc1',
        venue: 'sim',
        symbol: 'BTC/USDT:USDT',
      }),
    ).toHaveLength(1);
    const list = await call(g.url, 'GET', '/v1/overrides?state=active', KEYS.ops);
    expect(list.body.overrides.map((o: { id: string }) => o.id)).toEqual([r.body.id]);
    const rv = await call(
      g.url,
      'POST',
      `/v1/overrides/${r.body.id}/revoke`,
      KEYS.ops,
      { reason: 'done early' },
      asBob,
    );
    expect(rv.body).toMatchObject({ state: 'revoked', endedBy: 'ops/bob', endReason: 'done early' });
    const states = g.audit.records
      .filter((x) => x.type === 'override' && x.body.id === r.body.id)
      .map((x) => x.body.state);
    expect(states).toEqual(['requested', 'approved', 'active', 'revoked']);
    expect((await call(g.url, 'GET', `/v1/overrides/${r.body.id}`, KEYS.ops)).body.state).toBe('revoked');
  });

  it('checks bodies against their schemas with the catalog codes before anything happens', async () => {
    const approve = await call(g.url, 'POST', '/v1/overrides/ovr_nope/approve', KEYS.ops, { approver: 'bob' }, asBob);
    expect([approve.status, approve.body.error.code, approve.body.error.details]).toEqual([
      400,
      'UNKNOWN_FIELD',
      [{ path: 'approver', message: 'unknown field' }],
    ]);
    const nested = await call(g.url, 'POST', '/v1/kill', KEYS.ops, { scope: { type: 'all', x: 1 }, reason: 'why not' });
    expect([nested.body.error.code, nested.body.error.details]).toEqual([
      'INVALID_FIELD',
      [{ path: 'scope.x', message: 'unknown field' }],
    ]);
    const ttl = await call(g.url, 'POST', '/v1/overrides', KEYS.ops, { ...body, ttlMs: 1.5, reason: 7 });
    expect(ttl.body.error.code).toBe('INVALID_FIELD');
    expect(ttl.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['reason', 'ttlMs']);
    const query = await call(g.url, 'DELETE', '/v1/kill?type=planet', KEYS.ops);
    expect([query.status, query.body.error.code]).toEqual([400, 'INVALID_FIELD']);
    expect(query.body.error.details[0].path).toBe('scope.type');
    expect(g.kills.list()).toEqual([]);
  });

  it('validates: unknown rule, bad ttl, unknown fields; 404 for unknown ids; viewers cannot list, traders cannot request', async () => {
    const unknownRule = await call(g.url, 'POST', '/v1/overrides', KEYS.ops, { ...body, ruleId: 'no-such-rule' });
    expect(unknownRule.status).toBe(400);
    expect(unknownRule.body.error.details[0]).toMatchObject({ path: 'ruleId' });
    expect((await call(g.url, 'POST', '/v1/overrides', KEYS.ops, { ...body, ttlMs: '60s' })).body.error.code).toBe(
      'INVALID_FIELD',
    );
    expect((await call(g.url, 'POST', '/v1/overrides', KEYS.ops, { ...body, approver: 'bob' })).body.error.code).toBe(
      'UNKNOWN_FIELD',
    );
    expect((await call(g.url, 'POST', '/v1/overrides', KEYS.ops, { ...body, ttlMs: undefined })).body.error.code).toBe(
      'MISSING_FIELD',
    );
    expect((await call(g.url, 'POST', '/v1/overrides/ovr_nope/approve', KEYS.ops, undefined, asBob)).status).toBe(404);
    expect((await call(g.url, 'GET', '/v1/overrides?state=weird', KEYS.ops)).status).toBe(400);
    expect((await call(g.url, 'GET', '/v1/overrides', KEYS.viewer)).status).toBe(403);
    expect((await call(g.url, 'POST', '/v1/overrides', KEYS.bot, body)).status).toBe(403);
  });
});
