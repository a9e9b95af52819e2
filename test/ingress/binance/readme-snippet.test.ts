/** The ccxt snippet in src/ingress/binance/README.md runs as written against the embedded default
 * (only the gateway URL and the key/secret env vars are supplied), so a newcomer's first try works. */
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_API_KEY, DEMO_API_SECRET } from '../../../src/config/embedded-default.js';
import { PACKAGE_ROOT } from '../../../src/config/load.js';
import type { Gateway } from '../../../src/gateway/gateway.js';
import { startEmbeddedGateway } from '../../gateway/support.js';

const run = promisify(execFile);
let gw: Gateway;
let url: string;
const file = join(PACKAGE_ROOT, `.readme-snippet-${process.pid}.mjs`);

beforeAll(async () => ({ gw, url } = await startEmbeddedGateway()), 60_000);
afterAll(async () => {
  rmSync(file, { force: true });
  await gw?.close();
});

describe('README ccxt snippet', () => {
  it('places a resting post-only bid and gets a readable denial for an oversized order', async () => {
    const md = readFileSync(join(PACKAGE_ROOT, 'src/ingress/binance/README.md'), 'utf8');
    const code = /```ts\n([\s\S]*?)```/.exec(md)![1]!.replace("'http://127.0.0.1:8080'", JSON.stringify(url));
    expect(code).toContain(url);
    // The snippet's catch block swallows the denial; print it so the test can see it happened.
    writeFileSync(
      file,
      code.replace('} catch (e) {', '} catch (e) { console.log("denied:", e.constructor.name, e.message);'),
    );
    const { stdout } = await run('node', [file], {
      cwd: PACKAGE_ROOT,
      env: { ...process.env, LIQGUARD_KEY: DEMO_API_KEY, LIQGUARD_SECRET: DEMO_API_SECRET },
      timeout: 60_000,
    });
    expect(stdout).toMatch(/^\S+ open$/m);
    expect(stdout).toMatch(/denied: InvalidOrder .*MAX_ORDER_QUANTITY/);
  }, 90_000);
});
