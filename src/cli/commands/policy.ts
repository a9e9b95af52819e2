/** `liqguard policy check FILE|DIR`: validate policy sets; print OK with id and sha256 per set,
 * or every error with its path. Exit 0 when all are valid, 1 otherwise, 2 on usage errors. */
import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { isLiqguardError } from '../../core/errors.js';
import { isPolicyFile, loadPolicyFile } from '../../policy/load.js';

const USAGE = `usage:
  liqguard policy check FILE|DIR   validate policy files (a directory: every *.yaml in it)
                                   prints "OK <file> id=<id> version=<n> rules=<n> sha256=<hex>" per set,
                                   or every error as "<file>: <path>: <message>"; exit 1 on any error`;

export async function run(argv: string[]): Promise<number> {
  const [sub, target, ...extra] = argv;
  if (sub === '--help' || sub === '-h') {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  if (sub !== 'check' || !target || extra.length) {
    process.stderr.write(USAGE + '\n');
    return 2;
  }
  let files: string[];
  try {
    files = statSync(target).isDirectory()
      ? readdirSync(target)
          .filter(isPolicyFile)
          .sort()
          .map((n) => join(target, n))
      : [target];
  } catch (err) {
    process.stderr.write(
      `liqguard policy: cannot read ${target}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}\n`,
    );
    return 1;
  }
  if (!files.length) {
    process.stderr.write(`liqguard policy: no *.yaml policy files in ${target}\n`);
    return 1;
  }
  let errors = 0;
  const ids = new Map<string, string>();
  for (const file of files) {
    try {
      const set = loadPolicyFile(file);
      const other = ids.get(set.id);
      if (other) {
        errors++;
        process.stdout.write(`${file}: id: duplicate policy set id "${set.id}" (also in ${basename(other)})\n`);
        continue;
      }
      ids.set(set.id, file);
      process.stdout.write(
        `OK ${file} id=${set.id} version=${set.version} rules=${set.rules.length} sha256=${set.sha256}\n`,
      );
    } catch (err) {
      if (!isLiqguardError(err)) throw err;
      const details = err.details.length ? err.details : [{ message: err.message }];
      errors += details.length;
      for (const d of details) process.stdout.write(`${file}: ${d.path ? `${d.path}: ` : ''}${d.message}\n`);
    }
  }
  if (errors) process.stderr.write(`${errors} error(s); see policies/README.md for the format\n`);
  return errors ? 1 : 0;
}
