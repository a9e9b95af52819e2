/** Builds a whole gateway from the embedded default config into a temporary state directory. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMBEDDED_DEFAULT_YAML } from '../../src/config/embedded-default.js';
import { loadConfigText, PACKAGE_ROOT } from '../../src/config/load.js';
import { buildGateway, type Gateway } from '../../src/gateway/gateway.js';

export async function startEmbeddedGateway(
  edit: (yaml: string) => string = (y) => y,
): Promise<{ gw: Gateway; url: string; varDir: string }> {
  const varDir = mkdtempSync(join(tmpdir(), 'lg-e2e-'));
  const yaml = edit(EMBEDDED_DEFAULT_YAML)
    .replace('dir: var/audit', `dir: ${join(varDir, 'audit')}`)
    .replace('dir: var/state', `dir: ${join(varDir, 'state')}`);
  const config = loadConfigText(yaml, { env: {}, baseDir: PACKAGE_ROOT });
  const gw = await buildGateway(config, { logger: false });
  await gw.start();
  const url = await gw.app.listen({ port: 0, host: '127.0.0.1' });
  return { gw, url, varDir };
}

/** The embedded default with its venue replaced by a `kind: ccxt` venue at `urls` (liqguard venue
 * in the tests), credentials from the two env names. */
export function withCcxtVenue(yaml: string, urls: Readonly<Record<string, string>>): string {
  const venueYaml = `venues:
  - id: sim
    kind: ccxt
    exchangeId: binanceusdm
    symbols: [BTC/USDT:USDT, ETH/USDT:USDT, XRP/USDT:USDT, BNB/USDT:USDT]
    apiKeyEnv: LG_TEST_VENUE_KEY
    secretEnv: LG_TEST_VENUE_SECRET
    urls: ${JSON.stringify(urls)}
market:`;
  return yaml.replace(/venues:\n[\s\S]*?\nmarket:/, venueYaml);
}
