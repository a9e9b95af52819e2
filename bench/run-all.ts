/** `npm run bench`: every benchmark in sequence, each in its own process so one cannot warm or
 * starve another. Pass names to run a subset: `npm run bench -- http policy`. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const ALL = [
  'http',
  'pipeline',
  'features',
  'scoring',
  'policy',
  'audit',
  'venue',
  'e2e-venue',
  'cluster',
  'user-stream',
];
const wanted = process.argv.slice(2).length ? process.argv.slice(2) : ALL;
let failed = 0;
for (const name of wanted) {
  const file = join(here, `${name}.bench.ts`);
  if (!existsSync(file)) {
    console.log(`\n== ${name}: not present in this build, skipped`);
    continue;
  }
  console.log(`\n== ${name} (${file})`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', file], {
    stdio: 'inherit',
    env: { ...process.env, LOG_LEVEL: 'silent' },
  });
  if (r.status !== 0) {
    failed++;
    console.log(`!! ${name} exited with ${r.status}`);
  }
}
process.exitCode = failed ? 1 : 0;
