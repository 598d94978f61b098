/**
 * A whole pruned ONNX model → its compact form: every Conv / Gemm whose weight masks.json lists is
 * replaced, in place in the node list, by the nodes of one realization (compactLayer.ts) that store only
 * the kept weights; every other node, initializer, input and output is carried over unchanged. The dense
 * kernel of a replaced layer is dropped (and its graph-input entry, for exporters that list initializers
 * as inputs) unless another node still reads it.
 *
 * Which realization each layer gets is the caller's choice (`chooseForm`): a fixed form, or the
 * autotuner's per-layer pick (autotune.ts).
 */
import type { onnx } from 'onnx-proto';
// The one ONNX protobuf codec (proto.ts), re-exported for the callers that import it from here.
export { decodeModel, encodeModel } from './proto';
import { RgpError } from '../../core/errors';
import type { CancelSignal } from '../../core/job';
import type { LoadedMasks, MaskFileLayer } from '../../core/prune/maskFile';
import {
  checkMasked,
  CONV_FORMS,
  EXPAND_DENSE_MIN_OPSET,
  GEMM_FORMS,
  layerGroups,
  realizeConv,
  realizeGemm,
  type CompactForm,
  type ConvForm,
  type GemmForm,
  type LayerGroups,
  type MaskedKernel,
  type RealizedLayer,
} from './compactLayer';

export interface MaskedSite {
  /** The masks.json entry. */
  entry: MaskFileLayer;
  nodeIndex: number;
  node: onnx.INodeProto;
  op: 'Conv' | 'Gemm';
  kernel: MaskedKernel;
  groups: LayerGroups;
  bias?: string;
  convAttributes: onnx.IAttributeProto[];
}

export interface CompactLayerReport {
  layer: string;
  node: string;
  op: 'Conv' | 'Gemm';
  weight: string;
  cIn: number;
  cOut: number;
  kernel: number[];
  n: number;
  /** Input groups per output group: k, or k+1 with self-loops. */
  K: number;
  form: CompactForm;
  denseWeights: number;
  keptWeights: number;
  storedWeights: number;
  paddingWeights: number;
}

export interface CompactModelResult {
  model: onnx.IModelProto;
  layers: CompactLayerReport[];
  /** Float32 weights of every initializer of the compact model. */
  storedParameters: number;
  /** Float32 weights of every initializer of the input model. */
  inputParameters: number;
  /** Zero weights padding uneven groups, over all layers. */
  paddingWeights: number;
  /** The nodes that realize masked layers (the same objects as in `model`). */
  realizedNodes: ReadonlySet<onnx.INodeProto>;
  /** Of those, the nodes that realize masked convolutions (per-image execution wraps the range around them). */
  realizedConvNodes: ReadonlySet<onnx.INodeProto>;
}

const FLOAT = 1;

/** The default-domain opset of a model. */
export function modelOpset(model: onnx.IModelProto): number {
  const entry = (model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  return entry ? Number(entry.version) : 1;
}

function elementCount(dims: ReadonlyArray<number | Long>): number {
  return dims.reduce<number>((a, d) => a * Number(d), 1);
}
type Long = { low: number; high: number };
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** The float32 contents of an initializer (raw_data or float_data), as a fresh aligned array. */
export function readFloatTensor(t: onnx.ITensorProto, what: string): Float32Array {
  return floatContents(t, what, false);
}

/**
 * The same contents, read-only by contract: a view of raw_data where it is 4-byte aligned (a copy of every
 * masked kernel of a 100 M-parameter model is a whole extra weight set in memory), else an aligned copy.
 */
function readFloatTensorView(t: onnx.ITensorProto, what: string): Float32Array {
  return floatContents(t, what, true);
}

function floatContents(t: onnx.ITensorProto, what: string, view: boolean): Float32Array {
  if (t.dataType !== FLOAT) throw new RgpError('UNSUPPORTED', `The weight "${t.name}" of ${what} is not float32 (ONNX data type ${t.dataType}).`, 'Compact models support float32 weights only.');
  if (t.dataLocation === 1 || (t.externalData && t.externalData.length > 0)) {
    throw new RgpError('UNSUPPORTED', `The weight "${t.name}" of ${what} is stored in an external data file.`, 'Compact a model whose weights are inside model.onnx.');
  }
  const count = elementCount(t.dims ?? []);
  if (t.rawData && t.rawData.length > 0) {
    if (t.rawData.length !== count * 4) throw new RgpError('BAD_MODEL', `The weight "${t.name}" holds ${t.rawData.length} bytes, its shape needs ${count * 4}.`, 'The model file is damaged; prune the original again.');
    const raw = t.rawData;
    if (view && LITTLE_ENDIAN && raw.byteOffset % 4 === 0) return new Float32Array(raw.buffer, raw.byteOffset, count);
    const out = new Float32Array(count);
    new Uint8Array(out.buffer).set(raw);
    return out;
  }
  const fd = t.floatData ?? [];
  if (fd.length !== count) throw new RgpError('BAD_MODEL', `The weight "${t.name}" holds ${fd.length} values, its shape needs ${count}.`, 'The model file is damaged; prune the original again.');
  return Float32Array.from(fd);
}

function attr(nodeProto: onnx.INodeProto, name: string): onnx.IAttributeProto | undefined {
  return (nodeProto.attribute ?? []).find((a) => a.name === name);
}
function attrInt(nodeProto: onnx.INodeProto, name: string, dflt: number): number {
  const a = attr(nodeProto, name);
  return a && a.i !== undefined && a.i !== null ? Number(a.i) : dflt;
}
function attrFloat(nodeProto: onnx.INodeProto, name: string, dflt: number): number {
  const a = attr(nodeProto, name);
  return a && a.f !== undefined && a.f !== null ? Number(a.f) : dflt;
}

/** Finds every masked layer of `model` that masks.json lists, checked (shape, layout, exact zeros). */
export function findMaskedSites(model: onnx.IModelProto, masks: LoadedMasks, signal?: CancelSignal): MaskedSite[] {
  const graph = model.graph;
  if (!graph) throw new RgpError('BAD_MODEL', 'The ONNX model has no graph.', 'Compact a model written by `rgp prune`.');
  const inits = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const nodes = graph.node ?? [];
  const selfLoops = masks.file.selfLoops;
  const neighboursOf = (entry: MaskFileLayer): number[][] => {
    const f = masks.file;
    if (f.version === 1) return f.neighbours;
    const gr = f.graphs.find((x) => x.n === entry.n);
    if (!gr) throw new RgpError('BAD_MODEL', `masks.json names no graph for layer "${entry.layer}".`, 'Use the masks.json written by `rgp prune`.');
    return gr.neighbours;
  };
  const sites: MaskedSite[] = [];
  for (const entry of masks.file.layers) {
    signal?.throwIfCancelled();
    const users = nodes.map((nd, i) => ({ nd, i })).filter(({ nd }) => (nd.opType === 'Conv' || nd.opType === 'Gemm') && (nd.input ?? [])[1] === entry.weight);
    if (users.length === 0) {
      throw new RgpError('BAD_MODEL', `masks.json lists "${entry.weight}" (layer "${entry.layer}"), but no Conv or Gemm of the model reads it as its weight.`, 'Use the masks.json written by `rgp prune` for this very model.');
    }
    const t = inits.get(entry.weight);
    if (!t) throw new RgpError('BAD_MODEL', `The weight "${entry.weight}" of layer "${entry.layer}" is not an initializer of the model.`, 'Use the masks.json written by `rgp prune` for this very model.');
    const dims = (t.dims ?? []).map(Number);
    if (dims.join(',') !== entry.shape.join(',')) {
      throw new RgpError('BAD_MODEL', `The weight "${entry.weight}" has shape [${dims.join(', ')}], masks.json says [${entry.shape.join(', ')}].`, 'Use the masks.json written by `rgp prune` for this very model.');
    }
    const raw = readFloatTensorView(t, `layer "${entry.layer}"`);
    for (const { nd, i } of users) {
      const op = nd.opType as 'Conv' | 'Gemm';
      let kernel: MaskedKernel;
      const convAttributes: onnx.IAttributeProto[] = [];
      if (op === 'Conv') {
        if (attrInt(nd, 'group', 1) !== 1) throw new RgpError('UNSUPPORTED', `Layer "${entry.layer}" is a grouped convolution; RGP masks only group = 1.`, 'Use the masks.json written by `rgp prune` for this model.');
        if ((entry.layout ?? 'taps-in-out') !== 'out-in-taps') throw new RgpError('BAD_MODEL', `masks.json gives layer "${entry.layer}" the Keras kernel layout; an ONNX Conv kernel is [C_out, C_in, k…].`, 'Use the masks.json written by `rgp prune` for this model.');
        for (const a of nd.attribute ?? []) if (a.name !== 'group') convAttributes.push(a);
        const spatial = dims.slice(2);
        kernel = { cOut: dims[0], cIn: dims[1], spatial, taps: spatial.reduce((a, b) => a * b, 1), data: raw };
      } else {
        if (attrInt(nd, 'transA', 0) !== 0 || attrFloat(nd, 'alpha', 1) !== 1 || ((nd.input ?? []).length > 2 && (nd.input ?? [])[2] !== '' && attrFloat(nd, 'beta', 1) !== 1)) {
          throw new RgpError('UNSUPPORTED', `Layer "${entry.layer}" is a Gemm with transA, alpha or beta set; only Y = X·W (+ b) is compacted.`, 'Export the model with plain Linear layers.');
        }
        const transB = attrInt(nd, 'transB', 0) === 1;
        if (dims.length !== 2) throw new RgpError('BAD_MODEL', `The Gemm weight "${entry.weight}" is not 2-D.`, 'Use the masks.json written by `rgp prune`.');
        if (transB) kernel = { cOut: dims[0], cIn: dims[1], spatial: [], taps: 1, data: raw };
        else {
          // Stored [C_in, C_out]: transpose to [C_out, C_in].
          const [cIn, cOut] = dims;
          const tr = new Float32Array(raw.length);
          for (let a = 0; a < cIn; a++) for (let b = 0; b < cOut; b++) tr[b * cIn + a] = raw[a * cOut + b];
          kernel = { cOut, cIn, spatial: [], taps: 1, data: tr };
        }
      }
      const groups = layerGroups(kernel.cIn, kernel.cOut, neighboursOf(entry), selfLoops, entry.inputParts);
      checkMasked(kernel, groups, entry.layer);
      const bias = (nd.input ?? [])[2];
      sites.push({ entry, nodeIndex: i, node: nd, op, kernel, groups, ...(bias ? { bias } : {}), convAttributes });
    }
  }
  return sites.sort((a, b) => a.nodeIndex - b.nodeIndex);
}

/** The realization of one site in a form of its kind. */
export function realizeSite(site: MaskedSite, form: CompactForm, opset: number, prefix: string): RealizedLayer {
  const nd = site.node;
  if (form === 'expand-dense' && opset < EXPAND_DENSE_MIN_OPSET) {
    throw new RgpError('UNSUPPORTED', `The form expand-dense needs ONNX opset ${EXPAND_DENSE_MIN_OPSET} (OneHot); this model is opset ${opset}.`, 'Choose another form, or let the tuner choose (--form auto).');
  }
  const s = { prefix, input: (nd.input ?? [])[0], output: (nd.output ?? [])[0], ...(site.bias ? { bias: site.bias } : {}), convAttributes: site.convAttributes, opset };
  if (site.op === 'Conv') return realizeConv(site.kernel, site.groups, s, form as ConvForm);
  return realizeGemm(site.kernel, site.groups, s, form as GemmForm);
}

export function defaultForm(site: MaskedSite): CompactForm {
  return site.op === 'Conv' ? 'conv-gather-sum' : 'gather-matmul';
}

/** The forms a site can take in a model of `opset` ('expand-dense' needs OneHot, opset 9). */
export function formsFor(site: MaskedSite, opset: number): readonly CompactForm[] {
  const forms = site.op === 'Conv' ? CONV_FORMS : GEMM_FORMS;
  return opset >= EXPAND_DENSE_MIN_OPSET ? forms : forms.filter((f) => f !== 'expand-dense');
}

/** Float32 weights in `initializers` (the parameter count the reports give). */
export function floatWeights(initializers: readonly onnx.ITensorProto[]): number {
  return initializers.reduce((a, t) => a + (t.dataType === FLOAT ? elementCount(t.dims ?? []) : 0), 0);
}

/** Builds the compact model. `sites` from findMaskedSites on the same model. */
export function compactModel(
  model: onnx.IModelProto,
  sites: MaskedSite[],
  chooseForm: (site: MaskedSite) => CompactForm = defaultForm,
  signal?: CancelSignal,
): CompactModelResult {
  const graph = model.graph!;
  const opset = modelOpset(model);
  const nodes = graph.node ?? [];
  const byIndex = new Map(sites.map((s) => [s.nodeIndex, s]));
  const taken = new Set<string>([...nodes.map((nd) => nd.name ?? ''), ...(graph.initializer ?? []).map((t) => t.name ?? '')]);
  const newNodes: onnx.INodeProto[] = [];
  const newInits: onnx.ITensorProto[] = [];
  const layers: CompactLayerReport[] = [];
  const realizedNodes = new Set<onnx.INodeProto>();
  const realizedConvNodes = new Set<onnx.INodeProto>();
  let padding = 0;
  nodes.forEach((nd, i) => {
    const site = byIndex.get(i);
    if (!site) {
      newNodes.push(nd);
      return;
    }
    signal?.throwIfCancelled();
    let prefix = `rgp/${nd.name || site.entry.layer || `node${i}`}`;
    while ([...taken].some((t) => t.startsWith(prefix + '/'))) prefix += '_';
    taken.add(prefix + '/');
    const form = chooseForm(site);
    const r = realizeSite(site, form, opset, prefix);
    newNodes.push(...r.nodes);
    for (const x of r.nodes) realizedNodes.add(x);
    if (site.op === 'Conv') for (const x of r.nodes) realizedConvNodes.add(x);
    newInits.push(...r.initializers);
    padding += r.paddingWeights;
    const k = site.kernel;
    layers.push({
      layer: site.entry.layer,
      node: nd.name ?? '',
      op: site.op,
      weight: site.entry.weight,
      cIn: k.cIn,
      cOut: k.cOut,
      kernel: k.spatial,
      n: site.groups.n,
      K: site.groups.K,
      form,
      denseWeights: k.cIn * k.cOut * k.taps,
      keptWeights: r.storedWeights - r.paddingWeights,
      storedWeights: r.storedWeights,
      paddingWeights: r.paddingWeights,
    });
  });
  // Drop dense kernels no node reads any more (and their graph-input entries).
  const read = new Set<string>();
  for (const nd of newNodes) for (const x of nd.input ?? []) read.add(x);
  for (const o of graph.output ?? []) read.add(o.name ?? '');
  const replaced = new Set(sites.map((s) => s.entry.weight).filter((w) => !read.has(w)));
  const keptInits = (graph.initializer ?? []).filter((t) => !replaced.has(t.name ?? ''));
  const initializer = [...keptInits, ...newInits];
  const compactGraph: onnx.IGraphProto = {
    ...graph,
    node: newNodes,
    initializer,
    input: (graph.input ?? []).filter((v) => !replaced.has(v.name ?? '')),
  };
  const summary = `RGP compact model: ${layers.length} layers realized (${[...new Set(layers.map((l) => l.form))].join(', ')})`;
  const out: onnx.IModelProto = {
    ...model,
    graph: compactGraph,
    metadataProps: [...(model.metadataProps ?? []).filter((p) => p.key !== 'rgp.compact'), { key: 'rgp.compact', value: summary }],
  };
  return {
    model: out,
    layers,
    storedParameters: floatWeights(initializer),
    inputParameters: floatWeights(graph.initializer ?? []),
    paddingWeights: padding,
    realizedNodes,
    realizedConvNodes,
  };
}
