/** Options of the simulated exchange: defaults (Binance's) and validation with every problem
 * reported at once. */
import type { Clock } from '../../core/clock.js';
import { Decimal } from '../../core/decimal.js';
import { LiqguardError } from '../../core/errors.js';
import type { ExecutionReport, InstrumentSpec, MarginMode } from '../../core/types.js';
import type { BookOptions } from './book.js';
import { DEFAULT_IMPACT, type ImpactParams } from './impact.js';
import type { VenueReject } from './rejects.js';

export interface SimulatedExchangeOptions {
  readonly clock: Clock;
  readonly venueId?: string; // default 'sim'
  readonly instruments?: readonly InstrumentSpec[]; // default: BTC, ETH, XRP, BNB perps
  readonly initialBalance?: string; // per new account, default '100000' (USDT)
  readonly makerFee?: string; // default '0.0002'
  readonly takerFee?: string; // default '0.0005'
  readonly impact?: Partial<ImpactParams>;
  readonly stepsPerLeg?: number; // intra-bar path resolution, default 4
  /** Share of a bar's volume resting orders may fill in that bar (all accounts). Default 0.1. */
  readonly maxParticipation?: number;
  readonly defaultLeverage?: string; // default '20' (Binance)
  readonly defaultMarginMode?: MarginMode; // default 'cross' (Binance)
  /** 'maintenance' (default): a liquidated position's maintenance margin at the liquidation
   * price goes to the insurance fund as the clearance fee, like Binance; 'none': no fee. */
  readonly liquidationFee?: 'maintenance' | 'none';
  readonly maxTerminalOrders?: number; // kept per account for fetchOrder, default 10000
  readonly maxLedgerEntries?: number; // per account, default 200000
  readonly maxEquityPoints?: number; // per account, default 100000
}

export type ReportOrigin = 'request' | 'venue';
export type ReportListener = (report: ExecutionReport, origin: ReportOrigin) => void;

/** A request's outcome: the report, and the Binance error when rejected. */
export interface SimResult {
  readonly report: ExecutionReport;
  readonly reject?: VenueReject;
}

export interface ResolvedOptions {
  readonly venueId: string;
  readonly makerFee: Decimal;
  readonly takerFee: Decimal;
  readonly impact: ImpactParams;
  readonly stepsPerLeg: number;
  readonly participation: number;
  readonly liquidationFee: 'maintenance' | 'none';
  readonly maxTerminalOrders: number;
  readonly book: BookOptions;
}

export function resolveOptions(o: SimulatedExchangeOptions): ResolvedOptions {
  const problems: string[] = [];
  const decimal = (name: string, v: string, min: number): Decimal => {
    const ok = /^[0-9]+(\.[0-9]+)?$/.test(v) && new Decimal(v).gte(min);
    if (!ok) problems.push(`${name}: "${v}" must be a decimal string ≥ ${min}`);
    return ok ? new Decimal(v) : new Decimal(min);
  };
  const count = (name: string, v: number, min: number): number => {
    if (!Number.isFinite(v) || v < min) problems.push(`${name}: ${v} must be a number ≥ ${min}`);
    return v;
  };
  const impact = { ...DEFAULT_IMPACT, ...o.impact };
  for (const k of ['halfSpread', 'k', 'cap'] as const) count(`impact.${k}`, impact[k], 0);
  const r: ResolvedOptions = {
    venueId: o.venueId ?? 'sim',
    makerFee: decimal('makerFee', o.makerFee ?? '0.0002', 0),
    takerFee: decimal('takerFee', o.takerFee ?? '0.0005', 0),
    impact,
    stepsPerLeg: count('stepsPerLeg', o.stepsPerLeg ?? 4, 1),
    participation: count('maxParticipation', o.maxParticipation ?? 0.1, 0),
    liquidationFee: o.liquidationFee ?? 'maintenance',
    maxTerminalOrders: count('maxTerminalOrders', o.maxTerminalOrders ?? 10_000, 1),
    book: {
      initialBalance: decimal('initialBalance', o.initialBalance ?? '100000', 0),
      defaultLeverage: decimal('defaultLeverage', o.defaultLeverage ?? '20', 1),
      defaultMarginMode: o.defaultMarginMode ?? 'cross',
      maxLedgerEntries: count('maxLedgerEntries', o.maxLedgerEntries ?? 200_000, 1),
      maxEquityPoints: count('maxEquityPoints', o.maxEquityPoints ?? 100_000, 1),
    },
  };
  if (problems.length)
    throw new LiqguardError(
      'CONFIG_INVALID',
      `simulated venue: ${problems.length} invalid option(s)`,
      problems.map((message) => ({ path: 'simulated', message })),
    );
  return r;
}
