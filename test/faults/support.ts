/** Child processes of the real CLI for the fault tests: `liqguard …` run through tsx, with its
 * output collected and awaited line by line (no sleeps). */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EMBEDDED_DEFAULT_YAML } from '../../src/config/embedded-default.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Start-up of a child on a busy 2-core host: tens of seconds. */
export const START_TIMEOUT_MS = 60_000;

export interface CliProcess {
  readonly proc: ChildProcess;
  output(): string;
  /** Resolves with the first match of `re` in stdout+stderr (past or future output). */
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
}

export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): CliProcess {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts'), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let out = '';
  const waiters = new Set<() => void>();
  const onData = (b: Buffer) => {
    out += b.toString('utf8');
    for (const w of [...waiters]) w();
  };
  proc.stdout!.on('data', onData);
  proc.stderr!.on('data', onData);
  let code: number | null | undefined;
  const exited = new Promise<number | null>((res) =>
    proc.once('exit', (c) => {
      code = c;
      for (const w of [...waiters]) w();
      res(c);
    }),
  );
  return {
    proc,
    output: () => out,
    exited,
    waitFor(re, timeoutMs = START_TIMEOUT_MS) {
      return new Promise((res, rej) => {
        const check = () => {
          const m = out.match(re);
          if (m) return done(() => res(m));
          if (code !== undefined) return done(() => rej(new Error(`process exited (${code}) before ${re}:\n${out}`)));
        };
        const timer = setTimeout(() => done(() => rej(new Error(`timed out waiting for ${re}:\n${out}`))), timeoutMs);
        const done = (f: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          f();
        };
        waiters.add(check);
        check();
      });
    },
    async stop() {
      if (code !== undefined) return;
      proc.kill('SIGTERM');
      await exited;
    },
  };
}

/** The embedded default with its state in a fresh temp dir; `edit` rewrites the YAML further. */
export function writeGatewayConfig(edit: (yaml: string) => string = (y) => y): { file: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'lg-faults-'));
  const yaml = edit(
    EMBEDDED_DEFAULT_YAML.replace('dir: var/audit', `dir: ${join(dir, 'audit')}`)
      .replace('dir: var/state', `dir: ${join(dir, 'state')}`)
      .replace('port: 8080 ', 'port: 0 ')
      .replace('dataDir: data', `dataDir: ${join(ROOT, 'data')}`)
      .replace('model: models ', `model: ${join(ROOT, 'models')} `)
      .replace('logLevel: info', 'logLevel: warn'),
  );
  const file = join(dir, 'config.yaml');
  writeFileSync(file, yaml);
  return { file, dir };
}

/** Audit records of a directory's only instance (all segments, parsed). */
function readAuditRecords(file: string): Record<string, unknown>[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
