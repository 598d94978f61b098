/**
 * UnsortedSegmentSum for tfjs-backend-wasm (missing in tfjs 4.22), which tf.gather's gradient needs, so
 * Embedding layers train. TensorFlow semantics: segmentIds has the shape of a prefix of x's shape;
 * out[j, ...] = Σ_{i : segmentIds[i] = j} x[i, ...], shape [numSegments, ...x.shape[rank(segmentIds):]];
 * ids outside [0, numSegments) are dropped. One pass over x: O(size(x)), accumulated in float64.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelArgs, WasmBackendLike } from './wasmKernelScope';

export function unsortedSegmentSum(args: KernelArgs): tf.TensorInfo {
  const { x, segmentIds } = args.inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  const { numSegments } = args.attrs as { numSegments: number };
  const backend = args.backend as WasmBackendLike;
  const prefix = segmentIds.shape.length;
  if (segmentIds.shape.some((d, i) => d !== x.shape[i])) {
    throw new Error(`UnsortedSegmentSum: segmentIds shape [${segmentIds.shape}] is not a prefix of x shape [${x.shape}]`);
  }
  const rows = tf.util.sizeFromShape(segmentIds.shape);
  const inner = rows === 0 ? 0 : tf.util.sizeFromShape(x.shape) / rows;
  const acc = new Float64Array(numSegments * inner);
  // Allocate before taking views: a heap growth detaches every typed array over the old buffer.
  const out = backend.makeOutput([numSegments, ...x.shape.slice(prefix)], x.dtype);
  const xv = backend.typedArrayFromHeap(x);
  const ids = backend.typedArrayFromHeap(segmentIds);
  for (let i = 0; i < rows; i++) {
    const id = ids[i]!;
    if (id < 0 || id >= numSegments) continue;
    const src = i * inner;
    const dst = id * inner;
    for (let t = 0; t < inner; t++) acc[dst + t] += xv[src + t]!;
  }
  backend.typedArrayFromHeap(out).set(acc);
  return out;
}
