/** A deterministic book around a mark price, on the instrument's tick and lot grid. Used when a
 * feed has bars and marks but no depth (replay of klines), so clients still see a book whose
 * mid tracks the mark. It is not a model of real liquidity. */
import type { InstrumentSpec } from '../core/types.js';
import type { Level } from './source.js';

export interface SyntheticBookOptions {
  /** Levels per side. Default 20. */
  readonly levels?: number;
  /** Half-spread in basis points of the mark (at least one tick). Default 1. */
  readonly halfSpreadBps?: number;
  /** Distance between levels in ticks. Default 1. */
  readonly levelStepTicks?: number;
  /** Quote notional at the best level; deeper levels grow by 25% each. Default 50_000. */
  readonly topNotional?: number;
}

export function decimalsOf(step: string): number {
  const i = step.indexOf('.');
  return i < 0 ? 0 : step.length - i - 1;
}

function roundToStep(value: number, step: number, decimals: number, mode: 'floor' | 'ceil' | 'nearest'): number {
  const n = value / step;
  const units = mode === 'floor' ? Math.floor(n + 1e-9) : mode === 'ceil' ? Math.ceil(n - 1e-9) : Math.round(n);
  return Number((units * step).toFixed(decimals));
}

export function synthesizeLevels(
  inst: InstrumentSpec,
  mark: number,
  o: SyntheticBookOptions,
): { bids: Level[]; asks: Level[] } {
  const tick = Number(inst.tickSize);
  const step = Number(inst.stepSize);
  const pd = decimalsOf(inst.tickSize);
  const qd = decimalsOf(inst.stepSize);
  const levels = o.levels ?? 20;
  const gap = (o.levelStepTicks ?? 1) * tick;
  const half = Math.max(tick, (mark * (o.halfSpreadBps ?? 1)) / 10_000);
  const bestBid = roundToStep(mark - half, tick, pd, 'floor');
  const bestAsk = Math.max(roundToStep(mark + half, tick, pd, 'ceil'), Number((bestBid + tick).toFixed(pd)));
  const minQty = Number(inst.minQty);
  const bids: Level[] = [];
  const asks: Level[] = [];
  for (let i = 0; i < levels; i++) {
    const bp = Number((bestBid - i * gap).toFixed(pd));
    const ap = Number((bestAsk + i * gap).toFixed(pd));
    const notional = (o.topNotional ?? 50_000) * (1 + 0.25 * i);
    if (bp > 0) bids.push([bp, Math.max(minQty, roundToStep(notional / bp, step, qd, 'nearest'))]);
    asks.push([ap, Math.max(minQty, roundToStep(notional / ap, step, qd, 'nearest'))]);
  }
  return { bids, asks };
}
