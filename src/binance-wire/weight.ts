/** Request-weight accounting per IP in one-minute windows of the injected clock, reported in
 * X-MBX-USED-WEIGHT-1M as Binance does; over the limit answers 429 / -1003. */
export class WeightMeter {
  private windowStart = -1;
  private readonly used = new Map<string, number>();

  constructor(
    private readonly now: () => number,
    readonly limitPerMinute: number,
  ) {}

  /** Adds the weight and returns the total used by this IP in the current minute. */
  add(ip: string, weight: number): number {
    const minute = Math.floor(this.now() / 60_000) * 60_000;
    if (minute !== this.windowStart) {
      this.windowStart = minute;
      this.used.clear();
    }
    const total = (this.used.get(ip) ?? 0) + weight;
    this.used.set(ip, total);
    return total;
  }
}

/** Weights of the public USD-M endpoints (developers.binance.com, 2025). */
export function depthWeight(limit: number): number {
  if (limit <= 50) return 2;
  if (limit <= 100) return 5;
  if (limit <= 500) return 10;
  return 20;
}

export function klinesWeight(limit: number): number {
  if (limit < 100) return 1;
  if (limit < 500) return 2;
  if (limit <= 1000) return 5;
  return 10;
}
