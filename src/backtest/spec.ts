/** The strategy SPEC grammar of `liqguard replay --strategy`. Pure parsing and validation: every
 * problem of a spec is reported at once, with the grammar, so a typo never runs a default. */
import { LiqguardError, type ErrorDetail } from '../core/errors.js';

export interface TrendSpec {
  readonly kind: 'trend';
  readonly name: string;
  readonly leverage: number; // venue leverage setting and the multiple of equity aimed at
  readonly size: number; // fraction of equity × leverage held (split evenly over the symbols)
  readonly lookback: number; // bars of the moving average / breakout channel
  readonly signal: 'ma' | 'breakout';
  readonly rebalance: number; // resize when |current − target| / target exceeds this
  readonly jitter: number; // ± fraction of random size noise (seeded)
  readonly seed: number;
}

export interface MarketMakerSpec {
  readonly kind: 'mm';
  readonly name: string;
  readonly leverage: number;
  readonly size: number; // quote notional per side per symbol = equity × leverage × size / symbols
  readonly spreadBps: number; // distance between bid and ask, around the last price
  readonly maxInventory: number; // inventory cap, as a fraction of equity × leverage / symbols
  readonly jitter: number;
  readonly seed: number;
}

export type StrategySpec = TrendSpec | MarketMakerSpec;

export const SPEC_GRAMMAR = `SPEC     := strategy (";" strategy)*      (or repeat --strategy)
strategy := KIND [":" param ("," param)*]
param    := NAME "=" VALUE
trend    : leverage=1..125 (20)  size=(0,1] (0.5)  lookback=2..1000 (24)  signal=ma|breakout (ma)
           rebalance=[0,1] (0.25)  jitter=[0,0.5] (0.1)  seed=0..2^32-1  name=[a-z0-9_-]{1,24}
mm       : leverage=1..125 (10)  size=(0,1] (0.05)  spread_bps=(0,1000] (20)  max_inventory=(0,1] (1)
           jitter=[0,0.5] (0.1)  seed=0..2^32-1  name=[a-z0-9_-]{1,24}
e.g.     trend:leverage=20,lookback=24,size=0.5;mm:leverage=10,spread_bps=20,size=0.05`;

interface ParamRule {
  readonly dflt: number | string;
  readonly check: (v: string) => number | string | undefined; // undefined: invalid
  readonly what: string;
}

const num =
  (lo: number, hi: number, opts: { int?: boolean; loOpen?: boolean } = {}) =>
  (v: string): number | undefined => {
    if (!/^-?\d+(\.\d+)?$/.test(v)) return undefined;
    const x = Number(v);
    if (opts.int && !Number.isInteger(x)) return undefined;
    if (opts.loOpen ? !(x > lo) : !(x >= lo)) return undefined;
    return x <= hi ? x : undefined;
  };
const NAME_RE = /^[a-z0-9_-]{1,24}$/;
const name = (v: string): string | undefined => (NAME_RE.test(v) ? v : undefined);

const COMMON = {
  jitter: { dflt: 0.1, check: num(0, 0.5), what: 'a number in [0, 0.5]' },
  seed: { dflt: 1, check: num(0, 2 ** 32 - 1, { int: true }), what: 'an integer in [0, 4294967295]' },
  name: { dflt: '', check: name, what: 'lower-case letters, digits, _ or -, at most 24' },
} satisfies Record<string, ParamRule>;

const RULES: Record<'trend' | 'mm', Record<string, ParamRule>> = {
  trend: {
    leverage: { dflt: 20, check: num(1, 125, { int: true }), what: 'an integer in [1, 125]' },
    size: { dflt: 0.5, check: num(0, 1, { loOpen: true }), what: 'a number in (0, 1]' },
    lookback: { dflt: 24, check: num(2, 1000, { int: true }), what: 'an integer in [2, 1000]' },
    signal: { dflt: 'ma', check: (v) => (v === 'ma' || v === 'breakout' ? v : undefined), what: 'ma or breakout' },
    rebalance: { dflt: 0.25, check: num(0, 1), what: 'a number in [0, 1]' },
    ...COMMON,
  },
  mm: {
    leverage: { dflt: 10, check: num(1, 125, { int: true }), what: 'an integer in [1, 125]' },
    size: { dflt: 0.05, check: num(0, 1, { loOpen: true }), what: 'a number in (0, 1]' },
    spread_bps: { dflt: 20, check: num(0, 1000, { loOpen: true }), what: 'a number in (0, 1000]' },
    max_inventory: { dflt: 1, check: num(0, 1, { loOpen: true }), what: 'a number in (0, 1]' },
    ...COMMON,
  },
};

function invalid(details: readonly ErrorDetail[]): never {
  throw new LiqguardError(
    'INVALID_REQUEST',
    `--strategy: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}\naccepted grammar:\n${SPEC_GRAMMAR}`,
    details,
  );
}

/** Parse one or more specs (each may hold several strategies separated by ";"). Names default to
 * `<kind>` or `<kind>-<n>` when a kind repeats; seeds default to the strategy's position. */
export function parseStrategySpecs(specs: readonly string[]): StrategySpec[] {
  const parts = specs.flatMap((s) => s.split(';')).map((s) => s.trim());
  const details: ErrorDetail[] = [];
  if (parts.length === 0 || parts.every((p) => p === '')) invalid([{ path: 'SPEC', message: 'no strategy given' }]);
  const raw: { kind: 'trend' | 'mm'; values: Record<string, number | string>; explicitName: boolean }[] = [];
  parts.forEach((part, i) => {
    const at = `strategy ${i + 1} ("${part}")`;
    if (part === '') return void details.push({ path: at, message: 'empty strategy (stray ";"?)' });
    const colon = part.indexOf(':');
    const kind = (colon < 0 ? part : part.slice(0, colon)).trim();
    if (kind !== 'trend' && kind !== 'mm')
      return void details.push({ path: at, message: `unknown kind "${kind}" (expected trend or mm)` });
    const rules = RULES[kind];
    const values: Record<string, number | string> = {};
    const body = colon < 0 ? '' : part.slice(colon + 1).trim();
    if (colon >= 0 && body === '') details.push({ path: at, message: 'nothing after ":"' });
    for (const p of body === '' ? [] : body.split(',')) {
      const eq = p.indexOf('=');
      const key = (eq < 0 ? p : p.slice(0, eq)).trim();
      const val = eq < 0 ? '' : p.slice(eq + 1).trim();
      const rule = rules[key];
      if (eq < 0 || key === '') details.push({ path: at, message: `"${p}" is not NAME=VALUE` });
      else if (!rule)
        details.push({
          path: `${at}.${key}`,
          message: `unknown parameter for ${kind} (known: ${Object.keys(rules).join(', ')})`,
        });
      else if (key in values) details.push({ path: `${at}.${key}`, message: 'given twice' });
      else {
        const v = rule.check(val);
        if (v === undefined) details.push({ path: `${at}.${key}`, message: `"${val}" must be ${rule.what}` });
        else values[key] = v;
      }
    }
    for (const [k, r] of Object.entries(rules)) if (!(k in values)) values[k] = k === 'seed' ? i + 1 : r.dflt;
    raw.push({ kind, values, explicitName: values.name !== '' });
  });
  if (details.length) invalid(details);

  const perKind = new Map<string, number>();
  const total = new Map<string, number>();
  for (const r of raw) total.set(r.kind, (total.get(r.kind) ?? 0) + 1);
  const out: StrategySpec[] = raw.map((r) => {
    const n = (perKind.get(r.kind) ?? 0) + 1;
    perKind.set(r.kind, n);
    const v = r.values;
    const nm = r.explicitName ? String(v.name) : total.get(r.kind)! > 1 ? `${r.kind}-${n}` : r.kind;
    if (r.kind === 'trend') {
      return {
        kind: 'trend',
        name: nm,
        leverage: v.leverage as number,
        size: v.size as number,
        lookback: v.lookback as number,
        signal: v.signal as 'ma' | 'breakout',
        rebalance: v.rebalance as number,
        jitter: v.jitter as number,
        seed: v.seed as number,
      };
    }
    return {
      kind: 'mm',
      name: nm,
      leverage: v.leverage as number,
      size: v.size as number,
      spreadBps: v.spread_bps as number,
      maxInventory: v.max_inventory as number,
      jitter: v.jitter as number,
      seed: v.seed as number,
    };
  });
  const seen = new Set<string>();
  for (const s of out) {
    if (seen.has(s.name))
      details.push({ path: `name=${s.name}`, message: 'two strategies share this name (each trades its own account)' });
    seen.add(s.name);
  }
  if (details.length) invalid(details);
  return out;
}

/** The canonical text of a spec (what the report prints; parses back to the same spec). */
export function formatStrategySpec(s: StrategySpec): string {
  const common = `jitter=${s.jitter},seed=${s.seed},name=${s.name}`;
  return s.kind === 'trend'
    ? `trend:leverage=${s.leverage},size=${s.size},lookback=${s.lookback},signal=${s.signal},rebalance=${s.rebalance},${common}`
    : `mm:leverage=${s.leverage},size=${s.size},spread_bps=${s.spreadBps},max_inventory=${s.maxInventory},${common}`;
}
