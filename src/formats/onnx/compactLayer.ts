/**
 * One RGP-masked layer realized as standard ONNX nodes that store only the kept weights (MISSION part 1
 * item 7; issue 13). Pure functions: a masked kernel (typed array) + the graph's neighbour lists in,
 * ONNX nodes and initializers (onnx-proto objects) out.
 *
 * Notation. The layer's C_in input and C_out output channels are split into n groups (blockMask: output
 * groups contiguous, groupStarts; input groups contiguous too unless the input is a Concat or a Flatten,
 * then each group is a few ranges, inputGroupRanges); output group o reads the K input groups L(o) = N(o) (+ o with self-loops), so
 * input group g feeds the K output groups M(g) = {o : g ∈ L(o)} (= L(g): the adjacency is symmetric).
 * ci / co are the largest input / output group sizes; with uneven groups (C not a multiple of n) the
 * smaller groups are padded with zero weights up to ci / co — `paddingWeights` counts them.
 *
 * Forms (all exact up to float summation order):
 *  - 'gather-conv'      Gather the input channels of L(0), L(1), … (each input group K times) → one Conv
 *                       with group = n and kernel [n·co, K·ci, k…]: output group o convolves its own K
 *                       gathered groups. (Gemm: Gather → Reshape [B, n, K·ci] → Transpose → batched MatMul
 *                       over n → Transpose → Reshape.)
 *  - 'conv-gather-sum'  One Conv with group = n on the input as it is (input group g, ci channels in,
 *                       K·co out: g's contribution to each of its K output groups) → K Gathers, the t-th
 *                       picking, for every output group, its t-th contribution → Sum of the K → the output.
 *                       The convolution's im2col stays at the dense input size (no duplicated input).
 *  - 'conv-gather-reducesum'  The same Conv → one Gather ordering contributions [o, t, c] → Reshape
 *                       [B, n, K, co·H·W] → ReduceSum over K → Reshape back.
 *  - 'gather-depthwise' Gather, for every output channel, the K·ci input channels it reads (each input
 *                       channel co·K times in all) → one depthwise Conv (group = channels, one kernel per
 *                       weight row: the kept weights exactly) → Reshape [B, n·co, K·ci, H·W] → ReduceSum
 *                       over K·ci → Reshape back. When groups hold one or two channels, grouped convolutions
 *                       run as many tiny matrix products, and onnxruntime's depthwise kernel does better:
 *                       per image, 1.06–1.26× faster than 'conv-gather-reducesum' on vgg_small's layer
 *                       shapes (prototype, batch 1, 1 thread).
 *  - 'expand-dense'     The kept weights stored as for 'gather-conv', and the dense masked kernel rebuilt from
 *                       them by nodes that read only initializers (OneHot placement, MatMul, Transpose,
 *                       Reshape): a runtime folds them once when it loads the model, and the layer runs as
 *                       the dense Conv / Gemm. A compact file at the dense layer's speed: the tuner's choice
 *                       where every other form is slower than dense (small layers, 87.5 % on narrow models).
 * A bias is added after the sum (Add of the bias reshaped to [C_out, 1, …]) except in 'gather-conv' with
 * even output groups, where the Conv takes it as it is.
 */
import type { onnx } from 'onnx-proto';
import { RgpError } from '../../core/errors';
import { groupStarts, inputGroupRanges, rangeSizes, type InputPart } from '../../core/prune/blockMask';

export type ConvForm = 'gather-conv' | 'conv-gather-sum' | 'conv-gather-reducesum' | 'gather-depthwise' | 'expand-dense';
export type GemmForm = 'gather-matmul' | 'matmul-gather-sum' | 'expand-dense';
export type CompactForm = ConvForm | GemmForm;
export const CONV_FORMS: readonly ConvForm[] = ['gather-conv', 'conv-gather-sum', 'conv-gather-reducesum', 'gather-depthwise', 'expand-dense'];
export const GEMM_FORMS: readonly GemmForm[] = ['gather-matmul', 'matmul-gather-sum', 'expand-dense'];
/** The first opset with OneHot, which 'expand-dense' needs. */
export const EXPAND_DENSE_MIN_OPSET = 9;

/** ONNX TensorProto.DataType values used here. */
const FLOAT = 1;
const INT64 = 7;
const INT32 = 6;

/** A dense masked kernel in ONNX/PyTorch order [C_out, C_in, taps…] (a Gemm with transB = 1 is taps = 1). */
export interface MaskedKernel {
  cOut: number;
  cIn: number;
  /** Product of the spatial dims (1 for Gemm). */
  taps: number;
  /** Spatial kernel dims ([] for Gemm). */
  spatial: number[];
  /** Element (o, i, t) at ((o·C_in + i)·taps + t). */
  data: Float32Array;
}

/** Channel grouping of one masked layer for its graph. */
export interface LayerGroups {
  n: number;
  /** Kept groups per output group: k, or k+1 with self-loops. */
  K: number;
  /** Per input group, its input channels as ascending flat [start, end) pairs. */
  inRanges: Int32Array[];
  /** Input channels per group. */
  inSizes: number[];
  outStarts: Int32Array;
  ci: number;
  co: number;
  /** L(o): the input groups of output group o, ascending. */
  reads: number[][];
  /** M(g): the output groups input group g feeds, ascending. */
  feeds: number[][];
  /** For output group o and its t-th input group g = reads[o][t]: the position of o in feeds[g]. */
  slotOf: number[][];
}

export function layerGroups(cIn: number, cOut: number, neighbours: readonly (readonly number[])[], selfLoops: boolean, inputParts?: readonly InputPart[]): LayerGroups {
  const n = neighbours.length;
  if (Math.min(cIn, cOut) < n) throw new RgpError('BAD_MODEL', `A layer with ${cIn} → ${cOut} channels cannot be split into n = ${n} groups.`, 'Use the masks.json written by `rgp prune` for this model.');
  let inRanges: Int32Array[];
  try {
    inRanges = inputGroupRanges(cIn, n, inputParts);
  } catch (e) {
    throw new RgpError('BAD_MODEL', `A layer with ${cIn} inputs cannot be grouped as masks.json says (${(e as Error).message}).`, 'Use the masks.json written by `rgp prune` for this model.');
  }
  const reads = neighbours.map((row, o) => [...new Set(selfLoops ? [...row, o] : [...row])].sort((a, b) => a - b));
  const K = reads[0].length;
  const feeds: number[][] = Array.from({ length: n }, () => []);
  reads.forEach((row, o) => {
    if (row.length !== K) throw new RgpError('BAD_GRAPH', `The graph is not regular: group ${o} reads ${row.length} groups, group 0 reads ${K}.`, 'Use the masks.json written by `rgp prune`.');
    for (const g of row) feeds[g].push(o);
  });
  for (const f of feeds) {
    if (f.length !== K) throw new RgpError('BAD_GRAPH', 'The graph is not symmetric: an input group feeds a different number of output groups than it reads.', 'Use the masks.json written by `rgp prune`.');
  }
  const slotOf = reads.map((row, o) => row.map((g) => feeds[g].indexOf(o)));
  const inSizes = rangeSizes(inRanges);
  const outStarts = groupStarts(cOut, n);
  let ci = 0;
  let co = 0;
  for (let g = 0; g < n; g++) {
    ci = Math.max(ci, inSizes[g]);
    co = Math.max(co, outStarts[g + 1] - outStarts[g]);
  }
  return { n, K, inRanges, inSizes, outStarts, ci, co, reads, feeds, slotOf };
}

/** Weights a compact layer stores and how many of them are zero padding for uneven groups. */
export function storedCounts(g: LayerGroups, taps: number): { stored: number; kept: number; padding: number } {
  const stored = g.n * g.co * g.K * g.ci * taps;
  let kept = 0;
  for (let o = 0; o < g.n; o++) {
    const so = g.outStarts[o + 1] - g.outStarts[o];
    for (const gi of g.reads[o]) kept += so * g.inSizes[gi] * taps;
  }
  return { stored, kept, padding: stored - kept };
}

/** Everything a realization needs about the node it replaces. */
export interface LayerSite {
  /** Prefix of every new node / tensor name (unique in the model). */
  prefix: string;
  input: string;
  output: string;
  /** Name of the bias value (initializer or any graph value), if the layer has one. */
  bias?: string;
  /** Conv attributes to keep (strides, pads, dilations, auto_pad, kernel_shape); not `group`. */
  convAttributes?: onnx.IAttributeProto[];
  /** The model's default-domain opset (ReduceSum takes its axes as an input from 13 on). */
  opset: number;
}

export interface RealizedLayer {
  nodes: onnx.INodeProto[];
  initializers: onnx.ITensorProto[];
  form: CompactForm;
  /** Float weights stored in initializers (the compact kernel). */
  storedWeights: number;
  /** Of those, zeros padding uneven groups. */
  paddingWeights: number;
}

export function floatTensor(name: string, dims: number[], data: Float32Array): onnx.ITensorProto {
  return { name, dims, dataType: FLOAT, rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

export function int64Tensor(name: string, values: ArrayLike<number>): onnx.ITensorProto {
  const a = new BigInt64Array(values.length);
  for (let i = 0; i < values.length; i++) a[i] = BigInt(values[i]);
  return { name, dims: [values.length], dataType: INT64, rawData: new Uint8Array(a.buffer) };
}

function node(opType: string, inputs: string[], outputs: string[], name: string, attribute: onnx.IAttributeProto[] = []): onnx.INodeProto {
  return { opType, input: inputs, output: outputs, name, attribute, domain: '' };
}

const INTS = 7;
const INT = 2;
function intsAttr(name: string, ints: number[]): onnx.IAttributeProto {
  return { name, type: INTS, ints };
}
function intAttr(name: string, i: number): onnx.IAttributeProto {
  return { name, type: INT, i };
}

/** Input channel indices, group by group for `groups` (each padded to ci by repeating the group's first channel). */
function inputGatherIndices(g: LayerGroups, order: readonly number[]): number[] {
  const idx: number[] = [];
  for (const gi of order) {
    const r = g.inRanges[gi];
    for (let j = 0; j < r.length; j += 2) for (let c = r[j]; c < r[j + 1]; c++) idx.push(c);
    for (let i = g.inSizes[gi]; i < g.ci; i++) idx.push(r[0]);
  }
  return idx;
}

/** The input as it is is already group after group, each of ci channels (no gather needed to group it). */
function evenIn(g: LayerGroups): boolean {
  let next = 0;
  for (let gi = 0; gi < g.n; gi++) {
    const r = g.inRanges[gi];
    if (r.length !== 2 || r[0] !== next || r[1] - r[0] !== g.ci) return false;
    next = r[1];
  }
  return true;
}

/** The layer's input grouped group after group, each of ci channels: itself when it already is, else a Gather that pads it. */
function paddedInput(input: string, g: LayerGroups, p: string, nodes: onnx.INodeProto[], inits: onnx.ITensorProto[]): string {
  if (evenIn(g)) return input;
  inits.push(int64Tensor(`${p}/in_idx`, inputGatherIndices(g, Array.from({ length: g.n }, (_, i) => i))));
  nodes.push(node('Gather', [input, `${p}/in_idx`], [`${p}/in_padded`], `${p}/GatherIn`, [intAttr('axis', 1)]));
  return `${p}/in_padded`;
}

/** Copies the kernel columns of input group gi (all its ranges, each channel's taps) of row `srcRow` to `dst` at `at`. */
function copyGroupColumns(w: MaskedKernel, g: LayerGroups, gi: number, srcRow: number, dst: Float32Array, at: number): void {
  const r = g.inRanges[gi];
  let to = at;
  for (let j = 0; j < r.length; j += 2) {
    const len = (r[j + 1] - r[j]) * w.taps;
    dst.set(w.data.subarray(srcRow + r[j] * w.taps, srcRow + r[j] * w.taps + len), to);
    to += len;
  }
}
function evenOut(g: LayerGroups): boolean {
  return g.outStarts.every((s, i) => i === 0 || s - g.outStarts[i - 1] === g.co);
}

/** Indices into n·co padded output channels that keep the real ones, in order. */
function dropPaddingIndices(g: LayerGroups): number[] {
  const idx: number[] = [];
  for (let o = 0; o < g.n; o++) {
    const size = g.outStarts[o + 1] - g.outStarts[o];
    for (let c = 0; c < size; c++) idx.push(o * g.co + c);
  }
  return idx;
}

/** Kernel of 'gather-conv' / 'gather-matmul': [n·co, K·ci, taps] (row (o, c), column (t, i)). */
function gatherKernel(w: MaskedKernel, g: LayerGroups): Float32Array {
  const { taps } = w;
  const out = new Float32Array(g.n * g.co * g.K * g.ci * taps);
  for (let o = 0; o < g.n; o++) {
    const os = g.outStarts[o];
    const osize = g.outStarts[o + 1] - os;
    for (let c = 0; c < osize; c++) {
      const dstRow = (o * g.co + c) * g.K * g.ci * taps;
      const srcRow = (os + c) * w.cIn * taps;
      g.reads[o].forEach((gi, t) => copyGroupColumns(w, g, gi, srcRow, out, dstRow + t * g.ci * taps));
    }
  }
  return out;
}

/**
 * 'expand-dense': the masked dense kernel [C_out, C_in, taps…], rebuilt from the kept weights by nodes whose
 * inputs are all initializers, so that a runtime computes it once, when it loads the model (onnxruntime's
 * constant folding), and the layer then runs as the dense Conv / Gemm it was. The file stores what
 * 'gather-conv' stores plus the K·ci input channels of each group (int32).
 *
 * Output group o's rows are its kept weights [co, taps, K·ci] times a 0/1 placement [K·ci, C_in] (row x
 * one-hot at the input channel x reads; OneHot of the gather indices): one batched MatMul over the n groups
 * gives [n, co, taps, C_in]; a Transpose and Reshape give [n·co, C_in, taps…]; padding rows of uneven
 * groups are dropped by a Gather. Padding columns read a real channel with a zero weight and add nothing.
 * Returns the name of the kernel.
 */
function expandedKernel(w: MaskedKernel, g: LayerGroups, p: string, nodes: onnx.INodeProto[], inits: onnx.ITensorProto[]): string {
  const { taps } = w;
  const terms = g.K * g.ci;
  const order: number[] = [];
  for (let o = 0; o < g.n; o++) order.push(...g.reads[o]);
  // int32 indices and depth: half the bytes of int64 (onnxruntime's CPU OneHot takes int32 with an int32 depth).
  const cols = Int32Array.from(inputGatherIndices(g, order));
  inits.push({ name: `${p}/in_idx`, dims: [g.n, 1, terms], dataType: INT32, rawData: new Uint8Array(cols.buffer) });
  inits.push({ name: `${p}/depth`, dims: [1], dataType: INT32, rawData: new Uint8Array(Int32Array.of(w.cIn).buffer) });
  // OneHot's off / on values, cast from int64 so that every float initializer of a compact layer is a weight.
  inits.push(int64Tensor(`${p}/onehot_values_int`, [0, 1]));
  nodes.push(node('Cast', [`${p}/onehot_values_int`], [`${p}/onehot_values`], `${p}/CastValues`, [intAttr('to', FLOAT)]));
  nodes.push(node('OneHot', [`${p}/in_idx`, `${p}/depth`, `${p}/onehot_values`], [`${p}/placement`], `${p}/OneHot`));
  // The gather-conv kernel [n·co, K·ci, taps] stored as [n, co, taps, K·ci]: taps before columns, for the MatMul.
  const k = gatherKernel(w, g);
  const t = new Float32Array(k.length);
  for (let r = 0; r < g.n * g.co; r++) {
    for (let x = 0; x < terms; x++) for (let s = 0; s < taps; s++) t[(r * taps + s) * terms + x] = k[(r * terms + x) * taps + s];
  }
  inits.push(floatTensor(`${p}/W`, [g.n, g.co, taps, terms], t));
  nodes.push(node('MatMul', [`${p}/W`, `${p}/placement`], [`${p}/placed`], `${p}/Place`));
  nodes.push(node('Transpose', [`${p}/placed`], [`${p}/placed_t`], `${p}/TransposeKernel`, [intsAttr('perm', [0, 1, 3, 2])]));
  const rows = evenOut(g) ? `${p}/kernel` : `${p}/kernel_padded`;
  inits.push(int64Tensor(`${p}/kernel_shape`, [g.n * g.co, w.cIn, ...w.spatial]));
  nodes.push(node('Reshape', [`${p}/placed_t`, `${p}/kernel_shape`], [rows], `${p}/ReshapeKernel`));
  if (!evenOut(g)) {
    inits.push(int64Tensor(`${p}/out_idx`, dropPaddingIndices(g)));
    nodes.push(node('Gather', [rows, `${p}/out_idx`], [`${p}/kernel`], `${p}/GatherKernel`, [intAttr('axis', 0)]));
  }
  return `${p}/kernel`;
}

/** Kernel of 'conv-gather-sum' / 'matmul-gather-sum': [n·K·co, ci, taps] (row (g, j, c): input group g → its j-th output group). */
function scatterKernel(w: MaskedKernel, g: LayerGroups): Float32Array {
  const { taps } = w;
  const out = new Float32Array(g.n * g.K * g.co * g.ci * taps);
  for (let gi = 0; gi < g.n; gi++) {
    g.feeds[gi].forEach((o, j) => {
      const os = g.outStarts[o];
      const osize = g.outStarts[o + 1] - os;
      for (let c = 0; c < osize; c++) copyGroupColumns(w, g, gi, (os + c) * w.cIn * taps, out, ((gi * g.K + j) * g.co + c) * g.ci * taps);
    });
  }
  return out;
}

/** Checks that the kernel really is zero outside the graph's blocks (a compact layer would drop those weights). */
export function checkMasked(w: MaskedKernel, g: LayerGroups, layer: string): void {
  const keep = new Uint8Array(g.n * g.n);
  g.reads.forEach((row, o) => row.forEach((gi) => (keep[o * g.n + gi] = 1)));
  for (let o = 0; o < g.n; o++) {
    for (let oc = g.outStarts[o]; oc < g.outStarts[o + 1]; oc++) {
      for (let gi = 0; gi < g.n; gi++) {
        if (keep[o * g.n + gi]) continue;
        const r = g.inRanges[gi];
        for (let j = 0; j < r.length; j += 2) {
          const a = (oc * w.cIn + r[j]) * w.taps;
          const b = (oc * w.cIn + r[j + 1]) * w.taps;
          for (let x = a; x < b; x++) {
            if (w.data[x] !== 0) {
              throw new RgpError('BAD_MODEL', `Layer "${layer}" has non-zero weights outside its RGP mask (output channel ${oc}, input group ${gi}).`, 'Compact a model written by `rgp prune` (or retrained with its mask fixed), with the masks.json beside it.');
            }
          }
        }
      }
    }
  }
}

/**
 * Realizes a masked Conv (group = 1) in `form`. The nodes read `site.input` and write `site.output`, so
 * they drop in where the Conv was.
 */
export function realizeConv(w: MaskedKernel, g: LayerGroups, site: LayerSite, form: ConvForm): RealizedLayer {
  const p = site.prefix;
  const nodes: onnx.INodeProto[] = [];
  const inits: onnx.ITensorProto[] = [];
  const attrs = [...(site.convAttributes ?? []), intAttr('group', g.n)];
  const wDims = (rows: number, cols: number) => [rows, cols, ...w.spatial];
  const out = evenOut(g) ? site.output : `${p}/padded`;
  const biasInConv = form === 'gather-conv' && evenOut(g) && site.bias !== undefined;
  const sumOut = site.bias !== undefined && !biasInConv ? `${p}/nobias` : site.output;
  const mainOut = evenOut(g) ? sumOut : out;
  if (form === 'expand-dense') {
    const kernel = expandedKernel(w, g, p, nodes, inits);
    nodes.push(node('Conv', site.bias !== undefined ? [site.input, kernel, site.bias] : [site.input, kernel], [site.output], `${p}/Conv`, site.convAttributes ?? []));
    const counts = storedCounts(g, w.taps);
    return { nodes, initializers: inits, form, storedWeights: counts.stored, paddingWeights: counts.padding };
  }
  if (form === 'gather-conv') {
    const gathered = `${p}/gathered`;
    const order: number[] = [];
    for (let o = 0; o < g.n; o++) order.push(...g.reads[o]);
    inits.push(int64Tensor(`${p}/in_idx`, inputGatherIndices(g, order)));
    nodes.push(node('Gather', [site.input, `${p}/in_idx`], [gathered], `${p}/Gather`, [intAttr('axis', 1)]));
    inits.push(floatTensor(`${p}/W`, wDims(g.n * g.co, g.K * g.ci), gatherKernel(w, g)));
    nodes.push(node('Conv', biasInConv ? [gathered, `${p}/W`, site.bias!] : [gathered, `${p}/W`], [mainOut], `${p}/Conv`, attrs));
  } else if (form === 'gather-depthwise') {
    const rows = g.n * g.co;
    const terms = g.K * g.ci;
    const idx: number[] = [];
    const reads = inputGatherIndices(g, g.reads.flat()); // (o, t, i): K·ci per output group
    for (let o = 0; o < g.n; o++) for (let c = 0; c < g.co; c++) for (let x = 0; x < terms; x++) idx.push(reads[o * terms + x]);
    inits.push(int64Tensor(`${p}/in_idx`, idx));
    nodes.push(node('Gather', [site.input, `${p}/in_idx`], [`${p}/gathered`], `${p}/Gather`, [intAttr('axis', 1)]));
    // The 'gather-conv' kernel [n·co, K·ci, taps] is already one row per output channel and one column per
    // gathered channel: read as [n·co·K·ci, 1, taps], it is the depthwise kernel.
    inits.push(floatTensor(`${p}/W`, wDims(rows * terms, 1), gatherKernel(w, g)));
    const dwAttrs = [...(site.convAttributes ?? []), intAttr('group', rows * terms)];
    nodes.push(node('Conv', [`${p}/gathered`, `${p}/W`], [`${p}/parts`], `${p}/Conv`, dwAttrs));
    appendReduceSum(nodes, inits, p, `${p}/parts`, mainOut, rows, terms, site.opset, 2 + w.spatial.length);
  } else {
    const x = paddedInput(site.input, g, p, nodes, inits);
    inits.push(floatTensor(`${p}/W`, wDims(g.n * g.K * g.co, g.ci), scatterKernel(w, g)));
    const parts = `${p}/parts`;
    nodes.push(node('Conv', [x, `${p}/W`], [parts], `${p}/Conv`, attrs));
    appendGatherSum(nodes, inits, g, p, parts, mainOut, form === 'conv-gather-reducesum' ? 'reducesum' : 'sum', site.opset, 2 + w.spatial.length);
  }
  if (!evenOut(g)) {
    inits.push(int64Tensor(`${p}/out_idx`, dropPaddingIndices(g)));
    nodes.push(node('Gather', [out, `${p}/out_idx`], [sumOut], `${p}/GatherOut`, [intAttr('axis', 1)]));
  }
  if (site.bias !== undefined && !biasInConv) {
    inits.push(int64Tensor(`${p}/bias_shape`, [-1, ...w.spatial.map(() => 1)]));
    nodes.push(node('Reshape', [site.bias, `${p}/bias_shape`], [`${p}/bias`], `${p}/ReshapeBias`));
    nodes.push(node('Add', [sumOut, `${p}/bias`], [site.output], `${p}/AddBias`));
  }
  const counts = storedCounts(g, w.taps);
  return { nodes, initializers: inits, form, storedWeights: counts.stored, paddingWeights: counts.padding };
}

/**
 * Sums the K contributions of `parts` (channels ordered (g, j, c), n·K·co of them, on axis 1 of a rank-`rank`
 * tensor) into `out` (n·co channels, ordered (o, c)).
 */
function appendGatherSum(nodes: onnx.INodeProto[], inits: onnx.ITensorProto[], g: LayerGroups, p: string, parts: string, out: string, how: 'sum' | 'reducesum', opset: number, rank: number): void {
  const contribution = (o: number, t: number, c: number) => (g.reads[o][t] * g.K + g.slotOf[o][t]) * g.co + c;
  if (how === 'sum') {
    const terms: string[] = [];
    for (let t = 0; t < g.K; t++) {
      const idx: number[] = [];
      for (let o = 0; o < g.n; o++) for (let c = 0; c < g.co; c++) idx.push(contribution(o, t, c));
      inits.push(int64Tensor(`${p}/idx${t}`, idx));
      nodes.push(node('Gather', [parts, `${p}/idx${t}`], [`${p}/term${t}`], `${p}/Gather${t}`, [intAttr('axis', 1)]));
      terms.push(`${p}/term${t}`);
    }
    nodes.push(node(terms.length === 1 ? 'Identity' : 'Sum', terms, [out], `${p}/Sum`));
    return;
  }
  const idx: number[] = [];
  for (let o = 0; o < g.n; o++) for (let t = 0; t < g.K; t++) for (let c = 0; c < g.co; c++) idx.push(contribution(o, t, c));
  inits.push(int64Tensor(`${p}/idx`, idx));
  nodes.push(node('Gather', [parts, `${p}/idx`], [`${p}/ordered`], `${p}/Gather`, [intAttr('axis', 1)]));
  appendReduceSum(nodes, inits, p, `${p}/ordered`, out, g.n, g.K, opset, rank, g.n * g.co);
}

/**
 * Sums `parts` (on axis 1 of a rank-`rank` tensor: `rows` blocks of `terms` consecutive slices each, a slice
 * being one channel or, for the Gather-ordered contributions, co of them) over the terms: Reshape
 * [B, rows, terms, rest] → ReduceSum → Reshape to [B, outChannels, spatial…] (spatial read from parts' Shape).
 */
function appendReduceSum(nodes: onnx.INodeProto[], inits: onnx.ITensorProto[], p: string, parts: string, out: string, rows: number, terms: number, opset: number, rank: number, outChannels = rows): void {
  inits.push(int64Tensor(`${p}/split_shape`, [0, rows, terms, -1]));
  nodes.push(node('Reshape', [parts, `${p}/split_shape`], [`${p}/split`], `${p}/Reshape`));
  if (opset >= 13) {
    inits.push(int64Tensor(`${p}/axes`, [2]));
    nodes.push(node('ReduceSum', [`${p}/split`, `${p}/axes`], [`${p}/summed`], `${p}/ReduceSum`, [intAttr('keepdims', 0)]));
  } else {
    nodes.push(node('ReduceSum', [`${p}/split`], [`${p}/summed`], `${p}/ReduceSum`, [intsAttr('axes', [2]), intAttr('keepdims', 0)]));
  }
  if (rank <= 2) {
    inits.push(int64Tensor(`${p}/out_shape`, [0, outChannels]));
    nodes.push(node('Reshape', [`${p}/summed`, `${p}/out_shape`], [out], `${p}/ReshapeOut`));
    return;
  }
  nodes.push(node('Shape', [parts], [`${p}/parts_shape`], `${p}/Shape`));
  inits.push(int64Tensor(`${p}/head`, [-1, outChannels]));
  if (opset >= 10) {
    inits.push(int64Tensor(`${p}/sp_start`, [2]), int64Tensor(`${p}/sp_end`, [rank]));
    nodes.push(node('Slice', [`${p}/parts_shape`, `${p}/sp_start`, `${p}/sp_end`], [`${p}/spatial`], `${p}/Slice`));
  } else {
    // Slice-1: starts / ends as attributes.
    nodes.push(node('Slice', [`${p}/parts_shape`], [`${p}/spatial`], `${p}/Slice`, [intsAttr('starts', [2]), intsAttr('ends', [rank]), intsAttr('axes', [0])]));
  }
  nodes.push(node('Concat', [`${p}/head`, `${p}/spatial`], [`${p}/out_shape`], `${p}/Concat`, [intAttr('axis', 0)]));
  nodes.push(node('Reshape', [`${p}/summed`, `${p}/out_shape`], [out], `${p}/ReshapeOut`));
}

/**
 * Realizes a masked Gemm (Y = X·Wᵀ + b, X [B, C_in], transA = 0, alpha = beta = 1) in `form`, as batched
 * MatMuls over the n groups.
 */
export function realizeGemm(w: MaskedKernel, g: LayerGroups, site: LayerSite, form: GemmForm): RealizedLayer {
  const p = site.prefix;
  const nodes: onnx.INodeProto[] = [];
  const inits: onnx.ITensorProto[] = [];
  const perm = intsAttr('perm', [1, 0, 2]);
  const out = evenOut(g) ? undefined : `${p}/padded`;
  const sumOut = site.bias !== undefined ? `${p}/nobias` : site.output;
  const mainOut = out ?? sumOut;
  // Kernels for MatMul: [n, rows, cols] with X·W, so transpose each group's [cols_out, rows_in] block.
  const transposeBlocks = (k: Float32Array, outer: number, rowsOut: number, colsIn: number): Float32Array => {
    const t = new Float32Array(k.length);
    for (let b = 0; b < outer; b++) {
      const base = b * rowsOut * colsIn;
      for (let r = 0; r < rowsOut; r++) for (let c = 0; c < colsIn; c++) t[base + c * rowsOut + r] = k[base + r * colsIn + c];
    }
    return t;
  };
  if (form === 'expand-dense') {
    const kernel = expandedKernel(w, g, p, nodes, inits);
    nodes.push(node('Gemm', site.bias !== undefined ? [site.input, kernel, site.bias] : [site.input, kernel], [site.output], `${p}/Gemm`, [intAttr('transB', 1)]));
    const counts = storedCounts(g, 1);
    return { nodes, initializers: inits, form, storedWeights: counts.stored, paddingWeights: counts.padding };
  }
  if (form === 'gather-matmul') {
    const order: number[] = [];
    for (let o = 0; o < g.n; o++) order.push(...g.reads[o]);
    inits.push(int64Tensor(`${p}/in_idx`, inputGatherIndices(g, order)));
    nodes.push(node('Gather', [site.input, `${p}/in_idx`], [`${p}/gathered`], `${p}/Gather`, [intAttr('axis', 1)]));
    inits.push(int64Tensor(`${p}/grp_shape`, [-1, g.n, g.K * g.ci]));
    nodes.push(node('Reshape', [`${p}/gathered`, `${p}/grp_shape`], [`${p}/grouped`], `${p}/Reshape`));
    nodes.push(node('Transpose', [`${p}/grouped`], [`${p}/by_group`], `${p}/Transpose`, [perm]));
    inits.push(floatTensor(`${p}/W`, [g.n, g.K * g.ci, g.co], transposeBlocks(gatherKernel(w, g), g.n, g.co, g.K * g.ci)));
    nodes.push(node('MatMul', [`${p}/by_group`, `${p}/W`], [`${p}/prod`], `${p}/MatMul`));
    nodes.push(node('Transpose', [`${p}/prod`], [`${p}/by_batch`], `${p}/TransposeBack`, [perm]));
    inits.push(int64Tensor(`${p}/out_shape`, [-1, g.n * g.co]));
    nodes.push(node('Reshape', [`${p}/by_batch`, `${p}/out_shape`], [mainOut], `${p}/ReshapeOut`));
  } else {
    const x = paddedInput(site.input, g, p, nodes, inits);
    inits.push(int64Tensor(`${p}/grp_shape`, [-1, g.n, g.ci]));
    nodes.push(node('Reshape', [x, `${p}/grp_shape`], [`${p}/grouped`], `${p}/Reshape`));
    nodes.push(node('Transpose', [`${p}/grouped`], [`${p}/by_group`], `${p}/Transpose`, [perm]));
    inits.push(floatTensor(`${p}/W`, [g.n, g.ci, g.K * g.co], transposeBlocks(scatterKernel(w, g), g.n, g.K * g.co, g.ci)));
    nodes.push(node('MatMul', [`${p}/by_group`, `${p}/W`], [`${p}/prod`], `${p}/MatMul`));
    nodes.push(node('Transpose', [`${p}/prod`], [`${p}/by_batch`], `${p}/TransposeBack`, [perm]));
    inits.push(int64Tensor(`${p}/parts_shape`, [-1, g.n * g.K * g.co]));
    nodes.push(node('Reshape', [`${p}/by_batch`, `${p}/parts_shape`], [`${p}/parts`], `${p}/ReshapeParts`));
    appendGatherSum(nodes, inits, g, p, `${p}/parts`, mainOut, 'sum', site.opset, 2);
  }
  if (out) {
    inits.push(int64Tensor(`${p}/out_idx`, dropPaddingIndices(g)));
    nodes.push(node('Gather', [out, `${p}/out_idx`], [sumOut], `${p}/GatherOut`, [intAttr('axis', 1)]));
  }
  if (site.bias !== undefined) nodes.push(node('Add', [sumOut, site.bias], [site.output], `${p}/AddBias`));
  const counts = storedCounts(g, 1);
  return { nodes, initializers: inits, form, storedWeights: counts.stored, paddingWeights: counts.padding };
}
