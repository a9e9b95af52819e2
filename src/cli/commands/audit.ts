/** `liqguard audit verify|query|report`: read-only tools over the audit directory. Exit codes:
 * 0 ok, 1 chain broken (verify) or failure, 2 usage error. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { systemClock } from '../../core/clock.js';
import { isLiqguardError } from '../../core/errors.js';
import { parseAuditQuery } from '../../audit/filters.js';
import { matches, queryAudit, streamAudit } from '../../audit/query.js';
import { writeAuditReport } from '../../audit/report.js';
import { formatVerifyResult, verifyAudit } from '../../audit/verify.js';
import { checkAnchors, formatAnchorCheck } from '../../audit/anchor-verify.js';
import { openAnchorStore } from '../../audit/anchor-stores.js';
import { seal } from './audit-seal.js';

const DEFAULT_DIR = (): string => resolve(process.env.LIQGUARD_VAR ?? 'var', 'audit');

const USAGE = `usage:
  liqguard audit verify FILE|DIR [--json] [--strict] [--allow-pruned]
                        [--anchor redis://HOST:PORT|file:DIR [--anchor-prefix P] [--anchor-key-env VAR]]
      Check the hash chain of one segment file or of every instance in a directory.
      Exit 0 when intact, 1 naming the first bad line (file:line) of each broken chain.
      --strict        also fail on sealed breaks (a crash mid-line recorded by the writer)
      --allow-pruned  the oldest segments were archived: trust the first present record
      --anchor        also check each chain against its anchored head (audit.anchor in the
                      config): a chain ending before it fails, naming the missing seq range
      --anchor-key-env  environment variable holding the HMAC key: checkpoints must be signed
      --json          print the structured result
  liqguard audit seal [--dir DIR] [--instance ID]
      Seal a torn last line (crash mid-write): a new segment starts with a record of the
      break and of the bytes left out of the chain. Exit 0 (also when there is nothing to seal).
  liqguard audit query [--dir DIR] [--from T] [--to T] [--client ID] [--symbol SYM]
                       [--outcome accept,modify,split,deny] [--rule RULE_ID] [--type TYPE,...]
                       [--instance ID] [--limit N [--cursor C]]
      Print matching records as JSON lines, all instances merged by time. T is ISO 8601
      (2024-03-01T12:00:00Z) or epoch ms; --from is inclusive, --to exclusive. With --limit,
      prints one page and the cursor of the next page on stderr.
  liqguard audit report [--dir DIR] [--from T] [--to T] --out FILE.html [--top N] [--allow-pruned]
      Write a self-contained HTML compliance report for the period (the chain status covers
      the whole directory; --top sets the rows of the largest denied/capped tables, default 10).
DIR defaults to $LIQGUARD_VAR/audit (var/audit).`;

function usageError(msg: string): number {
  process.stderr.write(`liqguard audit: ${msg}\n\n${USAGE}\n`);
  return 2;
}

let stdoutClosed = false;

/** Writes with backpressure; a closed pipe (`| head`) ends the output quietly. */
async function out(line: string): Promise<void> {
  if (stdoutClosed) return;
  if (!process.stdout.write(line)) {
    await new Promise<void>((r) => {
      process.stdout.once('drain', () => r());
      process.stdout.once('error', () => r());
    });
  }
}

async function verify(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      json: { type: 'boolean' },
      strict: { type: 'boolean' },
      'allow-pruned': { type: 'boolean' },
      anchor: { type: 'string' },
      'anchor-prefix': { type: 'string' },
      'anchor-key-env': { type: 'string' },
    },
  });
  if (positionals.length !== 1) return usageError('verify takes exactly one FILE or DIR');
  const path = positionals[0]!;
  if (!existsSync(path)) return usageError(`${path} does not exist`);
  const r = await verifyAudit(path, { allowPrunedHead: values['allow-pruned'] ?? false });
  const keyEnv = values['anchor-key-env'];
  if (keyEnv && !process.env[keyEnv]) return usageError(`--anchor-key-env: environment variable ${keyEnv} is not set`);
  let anchorOk = true;
  let anchors: Awaited<ReturnType<typeof checkAnchors>> | undefined;
  if (values.anchor) {
    const store = openAnchorStore(values.anchor, values['anchor-prefix']);
    try {
      anchors = await checkAnchors(path, r, await store.list(), keyEnv ? process.env[keyEnv] : undefined);
    } finally {
      await store.close();
    }
    anchorOk = anchors.ok;
  }
  await out(
    (values.json
      ? JSON.stringify(anchors ? { ...r, ok: r.ok && anchorOk, anchors } : r, null, 2)
      : formatVerifyResult(r) + (anchors ? `\n${formatAnchorCheck(anchors)}` : '')) + '\n',
  );
  if (!r.ok || !anchorOk) return 1;
  return values.strict && r.breaks.length ? 1 : 0;
}

const FILTER_OPTS = [
  'from',
  'to',
  'client',
  'symbol',
  'outcome',
  'rule',
  'type',
  'instance',
  'limit',
  'cursor',
] as const;

async function query(args: string[]): Promise<number> {
  const options: Record<string, { type: 'string' }> = { dir: { type: 'string' } };
  for (const k of FILTER_OPTS) options[k] = { type: 'string' };
  const { values, positionals } = parseArgs({ args, options, allowPositionals: true });
  if (positionals.length) return usageError(`unexpected argument ${positionals[0]}`);
  const dir = typeof values.dir === 'string' ? values.dir : DEFAULT_DIR();
  if (!existsSync(dir)) return usageError(`audit directory ${dir} does not exist (use --dir)`);
  const raw: Record<string, string> = {};
  for (const k of FILTER_OPTS) if (typeof values[k] === 'string') raw[k] = values[k];
  const q = parseAuditQuery(raw);
  if (q.cursor !== undefined && q.limit === undefined) return usageError('--cursor needs --limit');
  if (q.limit !== undefined) {
    const page = await queryAudit(dir, q.filters, { cursor: q.cursor, limit: q.limit });
    for (const r of page.records) await out(JSON.stringify(r) + '\n');
    process.stderr.write(
      page.nextCursor ? `next page: --limit ${q.limit} --cursor ${page.nextCursor}\n` : 'no more records\n',
    );
    return 0;
  }
  let n = 0;
  const onError = (err: NodeJS.ErrnoException): void => {
    if (err.code === 'EPIPE') stdoutClosed = true;
  };
  process.stdout.on('error', onError);
  try {
    for await (const { record } of streamAudit(dir, q.filters)) {
      if (stdoutClosed) break;
      if (!matches(record, q.filters)) continue;
      await out(JSON.stringify(record) + '\n');
      n++;
    }
  } finally {
    process.stdout.off('error', onError);
  }
  if (!stdoutClosed) process.stderr.write(`${n} record(s)\n`);
  return 0;
}

async function report(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      dir: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      out: { type: 'string' },
      top: { type: 'string' },
      'allow-pruned': { type: 'boolean' },
    },
    allowPositionals: true,
  });
  if (positionals.length) return usageError(`unexpected argument ${positionals[0]}`);
  if (!values.out) return usageError('report needs --out FILE.html');
  const dir = values.dir ?? DEFAULT_DIR();
  if (!existsSync(dir)) return usageError(`audit directory ${dir} does not exist (use --dir)`);
  const top = values.top === undefined ? 10 : Number(values.top);
  if (!Number.isInteger(top) || top < 1 || top > 1000) return usageError('--top must be an integer from 1 to 1000');
  const { filters } = parseAuditQuery({
    ...(values.from ? { from: values.from } : {}),
    ...(values.to ? { to: values.to } : {}),
  });
  process.stderr.write(`verifying and reading ${dir}...\n`);
  const data = await writeAuditReport({
    dir,
    out: values.out,
    clock: systemClock,
    topN: top,
    allowPrunedHead: values['allow-pruned'] ?? false,
    ...(filters.from !== undefined ? { from: filters.from } : {}),
    ...(filters.to !== undefined ? { to: filters.to } : {}),
    onProgress: (n) => process.stderr.write(`  ${n} records read\n`),
  });
  process.stderr.write(
    `wrote ${values.out}: ${data.records} records in the period, chain ${data.verify.ok ? 'intact' : 'BROKEN'}\n`,
  );
  return 0;
}

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === '--help' || sub === '-h' || rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(USAGE + '\n');
    return sub ? 0 : 2;
  }
  try {
    if (sub === 'verify') return await verify(rest);
    if (sub === 'query') return await query(rest);
    if (sub === 'report') return await report(rest);
    if (sub === 'seal') return await seal(rest, DEFAULT_DIR(), (s) => process.stdout.write(s));
    return usageError(`unknown subcommand "${sub}"`);
  } catch (err) {
    if (isLiqguardError(err) && err.code === 'INVALID_FIELD') return usageError(err.message);
    if ((err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) return usageError((err as Error).message);
    throw err;
  }
}
