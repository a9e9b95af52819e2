import { readFileSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { createRedactor, isSecretKey, REDACTED } from '../../src/audit/redact.js';
import { verifyAudit } from '../../src/audit/verify.js';
import { decisionBody, openLog, T0, tempDir } from './fixtures.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

const allText = (): string =>
  readdirSync(dir)
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('');

const API_KEY = 'lgk_live_7f3c9a1e5b2d4f60';
const HMAC = 'S3cr3t-HMAC-value-0042';
const VENUE_SECRET = 'vnS_abcdefghijklmnop';

describe('redaction', () => {
  it('secrets never reach the file, by key name or by literal value anywhere', async () => {
    const log = openLog(dir, new ManualClock(T0), { secrets: [API_KEY, HMAC, VENUE_SECRET] });
    log.append('config_load', {
      sha256: 'c'.repeat(64),
      source: '/etc/liqguard.yaml',
      clients: { alpha: { apiKey: API_KEY, apiSecret: HMAC } },
      venue: {
        binance: {
          api_key: 'literal-unregistered-1',
          secret: 'literal-unregistered-2',
          passphrase: 'pp-unregistered-3',
        },
      },
      headers: { Authorization: `Bearer ${API_KEY}`, 'X-API-KEY': API_KEY, cookie: 'sid=unregistered-4' },
      nested: [
        { deep: { password: 'pw-unregistered-5', accessToken: 'tok-unregistered-6', signature: 'sig-unregistered-7' } },
      ],
      error: new Error(`venue said: invalid key ${VENUE_SECRET} (code -2015)`),
      url: `https://api.example/v1/order?signature=x&apiKey=${API_KEY}`,
      [`byKey:${API_KEY}`]: 1,
    });
    log.append('decision', { ...decisionBody({ n: 1, clientOrderId: `oops-${HMAC}` }) });
    await log.close();
    const text = allText();
    for (const s of [
      API_KEY,
      HMAC,
      VENUE_SECRET,
      'unregistered-1',
      'unregistered-2',
      'unregistered-3',
      'unregistered-4',
      'unregistered-5',
      'unregistered-6',
      'unregistered-7',
    ]) {
      expect(text).not.toContain(s);
    }
    expect(text).toContain(REDACTED);
    expect(text).toContain('venue said: invalid key [REDACTED] (code -2015)'); // the message stays useful
    expect((await verifyAudit(dir)).ok).toBe(true); // redaction happens before hashing
  });

  it('matches secret-like key names case-insensitively but keeps ordinary fields', () => {
    for (const k of [
      'apiKey',
      'API_KEY',
      'x-api-key',
      'apiSecret',
      'secret',
      'Signature',
      'authorization',
      'password',
      'token',
      'accessToken',
      'passphrase',
    ]) {
      expect(isSecretKey(k)).toBe(true);
    }
    for (const k of ['clientOrderId', 'policySha256', 'tokens', 'symbol', 'keyId', 'signatures'])
      expect(isSecretKey(k)).toBe(false);
  });

  it('normalises to plain JSON without losing non-secret data', () => {
    const r = createRedactor(['abcd1234']);
    const cyc: Record<string, unknown> = { a: 1 };
    cyc.self = cyc;
    expect(
      r.normalize({
        n: NaN,
        i: Infinity,
        b: 10n,
        u: undefined,
        m: new Map([['k', 'v-abcd1234']]),
        s: new Set([1]),
        cyc,
      }),
    ).toEqual({
      n: null,
      i: null,
      b: '10',
      m: { k: `v-${REDACTED}` },
      s: [1],
      cyc: { a: 1, self: '[Circular]' },
    });
  });
});

describe('write failures', () => {
  it('a full disk turns every append into AUDIT_WRITE_FAILED (fail closed)', async () => {
    const clock = new ManualClock(Date.UTC(2024, 2, 1, 23, 0, 0));
    const log = openLog(dir, clock);
    log.append('startup', { version: 'x', node: 'v20' });
    // The next day's segment is /dev/full: write(2) fails with ENOSPC.
    symlinkSync('/dev/full', join(dir, 'audit-gw1-20240302-000002.jsonl'));
    clock.advance(3_600_000);
    expect(() => log.append('decision', decisionBody({ n: 1 }))).toThrow(
      expect.objectContaining({ code: 'AUDIT_WRITE_FAILED', message: expect.stringContaining('ENOSPC') }),
    );
    expect(() => log.append('decision', decisionBody({ n: 2 }))).toThrow(
      expect.objectContaining({ code: 'AUDIT_WRITE_FAILED' }),
    );
    expect(log.head().seq).toBe(1);
    await log.close();
  });
});
