import { loadConfig } from '../../config/load.js';
import { serveForever } from '../../server.js';

const USAGE = `usage: liqguard serve [--config FILE]

Runs the gateway. Without --config it runs the embedded default: a simulated venue replaying real
Binance history through the 2025-10-10 cascade, a demo client (its key is printed), no network.
Environment: PORT (default 8080), HOST (default 127.0.0.1), LOG_LEVEL, LIQGUARD_VAR (state and
audit directory of the embedded default, default ./var).`;

export async function run(argv: string[]): Promise<number> {
  let file: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') {
      process.stdout.write(USAGE + '\n');
      return 0;
    }
    if (a === '--config' || a === '-c') file = argv[++i];
    else if (a.startsWith('--config=')) file = a.slice('--config='.length);
    else {
      process.stderr.write(`liqguard serve: unknown argument "${a}"\n${USAGE}\n`);
      return 2;
    }
  }
  return serveForever(loadConfig(file));
}
