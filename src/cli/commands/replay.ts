/** liqguard replay: backtest a policy through the real pipeline over historical data, with and
 * without the policy, and write report.json + report.html. Progress on stderr. */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseDecimalString } from '../../core/decimal.js';
import { isLiqguardError } from '../../core/errors.js';
import {
  headline,
  parseStrategySpecs,
  runBacktest,
  SPEC_GRAMMAR,
  writeReport,
  type Arm,
  type StrategySpec,
} from '../../backtest/index.js';
import { PACKAGE_ROOT } from '../../config/load.js';
import { DEFAULT_INSTRUMENTS } from '../../execution/simulated/index.js';
import { toUnifiedSymbol } from '../../market/symbols.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

export const USAGE = `usage: liqguard replay --policy FILE --from DATE --to DATE --strategy SPEC [--strategy SPEC ...]
                      [--symbols ETH/USDT:USDT,XRP/USDT:USDT] [--warmup-days N] [--balance USDT]
                      [--out DIR] [--data DIR]

Runs the real gateway (feature view, scorer, policy, audit, simulated venue) on an injected
clock over the hourly history in data/, twice: with the policy in FILE enforced and with a
permissive set that never matches. Built-in bots trade through pipeline.submit on separate
accounts. Writes DIR/report.json and DIR/report.html; audit logs under DIR/runs/<arm>/audit.

  --policy FILE       policy set to test (YAML, see policies/)
  --from, --to DATE   window, YYYY-MM-DD or YYYY-MM-DDTHH:00:00Z (UTC, whole hours, to inclusive)
  --symbols LIST      comma-separated, unified or Binance form (default ETH/USDT:USDT)
                      available: ${DEFAULT_INSTRUMENTS.map((i) => i.symbol).join(', ')}
  --strategy SPEC     order flow (repeatable or ";"-separated), grammar below
  --warmup-days N     days of history ingested before --from (default 35: regimes need 31)
  --balance USDT      starting balance of each bot's account (default 100000)
  --out DIR           report directory (default replay-report)
  --data DIR          market data folder (default: the package's data/)

${SPEC_GRAMMAR}

example:
  liqguard replay --policy policies/defensive.yaml --from 2025-09-20 --to 2025-10-20 \\
    --symbols ETH/USDT:USDT,XRP/USDT:USDT \\
    --strategy 'trend:leverage=20,size=0.5' --strategy 'mm:leverage=10,spread_bps=20,size=0.2'`;

class UsageError extends Error {}

export function parseDate(v: string | undefined, flag: string): number {
  if (v === undefined) throw new UsageError(`${flag} is required (YYYY-MM-DD)`);
  const m = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}):00(?::00)?(?:\.000)?Z)?$/.exec(v);
  const t = m ? Date.parse(`${m[1]}T${m[2] ?? '00'}:00:00Z`) : NaN;
  if (!m || !Number.isFinite(t) || new Date(t).toISOString().slice(0, 10) !== m[1]) {
    throw new UsageError(`${flag} must be a UTC date YYYY-MM-DD or a whole hour YYYY-MM-DDTHH:00:00Z, got "${v}"`);
  }
  return t;
}

export function parseSymbols(v: string | undefined): string[] {
  const known = DEFAULT_INSTRUMENTS.map((i) => i.symbol);
  const out: string[] = [];
  for (const raw of (v ?? 'ETH/USDT:USDT')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    let s: string;
    try {
      s = toUnifiedSymbol(raw);
    } catch (e) {
      throw new UsageError(`--symbols: ${(e as Error).message}`);
    }
    if (!known.includes(s))
      throw new UsageError(`--symbols: ${raw} is not traded on the simulated venue (available: ${known.join(', ')})`);
    if (!out.includes(s)) out.push(s);
  }
  if (!out.length) throw new UsageError('--symbols: give at least one symbol');
  return out;
}

interface Parsed {
  policy: string;
  from: number;
  to: number;
  warmupFrom: number;
  symbols: string[];
  strategies: StrategySpec[];
  balance: string;
  out: string;
  data: string;
}

function parse(argv: string[]): Parsed | 'help' {
  const a = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      policy: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      symbols: { type: 'string' },
      strategy: { type: 'string', multiple: true },
      'warmup-days': { type: 'string' },
      balance: { type: 'string' },
      out: { type: 'string' },
      data: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }).values;
  if (a.help) return 'help';
  if (!a.policy) throw new UsageError('--policy FILE is required (e.g. policies/defensive.yaml)');
  if (!existsSync(a.policy) || !statSync(a.policy).isFile())
    throw new UsageError(`--policy: ${a.policy} is not a file`);
  const from = parseDate(a.from, '--from');
  const to = parseDate(a.to, '--to');
  if (!(from < to)) throw new UsageError(`--from (${a.from}) must be before --to (${a.to})`);
  if (!a.strategy?.length) throw new UsageError(`--strategy SPEC is required\n${SPEC_GRAMMAR}`);
  const wd = a['warmup-days'] ?? '35';
  if (!/^\d{1,4}$/.test(wd)) throw new UsageError(`--warmup-days must be a whole number of days, got "${wd}"`);
  const balance = a.balance ?? '100000';
  if (!parseDecimalString(balance).ok)
    throw new UsageError(`--balance must be a positive decimal such as 100000, got "${balance}"`);
  const data = resolve(a.data ?? join(PACKAGE_ROOT, 'data'));
  if (!existsSync(join(data, 'binance_um_klines_1h')))
    throw new UsageError(`--data: ${data} has no binance_um_klines_1h/ folder`);
  return {
    policy: a.policy,
    from,
    to,
    warmupFrom: from - Number(wd) * DAY_MS,
    symbols: parseSymbols(a.symbols),
    strategies: parseStrategySpecs(a.strategy),
    balance,
    out: resolve(a.out ?? 'replay-report'),
    data,
  };
}

export async function run(argv: string[]): Promise<number> {
  let p: Parsed | 'help';
  try {
    p = parse(argv);
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') || isLiqguardError(e)) {
      process.stderr.write(
        `liqguard replay: ${(e as Error).message}\n\nRun \`liqguard replay --help\` for the usage.\n`,
      );
      return 2;
    }
    throw e;
  }
  if (p === 'help') {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  const started = Date.now();
  const stepsPerArm = Math.floor((p.to - p.from) / HOUR_MS) + 1;
  let last = { arm: '' as Arm | '', pct: -1, at: started };
  const progress = (arm: Arm, done: number, total: number): void => {
    const pct = Math.floor((done / total) * 100);
    const now = Date.now();
    if (arm === last.arm && pct < 100 && (pct - last.pct < 10 || now - last.at < 500)) return;
    const elapsed = (now - started) / 1000;
    const bars = (arm === 'policy' ? done : total + done) / Math.max(elapsed, 1e-3);
    process.stderr.write(
      `[replay] ${arm === 'policy' ? 'with policy' : 'without policy'}: ${pct}% (${done}/${total} bars, ` +
        `${bars.toFixed(0)} bars/s)\n`,
    );
    last = { arm, pct, at: now };
  };
  process.stderr.write(
    `[replay] ${p.symbols.join(', ')} ${new Date(p.from).toISOString()} → ${new Date(p.to).toISOString()}: ` +
      `${stepsPerArm} bars per arm, ${p.strategies.length} bot(s)\n`,
  );
  const result = await runBacktest({
    dataDir: p.data,
    symbols: p.symbols,
    from: p.from,
    to: p.to,
    warmupFrom: p.warmupFrom,
    strategies: p.strategies,
    balance: p.balance,
    policyFile: p.policy,
    workDir: join(p.out, 'runs'),
    progress,
  });
  const { report, json, html } = writeReport(result, p.out);
  process.stderr.write(
    `[replay] done in ${((Date.now() - started) / 1000).toFixed(1)} s; scorer ${report.scorer.id} ` +
      `(${report.scorer.kind})\n`,
  );
  for (const h of headline(report)) process.stdout.write(h + '\n');
  const latched = report.arms.policy.latches.filter((l) => l.state !== 'cleared');
  process.stdout.write(
    `loss-limit latches: ${latched.length}${latched.length ? ` (${latched.map((l) => `${l.time} ${l.level} ${l.id} ${l.state}`).join('; ')})` : ''}\n`,
  );
  process.stdout.write(`report: ${json}\n        ${html}\n`);
  return 0;
}
