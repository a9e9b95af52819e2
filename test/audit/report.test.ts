import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { DENY_CODES } from '../../src/core/deny-codes.js';
import { REPORT_SECTIONS } from '../../src/audit/report-html.js';
import { writeAuditReport } from '../../src/audit/report.js';
import type { ReportData } from '../../src/audit/report-data.js';
import { decisionBody, executionBody, openLog, T0, tempDir } from './fixtures.js';

let dir: string;
let cleanup: () => void;
let html: string;
let data: ReportData;
const HOSTILE = '<script>alert("x")</script>';

beforeAll(async () => {
  ({ dir, cleanup } = tempDir());
  const clock = new ManualClock(T0 - 3_600_000);
  const log = openLog(dir, clock);
  // Before the period: what is in force at its start.
  log.append('policy_load', {
    trigger: 'startup',
    ok: true,
    role: 'enforce',
    id: 'default',
    sha256: '1'.repeat(64),
    source: 'policies/default.yaml',
    previousSha256: null,
  });
  clock.set(T0);
  log.append('startup', { version: '0.1.0', node: 'v20' });
  log.append('config_load', {
    sha256: '2'.repeat(64),
    venues: [{ id: 'sim', kind: 'simulated' }],
    clients: ['alpha', 'beta'],
  });
  // The forms gateway.ts writes at start.
  log.append('policy_load', {
    enforce: 'default',
    sha256: '5'.repeat(64),
    version: 3,
    shadow: { id: 'experimental', sha256: '6'.repeat(64) },
  });
  log.append('model_load', {
    id: 'gbdt-v1',
    sha256: '3'.repeat(64),
    kind: 'model',
    source: 'models/default.json',
    previousSha256: null,
  });
  const regimes = ['stable', 'stable', 'stressed', 'fragile', 'critical', 'stressed'] as const;
  for (let i = 1; i <= 12; i++) {
    clock.advance(60_000);
    const regime = regimes[i % regimes.length]!;
    if (i % 3 === 0)
      log.append(
        'decision',
        decisionBody({
          n: i,
          kind: 'deny',
          code: i % 2 ? 'MAX_ORDER_NOTIONAL' : 'KILL_SWITCH',
          ruleId: 'max-notional',
          quantity: String(i),
          regime,
          probability: i / 20,
          clientOrderId: i === 6 ? HOSTILE : `bot-${i}`,
        }),
      );
    else if (i % 3 === 1)
      log.append(
        'decision',
        decisionBody({
          n: i,
          kind: 'modify',
          code: 'REGIME_NOTIONAL_CAP',
          ruleId: 'regime-cap',
          quantity: String(i),
          regime,
          probability: i / 20,
        }),
      );
    else
      log.append(
        'decision',
        decisionBody({
          n: i,
          kind: 'accept',
          regime,
          probability: i / 20,
          symbol: i % 2 ? 'BTC/USDT:USDT' : 'ETH/USDT:USDT',
        }),
      );
  }
  log.append('execution', executionBody(2));
  const scope = { type: 'client', value: 'alpha' } as const;
  log.append('kill', { scope, operator: 'ops/jane', reason: `manual ${HOSTILE}`, at: clock.now() });
  log.append('unkill', { scope, operator: 'ops/joe', reason: 'resolved', at: clock.now() });
  const ovr = { id: 'ovr_1', ruleId: 'regime-cap', scope, reason: 'hedge', ttlMs: 3_600_000, requestedBy: 'desk/jane' };
  log.append('override', { ...ovr, state: 'requested', at: clock.now(), approvals: [], approveBy: T0 + 900_000 });
  log.append('override', {
    ...ovr,
    state: 'approved',
    by: 'ops/joe',
    at: clock.now(),
    approvals: [{ by: 'ops/joe', at: clock.now() }],
  });
  log.append('override', {
    ...ovr,
    state: 'active',
    at: clock.now(),
    approvals: [{ by: 'ops/joe', at: clock.now() }],
    activatedAt: clock.now(),
    expiresAt: clock.now() + 3_600_000,
  });
  log.append('override', {
    ...ovr,
    state: 'expired',
    at: clock.now() + 3_600_000,
    approvals: [{ by: 'ops/joe', at: clock.now() }],
    expiresAt: clock.now() + 3_600_000,
  });
  log.append('policy_load', {
    trigger: 'reload',
    operator: 'ops/joe',
    ok: false,
    error: 'rule x: unknown action',
    kept: { id: 'default', sha256: '1'.repeat(64) },
  });
  log.append('policy_load', {
    trigger: 'reload',
    operator: 'ops/joe',
    ok: true,
    id: 'default',
    sha256: '4'.repeat(64),
    version: '2',
  });
  clock.advance(86_400_000 * 2); // after the period
  log.append('decision', decisionBody({ n: 99, kind: 'deny', code: 'PRICE_COLLAR', ruleId: 'collar' }));
  await log.close();
  const out = join(dir, 'report.html');
  data = await writeAuditReport({ dir, from: T0, to: T0 + 86_400_000, out, clock: new ManualClock(T0 + 1) });
  html = readFileSync(out, 'utf8');
});
afterAll(() => cleanup());

const sectionOf = (id: string): string => {
  const m = new RegExp(`<section id="${id}">([\\s\\S]*?)</section>`).exec(html);
  if (!m) throw new Error(`section ${id} missing`);
  return m[1]!;
};

describe('compliance report', () => {
  it('renders every section with content from the records', () => {
    for (const id of REPORT_SECTIONS) expect(sectionOf(id).length).toBeGreaterThan(20);
    expect(sectionOf('chain')).toContain('Chain intact');
    expect(sectionOf('outcomes')).toMatch(/<svg[^>]*aria-label="Decisions by outcome"/);
    expect(sectionOf('rules')).toContain('max-notional');
    expect(sectionOf('rules')).toContain('regime-cap');
    expect(sectionOf('regimes')).toContain('BTC/USDT:USDT');
    expect(sectionOf('regimes')).toContain('ETH/USDT:USDT');
    expect(sectionOf('kills')).toContain('ops/jane');
    expect(sectionOf('kills')).toContain('client alpha');
    expect(sectionOf('loads')).toContain('3'.repeat(64)); // model hash
    expect(sectionOf('loads')).toContain('4'.repeat(64)); // policy change in the period
    expect(sectionOf('loads')).toContain('In force at the start');
    expect(sectionOf('loads')).toContain(`start default v3 (shadow experimental ${'6'.repeat(64)})`);
    expect(sectionOf('loads')).toContain('venues: sim; clients: alpha, beta');
    expect(sectionOf('loads')).toContain('1'.repeat(64));
    for (const a of ['requested', 'approved', 'active', 'expired', 'desk/jane', 'ops/joe', 'regime-cap'])
      expect(sectionOf('overrides')).toContain(a);
    expect(sectionOf('loads')).toContain('FAILED reload'); // a rejected reload is visible
    expect(data.inForceAtStart.map((r) => r.sha256)).toEqual(['1'.repeat(64)]);
    expect(sectionOf('controls')).toContain(DENY_CODES.MAX_ORDER_NOTIONAL.control.replace(/&/g, '&amp;'));
    expect(sectionOf('controls')).toContain(DENY_CODES.KILL_SWITCH.control);
  });

  it('counts only the period and orders the largest denials first', () => {
    expect(data.byOutcome).toEqual({ modify: 4, deny: 4, accept: 4 });
    expect(data.topDenied.map((r) => r.quantity)).toEqual(['12', '9', '6', '3']);
    expect(data.topCapped.map((r) => r.quantity)).toEqual(['10', '7', '4', '1']);
    expect(data.denyCodes).toEqual([
      { code: 'KILL_SWITCH', count: 2, control: DENY_CODES.KILL_SWITCH.control, text: DENY_CODES.KILL_SWITCH.text },
      {
        code: 'MAX_ORDER_NOTIONAL',
        count: 2,
        control: DENY_CODES.MAX_ORDER_NOTIONAL.control,
        text: DENY_CODES.MAX_ORDER_NOTIONAL.text,
      },
    ]);
    expect(html).not.toContain('PRICE_COLLAR'); // after the period
  });

  it('escapes bot-supplied strings and makes no external requests', () => {
    expect(html).not.toContain(HOSTILE);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\b(src|href)\s*=/i);
    expect(html).not.toMatch(/<link|@import|url\(/i);
  });

  it('shows a broken chain', async () => {
    const f = join(
      dir,
      readdirSync(dir).find((x) => x.endsWith('.jsonl'))!,
    );
    const text = readFileSync(f, 'utf8');
    writeFileSync(f, text.replace('"reason":"resolved"', '"reason":"nothing happened"'));
    const out = join(dir, 'report2.html');
    await writeAuditReport({ dir, from: T0, to: T0 + 86_400_000, out, clock: new ManualClock(T0) });
    const h = readFileSync(out, 'utf8');
    expect(h).toContain('Chain BROKEN');
    expect(h).toMatch(/tampered/);
    writeFileSync(f, text);
  });
});
