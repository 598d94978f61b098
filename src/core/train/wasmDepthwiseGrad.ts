/**
 * DepthwiseConv2dNative gradients for tfjs-backend-wasm, which has neither (tfjs 4.22). Filter
 * [KH,KW,C,M] (M = channel multiplier), output channel c·M+m sees input channel c only. NHWC, dilation 1
 * (tfjs' own depthwise gradient refuses dilation > 1).
 * - Input gradient: an XNNPACK depthwise convolution of dy (dilated by the strides) with the spatially
 *   flipped filter viewed as [KH,KW,C·M,1], then a sum over the M multiplier channels of each input
 *   channel — the same construction as the plain convolution's (see wasmConvGrad.ts). O(N·H·W·KH·KW·C·M).
 * - Filter gradient: dw[kh,kw,c,m] = Σ_{n,oh,ow} x[n, oh·s+kh−p, ow·s+kw−p, c] · dy[n, oh, ow, c·M+m],
 *   accumulated directly over the heap in float64. O(N·OH·OW·KH·KW·C·M); a depthwise layer is cheap
 *   next to the convolutions around it, so a plain loop is enough here.
 */
import * as tf from '@tensorflow/tfjs';
import { composite, type KernelArgs, type WasmBackendLike } from './wasmKernelScope';
import { explicitPad, flippedFilter, transposedConvInput } from './wasmConvGrad';

type DepthwiseAttrs = {
  strides: number | [number, number];
  dilations?: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
};

function convInfo(xShape: number[], filterShape: number[], attrs: DepthwiseAttrs, kernel: string): tf.backend_util.Conv2DInfo {
  const dilations = attrs.dilations ?? 1;
  if (!tf.backend_util.tupleValuesAreOne(dilations)) throw new Error(`${kernel} on the wasm backend supports dilation 1 only; got ${String(dilations)}`);
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number], filterShape as [number, number, number, number], attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, true,
  );
}

export function depthwiseConv2dNativeBackpropInput(args: KernelArgs): tf.TensorInfo {
  const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const attrs = args.attrs as unknown as DepthwiseAttrs & { inputShape: number[] };
  const info = convInfo(attrs.inputShape, filter.shape, attrs, 'DepthwiseConv2dNativeBackpropInput');
  const [kh, kw, c, m] = filter.shape as [number, number, number, number];
  return composite(args.backend, (s) => {
    const flipped = flippedFilter(s, filter, false);
    const { x, pad } = transposedConvInput(s, dy, info);
    const y = s.run('DepthwiseConv2dNative', { x, filter: s.view(flipped, [kh, kw, c * m, 1]) }, { strides: [1, 1], dilations: [1, 1], pad: explicitPad(pad) });
    if (m === 1) return s.finish(y);
    const [n, h, w] = y.shape as [number, number, number];
    return s.finish(s.run('Sum', { x: s.view(y, [n, h, w, c, m]) }, { axis: [4], keepDims: false }));
  });
}

export function depthwiseConv2dNativeBackpropFilter(args: KernelArgs): tf.TensorInfo {
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const attrs = args.attrs as unknown as DepthwiseAttrs & { filterShape: number[] };
  const info = convInfo(x.shape, attrs.filterShape, attrs, 'DepthwiseConv2dNativeBackpropFilter');
  const backend = args.backend as WasmBackendLike;
  const [kh, kw, c, m] = attrs.filterShape as [number, number, number, number];
  const { batchSize: n, inHeight: h, inWidth: w, outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  const cm = c * m;
  const acc = new Float64Array(kh * kw * cm);
  // Allocate before taking views: a heap growth detaches every typed array over the old buffer.
  const out = backend.makeOutput([kh, kw, c, m], 'float32');
  const xv = backend.typedArrayFromHeap(x);
  const dyv = backend.typedArrayFromHeap(dy);
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < oh; i++) {
      for (let a = 0; a < kh; a++) {
        const row = i * sh + a - top;
        if (row < 0 || row >= h) continue;
        for (let j = 0; j < ow; j++) {
          const dyBase = ((b * oh + i) * ow + j) * cm;
          for (let e = 0; e < kw; e++) {
            const col = j * sw + e - left;
            if (col < 0 || col >= w) continue;
            const xBase = ((b * h + row) * w + col) * c;
            const wBase = (a * kw + e) * cm;
            for (let ch = 0; ch < c; ch++) {
              const xval = xv[xBase + ch]!;
              for (let q = 0; q < m; q++) acc[wBase + ch * m + q] += xval * dyv[dyBase + ch * m + q]!;
            }
          }
        }
      }
    }
  }
  backend.typedArrayFromHeap(out).set(acc);
  return out;
}
