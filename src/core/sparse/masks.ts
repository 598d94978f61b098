/**
 * Unstructured weight masks: how many weights a layer keeps at a sparsity, the top-|w| mask of magnitude
 * pruning (Han et al. 2015; the projection of ADMM pruning, Zhang et al. 2018) and the uniformly random mask
 * that sparse training starts from (SET, Mocanu et al. 2018; RigL, Evci et al. 2020, "uniform" distribution).
 *
 * A mask is a Float32Array of 0/1 in the kernel's own layout ([C_in, C_out], row-major), so it multiplies
 * a weight tensor directly. Every sparsified layer gets the same sparsity ("uniform" in RigL's terms): the
 * only thing that differs between methods is which weights are kept, never how many.
 *
 * Complexity: magnitudeMask O(m log m) for m weights (a sort); randomMask O(m).
 */
import type { Random } from '../random';

/** Weights a layer of `size` keeps at `sparsity`: round(size·(1 − s)), at least 1 (an empty layer cuts the network). */
export function keptCount(size: number, sparsity: number): number {
  if (!(sparsity >= 0 && sparsity < 1)) throw new RangeError(`sparsity must be in [0, 1), got ${sparsity}`);
  return Math.min(size, Math.max(1, Math.round(size * (1 - sparsity))));
}

/**
 * Indices of `values` ordered by |value| descending; equal magnitudes keep index order, so a mask is
 * a deterministic function of the weights.
 */
export function orderByMagnitude(values: ArrayLike<number>): Int32Array {
  const idx = new Int32Array(values.length);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  const mag = new Float32Array(values.length);
  for (let i = 0; i < mag.length; i++) mag[i] = Math.abs(values[i]);
  idx.sort((a, b) => mag[b] - mag[a] || a - b);
  return idx;
}

/** 1 at the `keep` largest |w|, 0 elsewhere. */
export function magnitudeMask(weights: ArrayLike<number>, keep: number): Float32Array {
  if (!(Number.isInteger(keep) && keep >= 0 && keep <= weights.length)) throw new RangeError(`cannot keep ${keep} of ${weights.length} weights`);
  const order = orderByMagnitude(weights);
  const mask = new Float32Array(weights.length);
  for (let i = 0; i < keep; i++) mask[order[i]] = 1;
  return mask;
}

/** 1 at `keep` positions drawn uniformly without replacement (partial Fisher–Yates). */
export function randomMask(size: number, keep: number, rng: Random): Float32Array {
  if (!(Number.isInteger(keep) && keep >= 0 && keep <= size)) throw new RangeError(`cannot keep ${keep} of ${size} weights`);
  const pool = new Int32Array(size);
  for (let i = 0; i < size; i++) pool[i] = i;
  const mask = new Float32Array(size);
  for (let i = 0; i < keep; i++) {
    const j = i + rng.int(size - i);
    const t = pool[i];
    pool[i] = pool[j];
    pool[j] = t;
    mask[pool[i]] = 1;
  }
  return mask;
}

export function countNonZero(values: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (values[i] !== 0) n++;
  return n;
}

/** w ⊙ mask, in place. */
export function applyMaskInPlace(weights: Float32Array, mask: Float32Array): void {
  for (let i = 0; i < weights.length; i++) if (mask[i] === 0) weights[i] = 0;
}
