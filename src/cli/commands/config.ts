import { EMBEDDED_DEFAULT_YAML } from '../../config/embedded-default.js';
import { loadConfig } from '../../config/load.js';

const USAGE = `usage:
  liqguard config default        print the embedded default config (start your own from it)
  liqguard config check FILE     validate a config file; prints every error with its path`;

export async function run(argv: string[]): Promise<number> {
  const [sub, file] = argv;
  if (sub === 'default') {
    process.stdout.write(EMBEDDED_DEFAULT_YAML);
    return 0;
  }
  if (sub === 'check' && file) {
    const c = loadConfig(file);
    process.stdout.write(
      `OK ${file} sha256=${c.sha256} clients=${c.clients.length} venues=${c.venues.map((v) => v.id).join(',')}\n`,
    );
    return 0;
  }
  process.stdout.write(USAGE + '\n');
  return sub === '--help' ? 0 : 2;
}
