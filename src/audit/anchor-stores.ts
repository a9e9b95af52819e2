/** Where checkpoints live: a Redis key per instance (written by a Lua script that never moves a
 * checkpoint back), or one JSON file per instance in a directory outside the audit directory
 * (written atomically: temp file + rename). `openAnchorStore(spec)` takes `redis://…`,
 * `rediss://…` or `file:PATH` / a plain path. */
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { isCheckpoint, type AnchorStore, type Checkpoint } from './anchor.js';

function fileAnchorStore(dir: string): AnchorStore {
  const abs = resolve(dir);
  const fileOf = (instance: string) => join(abs, `anchor-${instance}.json`);
  const read = (file: string): Checkpoint | undefined => {
    try {
      const v = JSON.parse(readFileSync(file, 'utf8')) as unknown;
      return isCheckpoint(v) ? v : undefined;
    } catch {
      return undefined;
    }
  };
  return {
    describe: `file:${abs}`,
    async put(cp) {
      mkdirSync(abs, { recursive: true });
      const prev = read(fileOf(cp.instance));
      if (prev && prev.seq > cp.seq) return;
      const tmp = `${fileOf(cp.instance)}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(cp) + '\n');
      renameSync(tmp, fileOf(cp.instance));
    },
    async list() {
      let names: string[];
      try {
        names = readdirSync(abs);
      } catch {
        return [];
      }
      return names.filter((n) => /^anchor-.+\.json$/.test(n)).flatMap((n) => read(join(abs, n)) ?? []);
    },
    async close() {},
  };
}

// KEYS[1] = the instance's key; ARGV[1] = checkpoint JSON, ARGV[2] = its seq.
const PUT_SCRIPT = `
local cur = redis.call('GET', KEYS[1])
if cur then
  local ok, old = pcall(cjson.decode, cur)
  if ok and type(old) == 'table' and tonumber(old.seq) and tonumber(old.seq) > tonumber(ARGV[2]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1])
return 1`;

function redisAnchorStore(url: string, keyPrefix = 'liqguard:'): AnchorStore {
  const redis = new Redis(url, {
    lazyConnect: false,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    connectTimeout: 5000,
  });
  redis.on('error', () => undefined); // surfaced by the failing command
  const prefix = `${keyPrefix}audit:anchor:`;
  return {
    describe: `redis ${new URL(url).host} ${prefix}*`,
    async put(cp) {
      await redis.eval(PUT_SCRIPT, 1, prefix + cp.instance, JSON.stringify(cp), String(cp.seq));
    },
    async list() {
      const out: Checkpoint[] = [];
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 100);
        cursor = next;
        for (const k of keys) {
          const v = await redis.get(k);
          try {
            const cp = JSON.parse(v ?? '') as unknown;
            if (isCheckpoint(cp)) out.push(cp);
          } catch {
            // not a checkpoint: ignored (verify reports instances without one)
          }
        }
      } while (cursor !== '0');
      return out;
    },
    async close() {
      redis.disconnect();
    },
  };
}

export function openAnchorStore(spec: string, keyPrefix?: string): AnchorStore {
  if (/^rediss?:\/\//.test(spec)) return redisAnchorStore(spec, keyPrefix);
  return fileAnchorStore(spec.startsWith('file:') ? spec.slice('file:'.length) : spec);
}
