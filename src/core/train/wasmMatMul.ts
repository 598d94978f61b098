/**
 * Fast matMul gradients on tfjs-backend-wasm. Its BatchMatMul reaches XNNPACK's packed GEMM only when
 * neither operand is transposed and both have batch 1; anything else takes a naive blocked triple loop in
 * C++ (≈10× slower). Every matMul gradient is transposed (dA = dY·Bᵀ, dB = Aᵀ·dY), so Dense training
 * lived on the slow path. Here a transposed operand is transposed explicitly first (O(size), XNNPACK-free
 * but memory-bound), and a batched A against an unbatched B is folded into one [1, batch·M, K] GEMM.
 * Semantics follow tf.matMul (TensorFlow BatchMatMulV2: broadcast batch dims, optional transposes).
 */
import * as tf from '@tensorflow/tfjs';
import { composite, type KernelArgs, type KernelScope, type WasmKernelFunc } from './wasmKernelScope';

/** Swaps the last two axes: [..., r, c] → [..., c, r]. */
function transposeLastTwo(s: KernelScope, t: tf.TensorInfo): tf.TensorInfo {
  const r = t.shape.length;
  const perm = Array.from({ length: r }, (_, i) => i);
  perm[r - 2] = r - 1;
  perm[r - 1] = r - 2;
  return s.run('Transpose', { x: t }, { perm });
}

/** Rewrites a (possibly transposed, possibly batched) product so the original kernel takes its fast path. */
function untransposed(s: KernelScope, a: tf.TensorInfo, b: tf.TensorInfo, ta: boolean, tb: boolean): { a: tf.TensorInfo; b: tf.TensorInfo } {
  return { a: ta ? transposeLastTwo(s, a) : a, b: tb ? transposeLastTwo(s, b) : b };
}

/** BatchMatMul that never hands XNNPACK-less work to the original kernel when a GEMM can do it. */
export function makeBatchMatMul(original: WasmKernelFunc): WasmKernelFunc {
  return (args: KernelArgs) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = (args.attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean };
    if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) return original(args);
    const foldBatch = tf.util.sizeFromShape(a.shape.slice(0, -2)) > 1 && tf.util.sizeFromShape(b.shape.slice(0, -2)) === 1;
    if (!transposeA && !transposeB && !foldBatch) return original(args);
    return composite(args.backend, (s) => {
      const u = untransposed(s, a, b, Boolean(transposeA), Boolean(transposeB));
      const batchA = tf.util.sizeFromShape(u.a.shape.slice(0, -2));
      const [m, k] = u.a.shape.slice(-2) as [number, number];
      const n = u.b.shape[u.b.shape.length - 1]!;
      const outShape = [...tf.backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2)), m, n];
      if (foldBatch) {
        // Rows of all batches of A share the one B: a single GEMM over the stacked rows.
        const out = s.call(original, { a: s.view(u.a, [1, batchA * m, k]), b: s.view(u.b, [1, k, n]) }, { transposeA: false, transposeB: false });
        return s.finish(out, outShape);
      }
      const out = s.call(original, { a: u.a, b: u.b }, { transposeA: false, transposeB: false });
      return s.finish(out, outShape);
    });
  };
}

/**
 * _FusedMatMul (matMul + bias + activation, what Dense layers run forward) with transposes removed the same
 * way; the bias and activation stay with the original kernel, which applies them inside the GEMM.
 */
export function makeFusedMatMul(original: WasmKernelFunc): WasmKernelFunc {
  return (args: KernelArgs) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const attrs = (args.attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean };
    if (!attrs.transposeA && !attrs.transposeB) return original(args);
    return composite(args.backend, (s) => {
      const u = untransposed(s, a, b, Boolean(attrs.transposeA), Boolean(attrs.transposeB));
      const out = s.call(original, { ...args.inputs, a: u.a, b: u.b }, { ...args.attrs, transposeA: false, transposeB: false });
      return s.finish(out);
    });
  };
}
