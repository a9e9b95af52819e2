/** ccxt markets → InstrumentSpec. Binance's raw filters (PRICE_FILTER, LOT_SIZE, MIN_NOTIONAL)
 * are used verbatim when present (exact decimal strings); other exchanges go through ccxt's
 * unified precision and limits. Brackets come from fetchLeverageTiers when the exchange has it,
 * else from the published Binance tables the simulated venue uses. */
import { Decimal } from '../../core/decimal.js';
import type { InstrumentSpec, MarginBracket } from '../../core/types.js';
import { bracketsFor } from '../simulated/index.js';

/** The parts of a ccxt market we read. */
export interface CcxtMarketLike {
  readonly id: string;
  readonly symbol: string;
  readonly base: string;
  readonly quote: string;
  readonly settle?: string;
  readonly precision: { readonly amount?: number; readonly price?: number };
  readonly limits: {
    readonly amount?: { min?: number; max?: number };
    readonly cost?: { min?: number };
    readonly leverage?: { max?: number };
  };
  readonly info?: unknown;
}

export interface CcxtTierLike {
  readonly tier?: number;
  readonly minNotional?: number;
  readonly maxNotional?: number;
  readonly maintenanceMarginRate?: number;
  readonly maxLeverage?: number;
  readonly info?: unknown;
}

/** ccxt precision mode constants: 2 = DECIMAL_PLACES, 4 = TICK_SIZE (SIGNIFICANT_DIGITS unsupported). */
const TICK_SIZE = 4;

function step(value: number | undefined, precisionMode: number): string | undefined {
  if (value === undefined || !Number.isFinite(value)) return undefined;
  return precisionMode === TICK_SIZE ? new Decimal(value).toFixed() : new Decimal(10).pow(-value).toFixed();
}

const numStr = (v: number | undefined): string | undefined =>
  v === undefined || !Number.isFinite(v) ? undefined : new Decimal(v).toFixed();

function binanceFilters(
  info: unknown,
): Partial<Record<'tickSize' | 'stepSize' | 'minQty' | 'maxQty' | 'minNotional', string>> {
  const filters = (info as { filters?: unknown } | undefined)?.filters;
  if (!Array.isArray(filters)) return {};
  const out: Partial<Record<'tickSize' | 'stepSize' | 'minQty' | 'maxQty' | 'minNotional', string>> = {};
  const canon = (s: unknown): string | undefined =>
    typeof s === 'string' && /^[0-9.]+$/.test(s) ? new Decimal(s).toFixed() : undefined;
  for (const f of filters as Record<string, unknown>[]) {
    if (f.filterType === 'PRICE_FILTER') out.tickSize = canon(f.tickSize);
    else if (f.filterType === 'LOT_SIZE') {
      out.stepSize = canon(f.stepSize);
      out.minQty = canon(f.minQty);
      out.maxQty = canon(f.maxQty);
    } else if (f.filterType === 'MIN_NOTIONAL') out.minNotional = canon(f.notional ?? f.minNotional);
  }
  return out;
}

/** One spec per market; undefined when the market lacks a tick or lot size (cannot be traded safely). */
export function instrumentFromMarket(
  venue: string,
  m: CcxtMarketLike,
  precisionMode: number,
  brackets?: readonly MarginBracket[],
): InstrumentSpec | undefined {
  const raw = binanceFilters(m.info);
  const tickSize = raw.tickSize ?? step(m.precision.price, precisionMode);
  const stepSize = raw.stepSize ?? step(m.precision.amount, precisionMode);
  if (!tickSize || !stepSize || new Decimal(tickSize).lte(0) || new Decimal(stepSize).lte(0)) return undefined;
  const maxLeverage =
    m.limits.leverage?.max && m.limits.leverage.max > 0
      ? m.limits.leverage.max
      : (brackets?.[0]?.initialLeverage ?? 20);
  return {
    venue,
    symbol: m.symbol,
    venueSymbol: m.id,
    base: m.base,
    quote: m.settle ?? m.quote,
    tickSize,
    stepSize,
    minQty: raw.minQty ?? numStr(m.limits.amount?.min) ?? stepSize,
    maxQty: raw.maxQty ?? numStr(m.limits.amount?.max) ?? '1000000000',
    minNotional: raw.minNotional ?? numStr(m.limits.cost?.min) ?? '0',
    maxLeverage,
    brackets: brackets && brackets.length ? brackets : bracketsFor(m.id),
  };
}

/** ccxt leverage tiers → brackets; maintAmount from Binance's `cum` or accumulated. */
export function bracketsFromTiers(tiers: readonly CcxtTierLike[]): MarginBracket[] {
  const out: MarginBracket[] = [];
  let cum = new Decimal(0);
  let prevRate = new Decimal(0);
  tiers.forEach((t, i) => {
    const floor = new Decimal(t.minNotional ?? 0);
    const rate = new Decimal(t.maintenanceMarginRate ?? 0);
    cum = i === 0 ? new Decimal(0) : cum.plus(floor.mul(rate.minus(prevRate)));
    prevRate = rate;
    const infoCum = (t.info as { cum?: unknown } | undefined)?.cum;
    const maintAmount = infoCum !== undefined && Number.isFinite(Number(infoCum)) ? new Decimal(Number(infoCum)) : cum;
    out.push({
      bracket: t.tier ?? i + 1,
      initialLeverage: t.maxLeverage ?? 1,
      notionalFloor: floor.toFixed(),
      notionalCap: new Decimal(t.maxNotional ?? Number.MAX_SAFE_INTEGER).toFixed(),
      maintMarginRatio: rate.toFixed(),
      maintAmount: maintAmount.toFixed(),
    });
  });
  return out;
}
