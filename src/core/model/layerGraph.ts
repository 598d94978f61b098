/**
 * The layer graph of a TF.js layers model: which layer feeds which, every layer's input and output shape,
 * the weights it owns (checked against what its config implies), its parameters and its exact MACs.
 *
 * Topologies:
 *  - Sequential: each layer is fed by the one before; the first declares its input shape
 *    (`batch_input_shape` / `batch_shape` / `input_shape` / `input_dim`), or an InputLayer does.
 *  - Functional (`Model` / `Functional`): `inbound_nodes` in Keras 2 / tfjs list style
 *    `[[["name", nodeIndex, tensorIndex, {kwargs}], …]]`, or Keras 3 dict style
 *    `[{ "args": [ {"class_name": "__keras_tensor__", "config": {"keras_history": ["name", 0, 0]}} ], "kwargs": {} }]`.
 * A layer applied more than once (shared) is counted for its first call only, with a warning.
 *
 * Unknown layer classes are reported in `unknownLayers`, own their weights (counted as parameters), have
 * unknown output shape and MACs, and are never masked. Errors are thrown only for a topology that cannot
 * be read (a missing inbound layer, a cycle) or weights that contradict the config (with `validate`).
 */
import { RgpError } from '../errors';
import type { InputPart, KernelLayout } from '../prune/blockMask';
import { layerMacs } from './macs';
import type { ModelJson } from './modelJson';
import { declaredInputShape, expectedWeights, inferOutputShape, type Shape } from './shapes';
import { indexWeights, type WeightIndex, type WeightLocation } from './weightIndex';

export interface LayerNode {
  name: string;
  className: string;
  config: Record<string, unknown>;
  /** Producer layers of the (first) call, in argument order. */
  inbound: string[];
  inputShapes: (Shape | null)[];
  outputShape: Shape | null;
  /** false for a class we do not understand (left dense, shape unknown). */
  known: boolean;
  weights: WeightLocation[];
  params: number;
  /** Multiply-accumulates per example (see macs.ts for the conventions); null when a shape is unknown. */
  macs: number | null;
  /** How many times the layer is called in the topology (shared layers > 1). */
  calls: number;
  /**
   * Set by readers of formats whose operations are not Keras classes (ONNX): the kernel RGP may mask and
   * its layout, or why the layer cannot be masked (null: nothing to mask). Keras and TF.js layers leave
   * it undefined and the planner decides by class name. `inputParts`: how the kernel's input axis is made
   * when it is not one producer's channels (a channel Concat, a Flatten; see blockMask.InputPart).
   */
  maskable?: { variable: string; layout: KernelLayout; inputParts?: InputPart[] } | { reason: string } | null;
  /** With `maskable`: positions per example each entry of the masked kernel is multiplied at (null: unknown). */
  kernelPositions?: number | null;
}

export interface LayerGraph {
  topologyClass: string;
  /** In topological order (inputs first). */
  layers: LayerNode[];
  byName: Map<string, LayerNode>;
  inputs: string[];
  outputs: string[];
  unknownLayers: string[];
  unassignedWeights: string[];
  warnings: string[];
  totalParams: number;
  /** Sum over layers with known MACs; `macsComplete` says whether every layer's MACs are known. */
  totalMacs: number;
  macsComplete: boolean;
  weightIndex: WeightIndex;
}

export interface LayerGraphOptions {
  /** Throw on weights that contradict a layer's config (default true); otherwise only warn. */
  validate?: boolean;
}

const badModel = (what: string) =>
  new RgpError('BAD_MODEL', `The model file is inconsistent: ${what}.`, 'The model.json and its weights do not belong together, or the file was edited; re-export the model.');

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

interface RawNode {
  name: string;
  className: string;
  config: Obj;
  calls: string[][];
}

export function buildLayerGraph(model: ModelJson, opts: LayerGraphOptions = {}): LayerGraph {
  const validate = opts.validate ?? true;
  const warnings: string[] = [];
  const { raw, inputs: declaredInputs, outputs: declaredOutputs } = readTopology(model);
  const index = indexWeights(model);
  const rawByName = new Map(raw.map((r) => [r.name, r]));
  for (const r of raw) {
    for (const src of r.calls[0] ?? []) if (!rawByName.has(src)) throw badModel(`layer "${r.name}" is fed by "${src}", which is not in the model`);
    if (r.calls.length > 1) warnings.push(`Layer "${r.name}" is called ${r.calls.length} times (shared); its MACs are counted for one call.`);
  }

  const order = topologicalOrder(raw);
  const byName = new Map<string, LayerNode>();
  const unknownLayers: string[] = [];
  const layers: LayerNode[] = [];
  for (const r of order) {
    const inbound = r.calls[0] ?? [];
    const inputShapes = inbound.length > 0 ? inbound.map((s) => byName.get(s)!.outputShape) : [declaredInputShape(r.config)];
    const inferred = inferOutputShape(r.className, r.config, inputShapes);
    if (!inferred.known) unknownLayers.push(r.name);
    const weights = index.byLayer.get(r.name) ?? [];
    if (inferred.known) checkWeights(r, inputShapes, weights, validate, warnings);
    const entries = (v: string) => weights.find((w) => w.variable === v)?.elements;
    const macs = inferred.known ? layerMacs(r.className, inputShapes[0] ?? null, inferred.shape, entries) : null;
    const node: LayerNode = {
      name: r.name,
      className: r.className,
      config: r.config,
      inbound,
      inputShapes,
      outputShape: inferred.shape,
      known: inferred.known,
      weights,
      params: weights.reduce((s, w) => s + w.elements, 0),
      macs,
      calls: Math.max(1, r.calls.length),
    };
    byName.set(r.name, node);
    layers.push(node);
  }
  if (unknownLayers.length > 0) {
    warnings.push(`Layer classes not understood (left dense, shapes after them unknown): ${unknownLayers.map((n) => `${n} (${byName.get(n)!.className})`).join(', ')}.`);
  }
  const inputs = declaredInputs.length > 0 ? declaredInputs : layers.filter((l) => l.inbound.length === 0).map((l) => l.name);
  const fedOthers = new Set(layers.flatMap((l) => l.inbound));
  const outputs = declaredOutputs.length > 0 ? declaredOutputs : layers.filter((l) => !fedOthers.has(l.name)).map((l) => l.name);
  return {
    topologyClass: model.topologyClass,
    layers,
    byName,
    inputs,
    outputs,
    unknownLayers,
    unassignedWeights: index.unassigned.map((w) => w.spec.name),
    warnings,
    totalParams: index.all.reduce((s, w) => s + w.elements, 0),
    totalMacs: layers.reduce((s, l) => s + (l.macs ?? 0), 0),
    macsComplete: layers.every((l) => l.macs !== null),
    weightIndex: index,
  };
}

/** Compares the manifest's weights of a layer with the shapes its config and input imply. */
function checkWeights(r: RawNode, inputs: (Shape | null)[], weights: WeightLocation[], validate: boolean, warnings: string[]): void {
  const expected = expectedWeights(r.className, r.config, inputs);
  for (const [variable, shape] of Object.entries(expected)) {
    const w = weights.find((x) => x.variable === variable);
    let problem: string | undefined;
    if (!w) problem = `layer "${r.name}" (${r.className}) has no "${variable}" weight in the weights manifest`;
    else if (w.spec.shape.length !== shape.length || shape.some((d, i) => d !== null && d !== w.spec.shape[i])) {
      problem =
        `layer "${r.name}" (${r.className}) has ${variable} of shape [${w.spec.shape.join(', ')}] in the weights manifest, ` +
        `but its configuration implies [${shape.map((d) => (d === null ? '?' : d)).join(', ')}]`;
    }
    if (problem === undefined) continue;
    if (validate) throw badModel(problem);
    warnings.push(problem + '.');
  }
}

/** The layer list with inbound calls, and the declared model inputs/outputs, from the verbatim topology. */
function readTopology(model: ModelJson): { raw: RawNode[]; inputs: string[]; outputs: string[] } {
  const topo = model.modelTopology;
  const mc = isObj(topo.model_config) ? topo.model_config : topo;
  const config = mc.config;
  const list = (Array.isArray(config) ? config : isObj(config) && Array.isArray(config.layers) ? config.layers : []) as unknown[];
  const sequential = model.topologyClass === 'Sequential';
  const raw: RawNode[] = list.map((l, i) => {
    const layer = model.layers[i];
    const calls = sequential ? (i === 0 ? [] : [[model.layers[i - 1].name]]) : readInboundNodes(isObj(l) ? l.inbound_nodes : undefined);
    return { name: layer.name, className: layer.className, config: layer.config, calls };
  });
  if (sequential) return { raw, inputs: raw.length ? [raw[0].name] : [], outputs: raw.length ? [raw[raw.length - 1].name] : [] };
  const cfg = isObj(config) ? config : {};
  return { raw, inputs: readLayerRefs(cfg.input_layers), outputs: readLayerRefs(cfg.output_layers) };
}

/** `[["name", 0, 0], …]` or, for a single tensor (Keras 3), `["name", 0, 0]`. */
function readLayerRefs(v: unknown): string[] {
  if (!Array.isArray(v)) return [];
  if (typeof v[0] === 'string') return [v[0]];
  return v.filter((x): x is unknown[] => Array.isArray(x) && typeof x[0] === 'string').map((x) => x[0] as string);
}

/** Producer names per call, from either inbound_nodes style. */
export function readInboundNodes(v: unknown): string[][] {
  if (!Array.isArray(v)) return [];
  return v.map((node) => {
    if (Array.isArray(node)) {
      // Keras 2 / tfjs: a call is a list of [name, nodeIndex, tensorIndex, kwargs].
      return node.filter((t): t is unknown[] => Array.isArray(t) && typeof t[0] === 'string').map((t) => t[0] as string);
    }
    const found: string[] = [];
    if (isObj(node)) collectKerasHistory(node.args, found);
    return found;
  });
}

/** Keras 3: tensors anywhere inside `args` carry `config.keras_history = [name, node, tensor]`. */
function collectKerasHistory(v: unknown, out: string[]): void {
  if (Array.isArray(v)) {
    for (const x of v) collectKerasHistory(x, out);
    return;
  }
  if (!isObj(v)) return;
  const cfg = v.config;
  if (v.class_name === '__keras_tensor__' && isObj(cfg) && Array.isArray(cfg.keras_history) && typeof cfg.keras_history[0] === 'string') {
    out.push(cfg.keras_history[0]);
  }
}

/** Kahn's algorithm, stable in config order (which is already topological in files Keras writes). */
function topologicalOrder(raw: RawNode[]): RawNode[] {
  const indeg = new Map<string, number>();
  const consumers = new Map<string, string[]>();
  for (const r of raw) {
    const srcs = new Set(r.calls[0] ?? []);
    indeg.set(r.name, srcs.size);
    for (const s of srcs) consumers.set(s, [...(consumers.get(s) ?? []), r.name]);
  }
  const pos = new Map(raw.map((r, i) => [r.name, i]));
  const ready = raw.filter((r) => indeg.get(r.name) === 0).map((r) => r.name);
  const out: RawNode[] = [];
  const byName = new Map(raw.map((r) => [r.name, r]));
  while (ready.length > 0) {
    ready.sort((a, b) => pos.get(a)! - pos.get(b)!);
    const name = ready.shift()!;
    out.push(byName.get(name)!);
    for (const c of consumers.get(name) ?? []) {
      const d = indeg.get(c)! - 1;
      indeg.set(c, d);
      if (d === 0) ready.push(c);
    }
  }
  if (out.length !== raw.length) {
    const stuck = raw.filter((r) => !out.includes(r)).map((r) => r.name);
    throw badModel(`the layers ${stuck.slice(0, 5).join(', ')} feed each other in a cycle`);
  }
  return out;
}
