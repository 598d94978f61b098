/**
 * ADMM weight pruning (Zhang, Ye, Zhang, Tang, Wen, Fardad, Wang, "A Systematic DNN Weight Pruning Framework
 * using Alternating Direction Methods of Multipliers", ECCV 2018) — the regularised phase of train-and-prune
 * in the GNN sparsification study (arXiv 2209.04766, which uses the surrogate-Lagrangian variant, SLR,
 * Gurevin et al. 2021; SLR changes the multiplier step sizes, not the structure below).
 *
 * Problem: min_W f(W) subject to W ∈ S = {at most `keep` non-zeros per layer}. Split W = Z and iterate, in
 * scaled form (U = λ/ρ):
 *   W-step: a few SGD/Adam steps on f(W) + ρ/2·‖W − Z + U‖²  (gradient term ρ·(W − Z + U), see `penaltyTarget`)
 *   Z-step: Z ← Π_S(W + U)       (Euclidean projection onto S: keep the `keep` largest |·|, zero the rest)
 *   U-step: U ← U + W − Z
 * ρ grows geometrically at every Z/U update (as ADMM-NN does) so W is pulled ever harder onto the sparse set;
 * when ρ changes, U is rescaled by ρ_old/ρ_new so the unscaled multiplier λ = ρU is unchanged.
 * After the phase the caller hard-prunes W to its own top-|w| (`magnitudeMask`) and retrains with the mask.
 *
 * Complexity of an update: O(m log m) per layer (the projection's sort).
 */
import { magnitudeMask } from './masks';

export interface AdmmOptions {
  /** Initial ρ (default 1e-2). */
  rho?: number;
  /** ρ multiplier per update (default 1.3). */
  rhoGrowth?: number;
  /** Largest ρ (default 1). */
  rhoMax?: number;
  /** Scale of the multiplier step U ← U + η·(W − Z) (default 1: ADMM; 0: plain quadratic penalty). */
  dualStep?: number;
}

export class AdmmLayer {
  /** The sparse copy Z, the projection of W + U. */
  readonly z: Float32Array;
  /** The scaled multiplier U. */
  readonly u: Float32Array;

  constructor(
    weights: Float32Array,
    readonly keep: number,
    readonly dualStep = 1,
  ) {
    this.z = project(weights, keep);
    this.u = new Float32Array(weights.length);
  }

  /** Z-step and U-step with the W of the last W-step; returns ‖W − Z‖ / ‖W‖ (the primal residual, relative). */
  update(weights: Float32Array, rhoScale = 1): number {
    const wu = new Float32Array(weights.length);
    for (let i = 0; i < wu.length; i++) wu[i] = weights[i] + this.u[i];
    this.z.set(project(wu, this.keep));
    let r2 = 0;
    let w2 = 0;
    for (let i = 0; i < wu.length; i++) {
      const r = weights[i] - this.z[i];
      this.u[i] = (this.u[i] + this.dualStep * r) * rhoScale;
      r2 += r * r;
      w2 += weights[i] * weights[i];
    }
    return w2 > 0 ? Math.sqrt(r2 / w2) : 0;
  }

  /** Z − U: the penalty's gradient at W is ρ·(W − (Z − U)). */
  penaltyTarget(): Float32Array {
    const t = new Float32Array(this.z.length);
    for (let i = 0; i < t.length; i++) t[i] = this.z[i] - this.u[i];
    return t;
  }
}

/** Π_S: the top-`keep` entries by magnitude, the rest zero. */
export function project(values: Float32Array, keep: number): Float32Array {
  const mask = magnitudeMask(values, keep);
  const out = new Float32Array(values.length);
  for (let i = 0; i < out.length; i++) out[i] = mask[i] ? values[i] : 0;
  return out;
}

/** The ρ schedule: ρ_j = min(ρ0·γ^j, ρ_max) at update j. */
export class RhoSchedule {
  private j = 0;
  readonly rho0: number;
  readonly growth: number;
  readonly max: number;
  constructor(opts: AdmmOptions = {}) {
    this.rho0 = opts.rho ?? 1e-2;
    this.growth = opts.rhoGrowth ?? 1.3;
    this.max = opts.rhoMax ?? 1;
  }
  get rho(): number {
    return Math.min(this.rho0 * this.growth ** this.j, this.max);
  }
  /** Advances to the next ρ; returns ρ_old/ρ_new, the factor that keeps λ = ρU fixed. */
  advance(): number {
    const old = this.rho;
    this.j++;
    return old / this.rho;
  }
}
