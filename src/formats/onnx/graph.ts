/**
 * The layer graph of an ONNX model (src/core/model/layerGraph.ts), so that planning, masking and exact
 * counting work on ONNX as on TF.js:
 *
 *  - Layers are the graph's data nodes (those with at least one non-constant input), named by the node's
 *    name (or `<op>_<index>` when it has none or a duplicate one), className = op_type, plus one `Input`
 *    layer per real graph input (IR < 4 files such as mnist-8 also list initializers as inputs; those are
 *    weights, not inputs). Constant subgraphs — Constant nodes, Identity of an initializer (PyTorch's
 *    deduplicated biases), a Reshape of a weight — are folded into the data node that reads them.
 *  - Weights: every float32 initializer belongs to the first data node (in topological order) that reads
 *    it, directly or through constant nodes, named by the operator's input (`W`, `B` of a Conv; `B`, `C` of
 *    a Gemm). Its parameters count once. Integer initializers (Reshape targets, axes) are not parameters.
 *  - Shapes: own inference (shapeInference.ts) from the declared input shapes, the batch may be symbolic.
 *  - MACs per example (the conventions of src/core/model/macs.ts): Conv |W|·H_out·W_out, Gemm K·N, MatMul
 *    K·N per row, everything else 0; unknown ops null.
 *  - `maskable`: Conv [C_out, C_in/g, kh, kw] ('out-in-taps'), Gemm transB=1 [N, K] ('out-in-taps'),
 *    MatMul or Gemm transB=0 [K, N] ('taps-in-out') — when the kernel is a float32 initializer read by this
 *    node only, directly or through Identity, and no operator the analysis does not understand (an unknown
 *    op, or a Transpose that moves the channel axis) sits between this layer and the nearest weighted layers
 *    or inputs on either side. Otherwise `{ reason }`, which the report names. Depthwise and grouped convs
 *    are never masked. `kernelPositions`: H_out·W_out for Conv, rows per example for Gemm/MatMul.
 *
 * The graph is checked as it is read: a value produced twice, a node reading a value nothing produces, a
 * cycle, or a weight whose shape disagrees with its input (C_in of a Conv, K of a Gemm/MatMul) is a
 * BAD_MODEL. O(nodes + edges); the unknown-op walk is memoised, so O(nodes + edges) too.
 */
import { RgpError } from '../../core/errors';
import type { LayerGraph, LayerNode } from '../../core/model/layerGraph';
import type { Shape } from '../../core/model/shapes';
import type { WeightLocation } from '../../core/model/weightIndex';
import { readAttributes } from './attributes';
import { inferNodeShape, isKnownOp, type Attrs } from './shapeInference';
import { FLOAT32, intValues, tensorInfo, type TensorInfo } from './tensors';
import { onnx, toInt } from './proto';

/** Where an initializer's float32 bytes live in the opened model's memory (see reader.ts). */
export interface Placement {
  group: number;
  offset: number;
}

export interface OnnxGraphInput {
  graph: onnx.IGraphProto;
  opset: number;
  /** Checked headers of the initializers, by name. */
  initializers: ReadonlyMap<string, { proto: onnx.ITensorProto; info: TensorInfo }>;
  /** Where a float32 initializer's bytes are. */
  place: (name: string) => Placement;
}

const INPUT_NAMES: Readonly<Record<string, readonly string[]>> = {
  Conv: ['X', 'W', 'B'],
  Gemm: ['A', 'B', 'C'],
  MatMul: ['A', 'B'],
  BatchNormalization: ['X', 'scale', 'B', 'input_mean', 'input_var'],
  InstanceNormalization: ['input', 'scale', 'B'],
  LayerNormalization: ['X', 'Scale', 'B'],
  PRelu: ['X', 'slope'],
  Clip: ['input', 'min', 'max'],
  Reshape: ['data', 'shape'],
};
const inputName = (op: string, i: number) => INPUT_NAMES[op]?.[i] ?? (['Add', 'Sub', 'Mul', 'Div'].includes(op) ? ['A', 'B'][i] : undefined) ?? `input${i}`;

/** Ops that carry channels through unchanged in meaning (the walk towards unknown ops passes them). */
const CHANNEL_BREAKING = new Set(['Transpose']);
const WEIGHTED = new Set(['Conv', 'Gemm', 'MatMul']);

const badModel = (what: string) => new RgpError('BAD_MODEL', `The ONNX model is inconsistent: ${what}.`, 'Export the model again; the file was damaged or edited.');

interface ConstValue {
  /** The initializer this value is, exactly (itself or through Identity). */
  alias?: string;
  /** Initializers it is computed from. */
  sources: string[];
  shape: Shape | null;
  ints: number[] | null;
}

interface DataNode {
  node: onnx.INodeProto;
  index: number;
  name: string;
  op: string;
  attrs: Attrs;
}

export function buildOnnxLayerGraph(input: OnnxGraphInput): LayerGraph {
  const { graph, opset } = input;
  const nodes = graph.node ?? [];
  const warnings: string[] = [];

  // ---- Values: who produces each, checked unique ----
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => {
    for (const o of n.output ?? []) {
      if (!o) continue;
      if (producer.has(o) || input.initializers.has(o)) throw badModel(`the value "${o}" is produced twice (by node ${describe(n, i)})`);
      producer.set(o, i);
    }
  });
  const graphInputs = (graph.input ?? []).filter((v) => v.name && !input.initializers.has(v.name));
  const inputNames = new Set(graphInputs.map((v) => v.name as string));
  for (const [i, n] of nodes.entries()) {
    for (const v of n.input ?? []) {
      if (v && !producer.has(v) && !input.initializers.has(v) && !inputNames.has(v)) throw badModel(`node ${describe(n, i)} reads "${v}", which no node, input or initializer provides`);
    }
  }

  // ---- Topological order (Kahn, stable in file order), cycles refused ----
  const order = topologicalOrder(nodes, producer);

  // ---- Constant folding of shapes/values, and the data nodes ----
  const consts = new Map<string, ConstValue>();
  for (const [name, { proto, info }] of input.initializers) consts.set(name, { alias: name, sources: [name], shape: info.dims, ints: intValues(proto, info) });
  const shapes = new Map<string, Shape | null>();
  for (const v of graphInputs) shapes.set(v.name as string, declaredShape(v));
  const data: DataNode[] = [];
  const usedNames = new Set<string>(inputNames);
  for (const i of order) {
    const node = nodes[i];
    const op = node.opType ?? '';
    const attrs = readAttributes(node, describe(node, i));
    const ins = (node.input ?? []).filter((v) => v !== '');
    const isConst = (op === 'Constant' && ins.length === 0) || (ins.length > 0 && ins.every((v) => consts.has(v)));
    if (isConst) {
      foldConstant(node, op, attrs, opset, consts, describe(node, i));
      continue;
    }
    let name = node.name || `${op}_${i}`;
    if (usedNames.has(name)) name = `${name}_${i}`;
    usedNames.add(name);
    data.push({ node, index: i, name, op, attrs });
  }

  // ---- Layers ----
  const layerOf = new Map<string, string>(); // value → layer producing it
  for (const v of graphInputs) layerOf.set(v.name as string, v.name as string);
  const owner = new Map<string, string>(); // initializer → owning layer
  const readers = new Map<string, Set<string>>(); // initializer → layers reading it
  const layers: LayerNode[] = [];
  const byName = new Map<string, LayerNode>();
  const all: WeightLocation[] = [];
  const byLayer = new Map<string, WeightLocation[]>();

  for (const v of graphInputs) {
    const l: LayerNode = {
      name: v.name as string, className: 'Input', config: {}, inbound: [], inputShapes: [], outputShape: shapes.get(v.name as string) ?? null,
      known: true, weights: [], params: 0, macs: 0, calls: 1, maskable: null, kernelPositions: null,
    };
    layers.push(l);
    byName.set(l.name, l);
    byLayer.set(l.name, []);
  }

  const unknownLayers: string[] = [];
  const slotConst = new Map<string, (ConstValue | undefined)[]>();
  for (const d of data) {
    const ins = d.node.input ?? [];
    const inbound: string[] = [];
    const dataShapes: (Shape | null)[] = [];
    const allShapes: (Shape | null)[] = [];
    const constInts: (number[] | null)[] = [];
    const weights: WeightLocation[] = [];
    const slots: (ConstValue | undefined)[] = [];
    ins.forEach((v, slot) => {
      const c = v ? consts.get(v) : undefined;
      slots.push(c);
      if (!v) {
        allShapes.push(null);
        constInts.push(null);
        return;
      }
      if (c) {
        allShapes.push(c.shape);
        constInts.push(c.ints);
        c.sources.forEach((src, j) => {
          const t = input.initializers.get(src)!;
          if (t.info.dataType !== FLOAT32) return;
          readers.set(src, (readers.get(src) ?? new Set()).add(d.name));
          if (owner.has(src)) return;
          owner.set(src, d.name);
          const { group, offset } = input.place(src);
          const variable = inputName(d.op, slot) + (j > 0 ? `#${j + 1}` : '');
          const w: WeightLocation = {
            spec: { name: src, shape: [...t.info.dims], dtype: 'float32' },
            group, offset, bytes: t.info.byteLength, layer: d.name, variable, elements: t.info.elements,
          };
          weights.push(w);
          all.push(w);
        });
        return;
      }
      const from = layerOf.get(v);
      if (from !== undefined && !inbound.includes(from)) inbound.push(from);
      const s = shapes.get(v) ?? null;
      dataShapes.push(s);
      allShapes.push(s);
      constInts.push(null);
    });
    slotConst.set(d.name, slots);
    const inferred = inferNodeShape(d.op, { attrs: d.attrs, inputs: allShapes, constInts, opset });
    const known = inferred !== undefined && isKnownOp(d.op) && (d.node.domain ?? '') === '' ;
    if (!known) unknownLayers.push(d.name);
    const outShape = known ? (inferred ?? null) : null;
    checkWeightShapes(d, allShapes, outShape);
    (d.node.output ?? []).forEach((o, j) => {
      if (!o) return;
      layerOf.set(o, d.name);
      shapes.set(o, j === 0 ? outShape : null);
    });
    const layer: LayerNode = {
      name: d.name, className: d.op, config: d.attrs, inbound, inputShapes: dataShapes, outputShape: outShape, known,
      weights, params: weights.reduce((s, w) => s + w.elements, 0), macs: known ? nodeMacs(d.op, allShapes, outShape, slots) : null,
      calls: 1, maskable: null, kernelPositions: null,
    };
    layers.push(layer);
    byName.set(layer.name, layer);
    byLayer.set(layer.name, weights);
  }

  // ---- What may be masked ----
  const consumers = new Map<string, string[]>();
  for (const l of layers) for (const s of l.inbound) consumers.set(s, [...(consumers.get(s) ?? []), l.name]);
  const breaks = (l: LayerNode) => !l.known || CHANNEL_BREAKING.has(l.className);
  const walk = (start: LayerNode, next: (l: LayerNode) => string[], memo: Map<string, string | null>): string | null => {
    const visit = (name: string): string | null => {
      if (memo.has(name)) return memo.get(name)!;
      memo.set(name, null); // a DAG: no cycles, but guard the recursion anyway
      const l = byName.get(name)!;
      let found: string | null = null;
      if (breaks(l)) found = name;
      else if (!WEIGHTED.has(l.className)) for (const m of next(l)) if ((found = visit(m)) !== null) break;
      memo.set(name, found);
      return found;
    };
    for (const m of next(start)) {
      const f = visit(m);
      if (f !== null) return f;
    }
    return null;
  };
  const upMemo = new Map<string, string | null>();
  const downMemo = new Map<string, string | null>();
  for (const l of layers) {
    if (!WEIGHTED.has(l.className) || !l.known) continue;
    const slots = slotConst.get(l.name)!;
    const m = maskableKernel(l, slots, readers);
    l.kernelPositions = m.positions;
    if (m.result === null || m.result === undefined || 'reason' in m.result) {
      l.maskable = m.result;
      continue;
    }
    const blocker = walk(l, (x) => x.inbound, upMemo) ?? walk(l, (x) => consumers.get(x.name) ?? [], downMemo);
    l.maskable = blocker !== null
      ? { reason: `next to ${byName.get(blocker)!.className} "${blocker}", which RGP's channel analysis does not understand` }
      : m.result;
  }

  if (unknownLayers.length > 0) {
    warnings.push(`ONNX operators not understood (left dense, shapes after them unknown, layers next to them not masked): ${unknownLayers.map((n) => `${n} (${byName.get(n)!.className})`).join(', ')}.`);
  }
  const unassigned: WeightLocation[] = [];
  for (const [name, { info }] of input.initializers) {
    if (info.dataType !== FLOAT32 || owner.has(name)) continue;
    const { group, offset } = input.place(name);
    const w: WeightLocation = { spec: { name, shape: [...info.dims], dtype: 'float32' }, group, offset, bytes: info.byteLength, layer: undefined, variable: name, elements: info.elements };
    unassigned.push(w);
    all.push(w);
  }
  const fedOthers = new Set(layers.flatMap((l) => l.inbound));
  const outputs = (graph.output ?? []).map((o) => layerOf.get(o.name ?? '')).filter((n): n is string => n !== undefined);
  return {
    topologyClass: `ONNX graph (opset ${opset})`,
    layers,
    byName,
    inputs: graphInputs.map((v) => v.name as string),
    outputs: outputs.length > 0 ? [...new Set(outputs)] : layers.filter((l) => !fedOthers.has(l.name)).map((l) => l.name),
    unknownLayers,
    unassignedWeights: unassigned.map((w) => w.spec.name),
    warnings,
    totalParams: all.reduce((s, w) => s + w.elements, 0),
    totalMacs: layers.reduce((s, l) => s + (l.macs ?? 0), 0),
    macsComplete: layers.every((l) => l.macs !== null),
    weightIndex: { all, byLayer, unassigned },
  };
}

function describe(n: onnx.INodeProto, i: number): string {
  return `${n.opType ?? '?'} "${n.name || `#${i}`}"`;
}

/** The shape a graph input declares: dim_value, or null for a dim_param / missing dim. */
function declaredShape(v: onnx.IValueInfoProto): Shape | null {
  const shape = v.type?.tensorType?.shape;
  if (!shape) return null;
  return (shape.dim ?? []).map((d) => {
    if (d.dimParam || d.dimValue === null || d.dimValue === undefined) return null;
    const n = toInt(d.dimValue, `a dimension of input "${v.name}"`);
    return n > 0 ? n : null;
  });
}

/** A constant node's output: an Identity keeps the alias, anything else is derived from its sources. */
function foldConstant(node: onnx.INodeProto, op: string, attrs: Attrs, opset: number, consts: Map<string, ConstValue>, what: string): void {
  const ins = (node.input ?? []).filter((v) => v !== '');
  const sources = [...new Set(ins.flatMap((v) => consts.get(v)!.sources))];
  const out = (node.output ?? [])[0];
  if (!out) return;
  if (op === 'Constant') {
    const t = (node.attribute ?? []).find((a) => a.name === 'value')?.t;
    if (t) {
      const info = tensorInfo(t, `the value of ${what}`);
      consts.set(out, { sources: [], shape: info.dims, ints: intValues(t, info) });
      return;
    }
    const ints = Array.isArray(attrs.value_ints) ? (attrs.value_ints as number[]) : typeof attrs.value_int === 'number' ? [attrs.value_int] : null;
    consts.set(out, { sources: [], shape: ints ? (Array.isArray(attrs.value_ints) ? [ints.length] : []) : null, ints });
    return;
  }
  const first = consts.get(ins[0])!;
  if (op === 'Identity') {
    consts.set(out, { ...first });
    return;
  }
  const shape = inferNodeShape(op, { attrs, inputs: ins.map((v) => consts.get(v)!.shape), constInts: ins.map((v) => consts.get(v)!.ints), opset }) ?? null;
  consts.set(out, { sources, shape, ints: null });
  for (const o of (node.output ?? []).slice(1)) if (o) consts.set(o, { sources, shape: null, ints: null });
}

/** A weight whose shape contradicts the data it multiplies is a damaged or hostile file. */
function checkWeightShapes(d: DataNode, shapes: (Shape | null)[], out: Shape | null): void {
  const x = shapes[0] ?? null, w = shapes[1] ?? null;
  if (!x || !w) return;
  const fail = (what: string) => {
    throw badModel(`${d.op} "${d.name}" ${what}`);
  };
  if (d.op === 'Conv') {
    const g = typeof d.attrs.group === 'number' ? d.attrs.group : 1;
    if (w.length !== x.length) fail(`has a weight of rank ${w.length} for an input of rank ${x.length}`);
    if (x[1] !== null && w[1] !== null && (w[1] as number) * g !== x[1]) fail(`has a weight for ${(w[1] as number) * g} input channels (group=${g}), but its input has ${x[1]}`);
    if (w[0] !== null && (w[0] as number) % g !== 0) fail(`has ${w[0]} output channels, not a multiple of group=${g}`);
    if (out === null) fail(`has a kernel [${w.slice(2).join(', ')}] that does not fit its input [${x.slice(2).join(', ')}]`);
  } else if (d.op === 'Gemm' && x.length === 2 && w.length === 2) {
    const k = d.attrs.transA === 1 ? x[0] : x[1];
    const kw = d.attrs.transB === 1 ? w[1] : w[0];
    if (k !== null && kw !== null && k !== kw) fail(`multiplies ${k} input features by a weight for ${kw}`);
  } else if (d.op === 'MatMul' && w.length === 2) {
    const k = x[x.length - 1];
    if (k !== null && w[0] !== null && k !== w[0]) fail(`multiplies ${k} input features by a weight for ${w[0]}`);
  }
}

/** MACs per example; batch is dim 0 of the data input. */
function nodeMacs(op: string, shapes: (Shape | null)[], out: Shape | null, slots: (ConstValue | undefined)[]): number | null {
  const prodOf = (dims: readonly (number | null)[]) => dims.reduce<number | null>((p, d) => (p === null || d === null ? null : p * d), 1);
  const w = shapes[1] ?? null;
  switch (op) {
    case 'Conv': {
      if (!out || !w) return null;
      const kernel = prodOf(w);
      const positions = prodOf(out.slice(2));
      return kernel === null || positions === null ? null : kernel * positions;
    }
    case 'Gemm': {
      // A is [M, K] with M the batch: one row per example, K·N multiply-accumulates.
      if (!w || w.length !== 2 || slots[0]) return null;
      return prodOf(w);
    }
    case 'MatMul': {
      const a = shapes[0] ?? null;
      if (!a || !out || !w) return null;
      const k = a[a.length - 1];
      const perExample = prodOf(out.slice(1));
      return k === null || perExample === null ? null : k * (out.length === 1 ? (out[0] ?? 0) : perExample);
    }
  }
  return 0;
}

/** Whether a Conv/Gemm/MatMul's kernel may be masked, its layout, and the positions it multiplies at. */
function maskableKernel(
  l: LayerNode,
  slots: (ConstValue | undefined)[],
  readers: ReadonlyMap<string, Set<string>>,
): { result: LayerNode['maskable']; positions: number | null } {
  const out = l.outputShape;
  const prodOf = (dims: readonly (number | null)[]) => dims.reduce<number | null>((p, d) => (p === null || d === null ? null : p * d), 1);
  const positions = l.className === 'Conv' ? (out ? prodOf(out.slice(2)) : null) : out ? prodOf(out.slice(1, -1)) : null;
  const kernel = slots[1];
  if (!kernel) {
    if (slots[0]) return { result: { reason: 'the constant operand comes first (A), not as the weight B' }, positions };
    return { result: null, positions };
  }
  if (!kernel.alias) return { result: { reason: 'its weight is computed from initializers by other operators (e.g. a Reshape), not stored as it is used' }, positions };
  const variable = l.className === 'Conv' ? 'W' : 'B';
  if (!l.weights.some((w) => w.variable === variable)) {
    const users = [...(readers.get(kernel.alias) ?? [])];
    return { result: { reason: users.length > 1 ? `its weight "${kernel.alias}" is shared with ${users.filter((u) => u !== l.name).join(', ')}` : `its weight "${kernel.alias}" is not float32` }, positions };
  }
  if ((readers.get(kernel.alias)?.size ?? 0) > 1) return { result: { reason: `its weight "${kernel.alias}" is shared with ${[...readers.get(kernel.alias)!].filter((u) => u !== l.name).join(', ')}` }, positions };
  const shape = kernel.shape ?? [];
  if (l.className === 'Conv') {
    const g = typeof l.config.group === 'number' ? l.config.group : 1;
    if (g > 1) {
      const cIn = l.inputShapes[0]?.[1] ?? null;
      const depthwise = shape[1] === 1 && cIn === g;
      return { result: { reason: depthwise ? 'depthwise convolution (one filter per channel: nothing to connect)' : `grouped convolution (group=${g})` }, positions };
    }
    if (shape.length < 3) return { result: { reason: `a ${shape.length}-D Conv weight` }, positions };
    return { result: { variable, layout: 'out-in-taps' }, positions };
  }
  if (shape.length !== 2) return { result: { reason: `a ${shape.length}-D weight (RGP masks 2-D Gemm/MatMul weights)` }, positions };
  if (l.className === 'Gemm') {
    if (l.config.transA === 1) return { result: { reason: 'its input is transposed (transA=1)' }, positions: 1 };
    return { result: { variable, layout: l.config.transB === 1 ? 'out-in-taps' : 'taps-in-out' }, positions: 1 };
  }
  const a = l.inputShapes[0];
  if (!a || a.length < 2) return { result: { reason: 'its input has fewer than 2 dimensions' }, positions };
  return { result: { variable, layout: 'taps-in-out' }, positions };
}

/** Kahn's algorithm over node indices, stable in file order; a cycle is a BAD_MODEL naming its nodes. */
function topologicalOrder(nodes: readonly onnx.INodeProto[], producer: ReadonlyMap<string, number>): number[] {
  const indeg = new Int32Array(nodes.length);
  const consumers: number[][] = nodes.map(() => []);
  nodes.forEach((n, i) => {
    const from = new Set((n.input ?? []).map((v) => producer.get(v)).filter((p): p is number => p !== undefined));
    indeg[i] = from.size;
    for (const p of from) consumers[p].push(i);
  });
  const ready: number[] = [];
  for (let i = 0; i < nodes.length; i++) if (indeg[i] === 0) ready.push(i);
  const order: number[] = [];
  // A min-heap is not needed for correctness; file order is kept by scanning in index order.
  while (ready.length > 0) {
    ready.sort((a, b) => b - a);
    const i = ready.pop()!;
    order.push(i);
    for (const c of consumers[i]) if (--indeg[c] === 0) ready.push(c);
  }
  if (order.length !== nodes.length) {
    const done = new Set(order);
    const stuck = nodes.map((n, i) => (done.has(i) ? null : describe(n, i))).filter((x) => x !== null);
    throw badModel(`the nodes ${stuck.slice(0, 5).join(', ')} feed each other in a cycle`);
  }
  return order;
}
