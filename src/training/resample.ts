/** Resamples bars of any interval that divides the model bar (1 minute and up) to the model bar.
 * Only complete buckets are emitted (every sub-bar present): a bucket still filling, or one with
 * a hole, is withheld, so appending later bars never changes an emitted bar (prefix invariance). */
import type { BarEvent } from '../core/types.js';
import { LiqguardError } from '../core/errors.js';

export function resampleBars(bars: readonly BarEvent[], barMs: number, file = 'klines'): BarEvent[] {
  const first = bars[0];
  if (!first) return [];
  const step = first.intervalMs;
  if (step === barMs) return [...bars];
  if (step < 60_000 || barMs % step !== 0) {
    throw new LiqguardError(
      'INVALID_REQUEST',
      `${file}: bar interval ${step / 60_000} min cannot be resampled to the model's ${barMs / 60_000} min ` +
        `bar; use klines of 1 minute or more whose interval divides ${barMs / 60_000} min`,
    );
  }
  const per = barMs / step;
  const out: BarEvent[] = [];
  let cur: BarEvent[] = [];
  const flush = (): void => {
    if (cur.length !== per) return;
    const b0 = cur[0] as BarEvent;
    let high = -Infinity;
    let low = Infinity;
    let volume = 0;
    let qv = 0;
    let tb = 0;
    let tr = 0;
    let hasQv = true;
    let hasTb = true;
    let hasTr = true;
    for (const b of cur) {
      high = Math.max(high, b.high);
      low = Math.min(low, b.low);
      volume += b.volume;
      if (b.quoteVolume === undefined) hasQv = false;
      else qv += b.quoteVolume;
      if (b.takerBuyVolume === undefined) hasTb = false;
      else tb += b.takerBuyVolume;
      if (b.trades === undefined) hasTr = false;
      else tr += b.trades;
    }
    const openTime = Math.floor(b0.openTime / barMs) * barMs;
    out.push({
      type: 'bar',
      symbol: b0.symbol,
      openTime,
      ts: openTime + barMs,
      intervalMs: barMs,
      open: b0.open,
      high,
      low,
      close: (cur[cur.length - 1] as BarEvent).close,
      volume,
      ...(hasQv ? { quoteVolume: qv } : {}),
      ...(hasTb ? { takerBuyVolume: tb } : {}),
      ...(hasTr ? { trades: tr } : {}),
    });
  };
  let bucket = NaN;
  for (const b of bars) {
    if (b.intervalMs !== step)
      throw new LiqguardError('INVALID_REQUEST', `${file}: mixed bar intervals (${step} and ${b.intervalMs} ms)`);
    const k = Math.floor(b.openTime / barMs);
    if (k !== bucket) {
      flush();
      cur = [];
      bucket = k;
    }
    cur.push(b);
  }
  flush();
  return out;
}
