/**
 * The trainable state of a sparsified model: one weight matrix per term of the architecture (row-major
 * [C_in, C_out], with its 0/1 mask, or none while dense) and one bias per block, held as Float32Arrays —
 * the methods edit them directly (topology updates, ADMM projections, prunes) and the optimiser updates
 * them in place; `params()` uploads them as tensors for a forward/backward pass.
 * Invariant: a masked weight is exactly 0, so counting zeros counts the sparsity.
 *
 * Initialisation: Glorot-uniform weights (limit √(6/(C_in + C_out)), from the seeded `Random`), zero biases.
 */
import * as tf from '@tensorflow/tfjs';
import type { Architecture } from '../gnn/architecture';
import type { NetworkParams } from '../gnn/network';
import type { Random } from '../random';
import { applyMaskInPlace, countNonZero } from './masks';

export interface NetSnapshot {
  weights: Float32Array[];
  biases: Float32Array[];
  masks: (Float32Array | null)[];
}

export class SparseNet {
  readonly weights: Float32Array[];
  readonly biases: Float32Array[];
  readonly masks: (Float32Array | null)[];

  private constructor(
    readonly arch: Architecture,
    snap: NetSnapshot,
  ) {
    this.weights = snap.weights.map((w) => Float32Array.from(w));
    this.biases = snap.biases.map((b) => Float32Array.from(b));
    this.masks = snap.masks.map((m) => (m ? Float32Array.from(m) : null));
    this.masks.forEach((m, i) => m && applyMaskInPlace(this.weights[i], m));
  }

  static initial(arch: Architecture, rng: Random): SparseNet {
    const weights = arch.terms.map((t) => {
      const limit = Math.sqrt(6 / (t.cIn + t.cOut));
      return Float32Array.from({ length: t.cIn * t.cOut }, () => (2 * rng.float() - 1) * limit);
    });
    const biases = arch.blocks.map((b) => new Float32Array(b.width));
    return new SparseNet(arch, { weights, biases, masks: arch.terms.map(() => null) });
  }

  static fromSnapshot(arch: Architecture, snap: NetSnapshot): SparseNet {
    return new SparseNet(arch, snap);
  }

  /** A deep copy of the state. */
  snapshot(): NetSnapshot {
    return { weights: this.weights.map((w) => Float32Array.from(w)), biases: this.biases.map((b) => Float32Array.from(b)), masks: this.masks.map((m) => (m ? Float32Array.from(m) : null)) };
  }

  /** The parameters as new tensors; the caller disposes them. */
  params(): NetworkParams {
    return {
      weights: this.arch.terms.map((t, i) => tf.tensor2d(this.weights[i], [t.cIn, t.cOut])),
      biases: this.biases.map((b) => tf.tensor1d(b)),
    };
  }

  /** Sets (or clears) term i's mask (copied) and zeroes its masked weights. */
  setMask(i: number, mask: Float32Array | null): void {
    const t = this.arch.terms[i];
    if (mask && mask.length !== t.cIn * t.cOut) throw new RangeError(`mask of ${mask.length} for a ${t.cIn}×${t.cOut} kernel`);
    this.masks[i] = mask ? Float32Array.from(mask) : null;
    if (mask) applyMaskInPlace(this.weights[i], mask);
  }

  /** Active weights per term: the mask's ones, or the full size while dense. */
  activeCounts(): number[] {
    return this.arch.terms.map((t, i) => {
      const m = this.masks[i];
      return m ? countNonZero(m) : t.cIn * t.cOut;
    });
  }

  /** Literal non-zero weights per term. */
  nonZeroCounts(): number[] {
    return this.weights.map((w) => countNonZero(w));
  }
}
