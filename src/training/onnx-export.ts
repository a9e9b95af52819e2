/** Writes the two calibrated ensembles (p_down, p_up) into one ONNX graph: IR 8, opset 13 +
 * ai.onnx.ml 3. Per side: TreeEnsembleRegressor (margin without bias) -> Add bias -> Mul a ->
 * Add b -> Sigmoid. One float input `features` [N, F]; outputs `p_down`, `p_up` [N, 1]. No ZipMap.
 * Node covers go into nodes_hitrates so the serving side can rebuild Saabas node values from the
 * file alone. Encoding is deterministic (no timestamps), so equal models give equal bytes. */
import onnxProto from 'onnx-proto';
import type { PlattCalibration, Tree, TreeEnsemble } from '../scoring/tree-ensemble.js';

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
    nodes.push({
      name: `add_bias_${side}`,
      opType: 'Add',
      input: [`raw_${side}`, `bias_${side}`],
      output: [`margin_${side}`],
    });
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
