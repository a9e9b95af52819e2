import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trainTiny } from '../scoring/tiny-model.js';
import { validateCard } from '../../src/scoring/model-card.js';

describe('liqguard train determinism (tiny slice)', () => {
  it('same data and seed give byte-identical .onnx, .json and .md; another seed differs', async () => {
    const a = mkdtempSync(join(tmpdir(), 'lq-a-'));
    const b = mkdtempSync(join(tmpdir(), 'lq-b-'));
    const ra = await trainTiny(a);
    const rb = await trainTiny(b);
    expect(rb.id).toBe(ra.id);
    for (const ext of ['onnx', 'json', 'md']) {
      expect(readFileSync(join(b, `${rb.id}.${ext}`)).equals(readFileSync(join(a, `${ra.id}.${ext}`)))).toBe(true);
    }
    const rc = await trainTiny(undefined, 7);
    expect(Buffer.from(rc.onnx).equals(Buffer.from(ra.onnx))).toBe(false);
    expect(validateCard(JSON.parse(readFileSync(join(a, `${ra.id}.json`), 'utf8')))).toEqual([]);
    expect(JSON.parse(readFileSync(join(a, 'default.json'), 'utf8'))).toEqual({ model: ra.id });
  }, 240_000);

  it('fits only allowed rows: never the held-out symbol, label windows ending by the cut minus the embargo', async () => {
    const r = await trainTiny();
    const tr = r.card.training as {
      fitSymbols: string[];
      heldOutSymbols: string[];
      fitSpan: { to: string };
      embargoHours: number;
      fitEnd: string;
    };
    expect(tr.fitSymbols).toEqual(['ETH/USDT:USDT']);
    expect(tr.heldOutSymbols).toEqual(['BTCUSDT']);
    expect(tr.fitEnd).toBe('2025-07-01T00:00:00.000Z');
    expect(Date.parse(tr.fitSpan.to) + (r.card.label.horizonHours + tr.embargoHours) * 3_600_000).toBeLessThanOrEqual(
      Date.UTC(2025, 6, 1),
    );
    const ev = r.card.evaluation as { perSymbol: Record<string, unknown>; pooled: Record<string, unknown> };
    expect(Object.keys(ev.perSymbol).sort()).toEqual(['BTC/USDT:USDT', 'ETH/USDT:USDT']);
    expect(Object.keys(ev.pooled)).toEqual(['all', 'major', 'heldOut', 'heldOutWholeSpan']);
  }, 240_000);
});
