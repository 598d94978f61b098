/**
 * Sum over leading axes for tfjs-backend-wasm — the bias gradient of every Conv2D/Dense layer
 * (Σ over N,H,W of dy). The wasm Sum kernel first transposes the reduced axes innermost with a generic
 * per-element transpose, which costs far more than the sum; here x is read once as [P, Q] rows and
 * the Q column sums are accumulated in float64. Other reductions go to the original kernel. O(size).
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelArgs, WasmBackendLike, WasmKernelFunc } from './wasmKernelScope';

export function makeSum(original: WasmKernelFunc): WasmKernelFunc {
  return (args: KernelArgs) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { axis, keepDims } = args.attrs as { axis: number | number[]; keepDims?: boolean };
    const rank = x.shape.length;
    if (x.dtype !== 'float32' || rank < 2) return original(args);
    const axes = [...new Set(tf.util.parseAxisParam(axis, x.shape))].sort((a, b) => a - b);
    const leading = axes.length > 0 && axes.length < rank && axes.every((a, i) => a === i);
    if (!leading) return original(args);
    const p = tf.util.sizeFromShape(x.shape.slice(0, axes.length));
    const q = tf.util.sizeFromShape(x.shape.slice(axes.length));
    const outShape = keepDims ? x.shape.map((d, i) => (i < axes.length ? 1 : d)) : x.shape.slice(axes.length);
    const backend = args.backend as WasmBackendLike;
    const out = backend.makeOutput(outShape, 'float32');
    const v = backend.typedArrayFromHeap(x);
    const acc = new Float64Array(q);
    for (let row = 0, i = 0; row < p; row++) for (let k = 0; k < q; k++, i++) acc[k] += v[i]!;
    backend.typedArrayFromHeap(out).set(acc);
    return out;
  };
}
