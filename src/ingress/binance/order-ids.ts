/** Binance order ids are integers; liqguard's are intent ids. This map gives every parent order
 * one stable numeric id per gateway process, assigned on first sight (an order placed over REST
 * or WebSocket gets one the first time the Binance API shows it). Ids start at the wall-clock
 * millisecond at construction, so a restarted gateway does not hand out ids it used before
 * unless it assigned more than one id per millisecond of uptime. Bounded like the OrderStore:
 * the oldest mappings go first. */
export class OrderIdMap {
  private next: number;
  private readonly byNumber = new Map<number, string>();
  private readonly byIntent = new Map<string, number>();

  constructor(
    start: number,
    private readonly max = 100_000,
  ) {
    if (!Number.isSafeInteger(start) || start < 1)
      throw new RangeError(`order id start must be a positive safe integer, got ${start}`);
    this.next = start;
  }

  idFor(intentId: string): number {
    const known = this.byIntent.get(intentId);
    if (known !== undefined) return known;
    const id = this.next++;
    this.byIntent.set(intentId, id);
    this.byNumber.set(id, intentId);
    if (this.byNumber.size > this.max) {
      const [oldId, oldIntent] = this.byNumber.entries().next().value as [number, string];
      this.byNumber.delete(oldId);
      this.byIntent.delete(oldIntent);
    }
    return id;
  }

  intentOf(orderId: number): string | undefined {
    return this.byNumber.get(orderId);
  }
}
