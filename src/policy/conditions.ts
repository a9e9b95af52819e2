/** Conditions compiled once per policy set into closures. Each test answers true, false or
 * MISSING (the data it needs is absent); the rule's on_missing decides what MISSING means. */
import { Decimal } from '../core/decimal.js';
import type { Regime, RegimeLabel } from '../core/types.js';
import type { Facts } from './facts.js';
import { limitLeaves } from './limit-conditions.js';
import { MISSING, numCmp, numLeaf, putBounds, round, type Leaf, type Tri } from './leaves.js';

export { MISSING } from './leaves.js';
import type { Comparison, Condition, TimeWindow, Weekday } from './types.js';

export interface CompiledCondition {
  test(f: Facts): Tri;
  /** The facts that made the condition true, for the denial text (`notional=... limit=...`). */
  describe(f: Facts, out: Record<string, string | number | boolean>, all?: boolean): void;
}

function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

function globMatcher(globs: readonly string[]): (s: string) => boolean {
  const exact = new Set(globs.filter((g) => !/[*?]/.test(g)));
  const patterns = globs.filter((g) => /[*?]/.test(g)).map(globToRegExp);
  return (s) => exact.has(s) || patterns.some((p) => p.test(s));
}

/** Exact comparison for order-path values (notional, quantity, exposure), with a float fast
 * path: a bound farther than TOL (relative) from the float estimate is decided in floats (their
 * error is ~1e-16), anything closer is decided in Decimal. Same answers, a fraction of the cost. */
export const TOL = 1e-9;
function decCmp(c: Comparison): (approx: number, exact: () => Decimal | undefined) => boolean {
  const bounds = (['gt', 'gte', 'lt', 'lte'] as const)
    .filter((k) => c[k] !== undefined)
    .map((k) => ({ op: k, d: new Decimal(c[k]!), f: Number(c[k]!) }));
  return (approx, exact) => {
    let x: Decimal | undefined;
    for (const b of bounds) {
      let r: number;
      if (Math.abs(approx - b.f) > TOL * Math.max(Math.abs(approx), Math.abs(b.f))) r = approx < b.f ? -1 : 1;
      else r = (x ??= exact()) ? x.cmp(b.d) : NaN;
      const ok = b.op === 'gt' ? r > 0 : b.op === 'gte' ? r >= 0 : b.op === 'lt' ? r < 0 : r <= 0;
      if (!ok) return false;
    }
    return true;
  };
}

function decLeaf(
  name: string,
  c: Comparison,
  get: (f: Facts) => Decimal | undefined,
  approx: (f: Facts) => number | undefined,
): Leaf {
  const cmp = decCmp(c);
  return [
    (f) => {
      const a = approx(f);
      return a === undefined ? MISSING : cmp(a, () => get(f));
    },
    (f, out) => {
      const v = get(f);
      out[name] = v === undefined ? 'missing' : v.toSignificantDigits(12).toFixed();
      putBounds(name, c, out);
    },
  ];
}

// Epoch day 0 (1970-01-01) was a Thursday: index 4 here.
const DAYS: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const minutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

function timeTest(t: TimeWindow): (now: number) => boolean {
  const from = minutes(t.from);
  const to = minutes(t.to);
  const days = t.days ? new Set(t.days) : undefined;
  return (now) => {
    if (days && !days.has(DAYS[(Math.floor(now / 86_400_000) + 4) % 7]!)) return false;
    const m = Math.floor(now / 60_000) % 1440;
    return from === to ? true : from < to ? m >= from && m < to : m >= from || m < to;
  };
}

/** How a rule reads the regime: 'unknown' counts as critical unless the rule says otherwise. */
const regimeFor = (regime: RegimeLabel, unknownAs: Regime | undefined): RegimeLabel =>
  regime === 'unknown' ? (unknownAs ?? 'critical') : regime;

export function compileCondition(c: Condition, unknownAs: Regime | undefined): CompiledCondition {
  const leaves: Leaf[] = [];
  const str = (name: string, globs: readonly string[], get: (f: Facts) => string) => {
    const m = globMatcher(globs);
    leaves.push([(f) => m(get(f)), (f, out) => void (out[name] = get(f))]);
  };
  if (c.client) str('client', c.client, (f) => f.ctx.intent.clientId);
  if (c.account) str('account', c.account, (f) => f.ctx.intent.account);
  if (c.venue) str('venue', c.venue, (f) => f.ctx.intent.venue);
  if (c.symbol) str('symbol', c.symbol, (f) => f.ctx.intent.symbol);
  if (c.side) leaves.push([(f) => f.ctx.intent.side === c.side, (f, out) => void (out.side = f.ctx.intent.side)]);
  if (c.reduce_only !== undefined)
    leaves.push([
      (f) => f.ctx.intent.reduceOnly === c.reduce_only,
      (f, out) => void (out.reduceOnly = f.ctx.intent.reduceOnly),
    ]);
  if (c.order_type)
    leaves.push([(f) => f.ctx.intent.type === c.order_type, (f, out) => void (out.type = f.ctx.intent.type)]);
  if (c.regime) {
    const set = new Set(c.regime);
    leaves.push([
      (f) => set.has(f.regime) || set.has(regimeFor(f.regime, unknownAs)),
      (f, out) => void (out.regime = f.regime),
    ]);
  }
  if (c.probability) leaves.push(numLeaf('probability', c.probability, (f) => f.probability));
  for (const [name, cmp] of Object.entries(c.feature ?? {})) leaves.push(numLeaf(name, cmp, (f) => f.feature(name)));
  if (c.notional)
    leaves.push(
      decLeaf(
        'notional',
        c.notional,
        (f) => f.notional,
        (f) => f.notionalF,
      ),
    );
  if (c.quantity)
    leaves.push(
      decLeaf(
        'quantity',
        c.quantity,
        (f) => f.qty,
        (f) => f.qtyF,
      ),
    );
  for (const [name, cmp] of Object.entries(c.notional_vs ?? {})) {
    leaves.push(
      numLeaf(`notionalVs_${name}`, cmp, (f) => {
        const n = f.notionalNumber;
        const d = f.feature(name);
        return n === undefined || d === undefined || d <= 0 ? undefined : n / d;
      }),
    );
  }
  if (c.post_fill_leverage) leaves.push(numLeaf('postFillLeverage', c.post_fill_leverage, (f) => f.postFillLeverage));
  if (c.liquidation_distance_pct)
    leaves.push(numLeaf('liqDistancePct', c.liquidation_distance_pct, (f) => f.liquidationDistancePct));
  if (c.liquidation_distance_vol)
    leaves.push(numLeaf('liqDistanceVol', c.liquidation_distance_vol, (f) => f.liquidationDistanceVol));
  if (c.touch_probability) leaves.push(numLeaf('touchProbability', c.touch_probability, (f) => f.touchProbability));
  if (c.price_deviation_pct) leaves.push(numLeaf('deviationPct', c.price_deviation_pct, (f) => f.priceDeviationPct));
  if (c.client_exposure)
    leaves.push(
      decLeaf(
        'exposure',
        c.client_exposure,
        (f) => f.clientExposure,
        (f) => f.clientExposureF,
      ),
    );
  if (c.window_price_move_pct) {
    const w = c.window_price_move_pct;
    leaves.push(
      numLeaf('windowMovePct', w, (f) => {
        const p = f.orderPrice;
        const r = f.state.priceRange(f.ctx.intent.symbol, f.ctx.now - w.windowMs);
        if (!p || !r) return undefined;
        const px = p.toNumber();
        return Math.max(0, (px / r.min - 1) * 100, (1 - px / r.max) * 100);
      }),
    );
  }
  if (c.message_rate) {
    const w = c.message_rate;
    leaves.push(numLeaf('messages', w, (f) => f.state.messageCount(f.ctx.intent.clientId, f.ctx.now - w.windowMs) + 1));
  }
  if (c.duplicate) {
    const win = c.duplicate.windowMs;
    leaves.push([
      (f) => {
        const t = f.state.lastSeen(f.fingerprint);
        return t !== undefined && t >= f.ctx.now - win;
      },
      (f, out) => void (out.windowMs = win),
    ]);
  }
  if (c.time) {
    const t = timeTest(c.time);
    leaves.push([(f) => t(f.ctx.now), (f, out) => void (out.time = `${c.time!.from}-${c.time!.to}`)]);
  }
  leaves.push(...limitLeaves(c));
  if (c.all)
    for (const sub of c.all.map((x) => compileCondition(x, unknownAs)))
      leaves.push([(f) => sub.test(f), (f, o) => sub.describe(f, o)]);
  if (c.any) {
    const subs = c.any.map((x) => compileCondition(x, unknownAs));
    leaves.push([
      (f) => {
        let missing = false;
        for (const s of subs) {
          const r = s.test(f);
          if (r === true) return true;
          if (r === MISSING) missing = true;
        }
        return missing ? MISSING : false;
      },
      (f, o) => subs.find((s) => s.test(f) === true)?.describe(f, o),
    ]);
  }
  if (c.not) {
    const sub = compileCondition(c.not, unknownAs);
    leaves.push([
      (f) => {
        const r = sub.test(f);
        return r === MISSING ? MISSING : !r;
      },
      (f, o) => {
        const inner: Record<string, string | number | boolean> = {};
        sub.describe(f, inner, true);
        for (const [k, v] of Object.entries(inner)) if (k !== 'max' && k !== 'min') o[k] = v;
      },
    ]);
  }
  const tests = leaves.map((l) => l[0]);
  return {
    test(f) {
      let missing = false;
      for (let i = 0; i < tests.length; i++) {
        const r = tests[i]!(f);
        if (r === false) return false;
        if (r === MISSING) missing = true;
      }
      return missing ? MISSING : true;
    },
    describe(f, out, all = false) {
      for (const [t, d] of leaves) if (all || t(f) !== false) d(f, out);
    },
  };
}
