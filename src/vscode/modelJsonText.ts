/**
 * A TF.js layers `model.json` as text in an editor: where each layer is written, and what RGP knows about
 * it — class, shapes, kernel, parameters, MACs (the same layer graph `rgp inspect` and pruning use) and
 * whether pruning would mask it. Feeds the CodeLens and the hover; no vscode here, so it is unit-tested.
 *
 * Cost: one jsonc-parser pass over the text (O(length)), then the layer graph (O(layers + weights)); no
 * weight bytes are read. Texts above MAX_MODEL_TEXT_CHARS are not analysed (a model.json is topology and
 * manifest only — KBs even for ResNet-50; a multi-MB one is not worth blocking the extension host for).
 *
 * Detection is by content, not name: the top-level object has both `modelTopology` and `weightsManifest`
 * (the TF.js layers-model format, tfjs-layers `io.ModelJSON`) and is not a graph model (`format:
 * "graph-model"`, which has no layers to prune).
 */
import { isRgpError } from '../core/errors';
import { MAX_JSON_DEPTH, textNestingDepth } from '../core/jsonDepth';
import { buildLayerGraph, type LayerGraph, type LayerNode } from '../core/model/layerGraph';
import { parseModelJson, type ModelJson } from '../core/model/modelJson';
import type { Shape } from '../core/model/shapes';
import { planPruning, type LayerDecision } from '../core/prune/plan';
import { findNodeAtLocation, parseTree, type JsonNode } from './jsonTree';

/** 4 Mi characters: above this an editor's model.json gets no lenses or hovers. */
export const MAX_MODEL_TEXT_CHARS = 4 * 1024 * 1024;

export interface TextSpan {
  offset: number;
  length: number;
}

export interface LayerInText {
  name: string;
  className: string;
  /** Where a hover answers for this layer: its name string(s) and its class_name string. */
  anchors: TextSpan[];
  /** The layer's whole object in the layer list. */
  span: TextSpan;
  /** The layer graph's view of it (shapes, params, MACs); undefined when the graph could not be built. */
  node?: LayerNode;
  /** What pruning with the current settings would do to it; undefined when no plan could be made. */
  decision?: LayerDecision;
  /** The kernel RGP would mask and its shape (Dense/Conv `kernel`, SeparableConv2D `pointwise_kernel`). */
  kernel?: { variable: string; shape: number[] };
}

export interface ModelTextAnalysis {
  model?: ModelJson;
  graph?: LayerGraph;
  layers: LayerInText[];
  /** Largest n every masked layer can be split into (min over masked layers of min(C_in, C_out)). */
  maxGroups?: number;
  /** Why the model, its layer graph or its plan could not be read (a user-facing message). */
  problem?: string;
  /** Why no layer would be masked (from the plan), if so. */
  nothingMasked?: string;
}

export interface AnalysisOptions {
  keepFirst: boolean;
  keepLast: boolean;
}

/** Undefined when the text is not a TF.js layers model (by content) or too large to look at. */
export function analyseModelText(text: string, opts: AnalysisOptions): ModelTextAnalysis | undefined {
  if (text.length > MAX_MODEL_TEXT_CHARS) return undefined;
  // Cheap rejection before any parse: most JSON files in a workspace are not models.
  if (!text.includes('"modelTopology"') || !text.includes('"weightsManifest"')) return undefined;
  // The tree parser below recurses: a hostile nesting would overflow the extension host's stack.
  if (textNestingDepth(text) > MAX_JSON_DEPTH) return { layers: [], problem: `The model file nests more than ${MAX_JSON_DEPTH} levels deep; no real model does.` };
  const root = parseTree(text, [], { disallowComments: false, allowTrailingComma: true });
  if (!root || root.type !== 'object') return undefined;
  const topology = findNodeAtLocation(root, ['modelTopology']);
  const manifest = findNodeAtLocation(root, ['weightsManifest']);
  if (!topology || !manifest) return undefined;
  if (findNodeAtLocation(root, ['format'])?.value === 'graph-model') return undefined;

  const layers = layerNodes(topology).map(layerInText);
  const analysis: ModelTextAnalysis = { layers };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    analysis.problem = `The model file is not valid JSON (${(e as Error).message}).`;
    return analysis;
  }
  try {
    analysis.model = parseModelJson(json);
    analysis.graph = buildLayerGraph(analysis.model, { validate: false });
  } catch (e) {
    analysis.problem = message(e);
    return analysis;
  }
  // Layer list order is the file's order; parseModelJson keeps it, so index i is the same layer.
  layers.forEach((l, i) => {
    const raw = analysis.model!.layers[i];
    if (!raw) return;
    l.name = raw.name;
    l.className = raw.className;
    const node = analysis.graph!.byName.get(raw.name);
    if (node) {
      l.node = node;
      const k = node.weights.find((w) => w.variable === (node.className === 'SeparableConv2D' ? 'pointwise_kernel' : 'kernel'));
      if (k && ['Dense', 'Conv1D', 'Conv2D', 'SeparableConv2D'].includes(node.className)) l.kernel = { variable: k.variable, shape: [...k.spec.shape] };
    }
  });
  try {
    // n = 2 never fails the "too narrow" check, so the decisions are the settings' own; maxGroups says
    // which n pruning will accept.
    const plan = planPruning(analysis.graph, { groups: 2, keepFirst: opts.keepFirst, keepLast: opts.keepLast, keepDense: [] });
    const byName = new Map(plan.decisions.map((d) => [d.layer, d]));
    for (const l of layers) {
      const d = byName.get(l.name);
      if (d) l.decision = d;
    }
    analysis.maxGroups = Math.min(...plan.targets.map((t) => Math.min(t.cIn, t.cOut)));
  } catch (e) {
    if (isRgpError(e) && e.code === 'BAD_ARGUMENT') analysis.nothingMasked = e.message;
    else analysis.problem = message(e);
  }
  return analysis;
}

/** The layer whose name or class_name string covers `offset`, if any. */
export function layerAt(analysis: ModelTextAnalysis, offset: number): { layer: LayerInText; anchor: TextSpan } | undefined {
  for (const layer of analysis.layers) {
    for (const a of layer.anchors) if (offset >= a.offset && offset <= a.offset + a.length) return { layer, anchor: a };
  }
  return undefined;
}

/** The layer objects of either topology style (tfjs, converter `model_config`, old bare-array Sequential). */
function layerNodes(topology: JsonNode): JsonNode[] {
  const modelConfig = findNodeAtLocation(topology, ['model_config']);
  const base = modelConfig?.type === 'object' ? modelConfig : topology;
  const config = findNodeAtLocation(base, ['config']);
  const list = config?.type === 'array' ? config : config ? findNodeAtLocation(config, ['layers']) : undefined;
  return list?.type === 'array' ? (list.children ?? []) : [];
}

function layerInText(node: JsonNode): LayerInText {
  const anchors: TextSpan[] = [];
  const strings = [['config', 'name'], ['name'], ['class_name']].map((p) => findNodeAtLocation(node, p)).filter((n): n is JsonNode => n?.type === 'string');
  for (const s of strings) anchors.push({ offset: s.offset, length: s.length });
  const configName = findNodeAtLocation(node, ['config', 'name'])?.value;
  const topName = findNodeAtLocation(node, ['name'])?.value;
  const cls = findNodeAtLocation(node, ['class_name'])?.value;
  return {
    name: typeof configName === 'string' ? configName : typeof topName === 'string' ? topName : '',
    className: typeof cls === 'string' ? cls : '',
    anchors,
    span: { offset: node.offset, length: node.length },
  };
}

function message(e: unknown): string {
  return isRgpError(e) ? e.userMessage : e instanceof Error ? e.message : String(e);
}

/** `(batch, 28, 28, 1)` with `?` for unknown dims; shapes here exclude the batch dimension. */
export function formatShape(shape: Shape | null | undefined): string {
  if (!shape) return 'unknown';
  return `(batch${shape.map((d) => `, ${d === null ? '?' : d}`).join('')})`;
}
