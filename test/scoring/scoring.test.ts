import { beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trainTiny } from './tiny-model.js';
import { loadModel, type LoadedModel } from '../../src/scoring/load-model.js';
import { OnnxRegimeScorer } from '../../src/scoring/onnx-scorer.js';
import { pathContributions, ensembleMargin } from '../../src/scoring/tree-ensemble.js';
import { LiqguardError } from '../../src/core/errors.js';
import type { MarketSnapshot } from '../../src/core/types.js';
import type { TrainResult } from '../../src/training/train-run.js';

let dir: string;
let tiny: TrainResult;
let model: LoadedModel;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lq-score-'));
  tiny = await trainTiny(dir);
  model = loadModel(dir);
});

function snapshot(features: Record<string, number>, asOf: number, extra: Partial<MarketSnapshot> = {}): MarketSnapshot {
  return {
    symbol: 'ETH/USDT:USDT',
    asOf,
    ageMs: 0,
    features,
    missing: [],
    ages: {},
    flags: [],
    degraded: false,
    ...extra,
  };
}
const calmRow = (): Record<string, number> => Object.fromEntries(model.card.features.names.map((n) => [n, 0]));

function copyModel(): string {
  const d = mkdtempSync(join(tmpdir(), 'lq-bad-'));
  for (const ext of ['onnx', 'json', 'md']) copyFileSync(join(dir, `${tiny.id}.${ext}`), join(d, `${tiny.id}.${ext}`));
  copyFileSync(join(dir, 'default.json'), join(d, 'default.json'));
  return d;
}
function expectModelInvalid(fn: () => unknown, text: RegExp): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(LiqguardError);
    expect((e as LiqguardError).code).toBe('MODEL_INVALID');
    expect((e as Error).message).toMatch(text);
    expect((e as Error).message).toMatch(/liqguard train/);
    return;
  }
  throw new Error('expected MODEL_INVALID');
}

describe('loadModel refuses a missing or corrupt model with a clear error', () => {
  it('loads the default model through models/default.json', () => {
    expect(model.card.id).toBe(tiny.id);
    expect(model.decoded.featureCount).toBe(model.card.features.names.length);
  });
  it('missing directory, missing card, missing onnx', () => {
    expectModelInvalid(() => loadModel(join(dir, 'nope')), /does not exist/);
    const d = copyModel();
    writeFileSync(join(d, 'default.json'), JSON.stringify({ model: 'absent' }));
    expectModelInvalid(() => loadModel(d), /cannot be read/);
    const d2 = copyModel();
    writeFileSync(join(d2, `${tiny.id}.onnx`), '');
    expectModelInvalid(() => loadModel(d2), /sha256/);
  });
  it('a flipped byte in the .onnx fails the sha256 check', () => {
    const d = copyModel();
    const p = join(d, `${tiny.id}.onnx`);
    const b = readFileSync(p);
    b[b.length - 10] = (b[b.length - 10] as number) ^ 0xff;
    writeFileSync(p, b);
    expectModelInvalid(() => loadModel(d), /sha256/);
  });
  it('card problems are all reported: bad JSON, unknown key, wrong feature count, calibration mismatch', () => {
    const d = copyModel();
    const p = join(d, `${tiny.id}.json`);
    writeFileSync(p, '{ not json');
    expectModelInvalid(() => loadModel(p), /not valid JSON/);
    const card = JSON.parse(readFileSync(join(dir, `${tiny.id}.json`), 'utf8'));
    writeFileSync(
      p,
      JSON.stringify({
        ...card,
        surprise: 1,
        regime: { ...card.regime, thresholds: { stressed: 0.5, fragile: 0.2, critical: 0.9 } },
      }),
    );
    try {
      loadModel(p);
    } catch (e) {
      expect((e as LiqguardError).details.map((x) => x.path)).toEqual(['surprise', 'regime.thresholds']);
    }
    writeFileSync(p, JSON.stringify({ ...card, features: { ...card.features, names: card.features.names.slice(1) } }));
    expectModelInvalid(() => loadModel(p), /features/);
    writeFileSync(
      p,
      JSON.stringify({ ...card, calibration: { ...card.calibration, up: { method: 'platt', a: 9, b: 9 } } }),
    );
    expectModelInvalid(() => loadModel(p), /calibration\.up/);
  });
  it('refuses to start when the feature engine does not produce a model feature', async () => {
    await expect(OnnxRegimeScorer.create(model, { engineFeatureNames: ['ret_1'] })).rejects.toMatchObject({
      code: 'MODEL_INVALID',
    });
  });
});

describe('OnnxRegimeScorer', () => {
  it('scores, caches per (symbol, asOf), and explains with Saabas contributions', async () => {
    const scorer = await OnnxRegimeScorer.create(model, { engineFeatureNames: model.card.features.names });
    const f = calmRow();
    const s1 = await scorer.score(snapshot(f, 1000), 1000);
    const s2 = await scorer.score(snapshot({ ...f, rv_24: 99 }, 1000), 2000); // same asOf: cached
    expect(s2).toBe(s1);
    if (s1.status !== 'ok') throw new Error(s1.status);
    expect(s1.modelSha256).toBe(model.sha256);
    expect(s1.probability).toBe(Math.max(s1.pDown, s1.pUp));
    expect(s1.contributions.length).toBeLessThanOrEqual(model.card.serving.topContributions);
    const side = s1.pDown >= s1.pUp ? 'down' : 'up';
    const x = Float32Array.from(model.card.features.names.map((n) => f[n] as number));
    const { expected, contributions } = pathContributions(model.decoded.sides[side].model, x);
    expect(contributions.reduce((a, v) => a + v, expected)).toBeCloseTo(
      ensembleMargin(model.decoded.sides[side].model, x),
      9,
    );
    for (const c of s1.contributions)
      expect(c.contribution).toBe(contributions[model.card.features.names.indexOf(c.feature)]);
    await scorer.close();
  });

  it('degraded snapshots and too many missing features give unavailable / unknown', async () => {
    const scorer = await OnnxRegimeScorer.create(model);
    const deg = await scorer.score(snapshot(calmRow(), 1, { degraded: true, flags: ['STALE'] }), 1);
    expect(deg).toMatchObject({ status: 'unavailable', regime: 'unknown' });
    expect(deg.status === 'unavailable' && deg.reason).toMatch(/STALE/);
    const missing = await scorer.score(snapshot({}, 2), 2);
    expect(missing).toMatchObject({ status: 'unavailable', regime: 'unknown' });
    const some = Object.fromEntries(model.card.features.names.map((n, i) => [n, i < 3 ? NaN : 0]));
    expect((await scorer.score(snapshot(some, 3), 3)).status).toBe('ok'); // a few NaN: the trees route them
    await scorer.close();
  });

  it('escalates at once and de-escalates only after the hysteresis condition holds', async () => {
    // drive the probability with a fake card threshold: stressed just below the calm probability
    const scorer0 = await OnnxRegimeScorer.create(model);
    const calm = await scorer0.score(snapshot(calmRow(), 1), 1);
    if (calm.status !== 'ok') throw new Error('calm');
    const p = calm.probability;
    const card = {
      ...model.card,
      regime: {
        ...model.card.regime,
        thresholds: { stressed: p / 4, fragile: p / 2, critical: p * 0.9 },
        hysteresis: { margin: p * 0.05, deescalateAfterBars: 2 },
      },
    };
    const scorer = await OnnxRegimeScorer.create({ ...model, card });
    const r1 = await scorer.score(snapshot(calmRow(), 10), 10);
    expect(r1.regime).toBe('critical');
    const card2 = {
      ...card,
      regime: { ...card.regime, thresholds: { stressed: p * 1.5, fragile: p * 2, critical: p * 3 } },
    };
    // same state machine, thresholds now above p: critical holds for one update, drops on the second
    const s2 = await OnnxRegimeScorer.create({ ...model, card: card2 });
    (s2 as unknown as { states: Map<string, unknown> }).states.set('ETH/USDT:USDT', { regime: 'critical', below: 0 });
    expect((await s2.score(snapshot(calmRow(), 11), 11)).regime).toBe('critical');
    expect((await s2.score(snapshot(calmRow(), 11), 11)).regime).toBe('critical'); // cached: no extra step
    expect((await s2.score(snapshot(calmRow(), 12), 12)).regime).toBe('stable');
    for (const s of [scorer0, scorer, s2]) await s.close();
  });
});
