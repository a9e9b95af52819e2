/** Flags of a CLI command, parsed strictly, with the usage on the two ways out: a bad flag prints
 * the error and the usage to stderr (exit 2), `--help` prints the usage to stdout (exit 0). */
import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;
type Flags<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; strict: true; options: O }>>['values'];

/** The command's flags, or the exit code when it should stop here. */
export function commandFlags<const O extends Options>(
  command: string,
  usage: string,
  argv: string[],
  options: O,
): Flags<O> | number {
  let values: Flags<O>;
  try {
    values = parseArgs({ args: argv, strict: true, options }).values;
  } catch (e) {
    process.stderr.write(`liqguard ${command}: ${(e as Error).message}\n${usage}\n`);
    return 2;
  }
  if ((values as { help?: unknown }).help) {
    process.stdout.write(usage + '\n');
    return 0;
  }
  return values;
}
