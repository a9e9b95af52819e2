/** Policy loading: YAML text → validated, frozen PolicySet with the sha256 of its canonical form.
 * A directory holds one set per *.yaml file. Every error carries its path; the caller gets them
 * all at once in a LiqguardError('POLICY_INVALID'). */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseDocument } from 'yaml';
import { LiqguardError, type ErrorDetail } from '../core/errors.js';
import {
  checkFileSize,
  checkRuleCount,
  DEFAULT_POLICY_LIMITS,
  isAliasLimitError,
  limitError,
  type PolicyLimits,
} from './limits.js';
import { parsePolicyDocument, type ParsedSet } from './schema.js';
import type { PolicySet } from './types.js';

/** JSON with keys sorted at every level: the same policy written differently hashes the same. */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v as object)) deepFreeze(x);
  }
  return v;
}

export function freezeSet(parsed: ParsedSet, source?: string): PolicySet {
  const sha256 = createHash('sha256').update(canonicalJson(parsed)).digest('hex');
  return deepFreeze({ ...parsed, sha256, ...(source ? { source } : {}) });
}

function fail(source: string, details: readonly ErrorDetail[]): never {
  const lines = details.map((d) => `${d.path}: ${d.message}`);
  throw new LiqguardError(
    'POLICY_INVALID',
    `${source}: ${details.length} error(s): ${lines.join('; ')}`,
    details.map((d) => ({ ...d, path: d.path })),
  );
}

/** Parse and validate one policy document. Throws POLICY_INVALID with every problem found. */
export function loadPolicyText(
  text: string,
  source = 'policy',
  limits: PolicyLimits = DEFAULT_POLICY_LIMITS,
): PolicySet {
  checkFileSize(Buffer.byteLength(text), source, limits);
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length)
    fail(
      source,
      doc.errors.map((e) => ({
        path: `line ${e.linePos?.[0]?.line ?? '?'}`,
        message: e.message.split('\n')[0] ?? e.message,
      })),
    );
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: limits.maxAliasCount });
  } catch (err) {
    if (!isAliasLimitError(err))
      throw limitError('POLICY_INVALID', source, `cannot convert the YAML: ${(err as Error).message}`);
    throw limitError(
      'POLICY_ALIAS_LIMIT',
      source,
      `more than ${limits.maxAliasCount} alias expansions (YAML alias bomb?)`,
    );
  }
  checkRuleCount(data, source, limits);
  const res = parsePolicyDocument(data);
  if (!res.ok) fail(source, res.issues);
  return freezeSet(res.set, source);
}

export function loadPolicyFile(file: string, limits: PolicyLimits = DEFAULT_POLICY_LIMITS): PolicySet {
  let text: string;
  try {
    // Size first: a huge file is refused without reading it.
    checkFileSize(statSync(file).size, file, limits);
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof LiqguardError) throw err;
    throw new LiqguardError(
      'POLICY_INVALID',
      `cannot read policy file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  return loadPolicyText(text, file, limits);
}

export const isPolicyFile = (name: string): boolean => name.endsWith('.yaml') || name.endsWith('.yml');

/** Every *.yaml in a directory, by set id. Errors of all files are collected (path prefixed
 * with the file name) before throwing, so one run shows everything to fix. */
export function loadPolicyDir(
  dir: string,
  limits: PolicyLimits = DEFAULT_POLICY_LIMITS,
): ReadonlyMap<string, PolicySet> {
  let names: string[];
  try {
    names = readdirSync(dir).filter(isPolicyFile).sort();
  } catch (err) {
    throw new LiqguardError(
      'POLICY_INVALID',
      `cannot read policy directory ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  const sets = new Map<string, PolicySet>();
  const details: ErrorDetail[] = [];
  for (const name of names) {
    const file = join(dir, name);
    if (!statSync(file).isFile()) continue;
    try {
      const set = loadPolicyFile(file, limits);
      const other = sets.get(set.id);
      if (other)
        details.push({
          path: `${name}: id`,
          message: `duplicate policy set id "${set.id}" (also in ${basename(other.source ?? '?')})`,
        });
      else sets.set(set.id, set);
    } catch (err) {
      if (!(err instanceof LiqguardError)) throw err;
      for (const d of err.details.length ? err.details : [{ message: err.message }])
        details.push({
          path: `${name}: ${d.path ?? ''}`.trim(),
          message: d.message,
          ...(d.code ? { code: d.code } : {}),
        });
    }
  }
  if (details.length) fail(dir, details);
  if (!sets.size) throw new LiqguardError('POLICY_INVALID', `${dir}: no *.yaml policy files found`);
  return sets;
}

/** Load a file or a directory (what `liqguard policy check` accepts). */
function loadPolicyPath(path: string): ReadonlyMap<string, PolicySet> {
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch (err) {
    throw new LiqguardError(
      'POLICY_INVALID',
      `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  if (isDir) return loadPolicyDir(path);
  const set = loadPolicyFile(path);
  return new Map([[set.id, set]]);
}
