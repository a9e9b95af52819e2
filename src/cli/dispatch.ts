/** The liqguard command: `liqguard <command> [args]`. Each command lives in commands/<name>.ts
 * and exports run(argv) → exit code; they are imported lazily so `liqguard audit verify` does
 * not load onnxruntime or ccxt. */
import { isLiqguardError } from '../core/errors.js';

const COMMANDS: Record<string, { summary: string; load: () => Promise<{ run(argv: string[]): Promise<number> }> }> = {
  serve: {
    summary: 'run the gateway (embedded default: simulated venue replaying real history)',
    load: () => import('./commands/serve.js'),
  },
  venue: {
    summary: 'serve the simulated venue over a Binance USD-M-compatible API',
    load: () => import('./commands/venue.js'),
  },
  config: {
    summary: 'print the embedded default config, or check a config file',
    load: () => import('./commands/config.js'),
  },
  policy: { summary: 'check policy files: liqguard policy check FILE|DIR', load: () => import('./commands/policy.js') },
  audit: { summary: 'verify, query and report on the audit log', load: () => import('./commands/audit.js') },
  train: {
    summary: 'train the liquidation-regime model from the data in the project',
    load: () => import('./commands/train.js'),
  },
  score: {
    summary: 'score every bar of a Binance kline file with the model',
    load: () => import('./commands/score.js'),
  },
  evaluate: {
    summary: 'evaluate the model on a kline file against the baselines',
    load: () => import('./commands/evaluate.js'),
  },
  ablation: {
    summary: 'what open-interest and liquidation features add to the model on the BTC sample',
    load: () => import('./commands/ablation.js'),
  },
  replay: {
    summary: 'replay history through the real pipeline with and without a policy',
    load: () => import('./commands/replay.js'),
  },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(10)} ${c.summary}`);
  return `usage: liqguard <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nRun \`liqguard <command> --help\` for the options of a command.`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n');
    return name ? 0 : 2;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    process.stderr.write(`liqguard: unknown command "${name}"\n\n${usage()}\n`);
    return 2;
  }
  let mod: { run(argv: string[]): Promise<number> };
  try {
    mod = await cmd.load();
  } catch (err) {
    process.stderr.write(`liqguard ${name}: this command is not available in this build (${(err as Error).message})\n`);
    return 2;
  }
  try {
    return await mod.run(rest);
  } catch (err) {
    if (isLiqguardError(err)) {
      process.stderr.write(`liqguard ${name}: ${err.code}: ${err.message}\n`);
      for (const d of err.details) process.stderr.write(`  - ${d.path ? `${d.path}: ` : ''}${d.message}\n`);
      process.stderr.write(`next: ${err.hint}\n`);
      return 1;
    }
    process.stderr.write(`liqguard ${name}: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  }
}
