/** Listen keys of the door's user-data stream, per client. Pure bookkeeping on an injected clock:
 * Binance semantics (one live key per client, POST returns and extends it, PUT extends it, DELETE
 * ends it, 60 minutes without a keepalive ends it). The stream module pushes listenKeyExpired for
 * the keys `sweep()` returns. */
import { randomBytes } from 'node:crypto';

const LISTEN_KEY_TTL_MS = 60 * 60_000;

interface Entry {
  readonly key: string;
  readonly clientId: string;
  expires: number;
}

export class ListenKeys {
  private readonly byClient = new Map<string, Entry>();
  private readonly byKey = new Map<string, Entry>();

  constructor(
    private readonly now: () => number,
    private readonly ttlMs = LISTEN_KEY_TTL_MS,
    private readonly newKey: () => string = () => randomBytes(32).toString('hex'),
  ) {}

  /** POST: the client's live key (extended), else a new one. */
  open(clientId: string): string {
    const live = this.live(this.byClient.get(clientId));
    if (live) {
      live.expires = this.now() + this.ttlMs;
      return live.key;
    }
    const e: Entry = { key: this.newKey(), clientId, expires: this.now() + this.ttlMs };
    this.byClient.set(clientId, e);
    this.byKey.set(e.key, e);
    return e.key;
  }

  /** PUT: extend the client's live key; undefined when it has none (Binance -1125). */
  keepAlive(clientId: string): string | undefined {
    const live = this.live(this.byClient.get(clientId));
    if (!live) return undefined;
    live.expires = this.now() + this.ttlMs;
    return live.key;
  }

  /** DELETE: the key it ended, if any. */
  close(clientId: string): string | undefined {
    const e = this.byClient.get(clientId);
    if (!e) return undefined;
    this.byClient.delete(clientId);
    this.byKey.delete(e.key);
    return e.key;
  }

  /** The client of a live key (a websocket opened with it). */
  clientOf(key: string): string | undefined {
    return this.live(this.byKey.get(key))?.clientId;
  }

  /** The live key of a client (where its events go). */
  keyOf(clientId: string): string | undefined {
    return this.live(this.byClient.get(clientId))?.key;
  }

  /** Remove the keys past their expiry and return them. */
  sweep(): { key: string; clientId: string }[] {
    const out: { key: string; clientId: string }[] = [];
    const now = this.now();
    for (const e of this.byKey.values()) {
      if (e.expires > now) continue;
      this.byKey.delete(e.key);
      if (this.byClient.get(e.clientId) === e) this.byClient.delete(e.clientId);
      out.push({ key: e.key, clientId: e.clientId });
    }
    return out;
  }

  private live(e: Entry | undefined): Entry | undefined {
    return e && e.expires > this.now() ? e : undefined;
  }
}
