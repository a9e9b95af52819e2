/** Finds and serves the dashboard's static files. They live in src/dashboard/public; a build
 * that copies them to dist/dashboard/public is found first. uPlot comes from node_modules. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface StaticAsset {
  readonly body: Buffer;
  readonly type: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** The first directory holding index.html: explicit, next to this module, then <package>/src/dashboard/public. */
export function findPublicDir(explicit?: string): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [explicit, join(here, 'public')];
  for (let dir = here, i = 0; i < 6; i++, dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) {
      candidates.push(join(dir, 'src', 'dashboard', 'public'));
      break;
    }
  }
  return candidates.find((d): d is string => !!d && existsSync(join(d, 'index.html')));
}

/** Every file the dashboard serves, read once at start (a few hundred KB). */
export function loadAssets(publicDir: string | undefined): {
  index?: StaticAsset;
  assets: Map<string, StaticAsset>;
  problems: string[];
} {
  const assets = new Map<string, StaticAsset>();
  const problems: string[] = [];
  let index: StaticAsset | undefined;
  if (!publicDir)
    problems.push('dashboard files not found: expected src/dashboard/public or dist/dashboard/public with index.html');
  else {
    for (const name of readdirSync(publicDir)) {
      const type = TYPES[extname(name)];
      if (!type) continue;
      const asset = { body: readFileSync(join(publicDir, name)), type };
      if (name === 'index.html') index = asset;
      else assets.set(name, asset);
    }
  }
  const require = createRequire(import.meta.url);
  for (const [name, spec] of [
    ['uplot.js', 'uplot/dist/uPlot.iife.min.js'],
    ['uplot.css', 'uplot/dist/uPlot.min.css'],
  ] as const) {
    try {
      assets.set(name, { body: readFileSync(require.resolve(spec)), type: TYPES[extname(name)]! });
    } catch {
      problems.push(`${spec} not found: install the uplot dependency (npm ci)`);
    }
  }
  return index ? { index, assets, problems } : { assets, problems };
}
