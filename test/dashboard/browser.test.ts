/** The dashboard in real headless Chromium (Debian's package driven by playwright-core), served by
 * the whole gateway on the embedded default (replayed real market data, ONNX model, shipped
 * policy, simulated venue, audit on disk): live regime updates and decisions arrive, a decision's
 * detail opens, the kill switch is engaged and lifted through its confirmation modal, and
 * screenshots are saved under test-output/. */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { DEMO_API_KEY, EMBEDDED_DEFAULT_YAML } from '../../src/config/embedded-default.js';
import { loadConfigText, PACKAGE_ROOT } from '../../src/config/load.js';
import { systemClock } from '../../src/core/clock.js';
import { randomIds } from '../../src/core/ids.js';
import { createOperatorSurface } from '../../src/dashboard/operator-surface.js';
import { buildGateway, type Gateway } from '../../src/gateway/gateway.js';
import { ApiKeyAuth } from '../../src/ingress/auth.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available) {
  if (process.env.CI === 'true')
    throw new Error(
      `dashboard browser test: ${CHROMIUM} is missing; .ci/run installs Debian's chromium (apt-get install chromium)`,
    );
  console.warn(
    `dashboard browser test skipped: ${CHROMIUM} not found (apt-get install chromium; under CI=true this fails)`,
  );
}

const OUT = join(process.cwd(), 'test-output');
const BTC = 'BTC/USDT:USDT';
let gw: Gateway;
let url: string;
let varDir: string;
let ctx: BrowserContext;
let page: Page;
let userDir: string;
let bot: NodeJS.Timeout | undefined;
const pageErrors: string[] = [];

async function order(body: Record<string, unknown>) {
  const r = await fetch(`${url}/v1/orders`, {
    method: 'POST',
    headers: { 'x-api-key': DEMO_API_KEY, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (await r.json()) as { decision: { kind: string; code?: string } };
}

beforeAll(async () => {
  if (!available) return;
  varDir = mkdtempSync(join(tmpdir(), 'lg-dash-'));
  // The embedded default scores with models/default.json; until a trained model is shipped there,
  // the gateway runs its baseline scorer (the dashboard shows which one is in force).
  const hasModel = existsSync(join(PACKAGE_ROOT, 'models', 'default.json'));
  if (!hasModel)
    console.warn(
      'dashboard browser test: models/default.json not found, running the embedded default with scorer: baseline',
    );
  const yaml = (hasModel ? EMBEDDED_DEFAULT_YAML : EMBEDDED_DEFAULT_YAML.replace('scorer: model', 'scorer: baseline'))
    .replace('dir: var/audit', `dir: ${join(varDir, 'audit')}`)
    .replace('dir: var/state', `dir: ${join(varDir, 'state')}`);
  // The embedded demo (its state dirs moved): the page comes with the demo key pre-filled.
  const config = { ...loadConfigText(yaml, { env: {}, baseDir: PACKAGE_ROOT }), embeddedDefault: true };
  gw = await buildGateway(config, { logger: false });
  if (!gw.app.hasRoute({ method: 'GET', url: '/' })) {
    // The composition root does not mount the operator surface yet: mount it as its README says.
    const surface = createOperatorSurface({
      bus: gw.bus,
      clock: gw.clock,
      wallClock: systemClock,
      ids: randomIds(),
      orders: gw.orders,
      market: gw.market,
      symbols: () => [...new Set(config.venues.flatMap((v) => v.symbols))],
      scorer: () => gw.scorer(),
      policies: gw.policies,
      tradingState: gw.tradingState,
      pipeline: gw.pipeline,
      audit: gw.audit,
      instance: config.instance,
      regimeTickMs: 500,
    });
    const auth = new ApiKeyAuth(config.clients);
    for (const p of surface.plugins) await p(gw.app, auth);
  }
  await gw.start();
  url = await gw.app.listen({ port: 0, host: '127.0.0.1' });
  // A bot: small orders that pass, oversized ones that the policy denies.
  let n = 0;
  bot = setInterval(() => {
    n++;
    void order({
      symbol: n % 3 === 0 ? 'ETH/USDT:USDT' : BTC,
      side: n % 2 ? 'buy' : 'sell',
      type: 'market',
      quantity: n % 4 === 0 ? '6' : n % 3 === 0 ? '0.05' : '0.002',
    }).catch(() => undefined);
  }, 400);
  userDir = mkdtempSync(join(tmpdir(), 'liqguard-chromium-'));
  ctx = await chromium.launchPersistentContext(userDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
    viewport: { width: 1600, height: 1000 },
  });
  page = ctx.pages()[0] ?? (await ctx.newPage());
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => (m.type() === 'error' ? pageErrors.push(m.text()) : undefined));
}, 60_000);

afterAll(async () => {
  if (bot) clearInterval(bot);
  await ctx?.close();
  await gw?.close();
  if (userDir) rmSync(userDir, { recursive: true, force: true });
  if (varDir) rmSync(varDir, { recursive: true, force: true });
});

describe('dashboard in headless Chromium on the embedded default gateway', () => {
  it.skipIf(!available)(
    'shows live regimes and decisions, opens a decision, operates the kill switch',
    async () => {
      await page.goto(url + '/');
      // The key is asked for once (pre-filled with the demo key) and kept for the tab.
      await page.locator('#key-modal').waitFor({ state: 'visible' });
      expect(await page.inputValue('#key-input')).toBe(DEMO_API_KEY);
      await page.click('#key-submit');
      await page.locator('#conn[data-state="live"]').waitFor();

      // A card per traded symbol, each with a chart; regimes update live from the replay.
      await expect.poll(() => page.locator('.card').count()).toBe(4);
      await expect.poll(() => page.locator('.card canvas').count()).toBe(4);
      const btcSub = page.locator(`.card[data-symbol="${BTC}"] .sub`);
      await expect.poll(() => btcSub.textContent(), { timeout: 15_000 }).toMatch(/horizon/);
      const first = await btcSub.textContent();
      await expect.poll(() => btcSub.textContent(), { timeout: 15_000 }).not.toBe(first);
      expect(await page.locator(`.card[data-symbol="${BTC}"] .pill`).textContent()).toMatch(
        /^(stable|stressed|fragile|critical|unknown)$/,
      );
      expect(await page.locator(`.card[data-symbol="${BTC}"] .feature`).count()).toBeGreaterThan(0);
      expect(await page.locator('#model-version').textContent()).toContain(gw.scorer().id);
      expect(await page.locator('#policy-version').textContent()).toContain(
        `${gw.policies.enforcing.id} v${gw.policies.enforcing.version}`,
      );

      // Live decisions from the bot; the outcome filter narrows the table; counters per rule fill in.
      await expect.poll(() => page.locator('#decisions tbody tr').count(), { timeout: 15_000 }).toBeGreaterThan(4);
      // Decision times carry their date (replay time is another day) and are newest first.
      const times = await page.locator('#decisions tbody tr td:first-child').allTextContents();
      for (const t of times) expect(t).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z$/);
      expect(times).toEqual([...times].sort().reverse());
      await page.selectOption('#f-outcome', 'deny');
      await expect.poll(() => page.locator('#decisions tbody tr').count(), { timeout: 15_000 }).toBeGreaterThan(0);
      expect((await page.locator('#decisions tbody tr').allTextContents()).every((t) => t.includes('deny'))).toBe(true);
      await expect.poll(() => page.locator('#rules tbody tr[data-rule]').count()).toBeGreaterThan(0);
      await expect.poll(async () => Number(await page.locator('.outcome.deny b').textContent())).toBeGreaterThan(0);

      // Detail of one denied decision: intent, decision, trace, children, venue reports.
      // The row is pinned by its intent id: live decisions keep arriving at the top, and a
      // `.first()` locator would resolve again at the click, to a newer row.
      const intentId = (await page.locator('#decisions tbody tr').first().getAttribute('data-intent-id'))!;
      await page.locator(`#decisions tbody tr[data-intent-id="${intentId}"]`).click();
      const drawer = page.locator('#drawer.open');
      await drawer.waitFor();
      await expect.poll(() => drawer.textContent()).toContain('Rule trace');
      const text = (await drawer.textContent())!;
      expect(text).toContain(intentId);
      expect(text).toMatch(/MAX_ORDER_QUANTITY/);
      expect(text).toContain('Children');
      expect(text).toContain('Venue reports');
      // The drawer slides in: wait until it rests against the right edge before the screenshot.
      await expect
        .poll(() =>
          page.evaluate<number>(
            "Math.round(document.getElementById('drawer').getBoundingClientRect().right - window.innerWidth)",
          ),
        )
        .toBe(0);
      mkdirSync(OUT, { recursive: true });
      await page.screenshot({ path: join(OUT, 'dashboard-detail.png') });
      await page.click('#drawer-close');
      await page.selectOption('#f-outcome', '');

      // Kill switch: a confirmation and an operator name are required.
      await page.click('#kill-open');
      await page.locator('#kill-modal').waitFor({ state: 'visible' });
      expect(await page.locator('#kill-submit').isDisabled()).toBe(true);
      await page.selectOption('#kill-scope', 'symbol');
      await page.fill('#kill-value', BTC);
      await page.fill('#kill-reason', 'cascade in progress <b>not html</b>');
      await page.fill('#kill-operator', 'Ada Lovelace');
      expect(await page.locator('#kill-submit').isDisabled()).toBe(true); // not yet confirmed
      await page.check('#kill-confirm');
      await page.click('#kill-submit');
      await expect.poll(() => page.locator('#kill-badge').textContent()).toContain('KILL SWITCH ON');
      expect(gw.tradingState.list()).toMatchObject([
        { scope: { kind: 'symbol', value: BTC }, state: 'HALTED', source: 'kill', operator: 'demo/Ada Lovelace' },
      ]);
      expect(await page.locator('#kill-list li').textContent()).toContain('<b>not html</b>'); // text, not markup
      // New BTC orders are refused by the kill switch, live in the table.
      expect((await order({ symbol: BTC, side: 'buy', type: 'market', quantity: '0.002' })).decision).toMatchObject({
        kind: 'deny',
        code: 'KILL_SWITCH',
      });
      await expect
        .poll(async () => (await page.locator('#decisions tbody').textContent())!.includes('KILL_SWITCH'), {
          timeout: 10_000,
        })
        .toBe(true);
      await page.screenshot({ path: join(OUT, 'dashboard.png'), fullPage: true });

      // Lift it through the same confirmation; the operator name is remembered for the tab.
      await page.click('#kill-list li button');
      await page.locator('#kill-modal').waitFor({ state: 'visible' });
      expect(await page.inputValue('#kill-operator')).toBe('Ada Lovelace');
      await page.check('#kill-confirm');
      await page.click('#kill-submit');
      await expect.poll(() => page.locator('#kill-badge').textContent()).toBe('TRADING ACTIVE');
      expect(gw.tradingState.list()).toEqual([]);
      expect(pageErrors).toEqual([]);
    },
    90_000,
  );
});
