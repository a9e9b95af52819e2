/** Funding payments of a ccxt venue (Venue.onFunding): the venue's FUNDING_FEE income rows
 * (ccxt fetchFundingHistory, on Binance USD-M GET /fapi/v1/income), polled every `intervalMs`
 * and on demand, each reported once. Only payments after the gateway started are reported (its
 * history is the venue's). A ccxt venue trades one exchange account: payments carry account ''
 * (that account, whatever the clients call it). */
import type { Clock } from '../../core/clock.js';
import type { FundingPayment } from '../../core/types.js';
import type { VenueBudget } from '../budget/index.js';

interface FundingRowLike {
  readonly id?: string;
  readonly symbol?: string;
  readonly timestamp?: number;
  readonly amount?: number;
  readonly info?: { income?: string; tranId?: string | number };
}

export interface FundingSource {
  fetchFundingHistory(symbol?: string, since?: number, limit?: number): Promise<unknown[]>;
}

export class FundingPoller {
  private since: number;
  private readonly seen = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly d: {
      readonly venue: string;
      readonly source: FundingSource;
      readonly budget: VenueBudget;
      readonly wallClock: Clock;
      readonly emit: (p: FundingPayment) => void;
      readonly logger?: { warn(o: object, m?: string): void };
    },
  ) {
    this.since = d.wallClock.now();
  }

  start(intervalMs: number): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.poll().catch(() => undefined), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One round (concurrent callers share it); resolves with the number of new payments. */
  poll(): Promise<number> {
    this.running ??= this.round().finally(() => (this.running = undefined));
    return this.running;
  }

  private async round(): Promise<number> {
    const permit = await this.d.budget.acquire('query', 1);
    if (!permit.ok) return 0;
    let rows: FundingRowLike[];
    try {
      rows = (await this.d.source.fetchFundingHistory(undefined, this.since, 1000)) as FundingRowLike[];
    } catch (err) {
      this.d.logger?.warn({ venue: this.d.venue, err: (err as Error).message }, 'funding history unavailable');
      return 0;
    }
    let n = 0;
    for (const r of rows) {
      const id = String(r.id ?? r.info?.tranId ?? `${r.symbol}:${r.timestamp}`);
      if (this.seen.has(id) || !r.symbol || r.timestamp === undefined) continue;
      this.seen.add(id);
      if (this.seen.size > 10_000) this.seen.delete(this.seen.values().next().value!);
      this.since = Math.max(this.since, r.timestamp);
      const amount = r.info?.income ?? (r.amount !== undefined ? String(r.amount) : undefined);
      if (amount === undefined) continue;
      // The income row carries no rate: '' says unknown (the simulated venue reports it).
      this.d.emit({ venue: this.d.venue, account: '', symbol: r.symbol, amount, rate: '', ts: r.timestamp });
      n++;
    }
    return n;
  }
}
