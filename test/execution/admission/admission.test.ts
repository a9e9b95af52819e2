import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { Admission, type ThrottleSpec } from '../../../src/execution/admission/admission.js';
import { ManualTimers } from '../../../src/execution/split/timers.js';

// max_wait runs on injected timers: a job is given up only when the test moves time past it, so
// a slow host can never turn an admitted job into a denial (or the reverse).

const specs: Record<string, ThrottleSpec> = {
  rate: { rate: { count: 1, perMs: 60_000 }, maxWaitMs: 30 },
  conc: { max_concurrent: 1, maxWaitMs: 30 },
  res: { reservoir: { size: 2, refreshMs: 60_000 }, maxWaitMs: 30 },
};
const ref = (ruleId: string, key = 'client:demo') => ({ ruleId, key, maxWaitMs: specs[ruleId]!.maxWaitMs });

let adm: Admission | undefined;
let timers: ManualTimers;
afterEach(async () => adm?.stop());
const admission = (specFor: (id: string) => ThrottleSpec | undefined) => {
  timers = new ManualTimers(new ManualClock(0));
  return new Admission({ specFor, timers });
};
/** Let queued jobs wait past their max_wait (30 ms of injected time). */
const pastMaxWait = () => timers.advance(31);

describe('Admission', () => {
  it('orders without throttles never create a limiter', async () => {
    adm = admission((id) => specs[id]);
    const r = await adm.admit([]);
    expect(r.ok).toBe(true);
    expect(adm.limiterCount).toBe(0);
  });

  it('a rate limit answers RATE_LIMIT_EXCEEDED to jobs queued past max_wait', async () => {
    adm = admission((id) => specs[id]);
    const first = await adm.admit([ref('rate')]);
    const queued = [adm.admit([ref('rate')]), adm.admit([ref('rate')])];
    await pastMaxWait();
    const results = [first, ...(await Promise.all(queued))];
    const ok = results.filter((r) => r.ok);
    const denied = results.filter((r) => !r.ok);
    expect(ok).toHaveLength(1);
    expect(denied).toHaveLength(2);
    for (const d of denied)
      expect(d).toMatchObject({ ok: false, code: 'RATE_LIMIT_EXCEEDED', ruleId: 'rate', key: 'client:demo' });
  });

  it('limiters are per key: another client has its own budget', async () => {
    adm = admission((id) => specs[id]);
    const [a, b] = await Promise.all([adm.admit([ref('rate', 'client:a')]), adm.admit([ref('rate', 'client:b')])]);
    expect(a.ok && b.ok).toBe(true);
    expect(adm.limiterCount).toBe(2);
  });

  it('max_concurrent holds a slot until release()', async () => {
    adm = admission((id) => specs[id]);
    const first = await adm.admit([ref('conc')]);
    expect(first.ok).toBe(true);
    const pending = adm.admit([ref('conc')]);
    await pastMaxWait();
    const second = await pending;
    expect(second).toMatchObject({ ok: false, code: 'RATE_LIMIT_EXCEEDED' });
    if (first.ok) first.release();
    const third = await adm.admit([ref('conc')]);
    expect(third.ok).toBe(true);
  });

  it('a reservoir admits its size, then refuses until refreshed', async () => {
    adm = admission((id) => specs[id]);
    const rs = [];
    for (let i = 0; i < 2; i++) rs.push(await adm.admit([ref('res')]));
    const third = adm.admit([ref('res')]);
    await pastMaxWait();
    rs.push(await third);
    expect(rs.map((r) => r.ok)).toEqual([true, true, false]);
  });

  it('a failing later throttle releases the slots taken by earlier ones', async () => {
    adm = admission((id) => specs[id]);
    const hog = await adm.admit([ref('rate')]);
    expect(hog.ok).toBe(true);
    const pending = adm.admit([ref('conc'), ref('rate')]);
    // the conc slot is taken first (after bottleneck's own async turn), then rate queues
    // timers: hog's hold, conc's hold, rate's give-up (before conc ran: hog's hold + conc's give-up)
    await until(() => timers.pending === 3);
    await pastMaxWait();
    const r = await pending;
    expect(r).toMatchObject({ ok: false, ruleId: 'rate' });
    const again = await adm.admit([ref('conc')]);
    expect(again.ok).toBe(true);
  });

  it('a throttle whose rule left the policy set is skipped', async () => {
    adm = admission(() => undefined);
    expect((await adm.admit([ref('rate')])).ok).toBe(true);
    expect(adm.limiterCount).toBe(0);
  });
});

async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise<void>((r) => setImmediate(r));
}
