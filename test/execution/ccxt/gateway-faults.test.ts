/** The whole gateway (embedded default: replayed market, model, default policy, audit on disk)
 * with a `kind: ccxt` venue pointed at liqguard venue, under the venue's injected faults: every
 * order gets one decision record and an execution record, and the audit log verifies. The
 * gateway builds the venue itself (createCcxtVenue with its default options: 10 s timeout,
 * 5 s recvWindow), exactly as in production. */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAudit } from '../../../src/audit/index.js';
import { DEMO_API_KEY, EMBEDDED_DEFAULT_YAML } from '../../../src/config/embedded-default.js';
import { loadConfigText, PACKAGE_ROOT } from '../../../src/config/load.js';
import { buildGateway, type Gateway } from '../../../src/gateway/gateway.js';
import { KEY, SECRET, startTestVenue, type TestVenue } from '../../venue-api/private/support.js';
import { withCcxtVenue } from '../../gateway/support.js';

let v: TestVenue;
let gw: Gateway;
let url: string;
let varDir: string;

beforeAll(async () => {
  v = await startTestVenue();
  varDir = mkdtempSync(join(tmpdir(), 'lg-gw-faults-'));
  const yaml = withCcxtVenue(EMBEDDED_DEFAULT_YAML, v.urls)
    .replace('dir: var/audit', `dir: ${join(varDir, 'audit')}`)
    .replace('dir: var/state', `dir: ${join(varDir, 'state')}`);
  const config = loadConfigText(yaml, {
    env: { LG_TEST_VENUE_KEY: KEY, LG_TEST_VENUE_SECRET: SECRET },
    baseDir: PACKAGE_ROOT,
  });
  expect(config.venues[0]).toMatchObject({ id: 'sim', kind: 'ccxt' });
  gw = await buildGateway(config, { logger: false });
  await gw.start();
  url = await gw.app.listen({ port: 0, host: '127.0.0.1' });
}, 30_000);

afterAll(async () => {
  await v?.close();
});

async function submit(
  side: 'buy' | 'sell' = 'buy',
): Promise<
  { intentId: string; status: string; code?: string; children?: unknown; decision: { kind: string } } & Record<
    string,
    unknown
  >
> {
  const res = await fetch(`${url}/v1/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': DEMO_API_KEY },
    body: JSON.stringify({ symbol: 'ETH/USDT:USDT', side, type: 'market', quantity: '0.05' }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as never;
}

const sent: { intentId: string; expect: string }[] = [];

describe('gateway → CcxtVenue → liqguard venue under faults', () => {
  it('accepted then dropped: adopted by clientOrderId, one order at the venue', async () => {
    v.api.faults.inject({ kind: 'acceptThenTimeout', mode: 'drop' });
    const r = await submit();
    expect(r.decision.kind).toBe('accept');
    expect(r.status).toBe('filled');
    expect(v.api.faults.counts.acceptedThenTimedOut).toBe(1);
    sent.push({ intentId: r.intentId, expect: 'filled' });
  });

  it('one 5xx before execution: absent after its recvWindow, resent once with the same id', async () => {
    v.api.faults.inject({ kind: 'error', status: 503, path: '/fapi/v1/order', method: 'POST', times: 1 });
    const r = await submit('sell');
    expect(r.status).toBe('filled');
    sent.push({ intentId: r.intentId, expect: 'filled' });
  }, 20_000);

  it('venue down: the order ends rejected with VENUE_UNAVAILABLE', async () => {
    v.api.faults.inject({ kind: 'down' });
    await new Promise((r) => setTimeout(r, 30));
    const r = await submit();
    expect(r.status).toBe('rejected');
    expect(JSON.stringify(r)).toContain('VENUE_UNAVAILABLE');
    v.api.faults.clear();
    await new Promise((r) => setTimeout(r, 30));
    sent.push({ intentId: r.intentId, expect: 'rejected' });
  });

  it('429 then 418: VENUE_BANNED with until=, the next order is not sent', async () => {
    v.api.faults.inject({ kind: 'rateLimit', count429: 1, retryAfterSec: 0, banMs: 60_000 });
    const r = await submit();
    expect(r.status).toBe('rejected');
    expect(JSON.stringify(r)).toMatch(/VENUE_BANNED: venue=sim until=\d{13}/);
    sent.push({ intentId: r.intentId, expect: 'rejected' });
    const before = v.requests.length;
    const next = await submit();
    expect(JSON.stringify(next)).toContain('VENUE_BANNED');
    expect(v.requests.length).toBe(before);
    sent.push({ intentId: next.intentId, expect: 'rejected' });
  });

  it('the audit log has a decision and an execution record for every order, and verifies', async () => {
    await gw.close();
    const dir = join(varDir, 'audit');
    const result = await verifyAudit(dir);
    expect(result.failures).toEqual([]);
    expect(result.ok).toBe(true);
    const records = readdirSync(dir)
      .filter((f) => f.endsWith('.jsonl'))
      .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(sent).toHaveLength(5);
    for (const s of sent) {
      const decisions = records.filter((r) => r.type === 'decision' && r.intentId === s.intentId);
      const executions = records.filter((r) => r.type === 'execution' && r.intentId === s.intentId);
      expect(decisions, s.intentId).toHaveLength(1);
      expect(executions.length, s.intentId).toBeGreaterThanOrEqual(1);
      expect((executions.at(-1)!.report as { status: string }).status).toBe(s.expect);
      // Written before the venue was asked: the decision precedes its execution records.
      expect(Number(decisions[0]!.seq)).toBeLessThan(Number(executions[0]!.seq));
    }
  });
});
