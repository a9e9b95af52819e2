/** Anchors the head of an audit chain outside its segment files. A hash chain alone cannot show
 * that its newest records were cut off (the shorter chain is still a valid chain), so a
 * checkpoint of (segment, seq, hash) is written every `intervalMs` (and at close) to a store the
 * audit directory's writer does not control: Redis, or a file elsewhere. Optionally HMAC-SHA256
 * signed with a key from the environment, so the store cannot be rewritten without the key.
 * `liqguard audit verify --anchor …` checks the chain against it (anchor-verify.ts). */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { basename } from 'node:path';
import type { Clock } from '../core/clock.js';

export interface Checkpoint {
  readonly v: 1;
  readonly instance: string;
  readonly segment: string; // base name of the segment holding record `seq`
  readonly seq: number;
  readonly hash: string;
  readonly ts: number; // wall time of the checkpoint
  readonly sig?: string; // hex HMAC-SHA256 over signedText()
}

export interface AnchorStore {
  readonly describe: string;
  /** Stores `cp` unless the stored one has a higher seq (a checkpoint never moves back). */
  put(cp: Checkpoint): Promise<void>;
  /** Every instance's latest checkpoint. */
  list(): Promise<Checkpoint[]>;
  close(): Promise<void>;
}

const signedText = (cp: Omit<Checkpoint, 'sig'>): string =>
  `liqguard-audit-anchor:v1:${cp.instance}:${cp.segment}:${cp.seq}:${cp.hash}:${cp.ts}`;

function signCheckpoint(cp: Omit<Checkpoint, 'sig'>, key: string | undefined): Checkpoint {
  if (!key) return { ...cp };
  return { ...cp, sig: createHmac('sha256', key).update(signedText(cp)).digest('hex') };
}

/** 'ok', 'unsigned' (no sig on the checkpoint) or 'bad' (sig does not match the key). */
export function checkSignature(cp: Checkpoint, key: string): 'ok' | 'unsigned' | 'bad' {
  if (!cp.sig) return 'unsigned';
  const want = Buffer.from(
    signCheckpoint({ v: cp.v, instance: cp.instance, segment: cp.segment, seq: cp.seq, hash: cp.hash, ts: cp.ts }, key)
      .sig!,
    'hex',
  );
  const got = Buffer.from(cp.sig, 'hex');
  return got.length === want.length && timingSafeEqual(got, want) ? 'ok' : 'bad';
}

export function isCheckpoint(x: unknown): x is Checkpoint {
  const c = x as Checkpoint;
  return (
    !!c &&
    c.v === 1 &&
    typeof c.instance === 'string' &&
    typeof c.segment === 'string' &&
    Number.isInteger(c.seq) &&
    typeof c.hash === 'string' &&
    typeof c.ts === 'number'
  );
}

export interface AuditAnchorOptions {
  readonly instance: string;
  /** The writer's chain head (AuditLog.head()). */
  readonly head: () => { seq: number; hash: string; file: string | undefined };
  readonly store: AnchorStore;
  readonly clock: Clock;
  readonly hmacKey?: string | undefined;
  readonly intervalMs: number;
  readonly logger?: { warn(obj: object, msg: string): void };
}

/** Periodic checkpoints of one writer's head. A store failure is logged and retried at the next
 * tick; it never blocks or fails an order (the audit log itself is the write-ahead record). */
export class AuditAnchor {
  private timer: NodeJS.Timeout | undefined;
  private lastSeq = -1;
  private running: Promise<void> = Promise.resolve();
  failures = 0;

  constructor(private readonly o: AuditAnchorOptions) {}

  start(): void {
    this.timer = setInterval(() => void this.checkpointNow(), this.o.intervalMs);
    this.timer.unref();
  }

  /** Write a checkpoint of the current head now (when it moved since the last one). */
  checkpointNow(): Promise<void> {
    this.running = this.running.then(async () => {
      const h = this.o.head();
      if (h.seq === this.lastSeq || h.seq === 0 || !h.file) return;
      const cp = signCheckpoint(
        {
          v: 1,
          instance: this.o.instance,
          segment: basename(h.file),
          seq: h.seq,
          hash: h.hash,
          ts: this.o.clock.now(),
        },
        this.o.hmacKey,
      );
      try {
        await this.o.store.put(cp);
        this.lastSeq = h.seq;
      } catch (err) {
        this.failures++;
        this.o.logger?.warn(
          { err, store: this.o.store.describe },
          'audit anchor checkpoint failed; retrying at the next interval',
        );
      }
    });
    return this.running;
  }

  /** Final checkpoint, then the store is closed. Call before closing the audit log. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.checkpointNow();
    await this.o.store.close();
  }
}
