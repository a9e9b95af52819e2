/** The v1 line format is a contract read by auditors' tools: these tests pin it. */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { decisionBody, openLog, T0, tempDir } from './fixtures.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
const fileText = (): string =>
  readFileSync(
    join(
      dir,
      readdirSync(dir).find((f) => f.endsWith('.jsonl'))!,
    ),
    'utf8',
  );

describe('audit envelope v1', () => {
  it('matches a hand-built line: key order, genesis, canonical hash', async () => {
    const log = openLog(dir, new ManualClock(T0));
    log.append('startup', { version: '0.1.0', node: 'v20.0.0' });
    await log.close();
    const genesis = sha('liqguard-audit-v1-genesis:gw1');
    const canonical = `{"instance":"gw1","node":"v20.0.0","prev":"${genesis}","seq":1,"ts":${T0},"type":"startup","v":1,"version":"0.1.0"}`;
    const hash = sha(genesis + canonical);
    expect(fileText()).toBe(
      `{"v":1,"seq":1,"ts":${T0},"instance":"gw1","type":"startup","prev":"${genesis}","version":"0.1.0","node":"v20.0.0","hash":"${hash}"}\n`,
    );
  });

  it('a decision record for a fixed clock and input equals the golden line', async () => {
    const log = openLog(dir, new ManualClock(T0), { format: 1 }); // v1 is still written on request
    log.append('decision', decisionBody({ n: 1, kind: 'deny', code: 'MAX_ORDER_NOTIONAL', ruleId: 'max-notional' }));
    await log.close();
    const golden = join(import.meta.dirname, 'golden', 'decision-v1.jsonl');
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(golden, fileText()); // regenerate deliberately, then review the diff
    expect(fileText()).toBe(readFileSync(golden, 'utf8'));
  });

  it('a v2 (compact) decision record for the same input equals its golden line', async () => {
    const log = openLog(dir, new ManualClock(T0));
    log.append('decision', decisionBody({ n: 1, kind: 'deny', code: 'MAX_ORDER_NOTIONAL', ruleId: 'max-notional' }));
    await log.close();
    const golden = join(import.meta.dirname, 'golden', 'decision-v2.jsonl');
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(golden, fileText()); // regenerate deliberately, then review the diff
    expect(fileText()).toBe(readFileSync(golden, 'utf8'));
  });
});
