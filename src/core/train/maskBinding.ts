/**
 * Binding RGP masks to a live tfjs model: each masked kernel (named as in the weights manifest, e.g.
 * `dense_2/kernel`) gets a fixed boolean tensor in its Keras layout and a zero tensor, and the projection
 * w ↦ where(mask, w, +0) that training applies after every update. `where` rather than `w·mask` so the
 * pruned entries are +0 bit for bit (a negative weight times 0 is −0), like the zeros `rgp prune` writes.
 * Binding is by the variable's manifest name (`originalName`), which is stable even when tfjs renames a
 * variable to keep names unique in the process (`dense_2/kernel_1`).
 */
import * as tf from '@tensorflow/tfjs';
import { RgpError } from '../errors';

export interface KernelMaskSpec {
  /** The manifest name of the weight, e.g. `dense_2/kernel`. */
  weight: string;
  shape: readonly number[];
  /** 0/1 entries in the kernel's layout. */
  mask: Float32Array;
}

export interface MaskBinding {
  weight: string;
  variable: tf.LayerVariable;
  keep: tf.Tensor;
  zeros: tf.Tensor;
  project(next: tf.Tensor): tf.Tensor;
}

export function bindMasks(model: tf.LayersModel, specs: readonly KernelMaskSpec[]): MaskBinding[] {
  const byName = new Map(model.weights.map((w) => [w.originalName, w]));
  return specs.map((s) => {
    const variable = byName.get(s.weight);
    if (!variable) {
      throw new RgpError('BAD_MODEL', `The mask names weight "${s.weight}", which the model does not have.`, 'Use the masks.json written for this model (rgp prune), or give --ratio to build new masks.');
    }
    const shape = variable.shape as number[];
    if (shape.length !== s.shape.length || shape.some((d, i) => d !== s.shape[i])) {
      throw new RgpError('BAD_MODEL', `The mask of "${s.weight}" has shape [${s.shape.join(', ')}], the weight [${shape.join(', ')}].`, 'Use the masks.json written for this model (rgp prune).');
    }
    const keep = tf.tidy(() => tf.tensor(s.mask, shape, 'float32').greater(0.5));
    const zeros = tf.zeros(shape);
    return { weight: s.weight, variable, keep, zeros, project: (next) => tf.where(keep, next, zeros) };
  });
}

/** Sets every masked kernel to its projection (before the first step, and after loading a checkpoint). */
export function applyMasks(bindings: readonly MaskBinding[]): void {
  for (const b of bindings) {
    const next = tf.tidy(() => b.project(b.variable.read()));
    b.variable.write(next);
    next.dispose();
  }
}

/** The largest |w| at a pruned position over all masked kernels: 0 when the masks held. */
export function maskedMaxAbs(bindings: readonly MaskBinding[]): number {
  let worst = 0;
  for (const b of bindings) {
    const m = tf.tidy(() => tf.max(tf.where(b.keep, b.zeros, tf.abs(b.variable.read()))).dataSync()[0]!);
    if (m > worst) worst = m;
  }
  return worst;
}

export function disposeMasks(bindings: readonly MaskBinding[]): void {
  for (const b of bindings) {
    b.keep.dispose();
    b.zeros.dispose();
  }
}
