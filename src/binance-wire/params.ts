/** Query-parameter checks with Binance's error codes. */
import { binanceErrors } from './errors.js';
import type { MarketDataSource } from './source.js';
import type { InstrumentSpec } from '../core/types.js';

export type Query = Readonly<Record<string, string | string[] | undefined>>;

const SYMBOL_RE = /^[A-Z0-9-_.]{1,20}$/;

export function str(q: Query, name: string): string | undefined {
  const v = q[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s === undefined || s === '' ? undefined : s;
}

export function requireSymbol(q: Query, source: MarketDataSource): InstrumentSpec {
  const s = str(q, 'symbol');
  if (s === undefined) throw binanceErrors.mandatory('symbol');
  return checkSymbol(s, source);
}

export function optionalSymbol(q: Query, source: MarketDataSource): InstrumentSpec | undefined {
  const s = str(q, 'symbol');
  return s === undefined ? undefined : checkSymbol(s, source);
}

function checkSymbol(s: string, source: MarketDataSource): InstrumentSpec {
  if (!SYMBOL_RE.test(s)) throw binanceErrors.illegalChars('symbol');
  const inst = source.instrument(s);
  if (!inst) throw binanceErrors.invalidSymbol();
  return inst;
}

/** An integer parameter; out of [min, max] or not an integer gives -1130 naming it. */
export function int(
  q: Query,
  name: string,
  dflt: number | undefined,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  const s = str(q, name);
  if (s === undefined) return dflt;
  if (!/^-?[0-9]+$/.test(s)) throw binanceErrors.invalidParam(name);
  const n = Number(s);
  if (n < min || n > max) throw binanceErrors.invalidParam(name);
  return n;
}

/** limit for list endpoints: Binance caps silently at max rather than failing. */
export function limit(q: Query, dflt: number, max: number): number {
  const n = int(q, 'limit', dflt, 1)!;
  return Math.min(n, max);
}
