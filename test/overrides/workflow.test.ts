import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sequentialIds } from '../../src/core/ids.js';
import { EventBus, type GatewayEvent } from '../../src/core/events.js';
import { OverrideWorkflow, type OverrideWorkflowOptions } from '../../src/overrides/workflow.js';
import { MemoryAudit } from '../support/stand-ins.js';
import { ManualTime } from './manual-time.js';

const alice = { client: 'ops', person: 'alice' };
const bob = { client: 'ops', person: 'bob' };
const carol = { client: 'ops2', person: 'carol' };
const btc = { clientId: 'bot1', account: 'acc1', venue: 'sim', symbol: 'BTC/USDT:USDT' };
const eth = { ...btc, symbol: 'ETH/USDT:USDT' };

function setup(options: OverrideWorkflowOptions = {}, rules = ['regime-cap', 'max-qty']) {
  const time = new ManualTime();
  const audit = new MemoryAudit();
  const bus = new EventBus();
  const events: GatewayEvent[] = [];
  bus.subscribe((e) => events.push(e));
  const wf = new OverrideWorkflow({
    clock: time.clock,
    ids: sequentialIds(),
    audit,
    events: bus,
    scheduler: time,
    knownRule: (r) => rules.includes(r),
    options,
  });
  const overrideStates = () => audit.records.filter((r) => r.type === 'override').map((r) => r.body.state);
  return { time, audit, events, wf, overrideStates };
}
const req = (over: Partial<Parameters<OverrideWorkflow['request']>[0]> = {}) => ({
  ruleId: 'regime-cap',
  scope: { type: 'symbol' as const, value: 'BTC/USDT:USDT' },
  reason: 'liquidity event, desk approved',
  ttlMs: 60_000,
  requestedBy: alice,
  ...over,
});

describe('override lifecycle', () => {
  it('request → approve by a second operator → active in scope only → expires by itself, audited at every step', () => {
    const { time, audit, events, wf, overrideStates } = setup();
    const o = wf.request(req());
    expect(o.state).toBe('pending');
    expect(wf.activeOverridesFor('regime-cap', btc)).toEqual([]);
    const a = wf.approve(o.id, bob);
    expect(a.state).toBe('active');
    expect(a.expiresAt).toBe(time.clock.now() + 60_000);
    expect(wf.activeOverridesFor('regime-cap', btc).map((x) => x.id)).toEqual([o.id]);
    expect(wf.activeOverridesFor('regime-cap', eth)).toEqual([]); // other symbol: not covered
    expect(wf.activeOverridesFor('max-qty', btc)).toEqual([]); // other rule: not bypassed
    time.advance(59_999);
    expect(wf.activeOverridesFor('regime-cap', btc)).toHaveLength(1);
    time.advance(1); // the timer fires: no call into the workflow at all
    expect(overrideStates()).toEqual(['requested', 'approved', 'active', 'expired']);
    const expired = audit.records.at(-1)!.body;
    expect(expired).toMatchObject({
      id: o.id,
      ruleId: 'regime-cap',
      requestedBy: 'ops/alice',
      at: a.expiresAt,
      endReason: 'ttl elapsed',
    });
    expect(audit.records[1]!.body).toMatchObject({ state: 'approved', by: 'ops/bob', requestedBy: 'ops/alice' });
    expect(wf.activeOverridesFor('regime-cap', btc)).toEqual([]);
    expect(wf.get(o.id)!.state).toBe('expired');
    expect(events.filter((e) => e.type === 'override').map((e) => (e as { state: string }).state)).toEqual([
      'requested',
      'approved',
      'active',
      'expired',
    ]);
  });

  it('stops applying at the deadline from the clock alone, even when no timer fires', () => {
    const time = new ManualTime();
    const audit = new MemoryAudit();
    const silent = { setTimeout: () => ({ cancel() {} }) }; // timers never fire
    const wf = new OverrideWorkflow({ clock: time.clock, ids: sequentialIds(), audit, scheduler: silent });
    const o = wf.approve(wf.request(req()).id, bob);
    time.clock.advance(60_000);
    expect(wf.activeOverridesFor('regime-cap', btc)).toEqual([]);
    expect(audit.records.map((r) => r.body.state)).toEqual(['requested', 'approved', 'active']); // the read path writes nothing
    expect(wf.list()[0]).toMatchObject({ id: o.id, state: 'expired' });
    expect(audit.records.map((r) => r.body.state)).toEqual(['requested', 'approved', 'active', 'expired']); // lazily audited on list
  });

  it('the requester cannot approve their own override, nor can the same person with other casing or an anonymous key', () => {
    const { wf, overrideStates } = setup();
    const o = wf.request(req());
    expect(() => wf.approve(o.id, alice)).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    expect(() => wf.approve(o.id, { client: 'ops', person: 'ALICE ' })).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN' }),
    );
    expect(() => wf.approve(o.id, { client: 'ops' })).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    expect(wf.get(o.id)!.state).toBe('pending');
    expect(overrideStates()).toEqual(['requested']);
  });

  it('distinctClients: the approver must hold a different API key', () => {
    const { wf } = setup({ distinctClients: true });
    const o = wf.request(req());
    expect(() => wf.approve(o.id, bob)).toThrow(/different API key/);
    expect(wf.approve(o.id, carol).state).toBe('active');
  });

  it('distinctClients with two approvals: every approval needs its own key, not only a new person name', () => {
    const { wf } = setup({ distinctClients: true, requiredApprovals: 2 });
    const o = wf.request(req());
    expect(wf.approve(o.id, carol).state).toBe('pending');
    expect(() => wf.approve(o.id, { client: carol.client, person: 'dave' })).toThrow(/already approved with API key/);
    expect(wf.approve(o.id, { client: 'audit-desk', person: 'erin' }).state).toBe('active');
  });

  it('requiredApprovals 2: active only after two distinct approvers besides the requester', () => {
    const { wf, overrideStates } = setup({ requiredApprovals: 2 });
    const o = wf.request(req());
    expect(wf.approve(o.id, bob).state).toBe('pending');
    expect(() => wf.approve(o.id, { client: 'ops', person: 'Bob' })).toThrow(/already approved/);
    expect(wf.approve(o.id, carol).state).toBe('active');
    expect(overrideStates()).toEqual(['requested', 'approved', 'approved', 'active']);
  });

  it('a pending request that nobody approves expires after the approval window and cannot be approved later', () => {
    const { time, wf, audit } = setup({ approvalWindowMs: 10_000 });
    const o = wf.request(req());
    time.advance(10_000);
    expect(audit.records.at(-1)!.body).toMatchObject({ id: o.id, state: 'expired', endReason: 'not approved in time' });
    expect(() => wf.approve(o.id, bob)).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
  });

  it('revoke ends an active override at once; reject declines a pending one; both audited with identities', () => {
    const { wf, overrideStates, audit } = setup();
    const a = wf.approve(wf.request(req()).id, bob);
    const r = wf.revoke(a.id, carol, 'market calm again');
    expect(r).toMatchObject({ state: 'revoked', endedBy: carol, endReason: 'market calm again' });
    expect(wf.activeOverridesFor('regime-cap', btc)).toEqual([]);
    const p = wf.request(req({ ruleId: 'max-qty' }));
    expect(wf.reject(p.id, bob, 'not justified').state).toBe('rejected');
    expect(() => wf.approve(p.id, carol)).toThrow(/it is rejected/);
    expect(() => wf.revoke(a.id, carol)).toThrow(/it is revoked/);
    expect(overrideStates()).toEqual(['requested', 'approved', 'active', 'revoked', 'requested', 'rejected']);
    expect(audit.records[3]!.body).toMatchObject({ by: 'ops2/carol', endReason: 'market calm again' });
  });

  it('rejects bad requests with every problem named; unknown rules; duplicates for the same rule and scope', () => {
    const { wf } = setup();
    try {
      wf.request(req({ ruleId: 'nope', ttlMs: 10, reason: '' }));
      expect.unreachable();
    } catch (e) {
      expect((e as { code: string }).code).toBe('INVALID_FIELD');
      expect((e as { details: { path: string }[] }).details.map((d) => d.path)).toEqual(['ruleId', 'ttlMs', 'reason']);
    }
    wf.request(req());
    expect(() => wf.request(req())).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
    expect(wf.request(req({ scope: { type: 'symbol', value: 'ETH/USDT:USDT' } })).state).toBe('pending');
  });

  it('a failing audit write blocks the transition (fail closed)', () => {
    const time = new ManualTime();
    let fail = false;
    const audit = {
      append: () => {
        if (fail) throw new Error('disk full');
        return { seq: 1, hash: '' };
      },
    };
    const wf = new OverrideWorkflow({ clock: time.clock, ids: sequentialIds(), audit, scheduler: time });
    const o = wf.request(req());
    fail = true;
    expect(() => wf.approve(o.id, bob)).toThrow('disk full');
    expect(wf.get(o.id)!.state).toBe('pending');
    expect(wf.activeOverridesFor('regime-cap', btc)).toEqual([]);
  });

  it('property: whatever the sequence of calls, an override is active only between an approval by someone else and its expiry', () => {
    const ops = fc.array(
      fc.oneof(
        fc.record({ k: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 40_000 }) }),
        fc.record({
          k: fc.constantFrom('approve' as const, 'revoke' as const, 'reject' as const),
          who: fc.constantFrom(alice, bob, carol),
        }),
      ),
      { maxLength: 12 },
    );
    fc.assert(
      fc.property(ops, (steps) => {
        const { time, wf, audit } = setup({ approvalWindowMs: 30_000 });
        const o = wf.request(req({ ttlMs: 50_000 }));
        for (const s of steps) {
          if (s.k === 'advance') time.advance(s.ms);
          else
            try {
              wf[s.k](o.id, s.who);
            } catch {
              /* refused transitions are fine */
            }
          const v = wf.get(o.id)!;
          const active = wf.activeOverridesFor('regime-cap', btc).length === 1;
          expect(active).toBe(v.state === 'active');
          if (active) {
            expect(v.approvals.every((a) => a.by.person !== 'alice')).toBe(true);
            expect(time.clock.now()).toBeLessThan(v.expiresAt!);
          }
        }
        time.advance(100_000);
        const states = audit.records.map((r) => r.body.state);
        expect(states[0]).toBe('requested');
        expect(['expired', 'revoked', 'rejected']).toContain(states.at(-1));
        expect(states.filter((s) => ['expired', 'revoked', 'rejected'].includes(s as string))).toHaveLength(1);
      }),
      { numRuns: 150 },
    );
  });
});
