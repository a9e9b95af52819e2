/** A deterministic intra-bar price path, so resting orders, liquidations and the mark meet a
 * bar's extremes in a plausible order: a bullish bar (close ≥ open) goes O→L→H→C, a bearish one
 * O→H→L→C (the extreme nearer the open tends to come first). Each leg is split linearly into
 * `stepsPerLeg` steps. Market data, so numbers. */
import type { BarEvent } from '../../core/types.js';

export interface PathPoint {
  readonly price: number;
  readonly ts: number;
}

/** 3·stepsPerLeg + 1 points from the open (at openTime) to the close (at ts = close time). */
export function intrabarPath(
  bar: Pick<BarEvent, 'open' | 'high' | 'low' | 'close' | 'openTime' | 'ts'>,
  stepsPerLeg: number,
): PathPoint[] {
  const n = Math.max(1, Math.floor(stepsPerLeg));
  const bullish = bar.close >= bar.open;
  const legs = bullish ? [bar.open, bar.low, bar.high, bar.close] : [bar.open, bar.high, bar.low, bar.close];
  const total = 3 * n;
  const span = bar.ts - bar.openTime;
  const out: PathPoint[] = [{ price: bar.open, ts: bar.openTime }];
  for (let leg = 0; leg < 3; leg++) {
    const a = legs[leg]!;
    const b = legs[leg + 1]!;
    for (let i = 1; i <= n; i++) {
      const k = leg * n + i;
      out.push({ price: i === n ? b : a + ((b - a) * i) / n, ts: bar.openTime + Math.round((span * k) / total) });
    }
  }
  return out;
}
