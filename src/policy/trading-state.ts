/** Trading state per scope: the kill switch, halts and reduce-only, persisted so that a restart
 * never silently lifts a kill. One JSON file in the state dir, written atomically (tmp + fsync +
 * rename). The pipeline cancels working orders and writes the audit records; this store only
 * answers "what state applies to this order". */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { LiqguardError } from '../core/errors.js';
import type { TradingStateView } from '../core/stages.js';
import type { TradingState } from '../core/types.js';
import type { ScopeKind } from './types.js';

export type TradingScope =
  { readonly kind: 'all' } | { readonly kind: Exclude<ScopeKind, 'all'>; readonly value: string };
/** Where an entry came from: an operator's kill, or a policy rule that latched. */
export type StateSource = 'kill' | 'halt' | 'reduce_only';

export interface TradingStateEntry {
  readonly scope: TradingScope;
  readonly state: Exclude<TradingState, 'ACTIVE'>;
  readonly source: StateSource;
  readonly operator: string;
  readonly reason: string;
  readonly since: number;
}

export interface OrderScope {
  readonly clientId: string;
  readonly account: string;
  readonly venue: string;
  readonly symbol: string;
}

export const STATE_FILE = 'trading-state.json';
const FILE_VERSION = 1;
const SCOPE_KINDS: readonly ScopeKind[] = ['all', 'client', 'account', 'symbol', 'venue'];

export const scopeKey = (s: TradingScope): string => (s.kind === 'all' ? 'all' : `${s.kind}:${s.value}`);

export function scopeMatches(s: TradingScope, o: OrderScope): boolean {
  switch (s.kind) {
    case 'all':
      return true;
    case 'client':
      return o.clientId === s.value;
    case 'account':
      return o.account === s.value;
    case 'symbol':
      return o.symbol === s.value;
    case 'venue':
      return o.venue === s.value;
  }
}

/** Parse a scope from an HTTP body or CLI: `{scope: 'symbol', value: 'BTC/USDT:USDT'}`. */
export function parseScope(raw: unknown): TradingScope {
  const r = (raw ?? {}) as { scope?: unknown; value?: unknown };
  if (typeof r.scope !== 'string' || !SCOPE_KINDS.includes(r.scope as ScopeKind)) {
    throw new LiqguardError('INVALID_FIELD', `scope must be one of ${SCOPE_KINDS.join(', ')}`, [
      { path: 'scope', message: `got ${JSON.stringify(r.scope)}` },
    ]);
  }
  if (r.scope === 'all') return { kind: 'all' };
  if (typeof r.value !== 'string' || !r.value) {
    throw new LiqguardError('MISSING_FIELD', `scope "${r.scope}" needs a value (the ${r.scope} id)`, [
      { path: 'value', message: 'is required' },
    ]);
  }
  return { kind: r.scope as Exclude<ScopeKind, 'all'>, value: r.value };
}

const RANK: Record<TradingState, number> = { ACTIVE: 0, REDUCING: 1, HALTED: 2 };

/** Persistent store. Reads are in memory (hot path); writes go to disk before they return. */
export class TradingStateStore implements TradingStateView {
  private entries: TradingStateEntry[] = [];
  private readonly file: string;

  constructor(
    readonly dir: string,
    private readonly clock: { now(): number },
  ) {
    this.file = join(dir, STATE_FILE);
    this.entries = this.read();
  }

  /** The most restrictive state whose scope covers the order. The reason of a kill starts with
   * "kill" so that evaluate() can answer KILL_SWITCH rather than HALTED. */
  stateFor(o: OrderScope): { state: TradingState; reason?: string } {
    let best: TradingStateEntry | undefined;
    for (const e of this.entries) if (scopeMatches(e.scope, o) && (!best || RANK[e.state] > RANK[best.state])) best = e;
    if (!best) return { state: 'ACTIVE' };
    return { state: best.state, reason: `${best.source} ${scopeKey(best.scope)} by ${best.operator}: ${best.reason}` };
  }

  /** Kill a scope: HALTED until lifted. Idempotent per scope (a second kill updates the reason). */
  kill(scope: TradingScope, operator: string, reason: string): TradingStateEntry {
    return this.set(scope, 'HALTED', 'kill', operator, reason);
  }

  /** Set a state for a scope (policy latches, operator reduce-only). */
  set(
    scope: TradingScope,
    state: Exclude<TradingState, 'ACTIVE'>,
    source: StateSource,
    operator: string,
    reason: string,
  ): TradingStateEntry {
    const entry: TradingStateEntry = { scope, state, source, operator, reason, since: this.clock.now() };
    const key = scopeKey(scope);
    const next = this.entries.filter((e) => !(scopeKey(e.scope) === key && e.source === source));
    next.push(entry);
    this.persist(next);
    return entry;
  }

  /** Lift a scope: removes entries of the given sources (default: the kill). Returns what was removed. */
  lift(scope: TradingScope, operator: string, sources: readonly StateSource[] = ['kill']): TradingStateEntry[] {
    void operator; // the pipeline audits who lifted it; the store only needs the scope
    const key = scopeKey(scope);
    const removed = this.entries.filter((e) => scopeKey(e.scope) === key && sources.includes(e.source));
    if (removed.length) this.persist(this.entries.filter((e) => !removed.includes(e)));
    return removed;
  }

  list(): readonly TradingStateEntry[] {
    return this.entries;
  }

  private persist(next: TradingStateEntry[]): void {
    mkdirSync(this.dir, { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, JSON.stringify({ version: FILE_VERSION, entries: next }, null, 2) + '\n');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
    this.entries = next;
  }

  /** A missing file is a fresh start; an unreadable one stops the gateway (fail closed): a kill
   * must never be lost because the file was damaged. */
  private read(): TradingStateEntry[] {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    try {
      const doc = JSON.parse(text) as { version?: number; entries?: TradingStateEntry[] };
      if (doc.version !== FILE_VERSION || !Array.isArray(doc.entries))
        throw new Error(`unsupported version ${String(doc.version)}`);
      return doc.entries;
    } catch (err) {
      throw new LiqguardError(
        'CONFIG_INVALID',
        `trading state file ${this.file} is damaged (${(err as Error).message}); fix or remove it knowingly: ` +
          `it may hold an active kill`,
      );
    }
  }
}
