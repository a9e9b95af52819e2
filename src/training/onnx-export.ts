/** Writes the two calibrated ensembles (p_down, p_up) into one ONNX graph: IR 8, opset 13 +
 * ai.onnx.ml 3. Per side: TreeEnsembleRegressor (margin without bias) -> Add bias -> Mul a ->
 * Add b -> Sigmoid, plus (when the model has one) the touch base margin added before Mul a
 * (touchBaseNodes). One float input `features` [N, F]; outputs `p_down`, `p_up` [N, 1]. No ZipMap.
 * Node covers go into nodes_hitrates so the serving side can rebuild Saabas node values from the
 * file alone. Encoding is deterministic (no timestamps), so equal models give equal bytes. */
import onnxProto from 'onnx-proto';
import type { PlattCalibration, Tree, TreeEnsemble } from '../scoring/tree-ensemble.js';
import { ERFC_POLY, LOG_P_MAX, LOG_P_MIN, type TouchBase } from '../scoring/touch-base.js';

const { onnx } = onnxProto;
type IAttr = onnxProto.onnx.IAttributeProto;
type INode = onnxProto.onnx.INodeProto;
type ITensor = onnxProto.onnx.ITensorProto;

export const INPUT_NAME = 'features';
const SIDES = ['down', 'up'] as const;
export type SideName = (typeof SIDES)[number];
const outputName = (side: SideName): string => `p_${side}`;

export interface ExportSide {
  readonly model: TreeEnsemble;
  readonly calibration: PlattCalibration;
}

const A = onnx.AttributeProto.AttributeType;
const ints = (name: string, v: number[]): IAttr => ({ name, type: A.INTS, ints: v });
const floats = (name: string, v: number[]): IAttr => ({ name, type: A.FLOATS, floats: v.map(Math.fround) });
const strs = (name: string, v: string[]): IAttr => ({
  name,
  type: A.STRINGS,
  strings: v.map((s) => Buffer.from(s, 'utf8')),
});
const int = (name: string, v: number): IAttr => ({ name, type: A.INT, i: v });
const str = (name: string, v: string): IAttr => ({ name, type: A.STRING, s: Buffer.from(v, 'utf8') });
const scalar = (name: string, v: number): ITensor => ({
  name,
  dataType: onnx.TensorProto.DataType.FLOAT,
  dims: [1],
  floatData: [Math.fround(v)],
});

/** The touch base (src/scoring/touch-base.ts) as graph nodes, step for step: margin_base_<side>
 * [N, 1] = isNaN(sigma) ? fallback : a0 + a1 * logit(P), ln P = ln erfc(k / sigma) clipped. */
function touchBaseNodes(side: SideName, tb: TouchBase): { nodes: INode[]; init: ITensor[] } {
  const p = (n: string): string => `touch_${n}_${side}`;
  const nodes: INode[] = [];
  const init: ITensor[] = [
    { name: p('idx'), dataType: onnx.TensorProto.DataType.INT64, dims: [1], int64Data: [tb.feature] },
    scalar(p('k'), tb.k),
    scalar(p('a0'), tb.a0),
    scalar(p('a1'), tb.a1),
    scalar(p('fallback'), tb.fallback),
    scalar(p('one'), 1),
    scalar(p('half'), 0.5),
    scalar(p('pmin'), LOG_P_MIN),
    scalar(p('pmax'), LOG_P_MAX),
    ...ERFC_POLY.map((c, i) => scalar(p(`c${i}`), c)),
  ];
  const op = (opType: string, input: string[], out: string, attribute?: IAttr[]): string => {
    nodes.push({ name: p(out), opType, input, output: [p(out)], ...(attribute ? { attribute } : {}) });
    return p(out);
  };
  const sigma = op('Gather', [INPUT_NAME, p('idx')], 'sigma', [int('axis', 1)]);
  const x = op('Div', [p('k'), sigma], 'x');
  const t = op('Div', [p('one'), op('Add', [p('one'), op('Mul', [p('half'), x], 'hx')], 'den')], 't');
  let poly = p(`c${ERFC_POLY.length - 1}`);
  for (let i = ERFC_POLY.length - 2; i >= 0; i--)
    poly = op('Add', [p(`c${i}`), op('Mul', [t, poly], `tp${i}`)], `poly${i}`);
  const raw = op('Add', [op('Sub', [op('Log', [t], 'logt'), op('Mul', [x, x], 'x2')], 'lt_x2'), poly], 'lnerfc');
  const logP = op('Clip', [raw, p('pmin'), p('pmax')], 'logp');
  const logit = op('Sub', [logP, op('Log', [op('Sub', [p('one'), op('Exp', [logP], 'pr')], 'q')], 'logq')], 'logit');
  const lin = op('Add', [p('a0'), op('Mul', [p('a1'), logit], 'a1u')], 'lin');
  nodes.push({
    name: `margin_base_${side}`,
    opType: 'Where',
    input: [op('IsNaN', [sigma], 'nan'), p('fallback'), lin],
    output: [`margin_base_${side}`],
  });
  return { nodes, init };
}

function treeAttributes(trees: readonly Tree[]): IAttr[] {
  const a = {
    treeIds: [] as number[],
    nodeIds: [] as number[],
    featureIds: [] as number[],
    values: [] as number[],
    modes: [] as string[],
    trueIds: [] as number[],
    falseIds: [] as number[],
    missingTrue: [] as number[],
    hitrates: [] as number[],
    tTree: [] as number[],
    tNode: [] as number[],
    tIds: [] as number[],
    tWeights: [] as number[],
  };
  trees.forEach((t, ti) => {
    for (let n = 0; n < t.feature.length; n++) {
      const leaf = (t.feature[n] as number) < 0;
      a.treeIds.push(ti);
      a.nodeIds.push(n);
      a.featureIds.push(leaf ? 0 : (t.feature[n] as number));
      a.values.push(leaf ? 0 : (t.threshold[n] as number));
      a.modes.push(leaf ? 'LEAF' : 'BRANCH_LEQ');
      a.trueIds.push(leaf ? 0 : (t.left[n] as number));
      a.falseIds.push(leaf ? 0 : (t.right[n] as number));
      a.missingTrue.push(leaf ? 0 : (t.missingLeft[n] as number));
      a.hitrates.push(t.cover[n] as number);
      if (leaf) {
        a.tTree.push(ti);
        a.tNode.push(n);
        a.tIds.push(0);
        a.tWeights.push(t.value[n] as number);
      }
    }
  });
  return [
    str('aggregate_function', 'SUM'),
    int('n_targets', 1),
    ints('nodes_falsenodeids', a.falseIds),
    ints('nodes_featureids', a.featureIds),
    floats('nodes_hitrates', a.hitrates),
    ints('nodes_missing_value_tracks_true', a.missingTrue),
    strs('nodes_modes', a.modes),
    ints('nodes_nodeids', a.nodeIds),
    ints('nodes_treeids', a.treeIds),
    ints('nodes_truenodeids', a.trueIds),
    floats('nodes_values', a.values),
    str('post_transform', 'NONE'),
    ints('target_ids', a.tIds),
    ints('target_nodeids', a.tNode),
    ints('target_treeids', a.tTree),
    floats('target_weights', a.tWeights),
  ];
}

export function exportOnnx(
  sides: Readonly<Record<SideName, ExportSide>>,
  featureCount: number,
  docString: string,
): Uint8Array {
  const nodes: INode[] = [];
  const init: ITensor[] = [];
  for (const side of SIDES) {
    const { model, calibration } = sides[side];
    if (model.featureCount !== featureCount)
      throw new Error(`${side} model has ${model.featureCount} features, expected ${featureCount}`);
    nodes.push({
      name: `trees_${side}`,
      opType: 'TreeEnsembleRegressor',
      domain: 'ai.onnx.ml',
      input: [INPUT_NAME],
      output: [`raw_${side}`],
      attribute: treeAttributes(model.trees),
    });
    init.push(
      scalar(`bias_${side}`, model.bias),
      scalar(`cal_a_${side}`, calibration.a),
      scalar(`cal_b_${side}`, calibration.b),
    );
    const withBias = model.base ? `biased_${side}` : `margin_${side}`;
    nodes.push({
      name: `add_bias_${side}`,
      opType: 'Add',
      input: [`raw_${side}`, `bias_${side}`],
      output: [withBias],
    });
    if (model.base) {
      const tb = touchBaseNodes(side, model.base);
      nodes.push(...tb.nodes, {
        name: `add_base_${side}`,
        opType: 'Add',
        input: [withBias, `margin_base_${side}`],
        output: [`margin_${side}`],
      });
      init.push(...tb.init);
    }
    nodes.push({
      name: `mul_a_${side}`,
      opType: 'Mul',
      input: [`margin_${side}`, `cal_a_${side}`],
      output: [`scaled_${side}`],
    });
    nodes.push({
      name: `add_b_${side}`,
      opType: 'Add',
      input: [`scaled_${side}`, `cal_b_${side}`],
      output: [`logit_${side}`],
    });
    nodes.push({ name: `sigmoid_${side}`, opType: 'Sigmoid', input: [`logit_${side}`], output: [outputName(side)] });
  }
  const tensorType = (dims: (number | string)[]): onnxProto.onnx.ITypeProto => ({
    tensorType: {
      elemType: onnx.TensorProto.DataType.FLOAT,
      shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
    },
  });
  const model: onnxProto.onnx.IModelProto = {
    irVersion: 8,
    producerName: 'liqguard',
    producerVersion: '1',
    docString,
    opsetImport: [
      { domain: '', version: 13 },
      { domain: 'ai.onnx.ml', version: 3 },
    ],
    graph: {
      name: 'liqguard_regime',
      node: nodes,
      initializer: init,
      input: [{ name: INPUT_NAME, type: tensorType(['N', featureCount]) }],
      output: SIDES.map((s) => ({ name: outputName(s), type: tensorType(['N', 1]) })),
    },
  };
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}
