/** Reads the trees and calibration back out of a liqguard ONNX file, so the TS path (Saabas
 * contributions, the parity check) uses exactly the numbers ORT runs, from the sha256-checked
 * file itself. Only the graph shape written by src/training/onnx-export.ts is accepted. */
import onnxProto from 'onnx-proto';
import { fillInternalValues, type PlattCalibration, type Tree, type TreeEnsemble } from './tree-ensemble.js';

const { onnx } = onnxProto;

interface DecodedSide {
  readonly model: TreeEnsemble;
  readonly calibration: PlattCalibration;
}
export interface DecodedModel {
  readonly inputName: string;
  readonly featureCount: number;
  readonly outputs: readonly string[];
  readonly sides: Readonly<Record<'down' | 'up', DecodedSide>>;
}

type Attr = onnxProto.onnx.IAttributeProto;
const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));

function attrMap(attrs: readonly Attr[] | null | undefined): Map<string, Attr> {
  return new Map((attrs ?? []).map((a) => [a.name ?? '', a]));
}
const intsOf = (m: Map<string, Attr>, k: string): number[] => (m.get(k)?.ints ?? []).map(num);
const floatsOf = (m: Map<string, Attr>, k: string): number[] => Array.from(m.get(k)?.floats ?? []);
const stringsOf = (m: Map<string, Attr>, k: string): string[] =>
  (m.get(k)?.strings ?? []).map((b) => Buffer.from(b).toString('utf8'));

function decodeTrees(attrs: Map<string, Attr>, featureCount: number): Tree[] {
  const treeIds = intsOf(attrs, 'nodes_treeids');
  const nodeIds = intsOf(attrs, 'nodes_nodeids');
  const feats = intsOf(attrs, 'nodes_featureids');
  const values = floatsOf(attrs, 'nodes_values');
  const modes = stringsOf(attrs, 'nodes_modes');
  const trues = intsOf(attrs, 'nodes_truenodeids');
  const falses = intsOf(attrs, 'nodes_falsenodeids');
  const missing = intsOf(attrs, 'nodes_missing_value_tracks_true');
  const hit = floatsOf(attrs, 'nodes_hitrates');
  const n = treeIds.length;
  for (const [k, arr] of Object.entries({ nodeIds, feats, values, modes, trues, falses, missing, hit })) {
    if (arr.length !== n) throw new Error(`attribute ${k} has ${arr.length} entries, expected ${n}`);
  }
  const nTrees = treeIds.reduce((m, v) => Math.max(m, v + 1), 0);
  const sizes = new Array<number>(nTrees).fill(0);
  for (let i = 0; i < n; i++)
    sizes[treeIds[i] as number] = Math.max(sizes[treeIds[i] as number] as number, (nodeIds[i] as number) + 1);
  const trees = sizes.map((s) => ({
    feature: new Int32Array(s).fill(-1),
    threshold: new Float64Array(s),
    left: new Int32Array(s),
    right: new Int32Array(s),
    missingLeft: new Uint8Array(s),
    value: new Float64Array(s),
    cover: new Float64Array(s),
  }));
  for (let i = 0; i < n; i++) {
    const t = trees[treeIds[i] as number] as Tree & { feature: Int32Array };
    const id = nodeIds[i] as number;
    t.cover[id] = hit[i] as number;
    if (modes[i] === 'LEAF') continue;
    if (modes[i] !== 'BRANCH_LEQ') throw new Error(`unsupported node mode ${modes[i]}`);
    if ((feats[i] as number) >= featureCount)
      throw new Error(`node uses feature ${feats[i]} but the input has ${featureCount}`);
    t.feature[id] = feats[i] as number;
    t.threshold[id] = values[i] as number;
    t.left[id] = trues[i] as number;
    t.right[id] = falses[i] as number;
    t.missingLeft[id] = missing[i] as number;
  }
  const tt = intsOf(attrs, 'target_treeids');
  const tn = intsOf(attrs, 'target_nodeids');
  const tw = floatsOf(attrs, 'target_weights');
  for (let k = 0; k < tt.length; k++) (trees[tt[k] as number] as Tree).value[tn[k] as number] = tw[k] as number;
  for (const t of trees) fillInternalValues(t);
  return trees;
}

export function decodeOnnx(bytes: Uint8Array): DecodedModel {
  const m = onnx.ModelProto.decode(bytes);
  const g = m.graph;
  if (!g) throw new Error('no graph');
  const input = g.input?.[0];
  const dims = input?.type?.tensorType?.shape?.dim ?? [];
  const featureCount = num(dims[1]?.dimValue ?? NaN);
  if (!input?.name || !Number.isInteger(featureCount)) throw new Error('graph input must be a float tensor [N, F]');
  const scalars = new Map<string, number>();
  for (const t of g.initializer ?? [])
    scalars.set(t.name ?? '', Number(t.int64Data?.length ? t.int64Data[0] : t.floatData?.[0]));
  const side = (s: 'down' | 'up'): DecodedSide => {
    const node = (g.node ?? []).find((nd) => nd.name === `trees_${s}`);
    if (!node || node.opType !== 'TreeEnsembleRegressor') throw new Error(`missing TreeEnsembleRegressor trees_${s}`);
    const get = (k: string): number => {
      const v = scalars.get(k);
      if (v === undefined || !Number.isFinite(v)) throw new Error(`missing initializer ${k}`);
      return v;
    };
    const hasBase = scalars.has(`touch_k_${s}`);
    const base = hasBase
      ? {
          feature: get(`touch_idx_${s}`),
          k: get(`touch_k_${s}`),
          a0: get(`touch_a0_${s}`),
          a1: get(`touch_a1_${s}`),
          fallback: get(`touch_fallback_${s}`),
        }
      : undefined;
    if (base && !(Number.isInteger(base.feature) && base.feature >= 0 && base.feature < featureCount))
      throw new Error(`touch base of ${s} reads feature ${base.feature} but the input has ${featureCount}`);
    const trees = decodeTrees(attrMap(node.attribute), featureCount);
    return {
      model: { trees, bias: get(`bias_${s}`), featureCount, ...(base ? { base } : {}) },
      calibration: { a: get(`cal_a_${s}`), b: get(`cal_b_${s}`) },
    };
  };
  return {
    inputName: input.name,
    featureCount,
    outputs: (g.output ?? []).map((o) => o.name ?? ''),
    sides: { down: side('down'), up: side('up') },
  };
}
