/**
 * Per-image execution: the part of the graph that holds the compact layers wrapped in one standard ONNX
 * Scan over the batch axis, so a runtime runs it image after image instead of the batch at once (issue 13).
 *
 * Why: a compact layer is memory-bound, not compute-bound. Its multiply-adds fall by n/K, but its forms
 * materialize intermediates K times the layer's output (the per-input-group contributions before they are
 * summed); at batch 64 those are tens of MB and leave the cache between the Conv that writes them and the
 * Gather / Sum that reads them. One image's intermediates fit in the cache. Measured on this machine with
 * onnxruntime-node 1.30, 1 thread, batch 64, ResNet-18 (CIFAR, 64…512 channels) at 93.75 %: dense
 * 918 ms, compact batched 596 ms, compact with the whole graph per image 344 ms. Dense layers lose per
 * image (the whole dense model: 1,183 ms), so the Scan covers only the range from the first compact layer
 * to the last (`region`), and the dense model is never wrapped. Whether a compact model runs per image at
 * all is measured, not assumed (autotune.ts).
 *
 * Exactness: each image goes through the same nodes as in the batched graph, so outputs are equal as
 * long as no node mixes images (BatchNormalization in inference mode, Conv, Gemm, pooling, activations
 * do not). A graph that does (a Reshape to a fixed batch size, a reduction over the batch) fails or
 * differs per image: the autotuner runs both and keeps per-image execution only when the outputs match.
 */
import type { onnx } from 'onnx-proto';
import { RgpError } from '../../core/errors';
import { int64Tensor } from './compactLayer';
import { modelOpset } from './compactModel';

const INT = 2;
const INTS = 7;
const GRAPH = 5;
const GRAPHS = 10;
const FLOAT = 1;

/** Name of the one Scan node: marks a model as per-image (see isPerImage). */
export const PER_IMAGE_NODE = 'rgp/per-image';

/** Why `model` cannot run per image, or null when it can. */
export function perImageObstacle(model: onnx.IModelProto): string | null {
  const g = model.graph;
  if (!g) return 'the model has no graph';
  if (modelOpset(model) < 9) return `opset ${modelOpset(model)} predates Scan over an axis (opset 9)`;
  const inits = new Set((g.initializer ?? []).map((t) => t.name));
  const inputs = (g.input ?? []).filter((v) => !inits.has(v.name));
  if (inputs.length === 0) return 'the model has no input';
  for (const v of [...inputs, ...(g.output ?? [])]) {
    const dims = v.type?.tensorType?.shape?.dim;
    if (dims && dims.length === 0) return `"${v.name}" is a scalar, so it has no batch axis`;
  }
  if (isPerImage(model)) return 'the model already runs per image';
  return null;
}

export function isPerImage(model: onnx.IModelProto): boolean {
  return (model.graph?.node ?? []).some((nd) => nd.opType === 'Scan' && nd.name === PER_IMAGE_NODE);
}

/** Renames every use of the keys of `map` in nodes (and in their subgraphs, which may read outer names). */
function renameUses(nodes: readonly onnx.INodeProto[], map: ReadonlyMap<string, string>): onnx.INodeProto[] {
  const sub = (graph: onnx.IGraphProto): onnx.IGraphProto => ({ ...graph, node: renameUses(graph.node ?? [], map) });
  return nodes.map((nd) => ({
    ...nd,
    input: (nd.input ?? []).map((x) => map.get(x) ?? x),
    output: (nd.output ?? []).map((x) => map.get(x) ?? x),
    attribute: (nd.attribute ?? []).map((a) => (a.type === GRAPH && a.g ? { ...a, g: sub(a.g) } : a.type === GRAPHS && a.graphs ? { ...a, graphs: a.graphs.map(sub) } : a)),
  }));
}

/** Tensors a node list reads (its own and its subgraphs' outer-scope reads), empty names left out. */
function reads(nodes: readonly onnx.INodeProto[]): string[] {
  const out: string[] = [];
  for (const nd of nodes) {
    for (const x of nd.input ?? []) if (x) out.push(x);
    for (const a of nd.attribute ?? []) for (const g of a.type === GRAPH && a.g ? [a.g] : a.type === GRAPHS && a.graphs ? a.graphs : []) out.push(...reads(g.node ?? []));
  }
  return out;
}

/**
 * The node range run per image: the shortest [first, last] of the node list (ONNX keeps it topologically
 * sorted) that holds every node `inside` picks and into which exactly one tensor with a batch axis flows
 * and out of which exactly one flows — the whole graph when `inside` is not given or no shorter range is.
 * Tensors that do not depend on a graph input (initializers, Constant nodes, shapes of weights) are read
 * from the outer scope and do not count.
 */
function region(g: onnx.IGraphProto, inputs: readonly string[], inside?: (nd: onnx.INodeProto) => boolean): { first: number; last: number; input: string[]; output: string[] } {
  const nodes = g.node ?? [];
  // Tensors that carry the batch: the graph inputs and everything computed from them.
  const batched = new Set(inputs);
  for (const nd of nodes) if (reads([nd]).some((x) => batched.has(x))) for (const y of nd.output ?? []) if (y) batched.add(y);
  const graphOutputs = (g.output ?? []).map((v) => v.name!);
  const flows = (first: number, last: number) => {
    const produced = new Set(nodes.slice(first, last + 1).flatMap((nd) => nd.output ?? []));
    const input = [...new Set(reads(nodes.slice(first, last + 1)).filter((x) => batched.has(x) && !produced.has(x)))];
    const later = new Set([...reads(nodes.slice(last + 1)), ...graphOutputs]);
    const output = [...produced].filter((y) => y && later.has(y));
    return { first, last, input, output };
  };
  const whole = flows(0, nodes.length - 1);
  const picked = inside ? nodes.flatMap((nd, i) => (inside(nd) ? [i] : [])) : [];
  if (picked.length === 0) return whole;
  let first = picked[0];
  let last = picked[picked.length - 1];
  let r = flows(first, last);
  while (r.input.length > 1 && first > 0) r = flows(--first, last);
  while (r.output.length > 1 && last < nodes.length - 1) r = flows(first, ++last);
  return r.input.length === 1 && r.output.length === 1 ? r : whole;
}

/**
 * The same model, run image after image: graph inputs and outputs keep their names and types (the batch
 * axis stays the first); initializers that only the Scan body reads move into the body, the others stay
 * in the main graph (the body reads those from the outer scope). The Scan body is the node range `region` finds — by default the whole graph; with `inside`
 * (the compact layers) the shortest range around them with one tensor in and one out, so the layers
 * before and after it (a dense first convolution, the classifier) keep running on the whole batch, which
 * is faster for them — between an Unsqueeze of each image to a batch of one and a Squeeze back.
 */
export function perImageModel(model: onnx.IModelProto, inside?: (nd: onnx.INodeProto) => boolean): onnx.IModelProto {
  const why = perImageObstacle(model);
  if (why) throw new RgpError('UNSUPPORTED', `This model cannot run per image: ${why}.`, 'Keep batched execution.');
  const g = model.graph!;
  const opset = modelOpset(model);
  const inits = new Set((g.initializer ?? []).map((t) => t.name));
  const graphInputs = (g.input ?? []).filter((v) => !inits.has(v.name)).map((v) => v.name!);
  const nodes = g.node ?? [];
  const r = region(g, graphInputs, inside);
  const declared = new Map([...(g.input ?? []), ...(g.valueInfo ?? []), ...(g.output ?? [])].map((v) => [v.name, v.type?.tensorType?.elemType ?? FLOAT]));
  const elemType = (name: string) => declared.get(name) ?? FLOAT;
  const axes = '::rgp-per-image-axes';
  // Unsqueeze / Squeeze take their axes as an input from opset 13 on, as an attribute before.
  const axisArgs = (x: string): { input: string[]; attribute: onnx.IAttributeProto[] } =>
    opset >= 13 ? { input: [x, axes], attribute: [] } : { input: [x], attribute: [{ name: 'axes', type: INTS, ints: [0] }] };
  const rename = new Map<string, string>();
  const head: onnx.INodeProto[] = [];
  const bodyInputs: onnx.IValueInfoProto[] = [];
  for (const name of r.input) {
    rename.set(name, `${name}::rgp-batch-of-one`);
    const image = `${name}::rgp-image`;
    bodyInputs.push({ name: image, type: { tensorType: { elemType: elemType(name) } } });
    const a = axisArgs(image);
    head.push({ opType: 'Unsqueeze', name: `${PER_IMAGE_NODE}/unsqueeze/${name}`, domain: '', input: a.input, output: [rename.get(name)!], attribute: a.attribute });
  }
  const tail: onnx.INodeProto[] = [];
  const bodyOutputs: onnx.IValueInfoProto[] = [];
  for (const name of r.output) {
    // An output that is also an input keeps the input's rename; the Squeeze reads whatever produces it.
    const produced = rename.get(name) ?? `${name}::rgp-batch-of-one`;
    if (!rename.has(name)) rename.set(name, produced);
    const image = `${name}::rgp-image`;
    bodyOutputs.push({ name: image, type: { tensorType: { elemType: elemType(name) } } });
    const a = axisArgs(produced);
    tail.push({ opType: 'Squeeze', name: `${PER_IMAGE_NODE}/squeeze/${name}`, domain: '', input: a.input, output: [image], attribute: a.attribute });
  }
  // Exporters copy shared weights with Identity nodes (PyTorch: one per reuse). onnxruntime removes them by
  // renaming their readers, which it cannot do inside a subgraph — and then logs a warning on every load.
  // The body reads the weight itself instead, and Identity nodes nobody reads any more are dropped.
  const alias = new Map<string, string>();
  for (const nd of [...nodes.slice(0, r.first), ...nodes.slice(r.last + 1)]) {
    const x = (nd.input ?? [])[0];
    if (nd.opType === 'Identity' && x && inits.has(x)) alias.set(nd.output![0], x);
  }
  for (const [from, to] of alias) if (!rename.has(from)) rename.set(from, to);
  const bodyNodes = renameUses(nodes.slice(r.first, r.last + 1), rename);
  const outerNodes = [...nodes.slice(0, r.first), ...nodes.slice(r.last + 1)];
  const stillRead = new Set([...reads(outerNodes), ...(g.output ?? []).map((v) => v.name!)]);
  const keep = (nd: onnx.INodeProto) => !(nd.opType === 'Identity' && alias.has(nd.output![0]) && !stillRead.has(nd.output![0]));
  // Weights only the body reads move into it. onnxruntime's layout optimizer (NCHWc: blocked convolution
  // kernels, also for grouped convolutions of 8k channels per group) rewrites a Conv only when its weight is
  // a constant initializer of the Conv's own graph; read from the outer scope, every Conv in the body kept
  // the plain kernel (the full-width ResNet-18's 512-channel compact layers: 0.24 → 0.14 ms per image each).
  // An initializer also declared as a graph input (overridable by the caller) stays where it is.
  const declaredInputs = new Set((g.input ?? []).map((v) => v.name));
  const bodyReads = new Set(reads([...head, ...bodyNodes, ...tail]));
  const outerReads = new Set([...reads(outerNodes.filter(keep)), ...(g.output ?? []).map((v) => v.name!)]);
  const movesIn = (t: onnx.ITensorProto) => bodyReads.has(t.name!) && !outerReads.has(t.name!) && !declaredInputs.has(t.name!);
  const axesInit = opset >= 13 ? [int64Tensor(axes, [0])] : [];
  const allInits = [...(g.initializer ?? []), ...axesInit];
  const body: onnx.IGraphProto = {
    name: 'per_image',
    node: [...head, ...bodyNodes, ...tail],
    initializer: allInits.filter(movesIn),
    input: bodyInputs,
    output: bodyOutputs,
  };
  const scan: onnx.INodeProto = {
    opType: 'Scan',
    name: PER_IMAGE_NODE,
    domain: '',
    input: r.input,
    output: r.output,
    attribute: [
      { name: 'body', type: GRAPH, g: body },
      { name: 'num_scan_inputs', type: INT, i: r.input.length },
    ],
  };
  const whole = r.first === 0 && r.last === nodes.length - 1;
  return {
    ...model,
    graph: {
      ...g,
      node: [...nodes.slice(0, r.first).filter(keep), scan, ...nodes.slice(r.last + 1).filter(keep)],
      initializer: allInits.filter((t) => !movesIn(t)),
      // Shapes recorded for intermediate values describe the batched graph; inside the body they are per image.
      valueInfo: whole ? [] : (g.valueInfo ?? []).filter((v) => !nodes.slice(r.first, r.last + 1).some((nd) => (nd.output ?? []).includes(v.name!)) || r.output.includes(v.name!)),
    },
    metadataProps: [
      ...(model.metadataProps ?? []).filter((p) => p.key !== 'rgp.execution'),
      { key: 'rgp.execution', value: `per image: nodes ${r.first}–${r.last} of ${nodes.length} in one Scan over the batch axis` },
    ],
  };
}

/**
 * A compact model (compactModel's result) with the range around its realized convolutions run per image.
 * Realized Gemms after the last of them (a VGG's masked classifier) stay outside, on the whole batch: a
 * Gemm's intermediates are one row per image, so the batch does not push them out of the cache, while one
 * row at a time turns its MatMuls into matrix-vector products (vgg_small's masked classifier.1, 93.75 %:
 * about 8 ms per batch of 64 inside the Scan, about 1 ms batched). Without realized convolutions, the
 * range around every realized layer.
 */
export function perImageCompact(compact: { model: onnx.IModelProto; realizedNodes: ReadonlySet<onnx.INodeProto>; realizedConvNodes: ReadonlySet<onnx.INodeProto> }): onnx.IModelProto {
  const around = compact.realizedConvNodes.size > 0 ? compact.realizedConvNodes : compact.realizedNodes;
  return perImageModel(compact.model, (nd) => around.has(nd));
}
