/** Alert delivery to a real HTTP receiver on port 0: exactly once despite a failed first attempt
 * (backoff on an injected clock), both body formats, deduplication, metrics and audit records. */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlertDispatcher, resolveAlertsConfig, type AlertDraft, type AlertTimers } from '../../src/alerts/index.js';
import { openAuditLog } from '../../src/audit/writer.js';
import { ManualClock } from '../../src/core/clock.js';

/** Timers that fire only when the test advances the clock. */
class ManualTimers implements AlertTimers {
  private pending: { at: number; fn: () => void; live: boolean }[] = [];
  constructor(readonly clock: ManualClock) {}
  setTimeout(fn: () => void, ms: number) {
    const t = { at: this.clock.now() + ms, fn, live: true };
    this.pending.push(t);
    return t;
  }
  clearTimeout(h: unknown) {
    (h as { live: boolean }).live = false;
  }
  get due(): number[] {
    return this.pending.filter((t) => t.live).map((t) => t.at - this.clock.now());
  }
  advance(ms: number) {
    this.clock.advance(ms);
    for (const t of this.pending)
      if (t.live && t.at <= this.clock.now()) {
        t.live = false;
        t.fn();
      }
  }
}

interface Hit {
  path: string;
  body: any;
}
let server: Server;
let base: string;
let hits: Hit[];
let failNext: number;
let waiters: (() => void)[];

beforeEach(async () => {
  hits = [];
  failNext = 0;
  waiters = [];
  server = createServer((req: IncomingMessage, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      if (failNext > 0) {
        failNext--;
        res.writeHead(503).end('busy');
      } else {
        hits.push({ path: req.url ?? '', body: JSON.parse(data) });
        res.writeHead(200).end('ok');
      }
      for (const w of waiters.splice(0)) w();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  await new Promise((r) => server.close(r));
});

const draft = (over: Partial<AlertDraft> = {}): AlertDraft => ({
  key: 'kill:all:on',
  kind: 'kill',
  severity: 'critical',
  title: 'Kill switch ON (all)',
  text: 'Trading halted for all by alice: drill.',
  fields: { scope: 'all', operator: 'alice' },
  ...over,
});

function setup(targets: { id: string; url: string; format?: 'json' | 'slack'; kinds?: any[]; minSeverity?: any }[]) {
  const clock = new ManualClock(1_780_000_000_000);
  const timers = new ManualTimers(clock);
  const config = resolveAlertsConfig(
    { targets, dedupeWindowMs: 60_000, backoffMs: 1000, maxBackoffMs: 8000, maxAttempts: 4 },
    {},
    [],
    [],
  )!;
  const dir = mkdtempSync(join(tmpdir(), 'lg-alerts-'));
  const audit = openAuditLog({ dir, rotateBytes: 0, rotateDaily: false, fsync: false }, 'alerts', clock, []);
  const registry = new Registry();
  const d = new AlertDispatcher({ config, instance: 'test', clock, timers, audit, registry });
  const records = () =>
    readdirSync(dir)
      .flatMap((f) => readFileSync(join(dir, f), 'utf8').trim().split('\n'))
      .map((l) => JSON.parse(l))
      .filter((r) => r.type === 'alert');
  return { clock, timers, d, audit, registry, records };
}

describe('alert webhooks', () => {
  it('delivers each alert exactly once despite a failed first attempt, retrying with backoff', async () => {
    const s = setup([{ id: 'ops', url: `${base}/hook` }]);
    failNext = 1;
    const a = s.d.raise(draft())!;
    await s.d.idle();
    expect(hits).toHaveLength(0);
    expect(s.timers.due).toEqual([1000]); // first retry after backoffMs
    s.timers.advance(999);
    await s.d.idle();
    expect(hits).toHaveLength(0);
    s.timers.advance(1);
    await s.d.idle();
    expect(hits).toHaveLength(1);
    expect(hits[0]!.body).toMatchObject({
      id: a.id,
      kind: 'kill',
      severity: 'critical',
      title: 'Kill switch ON (all)',
      instance: 'test',
      fields: { scope: 'all', operator: 'alice' },
    });
    s.timers.advance(60_000);
    await s.d.idle();
    expect(hits).toHaveLength(1); // nothing left to send
    expect(s.d.counts).toMatchObject({ raised: 1, sent: 1, retried: 1, failed: 0, dropped: 0 });
    const text = await s.registry.metrics();
    expect(text).toContain('liqguard_alerts_sent_total{target="ops"} 1');
    expect(text).toContain('liqguard_alerts_retried_total{target="ops"} 1');
    await s.audit.close();
    expect(s.records().map((r) => [r.phase, r.alertId, r.attempts])).toEqual([
      ['raised', a.id, undefined],
      ['delivered', a.id, 2],
    ]);
  });

  it('backs off exponentially up to the cap and gives up after maxAttempts, audited as failed', async () => {
    const s = setup([{ id: 'ops', url: `${base}/hook` }]);
    failNext = 10;
    s.d.raise(draft());
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      await s.d.idle();
      const due = s.timers.due;
      if (!due.length) break;
      delays.push(due[0]!);
      s.timers.advance(due[0]!);
    }
    expect(delays).toEqual([1000, 2000, 4000]); // attempts 2..4; the 4th failure is final
    expect(s.d.counts).toMatchObject({ sent: 0, retried: 3, failed: 1 });
    await s.audit.close();
    expect(s.records().at(-1)).toMatchObject({ phase: 'failed', target: 'ops', attempts: 4, error: 'HTTP 503' });
  });

  it('sends the Slack shape to a slack target and the generic one to a json target', async () => {
    const s = setup([
      { id: 'slack', url: `${base}/slack`, format: 'slack' },
      { id: 'pager', url: `${base}/json`, kinds: ['deadman'], minSeverity: 'critical' },
    ]);
    s.d.raise(draft());
    s.d.raise(
      draft({
        key: 'deadman:bn:BTC:expired',
        kind: 'deadman',
        title: 'Dead-man switch expired',
        text: 'venue cancels <all> & more',
        fields: { venue: 'bn', symbol: 'BTC/USDT:USDT' },
      }),
    );
    s.d.raise(
      draft({ key: 'deadman:bn:ETH:refresh_failed', kind: 'deadman', severity: 'warning', title: 'refresh failed' }),
    );
    await s.d.idle();
    const slack = hits.filter((h) => h.path === '/slack').map((h) => h.body);
    const json = hits.filter((h) => h.path === '/json').map((h) => h.body);
    // minSeverity warning by default; the pager target takes critical dead-man alerts only
    expect(slack).toHaveLength(3);
    const kill = slack.find((b) => b.text.includes('Kill'));
    expect(kill).toEqual({ text: ':rotating_light: [critical] Kill switch ON (all)', blocks: expect.any(Array) });
    expect(kill.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'Kill switch ON (all)' } });
    const expired = slack.find((b) => b.text.includes('expired'));
    expect(expired.blocks[1].text.text).toBe('venue cancels &lt;all&gt; &amp; more');
    expect(expired.blocks[2].fields).toContainEqual({ type: 'mrkdwn', text: '*symbol*\nBTC/USDT:USDT' });
    expect(slack.find((b) => b.text.startsWith(':warning:'))?.text).toBe(':warning: [warning] refresh failed');
    expect(json).toHaveLength(1);
    expect(json[0]).toMatchObject({
      kind: 'deadman',
      severity: 'critical',
      key: 'deadman:bn:BTC:expired',
      ts: new Date(s.clock.now()).toISOString(),
    });
  });

  it('deduplicates by key within the window and raises again after it', async () => {
    const s = setup([{ id: 'ops', url: `${base}/hook` }]);
    expect(s.d.raise(draft())).toBeDefined();
    expect(s.d.raise(draft())).toBeUndefined();
    s.clock.advance(59_999);
    expect(s.d.raise(draft())).toBeUndefined();
    expect(s.d.raise(draft({ key: 'kill:symbol=BTC:on' }))).toBeDefined();
    s.clock.advance(1);
    expect(s.d.raise(draft())).toBeDefined();
    await s.d.idle();
    expect(hits).toHaveLength(3);
    expect(s.d.counts).toMatchObject({ raised: 3, deduplicated: 2 });
    expect(await s.registry.metrics()).toContain('liqguard_alerts_deduplicated_total{kind="kill"} 2');
  });

  it('bounds its queue: over queueSize, deliveries are dropped and counted', async () => {
    const clock = new ManualClock(1_780_000_000_000);
    const config = resolveAlertsConfig({ targets: [{ id: 'ops', url: `${base}/hook` }], queueSize: 2 }, {}, [], [])!;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const d = new AlertDispatcher({
      config,
      instance: 't',
      clock,
      timers: new ManualTimers(clock),
      post: async () => (await gate, 200),
      concurrency: 1,
    });
    for (let i = 0; i < 4; i++) d.raise(draft({ key: `k${i}` }));
    expect(d.size).toBe(2);
    expect(d.counts).toMatchObject({ raised: 4, dropped: 2 });
    release();
    await d.idle();
    expect(d.counts.sent).toBe(2);
  });

  it('reads target URLs from env and treats them as secrets', () => {
    const details: { path: string; message: string }[] = [];
    const secrets: string[] = [];
    const c = resolveAlertsConfig(
      {
        targets: [
          { id: 'a', urlEnv: 'HOOK' },
          { id: 'b', urlEnv: 'MISSING' },
          { id: 'a', url: 'http://x', urlEnv: 'HOOK' },
        ],
      },
      { HOOK: 'https://hooks.slack.com/services/T/B/xyz' },
      details,
      secrets,
    )!;
    expect(c.targets[0]).toMatchObject({
      url: 'https://hooks.slack.com/services/T/B/xyz',
      format: 'json',
      minSeverity: 'warning',
    });
    expect(secrets).toContain('https://hooks.slack.com/services/T/B/xyz');
    expect(details.map((d) => d.path)).toEqual([
      'alerts.targets[1].urlEnv',
      'alerts.targets[2].id',
      'alerts.targets[2]',
    ]);
  });
});
