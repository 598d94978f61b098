/**
 * Composing wasm-backend kernels inside another kernel. A kernel function of tfjs-backend-wasm receives
 * {inputs, backend, attrs} and returns a TensorInfo whose memory lives on the wasm heap; calling other
 * registered wasm kernels directly (not through tf ops) keeps the composition off the engine's tape and
 * out of its tensor bookkeeping, so the intermediates must be freed here, by reference count, when the
 * composite kernel returns. O(1) per call besides the kernels themselves.
 */
import * as tf from '@tensorflow/tfjs';

type DataId = object;

/** The part of tfjs-backend-wasm's BackendWasm that composite kernels use. */
export interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  disposeData(dataId: DataId, force?: boolean): boolean;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

export type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };
export type WasmKernelFunc = (args: KernelArgs) => tf.TensorInfo;

/** The wasm kernel registered under `name` right now (ours if we replaced it: use a saved original for that). */
export function wasmKernel(name: string): WasmKernelFunc {
  const k = tf.getKernel(name, 'wasm');
  if (!k) throw new Error(`the wasm backend has no '${name}' kernel`);
  return k.kernelFunc as WasmKernelFunc;
}

/** Runs kernels on one backend and frees every intermediate it made, except the one handed out as the result. */
export class KernelScope {
  private readonly temps: tf.TensorInfo[] = [];

  constructor(readonly backend: WasmBackendLike) {}

  /** Runs a registered wasm kernel; the result is freed by `finish` unless it becomes the output. */
  run(name: string, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap = {}): tf.TensorInfo {
    return this.call(wasmKernel(name), inputs, attrs);
  }

  /** Like `run`, for a kernel function held directly (e.g. the original of a kernel we replaced). */
  call(fn: WasmKernelFunc, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap = {}): tf.TensorInfo {
    const out = fn({ inputs, backend: this.backend, attrs });
    this.temps.push(out);
    return out;
  }

  /** A fresh float32 tensor on the heap, freed by `finish` unless it becomes the output. */
  alloc(shape: number[], dtype: tf.DataType = 'float32'): tf.TensorInfo {
    const out = this.backend.makeOutput(shape, dtype);
    this.temps.push(out);
    return out;
  }

  /**
   * The same memory under another shape of equal size. No reference is taken: a view is only valid as an
   * input while the tensor it looks at lives, and is never itself a kernel's output.
   */
  view(t: tf.TensorInfo, shape: number[]): tf.TensorInfo {
    if (tf.util.sizeFromShape(shape) !== tf.util.sizeFromShape(t.shape)) {
      throw new Error(`cannot view shape [${t.shape}] as [${shape}]`);
    }
    return { dataId: t.dataId, shape, dtype: t.dtype };
  }

  /** Frees the intermediates and returns `result` (one of them, or a view of one) with the given shape. */
  finish(result: tf.TensorInfo, shape: number[] = result.shape): tf.TensorInfo {
    const i = this.temps.findIndex((t) => t.dataId === result.dataId);
    if (i < 0) throw new Error('the result of a composite kernel must be memory the kernel made');
    const owned = this.temps.splice(i, 1)[0]!;
    this.dispose();
    if (tf.util.sizeFromShape(shape) !== tf.util.sizeFromShape(owned.shape)) throw new Error(`cannot return [${owned.shape}] as [${shape}]`);
    return { dataId: owned.dataId, shape, dtype: owned.dtype };
  }

  /** Frees every intermediate (on success through `finish`, on failure directly). */
  dispose(): void {
    for (const t of this.temps.splice(0)) this.backend.disposeData(t.dataId);
  }
}

/** Runs `body` in a fresh scope, freeing the intermediates also when it throws. */
export function composite(backend: unknown, body: (s: KernelScope) => tf.TensorInfo): tf.TensorInfo {
  const s = new KernelScope(backend as WasmBackendLike);
  try {
    return body(s);
  } finally {
    s.dispose();
  }
}
