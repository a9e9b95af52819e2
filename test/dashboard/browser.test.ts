/** The dashboard in real headless Chromium (Debian's package driven by playwright-core): live
 * regime updates and decisions arrive, a decision's detail opens, the kill switch is engaged and
 * lifted through the confirmation modal, and a screenshot is saved to test-output/. */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { systemClock } from '../../src/core/clock.js';
import type { MarketView } from '../../src/core/stages.js';
import type { DataQualityFlag, MarketSnapshot, RegimeScore } from '../../src/core/types.js';
import { call, KEYS, startTestGateway, type TestGateway } from './fixtures.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available) {
  if (process.env.CI === 'true') throw new Error(`dashboard browser test: ${CHROMIUM} is missing; .ci/run installs Debian's chromium (apt-get install chromium)`);
  console.warn(`dashboard browser test skipped: ${CHROMIUM} not found (apt-get install chromium; under CI=true this fails)`);
}

const SYMBOLS = ['BTC/USDT:USDT', 'ETH/USDT:USDT', 'XRP/USDT:USDT', 'BNB/USDT:USDT'];
const OUT = join(process.cwd(), 'test-output');
const REGIMES = ['stable', 'stressed', 'fragile', 'critical'] as const;
const regimeOf = (p: number) => REGIMES[p < 0.25 ? 0 : p < 0.45 ? 1 : p < 0.65 ? 2 : 3]!;

/** A deterministic wandering probability per symbol, with feature contributions. */
function scoreAt(symbol: string, i: number, ts: number): RegimeScore {
  const k = SYMBOLS.indexOf(symbol) + 1;
  const p = Math.min(0.97, Math.max(0.02, 0.3 + 0.22 * Math.sin(i / (9 + k * 3)) + 0.1 * Math.sin(i / 3.7 + k) + (symbol.startsWith('XRP') ? 0.3 : 0)));
  const feats = ['liq_notional_1h_z', 'oi_change_4h', 'funding_rate_z', 'book_depth_1pct', 'rv_24h', 'basis_pct'];
  return {
    status: 'ok', symbol, asOf: ts, scorer: 'model', modelId: 'gbdt-4h-2025-10', modelSha256: '3f'.repeat(32), pDown: p, pUp: p * 0.6, probability: p, regime: regimeOf(p), horizonHours: 4,
    contributions: feats.map((feature, j) => ({ feature, value: Math.sin(i + j) * 2, contribution: Math.sin(i / 5 + j * 1.7 + k) * (0.8 - j * 0.1) })),
  };
}

const market: MarketView = {
  ingest() {},
  symbols: () => SYMBOLS,
  snapshot(symbol: string, now: number): MarketSnapshot {
    const flags: DataQualityFlag[] = symbol.startsWith('BNB') ? ['LIQUIDATION_FEED_SILENT'] : [];
    const mark = { BTC: 112_850.4, ETH: 4_105.22, XRP: 2.4012, BNB: 1_212.5 }[symbol.slice(0, 3) as 'BTC'] ?? 1;
    return { symbol, asOf: now - 900, ageMs: 900, mark, last: mark, bid: mark - 0.1, ask: mark + 0.1, features: { rv_24h: 0.021, oi_change_4h: -0.034, funding_rate_z: 1.8 }, missing: [], ages: { bar: 900 }, flags, degraded: false };
  },
};

let g: TestGateway;
let ctx: BrowserContext;
let page: Page;
let userDir: string;
let feeder: NodeJS.Timeout | undefined;
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!available) return;
  g = await startTestGateway({ clock: systemClock, symbols: SYMBOLS, market });
  // History: one point a minute over the last two hours, then live points as the page watches.
  const now = Date.now();
  for (let i = 0; i < 120; i++) for (const s of SYMBOLS) g.bus.publish({ type: 'regime', symbol: s, ts: now - (120 - i) * 60_000, score: scoreAt(s, i, now) });
  for (const [i, q] of ['0.2', '0.5', '3', '0.1'].entries()) await call(g.url, 'POST', '/v1/orders', i % 2 ? KEYS.other : KEYS.bot, { symbol: SYMBOLS[0], side: i % 2 ? 'sell' : 'buy', type: 'market', quantity: q });
  let tick = 120;
  feeder = setInterval(() => {
    tick++;
    for (const s of SYMBOLS) g.bus.publish({ type: 'regime', symbol: s, ts: Date.now(), score: scoreAt(s, tick, Date.now()) });
    if (tick % 3 === 0) void call(g.url, 'POST', '/v1/orders', tick % 2 ? KEYS.bot : KEYS.other, { symbol: SYMBOLS[0], side: tick % 2 ? 'buy' : 'sell', type: 'market', quantity: tick % 4 === 0 ? '2.5' : '0.25' });
  }, 200);
  userDir = mkdtempSync(join(tmpdir(), 'liqguard-chromium-'));
  ctx = await chromium.launchPersistentContext(userDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    viewport: { width: 1600, height: 1000 },
  });
  page = ctx.pages()[0] ?? (await ctx.newPage());
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => (m.type() === 'error' ? pageErrors.push(m.text()) : undefined));
}, 60_000);

afterAll(async () => {
  if (feeder) clearInterval(feeder);
  await ctx?.close();
  await g?.app.close();
  if (userDir) rmSync(userDir, { recursive: true, force: true });
});

describe('dashboard in headless Chromium', () => {
  it.skipIf(!available)('shows live regimes and decisions, opens a decision, operates the kill switch', async () => {
    await page.goto(g.url + '/');
    // The key is asked for once and kept for the tab.
    await page.locator('#key-modal').waitFor({ state: 'visible' });
    await page.fill('#key-input', KEYS.ops);
    await page.click('#key-submit');
    await page.locator('#conn[data-state="live"]').waitFor();

    // Every symbol has a card with a chart; regime updates arrive live.
    await expect.poll(() => page.locator('.card').count()).toBe(4);
    await expect.poll(() => page.locator('.card canvas').count()).toBe(4);
    const btcSub = page.locator('.card[data-symbol="BTC/USDT:USDT"] .sub');
    const first = await btcSub.textContent();
    await expect.poll(() => btcSub.textContent(), { timeout: 10_000 }).not.toBe(first);
    expect(await page.locator('.card[data-symbol="XRP/USDT:USDT"] .pill').textContent()).toMatch(/stable|stressed|fragile|critical/);
    expect(await page.locator('.card[data-symbol="BNB/USDT:USDT"] .quality').textContent()).toContain('LIQUIDATION_FEED_SILENT');
    expect(await page.locator('.card[data-symbol="ETH/USDT:USDT"] .feature').count()).toBe(5);
    expect(await page.locator('#model-version').textContent()).toContain('stand-in');
    expect(await page.locator('#policy-version').textContent()).toContain('default v1');

    // Live decisions appear beyond the ones loaded at start; filters narrow the table.
    const initial = await page.locator('#decisions tbody tr').count();
    expect(initial).toBeGreaterThanOrEqual(4);
    await expect.poll(() => page.locator('#decisions tbody tr').count(), { timeout: 10_000 }).toBeGreaterThan(initial + 1);
    await page.selectOption('#f-outcome', 'deny');
    await expect.poll(async () => (await page.locator('#decisions tbody tr').allTextContents()).every((t) => t.includes('deny'))).toBe(true);
    expect(await page.locator('#decisions tbody tr').count()).toBeGreaterThan(0);
    await page.selectOption('#f-outcome', '');
    await expect.poll(() => page.locator('#rules tbody tr[data-rule="max-qty"]').count()).toBe(1);

    // Detail of one denied decision: inputs, score, trace, children, venue reports.
    await page.selectOption('#f-outcome', 'deny');
    const row = page.locator('#decisions tbody tr').first();
    const intentId = await row.getAttribute('data-intent-id');
    await row.click();
    const drawer = page.locator('#drawer.open');
    await drawer.waitFor();
    await expect.poll(() => drawer.textContent()).toContain('Rule trace');
    const text = (await drawer.textContent())!;
    expect(text).toContain(intentId!);
    expect(text).toContain('MAX_ORDER_QUANTITY');
    expect(text).toContain('Market inputs');
    expect(text).toContain('Regime score');
    expect(text).toContain('Venue reports');
    // The drawer slides in: wait until it rests against the right edge before the screenshot.
    await expect.poll(() => page.evaluate<number>("Math.round(document.getElementById('drawer').getBoundingClientRect().right - window.innerWidth)")).toBe(0);
    mkdirSync(OUT, { recursive: true });
    await page.screenshot({ path: join(OUT, 'dashboard-detail.png') });
    await page.click('#drawer-close');
    await page.selectOption('#f-outcome', '');

    // Kill switch: the control needs a confirmation and an operator name.
    await page.click('#kill-open');
    await page.locator('#kill-modal').waitFor({ state: 'visible' });
    expect(await page.locator('#kill-submit').isDisabled()).toBe(true);
    await page.selectOption('#kill-scope', 'symbol');
    await page.fill('#kill-value', 'BTC/USDT:USDT');
    await page.fill('#kill-reason', 'cascade in progress <b>not html</b>');
    await page.fill('#kill-operator', 'Ada Lovelace');
    expect(await page.locator('#kill-submit').isDisabled()).toBe(true); // not yet confirmed
    await page.check('#kill-confirm');
    await page.click('#kill-submit');
    await expect.poll(() => page.locator('#kill-badge').textContent()).toContain('KILL SWITCH ON');
    expect(g.kills.list()).toMatchObject([{ scope: { type: 'symbol', value: 'BTC/USDT:USDT' }, operator: 'ops/Ada Lovelace' }]);
    expect(g.audit.records.filter((r) => r.type === 'kill').at(-1)!.body).toMatchObject({ operator: 'ops/Ada Lovelace', reason: 'cascade in progress <b>not html</b>' });
    expect(await page.locator('#kill-list li').textContent()).toContain('<b>not html</b>'); // shown as text, not markup
    // New orders in scope are now denied by the kill switch, live in the table.
    await expect.poll(async () => (await page.locator('#decisions tbody').textContent())!.includes('KILL_SWITCH'), { timeout: 10_000 }).toBe(true);
    await page.screenshot({ path: join(OUT, 'dashboard.png'), fullPage: true });

    // Lift it again through the same confirmation.
    await page.click('#kill-list li button');
    await page.locator('#kill-modal').waitFor({ state: 'visible' });
    expect(await page.locator('#kill-operator').inputValue()).toBe('Ada Lovelace');
    await page.check('#kill-confirm');
    await page.click('#kill-submit');
    await expect.poll(() => page.locator('#kill-badge').textContent()).toBe('TRADING ACTIVE');
    expect(g.kills.list()).toEqual([]);
    expect(g.audit.records.filter((r) => r.type === 'unkill').at(-1)!.body).toMatchObject({ operator: 'ops/Ada Lovelace' });
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
