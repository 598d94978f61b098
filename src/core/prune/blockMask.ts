/**
 * Graph → block mask (RGP, arXiv 2110.15192, §3; the relational-graph view of You et al., ICML 2020).
 *
 * A layer's C channels are split into n contiguous groups: channel c belongs to group ⌊c·n/C⌋, so group g
 * is [⌈g·C/n⌉, ⌈(g+1)·C/n⌉) and every group has ⌊C/n⌋ or ⌈C/n⌉ channels. Node g of the graph stands for
 * group g of the input channels and group g of the output channels. In Keras kernel layout — Dense
 * [C_in, C_out], ConvND [k…, C_in, C_out], SeparableConv2D pointwise [1, 1, C_in, C_out] —
 *
 *     Mask[…, i, o] = A[group(i), group(o)]      (broadcast over the spatial taps)
 *
 * with A the graph's adjacency, plus the identity in graph2nn's self-loop variant. The paper writes the
 * PyTorch layout Mask[o, i, …]; A is symmetric, so both describe the same connections. Every output
 * channel keeps the inputs of k groups (k+1 with self-loops): equal fan-in, which is what makes a masked
 * layer computable as n small dense products over gathered input groups.
 *
 * A layer whose input axis is made of several producers' channels (an ONNX Concat) or of flattened
 * channels (Flatten → Gemm) groups each part by its own channels (InputPart), so every channel stays in the
 * group it has in the layer that produced it; the output side is always the plain split.
 *
 * The adjacency is taken as plain neighbour lists, so this mapping is testable without any search.
 */
import { RgpError } from '../errors';

/** Row-major n×n 0/1 matrix. */
export interface BlockAdjacency {
  n: number;
  matrix: Uint8Array;
  /** Kept blocks per block row (k, or k+1 with self-loops); every row has the same count. */
  rowDegree: number;
}

/** The first channel of each group, plus C at the end (length n+1). */
export function groupStarts(channels: number, n: number): Int32Array {
  if (!(Number.isInteger(n) && n >= 1 && Number.isInteger(channels) && channels >= n)) {
    throw new RangeError(`cannot split ${channels} channels into ${n} non-empty groups`);
  }
  const s = new Int32Array(n + 1);
  // ⌈g·C/n⌉ in integer arithmetic (g·C < 2^53 for any real layer).
  for (let g = 0; g <= n; g++) s[g] = Math.floor((g * channels + n - 1) / n);
  return s;
}

/**
 * How a masked kernel's input axis is made when it is not simply the C_in channels of one producer:
 * consecutive parts, in order — the inputs of a channel Concat — each of `channels` channels, every channel
 * spanning `taps` consecutive inputs (a Flatten of [C, H, W] in NCHW order has taps = H·W). Each part is
 * split into the n groups on its own (groupStarts(channels, n)) and input group g is the union of every
 * part's group g, so a channel keeps the group it has in the layer that produced it: group(i) =
 * ⌊c·n/C_part⌋ for input i in a part of C_part channels at channel c = ⌊(i − part start)/taps⌋. Without
 * parts (the usual case) the kernel's C_in inputs are one part of C_in channels, taps 1.
 */
export interface InputPart {
  channels: number;
  taps: number;
}

/**
 * For each of the n input groups, its input indices as ascending flat [start, end) pairs (adjacent runs
 * merged). Throws a RangeError when the parts do not add up to `cIn` or a part has fewer than n channels.
 */
export function inputGroupRanges(cIn: number, n: number, parts?: readonly InputPart[]): Int32Array[] {
  const list = parts && parts.length > 0 ? parts : [{ channels: cIn, taps: 1 }];
  const total = list.reduce((s, p) => s + p.channels * p.taps, 0);
  if (total !== cIn || list.some((p) => !(Number.isInteger(p.taps) && p.taps >= 1))) {
    throw new RangeError(`input parts [${list.map((p) => `${p.channels}×${p.taps}`).join(', ')}] do not make ${cIn} inputs`);
  }
  const ranges: number[][] = Array.from({ length: n }, () => []);
  let base = 0;
  for (const p of list) {
    const s = groupStarts(p.channels, n);
    for (let g = 0; g < n; g++) {
      const a = base + s[g] * p.taps;
      const b = base + s[g + 1] * p.taps;
      const r = ranges[g];
      if (r.length > 0 && r[r.length - 1] === a) r[r.length - 1] = b;
      else r.push(a, b);
    }
    base += p.channels * p.taps;
  }
  return ranges.map((r) => Int32Array.from(r));
}

/** Whether parts describe the plain split (one part, taps 1, or none). */
export function plainInput(parts?: readonly InputPart[]): boolean {
  return !parts || parts.length === 0 || (parts.length === 1 && parts[0].taps === 1);
}

/** group(c) = ⌊c·n/C⌋. */
export function groupOf(c: number, channels: number, n: number): number {
  return Math.floor((c * n) / channels);
}

/** Builds A (+I with self-loops) from neighbour lists, checking it is a simple undirected regular graph. */
export function blockAdjacency(neighbours: ArrayLike<ArrayLike<number>>, selfLoops: boolean): BlockAdjacency {
  const n = neighbours.length;
  const bad = (what: string) => new RgpError('BAD_GRAPH', `The graph cannot mask layers: ${what}.`, 'Use a simple, undirected, regular graph (as `rgp graph` writes).');
  if (n < 1) throw bad('it has no nodes');
  const m = new Uint8Array(n * n);
  const deg = neighbours[0].length;
  for (let u = 0; u < n; u++) {
    const row = neighbours[u];
    if (row.length !== deg) throw bad(`node ${u} has ${row.length} neighbours, node 0 has ${deg}`);
    for (let j = 0; j < row.length; j++) {
      const v = row[j];
      if (!Number.isInteger(v) || v < 0 || v >= n) throw bad(`node ${u} lists neighbour ${v}, outside 0…${n - 1}`);
      if (v === u) throw bad(`node ${u} has a self-loop (use the self-loop option instead)`);
      if (m[u * n + v]) throw bad(`edge ${u}–${v} is listed twice`);
      m[u * n + v] = 1;
    }
  }
  for (let u = 0; u < n; u++) for (let v = 0; v < n; v++) if (m[u * n + v] !== m[v * n + u]) throw bad(`edge ${u}–${v} is not listed from both ends`);
  if (selfLoops) for (let u = 0; u < n; u++) m[u * n + u] = 1;
  return { n, matrix: m, rowDegree: deg + (selfLoops ? 1 : 0) };
}

/** Neighbour lists of a flat n×k adjacency (the graph engine's RegularGraph.neighbors). */
export function neighbourLists(n: number, k: number, flat: ArrayLike<number>): number[][] {
  const out: number[][] = [];
  for (let u = 0; u < n; u++) out.push(Array.from({ length: k }, (_, j) => flat[u * k + j]));
  return out;
}

/**
 * Where a kernel keeps its channel axes. Keras / TF.js store `[k…, C_in, C_out]` ('taps-in-out', also an
 * ONNX MatMul or a Gemm without transB: `[C_in, C_out]`); ONNX / PyTorch store `[C_out, C_in, k…]`
 * ('out-in-taps': Conv, and a Gemm with transB = 1 as `[C_out, C_in]`).
 */
export type KernelLayout = 'taps-in-out' | 'out-in-taps';

export interface KernelGeometry {
  /** Product of the spatial dims; 1 for Dense. */
  taps: number;
  cIn: number;
  cOut: number;
}

/** Reads [k…, C_in, C_out] (Dense: [C_in, C_out]), or [C_out, C_in, k…] for 'out-in-taps'. */
export function kernelGeometry(shape: readonly number[], layout: KernelLayout = 'taps-in-out'): KernelGeometry {
  if (shape.length < 2) throw new RangeError(`a kernel has at least 2 dims, got [${shape.join(', ')}]`);
  let taps = 1;
  if (layout === 'out-in-taps') {
    for (let i = 2; i < shape.length; i++) taps *= shape[i];
    return { taps, cIn: shape[1], cOut: shape[0] };
  }
  const cIn = shape[shape.length - 2];
  const cOut = shape[shape.length - 1];
  for (let i = 0; i < shape.length - 2; i++) taps *= shape[i];
  return { taps, cIn, cOut };
}

/** Kept entries of the C_in × C_out block pattern (multiply by taps for the whole kernel). */
export function keptConnections(adj: BlockAdjacency, cIn: number, cOut: number, parts?: readonly InputPart[]): number {
  const inSize = rangeSizes(inputGroupRanges(cIn, adj.n, parts));
  const so = groupStarts(cOut, adj.n);
  let kept = 0;
  for (let gi = 0; gi < adj.n; gi++) {
    let outs = 0;
    for (let go = 0; go < adj.n; go++) if (adj.matrix[gi * adj.n + go]) outs += so[go + 1] - so[go];
    kept += inSize[gi] * outs;
  }
  return kept;
}

/** Inputs per group of `inputGroupRanges`. */
export function rangeSizes(ranges: readonly Int32Array[]): number[] {
  return ranges.map((r) => {
    let s = 0;
    for (let j = 0; j < r.length; j += 2) s += r[j + 1] - r[j];
    return s;
  });
}

/**
 * For each input group, the output-channel ranges to zero as flat [start, end) pairs, adjacent pruned
 * groups merged — so zeroing a kernel row is a handful of `fill` calls, not C_out tests.
 */
export function zeroRuns(adj: BlockAdjacency, cOut: number): Int32Array[] {
  const so = groupStarts(cOut, adj.n);
  const runs: Int32Array[] = [];
  for (let gi = 0; gi < adj.n; gi++) {
    const r: number[] = [];
    for (let go = 0; go < adj.n; go++) {
      if (adj.matrix[gi * adj.n + go]) continue;
      if (r.length > 0 && r[r.length - 1] === so[go]) r[r.length - 1] = so[go + 1];
      else r.push(so[go], so[go + 1]);
    }
    runs.push(Int32Array.from(r));
  }
  return runs;
}

/** For each output group, the input ranges (of `inputGroupRanges`) to zero, sorted and merged. */
function prunedInputRuns(adj: BlockAdjacency, inRanges: readonly Int32Array[]): Int32Array[] {
  const runs: Int32Array[] = [];
  for (let go = 0; go < adj.n; go++) {
    const pairs: [number, number][] = [];
    for (let gi = 0; gi < adj.n; gi++) {
      if (adj.matrix[go * adj.n + gi]) continue;
      const r = inRanges[gi];
      for (let j = 0; j < r.length; j += 2) pairs.push([r[j], r[j + 1]]);
    }
    pairs.sort((a, b) => a[0] - b[0]);
    const flat: number[] = [];
    for (const [a, b] of pairs) {
      if (flat.length > 0 && flat[flat.length - 1] === a) flat[flat.length - 1] = b;
      else flat.push(a, b);
    }
    runs.push(Int32Array.from(flat));
  }
  return runs;
}

/**
 * Zeroes the pruned entries of a float32 kernel stored little-endian in `bytes` at `byteOffset`
 * (alignment not required: a float32 zero is four zero bytes). Returns the kept entry count.
 * In 'out-in-taps' layout a pruned block is contiguous per output channel: [i_start·taps, i_end·taps).
 * `parts`: how the input axis is made (a Concat's inputs, flattened channels; see InputPart).
 */
export function applyBlockMask(
  bytes: Uint8Array,
  byteOffset: number,
  shape: readonly number[],
  adj: BlockAdjacency,
  layout: KernelLayout = 'taps-in-out',
  parts?: readonly InputPart[],
): number {
  const { taps, cIn, cOut } = kernelGeometry(shape, layout);
  const inRanges = inputGroupRanges(cIn, adj.n, parts);
  if (layout === 'out-in-taps') {
    const so = groupStarts(cOut, adj.n);
    const runs = prunedInputRuns(adj, inRanges);
    for (let go = 0; go < adj.n; go++) {
      const r = runs[go];
      for (let o = so[go]; o < so[go + 1]; o++) {
        const row = byteOffset + o * cIn * taps * 4;
        for (let j = 0; j < r.length; j += 2) bytes.fill(0, row + r[j] * taps * 4, row + r[j + 1] * taps * 4);
      }
    }
    return keptConnections(adj, cIn, cOut, parts) * taps;
  }
  const runs = zeroRuns(adj, cOut);
  for (let t = 0; t < taps; t++) {
    for (let gi = 0; gi < adj.n; gi++) {
      const r = runs[gi];
      const ir = inRanges[gi];
      for (let q = 0; q < ir.length; q += 2) {
        for (let i = ir[q]; i < ir[q + 1]; i++) {
          const row = byteOffset + (t * cIn + i) * cOut * 4;
          for (let j = 0; j < r.length; j += 2) bytes.fill(0, row + r[j] * 4, row + r[j + 1] * 4);
        }
      }
    }
  }
  return keptConnections(adj, cIn, cOut, parts) * taps;
}

/** The 0/1 mask of a kernel in its layout (Keras by default) — what training multiplies the kernel by. */
export function kernelMask(shape: readonly number[], adj: BlockAdjacency, layout: KernelLayout = 'taps-in-out', parts?: readonly InputPart[]): Float32Array {
  const { taps, cIn, cOut } = kernelGeometry(shape, layout);
  const out = new Float32Array(taps * cIn * cOut).fill(1);
  applyBlockMask(new Uint8Array(out.buffer), 0, shape, adj, layout, parts);
  return out;
}
