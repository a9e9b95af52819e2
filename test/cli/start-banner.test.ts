/** `npm start` prints copy-paste commands; they must work exactly as printed (run here through sh + curl). */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMBEDDED_DEFAULT_YAML } from '../../src/config/embedded-default.js';
import { loadConfigText, PACKAGE_ROOT } from '../../src/config/load.js';
import { startServer, type RunningServer } from '../../src/server.js';

const sh = promisify(execFile);
let server: RunningServer;
let printed = '';

beforeAll(async () => {
  const varDir = mkdtempSync(join(tmpdir(), 'lg-banner-'));
  const yaml = EMBEDDED_DEFAULT_YAML.replace('dir: var/audit', `dir: ${join(varDir, 'audit')}`).replace(
    'dir: var/state',
    `dir: ${join(varDir, 'state')}`,
  );
  const config = loadConfigText(yaml, { env: { PORT: '0' }, baseDir: PACKAGE_ROOT });
  const out = new Writable({ write: (chunk, _enc, cb) => ((printed += String(chunk)), cb()) });
  server = await startServer(config, out);
}, 60_000);
afterAll(async () => server?.stop('test'));

/** The command block starting at `try:`, continued lines joined as a shell would. */
function commands(text: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith('try:'));
  const block: string[] = [];
  for (let i = start; i < lines.length && (i === start || lines[i]!.startsWith(' ')); i++)
    block.push(lines[i]!.replace(/^try:/, ''));
  return block
    .join('\n')
    .split(/\n(?=\s*curl )/)
    .map((c) => c.trim());
}

describe('start-up banner', () => {
  it('prints the demo key and secret, and no placeholder', () => {
    expect(printed).toContain('demo API key: lg_demo_');
    expect(printed).toMatch(/secret lg_demo_secret_\w+/);
    expect(printed).not.toMatch(/<[a-z ]*key>/i);
  });

  it('prints curl commands that work as printed', async () => {
    const [regime, order] = commands(printed);
    expect(regime).toContain(server.url);
    const r = JSON.parse((await sh('sh', ['-c', regime!])).stdout) as { symbol: string; status: string };
    expect(r.symbol).toBe('BTC/USDT:USDT');
    const o = JSON.parse((await sh('sh', ['-c', order!])).stdout) as { decision: { kind: string } };
    expect(['accept', 'modify', 'split', 'deny']).toContain(o.decision.kind);
  });
});
