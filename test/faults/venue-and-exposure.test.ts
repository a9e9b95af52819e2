/** Issue 13 item 9: `liqguard venue` exited silently (code 0) on its own `down` fault instead of
 * coming back; /healthz said ok while the venue was down; the all-roles demo key was written into
 * the unauthenticated dashboard page whatever the config; HOST=0.0.0.0 bound every interface
 * without a word while the banner said 127.0.0.1. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_API_KEY, EMBEDDED_DEFAULT_YAML } from '../../src/config/embedded-default.js';
import { loadConfigText, PACKAGE_ROOT } from '../../src/config/load.js';
import { buildGateway, type Gateway } from '../../src/gateway/gateway.js';
import { bindWarnings, isLoopbackHost } from '../../src/ingress/bind-address.js';
import { KEY, SECRET, startTestVenue, type TestVenue } from '../venue-api/private/support.js';
import { withCcxtVenue } from '../gateway/support.js';
import { runCli, START_TIMEOUT_MS } from './support.js';

/** Resolves true once `probe` succeeds, false if the process exits first. */
async function untilUp(probe: () => Promise<boolean>, exited: Promise<unknown>): Promise<boolean> {
  let gone = false;
  void exited.then(() => (gone = true));
  for (;;) {
    if (gone) return false;
    if (await probe().catch(() => false)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('liqguard venue and its down fault (real process)', () => {
  it(
    'comes back after the given time instead of exiting 0',
    async () => {
      const v = runCli([
        'venue',
        '--api-key',
        'k1',
        '--api-secret',
        's1',
        '--symbols',
        'BTC/USDT:USDT',
        '--warmup-from',
        '2025-09-20',
        '--from',
        '2025-09-26',
        '--to',
        '2025-09-27',
      ]);
      try {
        const rest = (await v.waitFor(/REST\s+(http:\/\/\S+)\/fapi/))[1]!;
        const time = async () => (await fetch(`${rest}/fapi/v1/time`)).ok;
        expect(await time()).toBe(true);
        const res = await fetch(`${rest}/_liqguard/faults`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ kind: 'down', ms: 1500 }),
        });
        expect(res.status).toBe(200);
        // Down: connections refused (awaited, not slept on).
        await expect.poll(async () => time().catch(() => false), { timeout: 10_000, interval: 50 }).toBe(false);
        expect(await untilUp(time, v.exited)).toBe(true);
        expect(v.proc.exitCode).toBeNull();
      } finally {
        await v.stop();
      }
    },
    START_TIMEOUT_MS + 30_000,
  );
});

describe('/healthz reports a venue that is down', () => {
  let venue: TestVenue;
  let gw: Gateway;
  let url: string;
  beforeAll(async () => {
    venue = await startTestVenue();
    const dir = mkdtempSync(join(tmpdir(), 'lg-health-'));
    const yaml = withCcxtVenue(EMBEDDED_DEFAULT_YAML, venue.urls)
      .replace('dir: var/audit', `dir: ${join(dir, 'audit')}`)
      .replace('dir: var/state', `dir: ${join(dir, 'state')}`)
      .replace('scorer: model', 'scorer: baseline')
      .replace(/barsPerSecond: [0-9.]+/, 'barsPerSecond: 0.001');
    gw = await buildGateway(
      loadConfigText(yaml, { env: { LG_TEST_VENUE_KEY: KEY, LG_TEST_VENUE_SECRET: SECRET }, baseDir: PACKAGE_ROOT }),
      { logger: false },
    );
    await gw.start();
    url = await gw.app.listen({ port: 0, host: '127.0.0.1' });
  }, 60_000);
  afterAll(async () => {
    await gw?.close();
    await venue?.close();
  });
  const health = async () => {
    const r = await fetch(`${url}/healthz`);
    return {
      status: r.status,
      body: (await r.json()) as { status: string; checks: Record<string, { ok: boolean; detail?: string }> },
    };
  };

  it('503 with checks["venue:sim"].ok = false while down; back to ok when it returns', async () => {
    await expect
      .poll(async () => (await health()).body.checks['venue:sim']?.detail, { timeout: 20_000, interval: 100 })
      .toMatch(/^reachable/);
    venue.api.faults.inject({ kind: 'down', ms: 3000 });
    await expect.poll(async () => (await health()).status, { timeout: 20_000, interval: 100 }).toBe(503);
    const down = await health();
    expect(down.body.status).toBe('failing');
    expect(down.body.checks['venue:sim']).toMatchObject({ ok: false });
    await expect
      .poll(async () => (await health()).body.checks['venue:sim']?.ok, { timeout: 30_000, interval: 100 })
      .toBe(true);
  }, 90_000);

  it('the dashboard page of a non-demo config carries no key (it asks for one)', async () => {
    const page = await (await fetch(`${url}/`)).text();
    expect(page).toContain('id="key-input"');
    expect(page).not.toContain(DEMO_API_KEY);
  });
});

describe('HOST=0.0.0.0 on the embedded demo (real process)', () => {
  it(
    'warns, prints the real bound address, and only the embedded demo pre-fills its key',
    async () => {
      const s = runCli(['serve'], {
        HOST: '0.0.0.0',
        PORT: '0',
        LIQGUARD_VAR: mkdtempSync(join(tmpdir(), 'lg-host-')),
        LOG_LEVEL: 'warn',
      });
      try {
        const m = await s.waitFor(/liqguard listening on http:\/\/0\.0\.0\.0:(\d+)/);
        expect(s.output()).toMatch(/WARNING: listening on 0\.0\.0\.0, not loopback/);
        expect(s.output()).toMatch(/WARNING: the demo key/);
        const page = await (await fetch(`http://127.0.0.1:${m[1]}/`)).text();
        expect(page).toContain(`value="${DEMO_API_KEY}"`);
      } finally {
        await s.stop();
      }
    },
    START_TIMEOUT_MS + 30_000,
  );

  it('loopback binds are quiet', () => {
    for (const h of ['127.0.0.1', '::1', 'localhost', '127.0.0.2']) {
      expect(isLoopbackHost(h)).toBe(true);
      expect(bindWarnings(h, true)).toEqual([]);
    }
    expect(bindWarnings('::', false).length).toBe(1);
  });
});
