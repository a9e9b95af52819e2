/** liqguard score: prefix invariance (appending future bars never changes earlier output) on an
 * hourly file and on 5-minute bars resampled to the model bar; liqguard evaluate --json. */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trainTiny } from './tiny-model.js';
import { run as score } from '../../src/cli/commands/score.js';
import { run as evaluate } from '../../src/cli/commands/evaluate.js';
import { resampleBars } from '../../src/training/resample.js';
import type { BarEvent } from '../../src/core/types.js';

let dir: string;
let modelDir: string;
const lines = (p: string): string[] => gunzipSync(readFileSync(p)).toString('utf8').trimEnd().split('\n');

async function capture(fn: () => Promise<number>): Promise<{ code: number; out: string }> {
  let out = '';
  const w = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
    out += String(s);
    return true;
  });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    return { code: await fn(), out };
  } finally {
    w.mockRestore();
    e.mockRestore();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lq-cli-'));
  modelDir = join(dir, 'models');
  await trainTiny(modelDir);
});

describe('liqguard score', () => {
  it('hourly file: appending future bars never changes earlier rows (csv and jsonl)', async () => {
    const all = lines('data/binance_um_klines_1h/BTCUSDT_1h.csv.gz');
    const full = join(dir, 'BTCUSDT_1h_full.csv');
    const head = join(dir, 'BTCUSDT_1h_head.csv');
    writeFileSync(full, all.slice(0, 1201).join('\n'));
    writeFileSync(head, all.slice(0, 901).join('\n'));
    for (const format of ['csv', 'jsonl']) {
      const a = await capture(() => score(['--klines', head, '--model', modelDir, '--format', format]));
      const b = await capture(() => score(['--klines', full, '--model', modelDir, '--format', format]));
      expect(a.code).toBe(0);
      const la = a.out.trimEnd().split('\n');
      const lb = b.out.trimEnd().split('\n');
      expect(lb.length).toBe(la.length + 300);
      expect(lb.slice(0, la.length)).toEqual(la);
    }
    const rows = (await capture(() => score(['--klines', full, '--model', modelDir]))).out
      .trimEnd()
      .split('\n')
      .slice(1);
    expect(rows.length).toBe(1200);
    expect(rows.some((r) => /,(stable|stressed|fragile|critical)$/.test(r))).toBe(true);
    // a row's values and the regime are those of the funding-free input; funding can be added
    const withFunding = await capture(() =>
      score(['--klines', full, '--model', modelDir, '--funding', 'data/binance_um_funding/funding_all.csv.gz']),
    );
    expect(withFunding.code).toBe(0);
    expect(withFunding.out).not.toBe(rows.join('\n'));
  });

  it('5-minute bars are resampled to the model bar; an unfinished last hour is withheld; prefix invariant', async () => {
    const all = lines('data/binance_btcusdt_5m_snapshot/btcusdt_perp_5m.csv.gz');
    const full = join(dir, 'BTCUSDT_5m_full.csv');
    const head = join(dir, 'BTCUSDT_5m_head.csv');
    writeFileSync(full, all.slice(0, 1 + 12 * 60 + 5).join('\n'));
    writeFileSync(head, all.slice(0, 1 + 12 * 40 + 7).join('\n'));
    const a = (await capture(() => score(['--klines', head, '--model', modelDir]))).out.trimEnd().split('\n');
    const b = (await capture(() => score(['--klines', full, '--model', modelDir]))).out.trimEnd().split('\n');
    expect(b.slice(0, a.length)).toEqual(a);
    const times = b.slice(1).map((r) => Number(r.split(',')[0]));
    for (const t of times) expect(t % 3_600_000).toBe(0);
  });

  it('rejects bad usage with exit code 2', async () => {
    expect((await capture(() => score(['--model', modelDir]))).code).toBe(2);
    expect((await capture(() => score(['--klines', 'x.csv', '--format', 'xml']))).code).toBe(2);
  });
});

describe('resampleBars', () => {
  const bar = (openTime: number, o: number, h: number, l: number, c: number, v: number): BarEvent => ({
    type: 'bar',
    symbol: 'S',
    openTime,
    ts: openTime + 1_800_000,
    intervalMs: 1_800_000,
    open: o,
    high: h,
    low: l,
    close: c,
    volume: v,
  });
  it('aggregates OHLCV of complete buckets and drops incomplete ones', () => {
    const H = 3_600_000;
    const out = resampleBars(
      [
        bar(0, 10, 12, 9, 11, 1),
        bar(H / 2, 11, 13, 10, 12, 2),
        bar(H, 12, 12, 12, 12, 1),
        bar(2 * H + H / 2, 1, 1, 1, 1, 1),
      ],
      H,
    );
    expect(out).toEqual([
      { type: 'bar', symbol: 'S', openTime: 0, ts: H, intervalMs: H, open: 10, high: 13, low: 9, close: 12, volume: 3 },
    ]);
  });
  it('rejects intervals that do not divide the model bar', () => {
    expect(() => resampleBars([{ ...bar(0, 1, 1, 1, 1, 1), intervalMs: 7 * 60_000 }], 3_600_000)).toThrow(
      /cannot be resampled/,
    );
  });
});

describe('liqguard evaluate --json', () => {
  it('prints metrics for the model and every baseline on the file', async () => {
    const all = lines('data/binance_um_klines_1h/BTCUSDT_1h.csv.gz');
    const f = join(dir, 'BTCUSDT_1h_eval.csv');
    writeFileSync(f, all.slice(0, 3001).join('\n'));
    const r = await capture(() => evaluate(['--klines', f, '--model', modelDir, '--json', '--replicates', '5']));
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.symbol).toBe('BTC/USDT:USDT');
    for (const side of ['down', 'up']) {
      expect(Object.keys(j[side].baselines).sort()).toEqual([
        'bar_range',
        'base_rate',
        'drawdown',
        'funding_z',
        'last_return',
        'logistic',
        'realized_vol',
        'rv_percentile',
        'volume_z',
      ]);
      expect(j[side].model.prAuc).toBeGreaterThan(0);
      expect(j[side].reliability.length).toBeGreaterThan(1);
      expect(j[side].model.recallAtBudget.map((b: { alarmsPerSymbolWeek: number }) => b.alarmsPerSymbolWeek)).toEqual([
        1, 5, 20,
      ]);
    }
  });
});
