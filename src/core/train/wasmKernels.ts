/**
 * Makes training work, and fast, on tfjs-backend-wasm 4.22 by registering kernels for backend 'wasm':
 * - missing ones: Conv2DBackpropFilter, DepthwiseConv2dNativeBackpropFilter/Input, UnsortedSegmentSum
 *   (gradients of Conv2D, DepthwiseConv2D and gather/Embedding throw without them);
 * - slow ones replaced: BatchMatMul and _FusedMatMul with transposed operands (every Dense gradient) and
 *   Conv2DBackpropInput, re-expressed through XNNPACK's fast GEMM and convolution; Transpose, MaxPoolGrad
 *   and Sum over leading axes (bias gradients), whose wasm kernels are naive loop nests.
 * Kernel registrations are per backend, so cpu and tensorflow behave exactly as before. The replaced
 * kernels keep the original's setup function (the engine re-runs setups whenever the backend is
 * activated) and the original is restored by `uninstallWasmTrainingKernels`. O(number of kernels).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { WasmKernelFunc } from './wasmKernelScope';
import { makeBatchMatMul, makeFusedMatMul } from './wasmMatMul';
import { conv2DBackpropFilter, makeConv2DBackpropInput } from './wasmConvGrad';
import { depthwiseConv2dNativeBackpropFilter, depthwiseConv2dNativeBackpropInput } from './wasmDepthwiseGrad';
import { unsortedSegmentSum } from './wasmSegmentSum';
import { makeTranspose } from './wasmTranspose';
import { makeMaxPoolGrad } from './wasmMaxPoolGrad';
import { makeSum } from './wasmReduce';

/** The tag backend selection reports when these kernels are in place. */
export const WASM_TRAINING_KERNELS = 'rgp-training';

const BACKEND = 'wasm';

/** Kernels tfjs-backend-wasm lacks, added as they are. */
const ADDED: Record<string, WasmKernelFunc> = {
  Conv2DBackpropFilter: conv2DBackpropFilter,
  DepthwiseConv2dNativeBackpropFilter: depthwiseConv2dNativeBackpropFilter,
  DepthwiseConv2dNativeBackpropInput: depthwiseConv2dNativeBackpropInput,
  UnsortedSegmentSum: unsortedSegmentSum,
};

/** Kernels it has, wrapped: each factory receives the original kernel function. */
const REPLACED: Record<string, (original: WasmKernelFunc) => WasmKernelFunc> = {
  BatchMatMul: makeBatchMatMul,
  _FusedMatMul: makeFusedMatMul,
  Conv2DBackpropInput: makeConv2DBackpropInput,
  Transpose: makeTranspose,
  MaxPoolGrad: makeMaxPoolGrad,
  Sum: makeSum,
};

/** What was registered before us, per kernel name (undefined: nothing was). */
let previous: Map<string, tf.KernelConfig | undefined> | null = null;
const ours = new Set<tf.KernelFunc>();

function register(config: tf.KernelConfig): void {
  if (tf.getKernel(config.kernelName, BACKEND)) tf.unregisterKernel(config.kernelName, BACKEND);
  tf.registerKernel(config);
  ours.add(config.kernelFunc);
}

/** Registers the training kernels for the wasm backend; calling it again changes nothing. */
export function installWasmTrainingKernels(): void {
  if (previous) return;
  const saved = new Map<string, tf.KernelConfig | undefined>();
  for (const [kernelName, kernelFunc] of Object.entries(ADDED)) {
    const before = tf.getKernel(kernelName, BACKEND);
    saved.set(kernelName, before);
    // A later tfjs may ship its own; keep it rather than shadow it.
    if (!before) register({ kernelName, backendName: BACKEND, kernelFunc: kernelFunc as tf.KernelFunc });
  }
  for (const [kernelName, wrap] of Object.entries(REPLACED)) {
    const before = tf.getKernel(kernelName, BACKEND);
    saved.set(kernelName, before);
    if (!before) continue;
    const kernelFunc = wrap(before.kernelFunc as WasmKernelFunc) as tf.KernelFunc;
    register({ ...before, kernelFunc });
  }
  previous = saved;
}

/** Restores the wasm backend's own kernels (for measuring the difference, and for tests). */
export function uninstallWasmTrainingKernels(): void {
  if (!previous) return;
  for (const [kernelName, before] of previous) {
    const now = tf.getKernel(kernelName, BACKEND);
    if (!now || !ours.has(now.kernelFunc)) continue;
    tf.unregisterKernel(kernelName, BACKEND);
    if (before) tf.registerKernel(before);
  }
  ours.clear();
  previous = null;
}

/** Whether the training kernels are registered now. */
export function wasmTrainingKernelsInstalled(): boolean {
  return previous !== null;
}
