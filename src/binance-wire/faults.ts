/** Fault-injection state for tests and fault drills. The websocket hub and the REST hook consult
 * it; nothing here does I/O. Drills that need a connection action (drop all sockets) go through
 * the server's control object, which combines this state with the hub. */

export interface SilenceFilter {
  /** Venue symbol, case-insensitive (BTCUSDT). Omitted: every symbol. */
  readonly symbol?: string;
  /** Stream channel: depth, markPrice, ticker, miniTicker, forceOrder, kline, aggTrade, trade,
   * bookTicker. Omitted: every channel. */
  readonly channel?: string;
}

export interface RestFault {
  /** Exact path (/fapi/v1/depth) or omitted for every path. */
  readonly path?: string;
  readonly status: number;
  readonly code: number;
  readonly msg: string;
  /** How many requests fail; default 1. */
  readonly times?: number;
}

export class FaultState {
  private readonly silences = new Map<number, SilenceFilter>();
  private readonly gaps = new Map<string, number>(); // lower symbol or '*' → diffs to drop
  private readonly restFaults: { fault: RestFault; left: number }[] = [];
  private nextId = 1;
  rejectConnections = false;
  /** Counters a test or drill can read back. */
  readonly counts = { depthDiffsDropped: 0, messagesSilenced: 0, restFaultsServed: 0 };

  silence(filter: SilenceFilter = {}): number {
    const id = this.nextId++;
    this.silences.set(id, {
      ...(filter.symbol ? { symbol: filter.symbol.toLowerCase() } : {}),
      ...(filter.channel ? { channel: filter.channel } : {}),
    });
    return id;
  }

  /** Resume one silence by id, or all of them. */
  resume(id?: number): void {
    if (id === undefined) this.silences.clear();
    else this.silences.delete(id);
  }

  isSilenced(symbolLower: string | undefined, channel: string): boolean {
    for (const f of this.silences.values()) {
      if ((f.symbol === undefined || f.symbol === symbolLower) && (f.channel === undefined || f.channel === channel))
        return true;
    }
    return false;
  }

  /** Drop the next `count` depth diffs of a symbol (all symbols when omitted): every client
   * then sees pu ≠ its last u, a sequence gap. */
  injectDepthGap(symbol?: string, count = 1): void {
    const key = symbol ? symbol.toLowerCase() : '*';
    this.gaps.set(key, (this.gaps.get(key) ?? 0) + count);
  }

  consumeGap(symbolLower: string): boolean {
    for (const key of [symbolLower, '*']) {
      const n = this.gaps.get(key) ?? 0;
      if (n > 0) {
        if (n === 1) this.gaps.delete(key);
        else this.gaps.set(key, n - 1);
        this.counts.depthDiffsDropped++;
        return true;
      }
    }
    return false;
  }

  failRest(fault: RestFault): void {
    this.restFaults.push({ fault, left: fault.times ?? 1 });
  }

  takeRestFault(path: string): RestFault | undefined {
    const i = this.restFaults.findIndex((f) => f.fault.path === undefined || f.fault.path === path);
    if (i < 0) return undefined;
    const entry = this.restFaults[i]!;
    if (--entry.left <= 0) this.restFaults.splice(i, 1);
    this.counts.restFaultsServed++;
    return entry.fault;
  }

  clear(): void {
    this.silences.clear();
    this.gaps.clear();
    this.restFaults.length = 0;
    this.rejectConnections = false;
  }
}
