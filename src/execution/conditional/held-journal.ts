/** HeldJournal: the conditional orders the gateway holds, in a small JSON-lines file in its state
 * directory, so that a restart re-arms them (TriggerHolder.rearm). One line per hold (the intent,
 * its decision, regime and placement time) and one per end (triggered, cancelled, ended); at open
 * the file is read, and rewritten with only the orders still held. Appends are synchronous: a
 * hold is on disk before the bot hears it was accepted. */
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Decision, OrderIntent, RegimeLabel } from '../../core/types.js';

export interface HeldRecord {
  readonly intent: OrderIntent;
  readonly decision: Decision;
  readonly regime: RegimeLabel;
  readonly createdAt: number;
}

type Line = { op: 'hold'; held: HeldRecord } | { op: 'end'; intentId: string };

export class HeldJournal {
  private readonly live = new Map<string, HeldRecord>();

  constructor(private readonly file: string) {
    mkdirSync(dirname(file), { recursive: true });
    if (existsSync(file)) {
      for (const raw of readFileSync(file, 'utf8').split('\n')) {
        if (!raw.trim()) continue;
        let line: Line;
        try {
          line = JSON.parse(raw) as Line;
        } catch {
          continue; // a torn last line (crash mid-append): that hold never answered the bot
        }
        if (line.op === 'hold') this.live.set(line.held.intent.intentId, line.held);
        else this.live.delete(line.intentId);
      }
    }
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, [...this.live.values()].map((held) => `${JSON.stringify({ op: 'hold', held })}\n`).join(''));
    renameSync(tmp, file);
  }

  /** Orders held when the journal was opened (to re-arm). */
  held(): HeldRecord[] {
    return [...this.live.values()];
  }

  hold(r: HeldRecord): void {
    this.live.set(r.intent.intentId, r);
    appendFileSync(this.file, `${JSON.stringify({ op: 'hold', held: r })}\n`);
  }

  end(intentId: string): void {
    if (!this.live.delete(intentId)) return;
    appendFileSync(this.file, `${JSON.stringify({ op: 'end', intentId })}\n`);
  }
}
