/** `liqguard audit seal`: the supported way out of a torn last line (a crash or power loss
 * mid-write with fsync off). The torn bytes stay in their file; a new segment starts whose first
 * record (`startup` with `chainBreak`) names the file, the line, the last good seq and hash and
 * how many bytes were left out of the chain, followed by a record saying who sealed it and the
 * sha256 of the dropped bytes. `audit verify` accepts such a sealed break (and `--strict` fails
 * on it). Nothing to seal: exit 0 without writing. */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createHash } from 'node:crypto';
import { systemClock } from '../../core/clock.js';
import { AuditLog } from '../../audit/writer.js';
import { listSegments } from '../../audit/files.js';
import { findChainHead } from '../../audit/resume.js';

function tailBytes(path: string, n: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const buf = Buffer.alloc(Math.min(n, size));
    readSync(fd, buf, 0, buf.length, size - buf.length);
    return buf;
  } finally {
    closeSync(fd);
  }
}

export async function seal(args: string[], defaultDir: string, out: (s: string) => void): Promise<number> {
  const { values } = parseArgs({ args, options: { dir: { type: 'string' }, instance: { type: 'string' } } });
  const dir = values.dir ?? defaultDir;
  const instances = values.instance ? [values.instance] : [...listSegments(dir).keys()];
  if (!instances.length) {
    out(`no audit segments in ${dir}: nothing to seal\n`);
    return 0;
  }
  let sealed = 0;
  for (const instance of instances) {
    const head = findChainHead(dir, instance);
    if (!head.torn) {
      out(`${instance}: chain ends on a whole line (seq ${head.seq}): nothing to seal\n`);
      continue;
    }
    const dropped = tailBytes(join(dir, head.torn.file), head.torn.bytes ?? 0);
    const log = AuditLog.open({
      dir,
      instance,
      clock: systemClock,
      onTornTail: 'seal',
      version: process.env.npm_package_version ?? 'cli',
    });
    const r = log.append('startup', {
      event: 'audit_seal',
      tool: 'liqguard audit seal',
      sealed: {
        file: head.torn.file,
        line: head.torn.line,
        droppedBytes: dropped.length,
        droppedSha256: createHash('sha256').update(dropped).digest('hex'),
        lastGoodSeq: head.seq,
      },
    });
    await log.close();
    sealed++;
    out(
      `${instance}: sealed ${head.torn.file} line ${head.torn.line} (${dropped.length} torn bytes left out of ` +
        `the chain after seq ${head.seq}); chain continues at seq ${r.seq}\n`,
    );
  }
  out(`${sealed} chain(s) sealed\n`);
  return 0;
}
