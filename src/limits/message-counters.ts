/** Per-client timestamps of new orders, trades (fills) and cancel requests: the inputs of the
 * order-to-trade and cancel ratios (MiFID II RTS 9). Arrival order; pruned past retention. */
export type MessageKind = 'order' | 'trade' | 'cancel';

export class MessageCounters {
  private readonly series = new Map<string, number[]>();
  private lastPrune = 0;

  constructor(private readonly retentionMs: number) {}

  record(kind: MessageKind, clientId: string, ts: number): void {
    const k = `${kind}|${clientId}`;
    let s = this.series.get(k);
    if (!s) this.series.set(k, (s = []));
    s.push(ts);
    if (ts - this.lastPrune > 60_000) this.prune(ts);
  }

  count(kind: MessageKind, clientId: string, sinceMs: number): number {
    const s = this.series.get(`${kind}|${clientId}`);
    if (!s) return 0;
    let lo = 0;
    let hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (s[mid]! < sinceMs) lo = mid + 1;
      else hi = mid;
    }
    return s.length - lo;
  }

  private prune(now: number): void {
    this.lastPrune = now;
    const before = now - this.retentionMs;
    for (const [k, s] of this.series) {
      let i = 0;
      while (i < s.length && s[i]! < before) i++;
      if (i) s.splice(0, i);
      if (!s.length) this.series.delete(k);
    }
  }
}
