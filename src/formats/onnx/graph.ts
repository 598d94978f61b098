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
 *    A layer that reads a channel Concat or a Flatten/Reshape of an NCHW map gets `inputParts`
 *    (channelLayouts below): its input groups follow the channels of the layers that made them, each part
 *    at its offset; where that order cannot be followed the layer is not masked, with the reason.
 *
 * The graph is checked as it is read: a value produced twice, a node reading a value nothing produces, a
 * cycle, or a weight whose shape disagrees with its input (C_in of a Conv, K of a Gemm/MatMul) is a
 * BAD_MODEL. O(nodes + edges); the unknown-op walk is memoised, so O(nodes + edges) too.
 */
import { RgpError } from '../../core/errors';
import type { LayerGraph, LayerNode } from '../../core/model/layerGraph';
import type { Shape } from '../../core/model/shapes';
import type { WeightLocation } from '../../core/model/weightIndex';
import type { InputPart } from '../../core/prune/blockMask';
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
  const dataInputs = new Map<string, string[]>(); // layer → the layers its data inputs come from, in slot order
  for (const d of data) {
    const ins = d.node.input ?? [];
    const inbound: string[] = [];
    const dataShapes: (Shape | null)[] = [];
    const allShapes: (Shape | null)[] = [];
    const constInts: (number[] | null)[] = [];
    const weights: WeightLocation[] = [];
    const slots: (ConstValue | undefined)[] = [];
    const dataFrom: string[] = [];
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
      if (from !== undefined) dataFrom.push(from);
      const s = shapes.get(v) ?? null;
      dataShapes.push(s);
      allShapes.push(s);
      constInts.push(null);
    });
    slotConst.set(d.name, slots);
    dataInputs.set(d.name, dataFrom);
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
  const layouts = channelLayouts(layers, dataInputs);
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
    if (blocker !== null) {
      l.maskable = { reason: `next to ${byName.get(blocker)!.className} "${blocker}", which RGP's channel analysis does not understand` };
      continue;
    }
    // The kernel's inputs grouped as the channels they read were made (a Concat's parts, a Flatten).
    const kernel = m.result;
    const input = layouts.get((dataInputs.get(l.name) ?? [])[0] ?? '') ?? PLAIN;
    if (input === PLAIN) l.maskable = kernel;
    else if ('unknown' in input) l.maskable = { reason: input.unknown };
    else {
      const shape = l.weights.find((w) => w.variable === kernel.variable)!.spec.shape;
      const cIn = kernel.layout === 'out-in-taps' ? shape[1] : shape[0];
      const axisLast = l.className === 'MatMul' && (l.inputShapes[0]?.length ?? 2) > 2;
      const width = input.parts.reduce((a, p) => a + p.channels * p.taps, 0);
      if (axisLast) l.maskable = { reason: 'it multiplies the last axis of a tensor whose channel axis (1) was concatenated or flattened' };
      else if (width !== cIn) l.maskable = { reason: `its ${cIn} inputs do not match the ${width} channels it reads through ${input.parts.length} concatenated or flattened parts` };
      else l.maskable = { ...kernel, inputParts: input.parts.map((p) => ({ ...p })) };
    }
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
      // Every output entry of an example is one dot product of length K; dim 0 is the batch (a rank-1
      // output has none).
      const k = a[a.length - 1];
      const perExample = prodOf(out.length === 1 ? out : out.slice(1));
      return k === null || perExample === null ? null : k * perExample;
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


/**
 * Channel layouts: how the channel axis (axis 1) of each layer's output is made, so a layer that reads a
 * Concat or a Flatten groups its inputs by the channels of the layers that produced them (issue 11):
 *
 *   PLAIN      one producer's channels in their own order (a weighted layer's or a graph input's output,
 *              through channel-preserving ops): the plain contiguous split is right
 *   parts      consecutive parts, each `channels` channels × `taps` entries per channel (blockMask.InputPart):
 *              a Concat on axis 1 appends its inputs' parts at their offsets; a Flatten (or a Reshape to
 *              [batch, C·H·W]) of an NCHW map multiplies every part's taps by H·W
 *   unknown    the order cannot be told (an op between a Concat/Flatten and the layer reorders or cuts
 *              channels; an Add of differently made operands): the reading layer is not masked, named
 *
 * Weighted layers (Conv, Gemm, MatMul) start a new PLAIN layout. Elementwise ops, normalisation, pooling,
 * Dropout and the like keep their input's. An op whose effect on channels is not modelled keeps PLAIN as
 * PLAIN (the grouping RGP always used) and turns parts into unknown. O(layers + parts).
 */
export const PLAIN = 'plain' as const;
export type ChannelLayout = typeof PLAIN | { parts: InputPart[] } | { unknown: string };

const PRESERVING = new Set([
  'Relu', 'LeakyRelu', 'PRelu', 'Sigmoid', 'HardSigmoid', 'HardSwish', 'Tanh', 'Clip', 'Elu', 'Selu', 'Celu', 'Gelu',
  'Softplus', 'Softsign', 'Mish', 'Erf', 'Exp', 'Log', 'Neg', 'Abs', 'Sqrt', 'Reciprocal', 'Floor', 'Ceil', 'Round',
  'Softmax', 'LogSoftmax', 'Dropout', 'Identity', 'BatchNormalization', 'InstanceNormalization', 'LRN',
  'LayerNormalization', 'Cast', 'ThresholdedRelu', 'Shrink', 'Sign', 'MaxPool', 'AveragePool', 'LpPool',
  'GlobalAveragePool', 'GlobalMaxPool', 'Add', 'Sub', 'Mul', 'Div', 'Sum', 'Max', 'Min', 'Mean', 'Pow',
]);

function sameLayout(a: ChannelLayout, b: ChannelLayout): boolean {
  if (a === PLAIN || b === PLAIN) return a === b;
  if ('unknown' in a || 'unknown' in b) return false;
  return a.parts.length === b.parts.length && a.parts.every((p, i) => p.channels === b.parts[i].channels && p.taps === b.parts[i].taps);
}

function channelLayouts(layers: readonly LayerNode[], dataInputs: ReadonlyMap<string, string[]>): Map<string, ChannelLayout> {
  const out = new Map<string, ChannelLayout>();
  const norm = (parts: InputPart[]): ChannelLayout => (parts.length === 1 && parts[0].taps === 1 ? PLAIN : { parts });
  for (const l of layers) {
    const from = dataInputs.get(l.name) ?? [];
    const ins = from.map((f) => out.get(f) ?? PLAIN);
    const x = ins[0] ?? PLAIN;
    const what = `${l.className} "${l.name}"`;
    const lost = (why: string): ChannelLayout => (x === PLAIN ? PLAIN : 'unknown' in x ? x : { unknown: `its input channels pass ${what}, ${why}` });
    let layout: ChannelLayout;
    if (l.className === 'Input' || WEIGHTED.has(l.className) || !l.known) layout = PLAIN;
    else if (l.className === 'Concat') {
      const inShapes = l.inputShapes;
      const rank = inShapes[0]?.length ?? null;
      let axis = typeof l.config.axis === 'number' ? l.config.axis : 1;
      if (rank !== null && axis < 0) axis += rank;
      if (axis !== 1 || rank === null || rank < 2) {
        layout = ins.every((y) => sameLayout(y, x)) ? x : { unknown: `its input channels pass ${what}, which joins differently made channels` };
      } else {
        const parts: InputPart[] = [];
        let bad: ChannelLayout | null = null;
        ins.forEach((y, i) => {
          if (bad) return;
          if (y === PLAIN) {
            const c = inShapes[i]?.[1] ?? null;
            if (c === null) bad = { unknown: `its input channels pass ${what}, whose input ${i + 1} has an unknown channel count` };
            else parts.push({ channels: c, taps: 1 });
          } else if ('unknown' in y) bad = y;
          else parts.push(...y.parts);
        });
        layout = bad ?? norm(parts);
      }
    } else if (l.className === 'Flatten' || l.className === 'Reshape') {
      const a = l.inputShapes[0] ?? null;
      const o = l.outputShape;
      let axis = l.className === 'Flatten' ? (typeof l.config.axis === 'number' ? l.config.axis : 1) : 1;
      if (a && axis < 0) axis += a.length;
      const spatial = a ? a.slice(2).reduce<number | null>((p, d) => (p === null || d === null ? null : p * d), 1) : null;
      const flattens = a !== null && o !== null && a.length >= 2 && o.length === 2 && axis === 1 && spatial !== null && a[1] !== null && o[1] === (a[1] as number) * spatial;
      const keepsChannels = a !== null && o !== null && a.length >= 2 && o.length >= 2 && a[1] !== null && o[1] === a[1] && (l.className === 'Reshape' || axis === 1);
      if (flattens) {
        if (x === PLAIN) layout = norm([{ channels: a![1] as number, taps: spatial! }]);
        else if ('unknown' in x) layout = x;
        else layout = norm(x.parts.map((p) => ({ channels: p.channels, taps: p.taps * spatial! })));
      } else if (keepsChannels && (x === PLAIN || 'unknown' in x || x.parts.every((p) => p.taps === 1))) layout = x;
      else layout = lost('which reshapes them in a way RGP does not follow');
    } else if (l.className === 'Squeeze' || l.className === 'Unsqueeze') {
      const a = l.inputShapes[0] ?? null;
      const o = l.outputShape;
      layout = a && o && a.length >= 2 && o.length >= 2 && a[0] === o[0] && a[1] !== null && a[1] === o[1] ? x : lost('which moves the channel axis');
    } else if (PRESERVING.has(l.className)) {
      layout = ins.every((y) => sameLayout(y, x)) ? x : { unknown: `its input channels pass ${what}, which combines differently grouped channels (a Concat's parts on one side only)` };
    } else layout = lost('which RGP does not follow for concatenated or flattened channels');
    out.set(l.name, layout);
  }
  return out;
}
