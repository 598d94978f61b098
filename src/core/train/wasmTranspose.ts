/**
 * A faster Transpose for tfjs-backend-wasm. Its C++ kernel walks the output with per-element index
 * arithmetic and merges only leading axes, so e.g. NHWC → CHWN (what the convolution filter gradient
 * needs) runs at a small fraction of memory speed. Here the permutation is first simplified (size-1 axes
 * dropped, runs of axes that stay adjacent merged — TFLite's transpose_utils does the same), then:
 * - if the innermost axis stays innermost, contiguous chunks are block-copied;
 * - a rank-2 or rank-3 permutation that moves the innermost axis becomes cache-tiled 2-D transposes;
 * - anything else goes to the original kernel.
 * O(size) time, reads and writes each element once.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelArgs, WasmBackendLike, WasmKernelFunc } from './wasmKernelScope';

type Numbers = Float32Array | Int32Array | Uint8Array;

/** Side of the square tiles of the 2-D transposes: 16 floats = one 64-byte cache line per tile row. */
const TILE = 16;

/** Drops size-1 axes and merges input axes that stay adjacent and in order under `perm`. */
export function simplifyPermutation(shape: number[], perm: number[]): { shape: number[]; perm: number[] } {
  const kept = shape.map((d, i) => (d === 1 ? -1 : i)).filter((i) => i >= 0);
  const rank = new Map(kept.map((axis, i) => [axis, i]));
  const sq = kept.map((axis) => shape[axis]!);
  const p = perm.filter((axis) => rank.has(axis)).map((axis) => rank.get(axis)!);
  // Runs of consecutive input axes in output order, e.g. perm [2,3,0,1] → runs [2,3], [0,1].
  const runs: number[][] = [];
  for (const axis of p) {
    const last = runs[runs.length - 1];
    if (last && last[last.length - 1] === axis - 1) last.push(axis);
    else runs.push([axis]);
  }
  const byInput = [...runs].sort((a, b) => a[0]! - b[0]!);
  return {
    shape: byInput.map((run) => run.reduce((s, axis) => s * sq[axis]!, 1)),
    perm: runs.map((run) => byInput.indexOf(run)),
  };
}

function strides(shape: number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1]! * shape[i + 1]!;
  return s;
}

/** dst[d + j·dj + i] = src[s + i·si + j] for i < rows, j < cols, in TILE×TILE blocks. */
function transpose2d(src: Numbers, s: number, si: number, dst: Numbers, d: number, dj: number, rows: number, cols: number): void {
  for (let i0 = 0; i0 < rows; i0 += TILE) {
    const i1 = Math.min(rows, i0 + TILE);
    for (let j0 = 0; j0 < cols; j0 += TILE) {
      const j1 = Math.min(cols, j0 + TILE);
      for (let i = i0; i < i1; i++) {
        const from = s + i * si;
        for (let j = j0; j < j1; j++) dst[d + j * dj + i] = src[from + j]!;
      }
    }
  }
}

/** Copies runs of `chunk` contiguous elements; the outer axes are walked in output order. */
function blockCopy(src: Numbers, dst: Numbers, shape: number[], perm: number[]): void {
  const r = shape.length;
  const chunk = shape[r - 1]!;
  const inStrides = strides(shape);
  const outer = perm.slice(0, r - 1).map((axis) => ({ n: shape[axis]!, stride: inStrides[axis]! }));
  const count = outer.reduce((p, a) => p * a.n, 1);
  const idx = new Array<number>(outer.length).fill(0);
  let from = 0;
  for (let k = 0, to = 0; k < count; k++, to += chunk) {
    // A subarray per chunk costs an allocation: worth it only for long chunks.
    if (chunk >= 256) dst.set(src.subarray(from, from + chunk), to);
    else for (let t = 0; t < chunk; t++) dst[to + t] = src[from + t]!;
    // Odometer over the output's outer axes, keeping the input offset in step.
    for (let a = outer.length - 1; a >= 0; a--) {
      const ax = outer[a]!;
      if (++idx[a]! < ax.n) {
        from += ax.stride;
        break;
      }
      idx[a] = 0;
      from -= ax.stride * (ax.n - 1);
    }
  }
}

/**
 * Writes x (of `shape`, row-major) permuted by `perm` into `dst`; false when the permutation is not one
 * of the cases handled here (rank > 3 after simplification with the innermost axis moved).
 */
export function transposeInto(src: Numbers, shape: number[], perm: number[], dst: Numbers): boolean {
  const { shape: sh, perm: p } = simplifyPermutation(shape, perm);
  const r = sh.length;
  if (r <= 1) {
    dst.set(src.subarray(0, dst.length));
    return true;
  }
  if (p[r - 1] === r - 1) {
    blockCopy(src, dst, sh, p);
    return true;
  }
  if (r === 2) {
    transpose2d(src, 0, sh[1]!, dst, 0, sh[0]!, sh[0]!, sh[1]!);
    return true;
  }
  if (r === 3) {
    // Input axis 2 is contiguous in the source, input axis b = p[2] in the destination; the third axis o
    // is an outer loop of 2-D transposes.
    const b = p[2]!;
    const o = 1 - b;
    const inS = strides(sh);
    const outS = strides(p.map((axis) => sh[axis]!));
    const outStrideOf = (axis: number): number => outS[p.indexOf(axis)]!;
    for (let t = 0; t < sh[o]!; t++) {
      transpose2d(src, t * inS[o]!, inS[b]!, dst, t * outStrideOf(o), outStrideOf(2), sh[b]!, sh[2]!);
    }
    return true;
  }
  return false;
}

export function makeTranspose(original: WasmKernelFunc): WasmKernelFunc {
  return (args: KernelArgs) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { perm } = args.attrs as { perm: number[] };
    if (x.dtype !== 'float32' && x.dtype !== 'int32' && x.dtype !== 'bool') return original(args);
    const { perm: p } = simplifyPermutation(x.shape, perm);
    if (p.length > 3 && p[p.length - 1] !== p.length - 1) return original(args);
    const backend = args.backend as WasmBackendLike;
    // Allocate before taking views: a heap growth detaches every typed array over the old buffer.
    const out = backend.makeOutput(perm.map((axis) => x.shape[axis]!), x.dtype);
    transposeInto(backend.typedArrayFromHeap(x), x.shape, perm, backend.typedArrayFromHeap(out));
    return out;
  };
}
