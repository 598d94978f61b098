/**
 * MaxPoolGrad for tfjs-backend-wasm, replacing its kernel (a loop nest that, for every input pixel,
 * rescans every window covering it — the slowest step of a small VGG's backward pass). Here each pooling
 * window is scanned once, vectorised over channels: the upstream gradient goes to the window's first
 * maximum in row-major order, as tfjs' cpu backend does (max_pool_positions with a strict '>'), which
 * matters after ReLU where whole windows tie at 0. NHWC, dilation 1. O(N·OH·OW·KH·KW·C).
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelArgs, WasmBackendLike, WasmKernelFunc } from './wasmKernelScope';

export function makeMaxPoolGrad(original: WasmKernelFunc): WasmKernelFunc {
  return (args: KernelArgs) => {
    const { dy, input } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
    const attrs = args.attrs as {
      filterSize: number | [number, number];
      strides: number | [number, number];
      pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
      dimRoundingMode?: 'floor' | 'round' | 'ceil';
    };
    if (input.dtype !== 'float32' || input.shape.length !== 4) return original(args);
    const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
    const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = info;
    const { effectiveFilterHeight: kh, effectiveFilterWidth: kw } = info;
    const { top, left } = info.padInfo;
    const backend = args.backend as WasmBackendLike;
    // Allocate before taking views: a heap growth detaches every typed array over the old buffer.
    const out = backend.makeOutput(input.shape, 'float32');
    const dx = backend.typedArrayFromHeap(out);
    const x = backend.typedArrayFromHeap(input);
    const g = backend.typedArrayFromHeap(dy);
    dx.fill(0);
    const best = new Float32Array(c);
    const where = new Int32Array(c);
    for (let b = 0; b < n; b++) {
      for (let i = 0; i < oh; i++) {
        const r0 = Math.max(0, i * sh - top);
        const r1 = Math.min(h, i * sh - top + kh);
        for (let j = 0; j < ow; j++) {
          const c0 = Math.max(0, j * sw - left);
          const c1 = Math.min(w, j * sw - left + kw);
          best.fill(-Infinity);
          where.fill(-1);
          for (let r = r0; r < r1; r++) {
            for (let q = c0; q < c1; q++) {
              const base = ((b * h + r) * w + q) * c;
              for (let ch = 0; ch < c; ch++) {
                const v = x[base + ch]!;
                if (v > best[ch]!) {
                  best[ch] = v;
                  where[ch] = base + ch;
                }
              }
            }
          }
          const gBase = ((b * oh + i) * ow + j) * c;
          for (let ch = 0; ch < c; ch++) {
            const at = where[ch]!;
            if (at >= 0) dx[at] += g[gBase + ch]!;
          }
        }
      }
    }
    return out;
  };
}
