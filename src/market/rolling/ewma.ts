/** Exponentially weighted moving average. `push(x)` uses a fixed alpha per sample;
 * `pushAt(x, ts)` decays by elapsed time with the given half-life (irregular samples). */
export class Ewma {
  private v = NaN;
  private lastTs = NaN;
  constructor(
    readonly alpha: number,
    readonly halfLifeMs = NaN,
  ) {
    if (!(alpha > 0 && alpha <= 1) && Number.isNaN(halfLifeMs))
      throw new RangeError(`alpha must be in (0, 1], got ${alpha}`);
  }
  static halfLife(halfLifeMs: number): Ewma {
    if (!(halfLifeMs > 0)) throw new RangeError(`halfLifeMs must be > 0, got ${halfLifeMs}`);
    return new Ewma(NaN, halfLifeMs);
  }
  get value(): number {
    return this.v;
  }
  push(x: number): number {
    if (Number.isNaN(x)) return this.v;
    this.v = Number.isNaN(this.v) ? x : this.v + this.alpha * (x - this.v);
    return this.v;
  }
  pushAt(x: number, ts: number): number {
    if (Number.isNaN(x)) return this.v;
    if (Number.isNaN(this.v)) this.v = x;
    else {
      const dt = Math.max(0, ts - this.lastTs);
      const a = 1 - Math.pow(2, -dt / this.halfLifeMs);
      this.v += a * (x - this.v);
    }
    this.lastTs = ts;
    return this.v;
  }
  clear(): void {
    this.v = NaN;
    this.lastTs = NaN;
  }
}

/** Self-exciting style intensity: each event adds its weight, the total decays with a
 * half-life. `valueAt(ts)` is Σ wᵢ·2^(−(ts−tᵢ)/h) over events with tᵢ <= ts. */
export class DecayingIntensity {
  private v = 0;
  private lastTs = NaN;
  constructor(readonly halfLifeMs: number) {
    if (!(halfLifeMs > 0)) throw new RangeError(`halfLifeMs must be > 0, got ${halfLifeMs}`);
  }
  add(weight: number, ts: number): void {
    this.v = this.valueAt(ts) + weight;
    this.lastTs = Number.isNaN(this.lastTs) ? ts : Math.max(ts, this.lastTs);
  }
  valueAt(ts: number): number {
    if (Number.isNaN(this.lastTs)) return 0;
    const dt = Math.max(0, ts - this.lastTs);
    return this.v * Math.pow(2, -dt / this.halfLifeMs);
  }
  /** Rate per hour equivalent: intensity × ln2 / half-life (so a steady flow of R per hour reads ≈ R). */
  ratePerHourAt(ts: number): number {
    return (this.valueAt(ts) * Math.LN2 * 3_600_000) / this.halfLifeMs;
  }
  clear(): void {
    this.v = 0;
    this.lastTs = NaN;
  }
}
