import { afterEach, describe, expect, it } from 'vitest';
import { Admission, type ThrottleSpec } from '../../../src/execution/admission/admission.js';

const specs: Record<string, ThrottleSpec> = {
  rate: { rate: { count: 1, perMs: 60_000 }, maxWaitMs: 30 },
  conc: { max_concurrent: 1, maxWaitMs: 30 },
  res: { reservoir: { size: 2, refreshMs: 60_000 }, maxWaitMs: 30 },
};
const ref = (ruleId: string, key = 'client:demo') => ({ ruleId, key, maxWaitMs: specs[ruleId]!.maxWaitMs });

let adm: Admission | undefined;
afterEach(async () => adm?.stop());

describe('Admission', () => {
  it('orders without throttles never create a limiter', async () => {
    adm = new Admission({ specFor: (id) => specs[id] });
    const r = await adm.admit([]);
    expect(r.ok).toBe(true);
    expect(adm.limiterCount).toBe(0);
  });

  it('a rate limit answers RATE_LIMIT_EXCEEDED to jobs queued past max_wait', async () => {
    adm = new Admission({ specFor: (id) => specs[id] });
    const results = await Promise.all([adm.admit([ref('rate')]), adm.admit([ref('rate')]), adm.admit([ref('rate')])]);
    const ok = results.filter((r) => r.ok);
    const denied = results.filter((r) => !r.ok);
    expect(ok).toHaveLength(1);
    expect(denied).toHaveLength(2);
    for (const d of denied) expect(d).toMatchObject({ ok: false, code: 'RATE_LIMIT_EXCEEDED', ruleId: 'rate', key: 'client:demo' });
  });

  it('limiters are per key: another client has its own budget', async () => {
    adm = new Admission({ specFor: (id) => specs[id] });
    const [a, b] = await Promise.all([adm.admit([ref('rate', 'client:a')]), adm.admit([ref('rate', 'client:b')])]);
    expect(a.ok && b.ok).toBe(true);
    expect(adm.limiterCount).toBe(2);
  });

  it('max_concurrent holds a slot until release()', async () => {
    adm = new Admission({ specFor: (id) => specs[id] });
    const first = await adm.admit([ref('conc')]);
    expect(first.ok).toBe(true);
    const second = await adm.admit([ref('conc')]);
    expect(second).toMatchObject({ ok: false, code: 'RATE_LIMIT_EXCEEDED' });
    if (first.ok) first.release();
    const third = await adm.admit([ref('conc')]);
    expect(third.ok).toBe(true);
  });

  it('a reservoir admits its size, then refuses until refreshed', async () => {
    adm = new Admission({ specFor: (id) => specs[id] });
    const rs = [];
    for (let i = 0; i < 3; i++) rs.push(await adm.admit([ref('res')]));
    expect(rs.map((r) => r.ok)).toEqual([true, true, false]);
  });

  it('a failing later throttle releases the slots taken by earlier ones', async () => {
    adm = new Admission({ specFor: (id) => specs[id] });
    const hog = await adm.admit([ref('rate')]);
    expect(hog.ok).toBe(true);
    const r = await adm.admit([ref('conc'), ref('rate')]);
    expect(r).toMatchObject({ ok: false, ruleId: 'rate' });
    const again = await adm.admit([ref('conc')]);
    expect(again.ok).toBe(true);
  });

  it('a throttle whose rule left the policy set is skipped', async () => {
    adm = new Admission({ specFor: () => undefined });
    expect((await adm.admit([ref('rate')])).ok).toBe(true);
    expect(adm.limiterCount).toBe(0);
  });
});
