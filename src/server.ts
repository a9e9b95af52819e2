/** The only module that listens on a port or exits the process. */
import type { GatewayConfig } from './config/types.js';
import { buildGateway, type Gateway } from './gateway/gateway.js';
import { bindWarnings, boundUrl } from './ingress/bind-address.js';

export interface RunningServer {
  readonly gateway: Gateway;
  readonly url: string;
  stop(reason: string): Promise<void>;
}

export async function startServer(
  config: GatewayConfig,
  out: NodeJS.WritableStream = process.stderr,
): Promise<RunningServer> {
  const gateway = await buildGateway(config, {
    logger: {
      level: config.server.logLevel,
      redact: ['req.headers["x-api-key"]', 'req.headers.authorization', 'req.headers["x-mbx-apikey"]'],
    },
  });
  await gateway.start();
  const url = await gateway.app.listen({ port: config.server.port, host: config.server.host });
  const line = (s: string) => out.write(s + '\n');
  // The address actually bound (fastify answers a loopback URL even when bound to 0.0.0.0).
  const bound = boundUrl(gateway.app.server.address(), url);
  for (const w of bindWarnings(
    new URL(bound).hostname,
    config.clients.some((c) => c.apiKey?.startsWith('lg_demo_')),
  ))
    line(w);
  line(
    `liqguard listening on ${bound}  (instance ${config.instance}, policy ` +
      `${gateway.policies.enforcing.id}@${gateway.policies.enforcing.sha256.slice(0, 12)}, scorer ` +
      `${gateway.scorer().id})`,
  );
  if (gateway.replay) {
    const r = config.market.replay;
    line(
      `market: replaying ${r.from} → ${r.to} at ${r.barsPerSecond} bars/s${r.loop ? ', looping' : ''} (real ` +
        `Binance history, see data/README.md)`,
    );
  }
  const demo = config.clients.find((c) => c.apiKey?.startsWith('lg_demo_'));
  for (const c of config.clients) {
    // Only literal demo keys are printed; keys from the environment stay secret.
    if (c === demo) line(`demo API key: ${c.apiKey}   (client "${c.id}", roles ${c.roles.join('/')})`);
  }
  for (const l of tryLines(url, demo)) line(l);
  let stopping = false;
  const stop = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    line(`liqguard stopping (${reason})`);
    gateway.audit.append('startup', { event: 'shutdown', reason });
    await gateway.close();
  };
  return { gateway, url, stop };
}

/** Copy-paste commands that work as printed: with the demo key where the config has one. */
function tryLines(url: string, demo: { apiKey?: string; apiSecret?: string } | undefined): string[] {
  const key = demo?.apiKey ?? '<your API key>';
  const lines = [
    `try:  curl -s ${url}/v1/regime/BTC%2FUSDT%3AUSDT -H 'x-api-key: ${key}'`,
    `      curl -s ${url}/v1/orders -H 'x-api-key: ${key}' -H 'content-type: application/json' \\`,
    `        -d '{"symbol":"BTC/USDT:USDT","side":"buy","type":"market","quantity":"0.01"}'`,
  ];
  if (demo?.apiSecret)
    lines.push(
      `bots: Binance USD-M door at ${url}/fapi with apiKey ${key} and secret ${demo.apiSecret} (README: Routing a bot)`,
    );
  lines.push(`docs: ${url}/docs   ·   dashboard: ${url}/`);
  return lines;
}

/** Run until SIGINT/SIGTERM; exit code 0 on a clean stop. */
export async function serveForever(config: GatewayConfig): Promise<number> {
  const s = await startServer(config);
  return new Promise((resolve) => {
    const onSignal = (sig: string) => {
      s.stop(sig).then(
        () => resolve(0),
        (err) => {
          process.stderr.write(`shutdown failed: ${(err as Error).message}\n`);
          resolve(1);
        },
      );
    };
    process.once('SIGINT', () => onSignal('SIGINT'));
    process.once('SIGTERM', () => onSignal('SIGTERM'));
  });
}
