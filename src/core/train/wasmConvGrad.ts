/**
 * Conv2D gradients on tfjs-backend-wasm as ordinary forward convolutions, so XNNPACK's fast convolution
 * does the work: tfjs 4.22 has no Conv2DBackpropFilter for wasm at all, and its Conv2DBackpropInput is a
 * naive loop nest. NHWC only (the only layout the wasm forward Conv2D accepts). Cost of each: one forward
 * convolution of the same FLOPs (N·OH·OW·KH·KW·Cin·Cout) plus O(size) transposes.
 *
 * With y[n,o,·] = Σ_k x[n, o·s + k − p, ·] w[k] (per axis; Dumoulin & Visin, "A guide to convolution
 * arithmetic for deep learning", 2016, §4):
 * - dx is the stride-1 correlation of dy, dilated by s (s−1 zeros between entries), with w flipped
 *   spatially and its in/out channels swapped, padded by K−1−p before and so that the result has the
 *   input's size after.
 * - dw[k, ci, co] = Σ_{n,o} x[n, o·s + k − p, ci] dy[n, o, co] is a convolution in which the input
 *   channels ci play the batch, the examples n play the channels, and dy is the filter, dilated by s.
 */
import * as tf from '@tensorflow/tfjs';
import { composite, type KernelArgs, type KernelScope, type WasmKernelFunc } from './wasmKernelScope';

export interface Pads {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

type ConvAttrs = {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
};

export function explicitPad(p: Pads): tf.backend_util.ExplicitPadding {
  return [[0, 0], [p.top, p.bottom], [p.left, p.right], [0, 0]];
}

/** Negative pads mean rows/columns of `x` [N,H,W,C] that the convolution never reaches: cut them off. */
export function cropNegativePads(s: KernelScope, x: tf.TensorInfo, p: Pads): { x: tf.TensorInfo; pad: Pads } {
  if (p.top >= 0 && p.bottom >= 0 && p.left >= 0 && p.right >= 0) return { x, pad: p };
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const cut = (v: number): number => Math.max(0, -v);
  const begin = [0, cut(p.top), cut(p.left), 0];
  const size = [n, h - cut(p.top) - cut(p.bottom), w - cut(p.left) - cut(p.right), c];
  const pad = { top: Math.max(0, p.top), bottom: Math.max(0, p.bottom), left: Math.max(0, p.left), right: Math.max(0, p.right) };
  return { x: s.run('Slice', { x }, { begin, size }), pad };
}

/**
 * dy [N,OH,OW,C] dilated by the forward strides, and the pads under which a stride-1 correlation with the
 * spatially flipped filter yields the forward input's gradient (same for plain and depthwise convolution).
 */
export function transposedConvInput(s: KernelScope, dy: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): { x: tf.TensorInfo; pad: Pads } {
  const { strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw, padInfo } = info;
  const pad: Pads = {
    top: fh - 1 - padInfo.top,
    left: fw - 1 - padInfo.left,
    bottom: info.inHeight - 1 + padInfo.top - (info.outHeight - 1) * sh,
    right: info.inWidth - 1 + padInfo.left - (info.outWidth - 1) * sw,
  };
  if (sh === 1 && sw === 1) return cropNegativePads(s, dy, pad);
  // Zeros after every row and column: [N,OH,1,OW,1,C] → [N,OH,sh,OW,sw,C]. The last sh−1 rows (sw−1
  // columns) are zeros beyond the dilated tensor, so they count against the bottom (right) padding.
  const [n, oh, ow, c] = dy.shape as [number, number, number, number];
  const spread = s.run(
    'PadV2',
    { x: s.view(dy, [n, oh, 1, ow, 1, c]) },
    { paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]], constantValue: 0 },
  );
  pad.bottom -= sh - 1;
  pad.right -= sw - 1;
  return cropNegativePads(s, s.view(spread, [n, oh * sh, ow * sw, c]), pad);
}

/**
 * The filter [KH,KW,A,B] rotated by 180° in space, as [KH,KW,B,A] when `swap` (plain convolution: input
 * and output channels trade places) or [KH,KW,A,B] (depthwise). One pass in JS: the wasm Reverse and
 * Transpose kernels are generic loop nests, slower than this on a filter-sized tensor.
 */
export function flippedFilter(s: KernelScope, filter: tf.TensorInfo, swap: boolean): tf.TensorInfo {
  const [kh, kw, a, b] = filter.shape as [number, number, number, number];
  const out = s.alloc(swap ? [kh, kw, b, a] : [kh, kw, a, b]);
  const src = s.backend.typedArrayFromHeap(filter);
  const dst = s.backend.typedArrayFromHeap(out);
  for (let r = 0; r < kh; r++) {
    for (let c = 0; c < kw; c++) {
      const from = ((kh - 1 - r) * kw + (kw - 1 - c)) * a * b;
      const to = (r * kw + c) * a * b;
      if (!swap) {
        dst.set(src.subarray(from, from + a * b), to);
        continue;
      }
      for (let i = 0; i < a; i++) for (let o = 0; o < b; o++) dst[to + o * a + i] = src[from + i * b + o]!;
    }
  }
  return out;
}

function channelsLast(attrs: ConvAttrs, kernel: string): 'channelsLast' {
  const fmt = tf.backend_util.convertConv2DDataFormat(attrs.dataFormat ?? 'NHWC');
  if (fmt !== 'channelsLast') throw new Error(`${kernel} on the wasm backend supports NHWC only; got ${attrs.dataFormat}`);
  return fmt;
}

/** Conv2DBackpropInput: the forward input's gradient as one XNNPACK convolution. */
export function makeConv2DBackpropInput(original: WasmKernelFunc): WasmKernelFunc {
  return (args: KernelArgs) => {
    const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const attrs = args.attrs as unknown as ConvAttrs & { inputShape: [number, number, number, number] };
    if (tf.backend_util.convertConv2DDataFormat(attrs.dataFormat ?? 'NHWC') !== 'channelsLast') return original(args);
    const info = tf.backend_util.computeConv2DInfo(
      attrs.inputShape, filter.shape as [number, number, number, number], attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast',
    );
    return composite(args.backend, (s) => {
      const flipped = flippedFilter(s, filter, true);
      const { x, pad } = transposedConvInput(s, dy, info);
      const dx = s.run('Conv2D', { x, filter: flipped }, { strides: [1, 1], dilations: [1, 1], pad: explicitPad(pad), dataFormat: 'NHWC' });
      return s.finish(dx);
    });
  };
}

/** Conv2DBackpropFilter (missing from tfjs-backend-wasm 4.22): the filter's gradient as one XNNPACK convolution. */
export function conv2DBackpropFilter(args: KernelArgs): tf.TensorInfo {
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const attrs = args.attrs as unknown as ConvAttrs & { filterShape: [number, number, number, number] };
  const fmt = channelsLast(attrs, 'Conv2DBackpropFilter');
  const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], attrs.filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, fmt);
  const { strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw, padInfo } = info;
  // Pads of the correlation x ⋆ dilate(dy) whose output is exactly KH×KW.
  const pad: Pads = {
    top: padInfo.top,
    left: padInfo.left,
    bottom: fh + (info.outHeight - 1) * sh - info.inHeight - padInfo.top,
    right: fw + (info.outWidth - 1) * sw - info.inWidth - padInfo.left,
  };
  return composite(args.backend, (s) => {
    const cropped = cropNegativePads(s, x, pad);
    const xT = s.run('Transpose', { x: cropped.x }, { perm: [3, 1, 2, 0] }); // [Cin, H, W, N]
    const dyT = s.run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] }); // [OH, OW, N, Cout]
    const g = s.run('Conv2D', { x: xT, filter: dyT }, { strides: [1, 1], dilations: [sh, sw], pad: explicitPad(cropped.pad), dataFormat: 'NHWC' });
    return s.finish(s.run('Transpose', { x: g }, { perm: [1, 2, 0, 3] })); // [KH, KW, Cin, Cout]
  });
}
