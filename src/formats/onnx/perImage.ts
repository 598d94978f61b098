/**
 * Per-image execution: the whole graph wrapped in one standard ONNX Scan over the batch axis, so a
 * runtime runs it image after image instead of the batch at once (issue 13).
 *
 * Why: a compact layer is memory-bound, not compute-bound. Its multiply-adds fall by n/K, but its forms
 * materialize intermediates K times the layer's output (the per-input-group contributions before they are
 * summed); at batch 64 those are tens of MB and leave the cache between the Conv that writes them and the
 * Gather / Sum that reads them. One image's intermediates fit in the cache. Measured on this machine with
 * onnxruntime-node 1.30, 1 thread, batch 64, ResNet-18 (CIFAR, 64…512 channels) at 93.75 %: dense
 * 918 ms, compact batched 596 ms, compact per image 344 ms; the dense model itself gets slower per image
 * (1,183 ms), so it is never the dense model that is wrapped. Which of the two a compact model uses is
 * measured, not assumed (autotune.ts).
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
  const nodes = model.graph?.node ?? [];
  return nodes.length === 1 && nodes[0].opType === 'Scan' && nodes[0].name === PER_IMAGE_NODE;
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

/**
 * The same model, run image after image: graph inputs and outputs keep their names and types (the batch
 * axis stays the first), the initializers stay in the main graph (the Scan body reads them from the outer
 * scope), and the body is the original node list between an Unsqueeze of each image to a batch of one and
 * a Squeeze of each output back.
 */
export function perImageModel(model: onnx.IModelProto): onnx.IModelProto {
  const why = perImageObstacle(model);
  if (why) throw new RgpError('UNSUPPORTED', `This model cannot run per image: ${why}.`, 'Keep batched execution.');
  const g = model.graph!;
  const opset = modelOpset(model);
  const inits = new Set((g.initializer ?? []).map((t) => t.name));
  const inputs = (g.input ?? []).filter((v) => !inits.has(v.name));
  const outputs = g.output ?? [];
  const axes = '::rgp-per-image-axes';
  // Unsqueeze / Squeeze take their axes as an input from opset 13 on, as an attribute before.
  const axisArgs = (x: string): { input: string[]; attribute: onnx.IAttributeProto[] } =>
    opset >= 13 ? { input: [x, axes], attribute: [] } : { input: [x], attribute: [{ name: 'axes', type: INTS, ints: [0] }] };
  const rename = new Map<string, string>();
  const head: onnx.INodeProto[] = [];
  const bodyInputs: onnx.IValueInfoProto[] = [];
  for (const v of inputs) {
    const name = v.name!;
    rename.set(name, `${name}::rgp-batch-of-one`);
    const image = `${name}::rgp-image`;
    bodyInputs.push({ name: image, type: { tensorType: { elemType: v.type?.tensorType?.elemType ?? 1 } } });
    const a = axisArgs(image);
    head.push({ opType: 'Unsqueeze', name: `${PER_IMAGE_NODE}/unsqueeze/${name}`, domain: '', input: a.input, output: [rename.get(name)!], attribute: a.attribute });
  }
  const tail: onnx.INodeProto[] = [];
  const bodyOutputs: onnx.IValueInfoProto[] = [];
  for (const v of outputs) {
    const name = v.name!;
    // An output that is also an input keeps the input's rename; the Squeeze reads whatever produces it.
    const produced = rename.get(name) ?? `${name}::rgp-batch-of-one`;
    if (!rename.has(name)) rename.set(name, produced);
    const image = `${name}::rgp-image`;
    bodyOutputs.push({ name: image, type: { tensorType: { elemType: v.type?.tensorType?.elemType ?? 1 } } });
    const a = axisArgs(produced);
    tail.push({ opType: 'Squeeze', name: `${PER_IMAGE_NODE}/squeeze/${name}`, domain: '', input: a.input, output: [image], attribute: a.attribute });
  }
  const body: onnx.IGraphProto = {
    name: 'per_image',
    node: [...head, ...renameUses(g.node ?? [], rename), ...tail],
    input: bodyInputs,
    output: bodyOutputs,
  };
  const scanAttributes: onnx.IAttributeProto[] = [
    { name: 'body', type: GRAPH, g: body },
    { name: 'num_scan_inputs', type: INT, i: inputs.length },
  ];
  const scan: onnx.INodeProto = {
    opType: 'Scan',
    name: PER_IMAGE_NODE,
    domain: '',
    input: inputs.map((v) => v.name!),
    output: outputs.map((v) => v.name!),
    attribute: scanAttributes,
  };
  return {
    ...model,
    graph: {
      ...g,
      node: [scan],
      initializer: [...(g.initializer ?? []), ...(opset >= 13 ? [int64Tensor(axes, [0])] : [])],
      // Shapes recorded for intermediate values describe the batched graph; the body's are per image.
      valueInfo: [],
    },
    metadataProps: [...(model.metadataProps ?? []).filter((p) => p.key !== 'rgp.execution'), { key: 'rgp.execution', value: 'per image (one Scan over the batch axis)' }],
  };
}
