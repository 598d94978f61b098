/**
 * Surrogate Lagrangian relaxation (SLR) for weight pruning — the regularised phase of train-and-prune in the
 * GNN sparsification study (arXiv 2209.04766, ICCD 2022), which takes it from Gurevin, Bragin, Luh, Yan, et al.,
 * "Enabling Retrain-free Deep Neural Network Pruning Using Surrogate Lagrangian Relaxation" (IJCAI 2021). The
 * method and its convergence: Bragin, Luh, Yan, Yu, Stern, "Convergence of the Surrogate Lagrangian
 * Relaxation Method", J. Optimization Theory and Applications 164 (2015).
 *
 * Problem: min_W f(W) subject to W ∈ S = {at most `keep` non-zeros per layer}; split W = Z, Z ∈ S, and relax
 * with the augmented Lagrangian (unscaled multipliers Λ, one per weight):
 *   L(W, Z, Λ) = f(W) + Σ_layers ⟨Λ, W − Z⟩ + ρ/2·‖W − Z‖².
 * One SLR iteration k (every `every` training steps):
 *   1. W-step: the training steps since the last iteration minimise L over W (gradient of the penalty: Λ + ρ(W − Z)).
 *      Surrogate optimality condition: L(W^k, Z^{k−1}, Λ^k) < L(W^{k−1}, Z^{k−1}, Λ^k). Only if it holds are
 *      the multipliers updated: Λ ← Λ + s^k·(W^k − Z^{k−1}).
 *   2. Z-step: Z^k = Π_S(W^k + Λ/ρ) (keep the largest |·| per layer). Condition L(W^k, Z^k, Λ) < L(W^k, Z^{k−1}, Λ)
 *      (f cancels: the penalty terms decide); if it holds, Λ ← Λ + s^k·(W^k − Z^k).
 *   Step size (Bragin et al. 2015, eq. for s^k): s^k = α^k · s^{k−1} · ‖W^{k−1} − Z^{k−1}‖ / ‖W^k − Z^k‖, with
 *   α^k = 1 − 1/(M · k^{1 − 1/k^r}), M > 1, 0 < r < 1 — the rule under which the multipliers converge without
 *   knowing the optimal dual value. Unlike ADMM (admm.ts: every iteration moves the multipliers by a full ρ
 *   step), SLR moves them only when the surrogate condition says the relaxed problem improved, by a step that
 *   shrinks as the iterates settle.
 * f is measured on a fixed probe batch of the training data (the same rows at every check), so the two sides
 * of condition 1 are comparable; each probe is a forward + backward pass, charged to the run's FLOPs.
 * Our defaults (the papers leave them to the user): ρ = 0.1, s^0 = 0.01, M = 300, r = 0.1.
 *
 * Complexity of an iteration: O(m log m) per layer (the projection's sort) plus one probe pass.
 */
import { project } from './admm';

export interface SlrOptions {
  /** Penalty ρ (default 0.1). */
  rho?: number;
  /** Initial multiplier step s^0 (default 0.01). */
  step0?: number;
  /** M > 1 of the step-size rule (default 300). */
  m?: number;
  /** r ∈ (0, 1) of the step-size rule (default 0.1). */
  r?: number;
}

export class SlrState {
  readonly rho: number;
  readonly z: Float32Array[];
  readonly lambda: Float32Array[];
  private readonly m: number;
  private readonly r: number;
  private step: number;
  private k = 0;
  /** W^{k−1} and f(W^{k−1}) on the probe, and ‖W^{k−1} − Z^{k−1}‖. */
  private prevW: Float32Array[];
  private prevF: number;
  private prevResidual: number;
  /** Iterations whose condition 1 / condition 2 held (multiplier updates made). */
  wUpdates = 0;
  zUpdates = 0;

  constructor(weights: Float32Array[], readonly keep: number[], startLoss: number, opts: SlrOptions = {}) {
    this.rho = opts.rho ?? 0.1;
    this.step = opts.step0 ?? 0.01;
    this.m = opts.m ?? 300;
    this.r = opts.r ?? 0.1;
    if (!(this.rho > 0 && this.step > 0 && this.m > 1 && this.r > 0 && this.r < 1)) throw new RangeError('SLR needs ρ > 0, s0 > 0, M > 1 and 0 < r < 1');
    this.z = weights.map((w, i) => project(w, keep[i]));
    this.lambda = weights.map((w) => new Float32Array(w.length));
    this.prevW = weights.map((w) => Float32Array.from(w));
    this.prevF = startLoss;
    this.prevResidual = residualNorm(weights, this.z);
  }

  /** The penalty's gradient Λ + ρ(W − Z) of every layer, written into `out`. */
  penaltyGradient(weights: Float32Array[], out: Float32Array[]): void {
    weights.forEach((w, i) => {
      const z = this.z[i];
      const l = this.lambda[i];
      const o = out[i];
      for (let j = 0; j < w.length; j++) o[j] = l[j] + this.rho * (w[j] - z[j]);
    });
  }

  /** Σ ⟨Λ, W − Z⟩ + ρ/2‖W − Z‖² over the layers. */
  private penalty(weights: Float32Array[], z: Float32Array[]): number {
    let p = 0;
    weights.forEach((w, i) => {
      const l = this.lambda[i];
      const zi = z[i];
      for (let j = 0; j < w.length; j++) {
        const d = w[j] - zi[j];
        p += l[j] * d + 0.5 * this.rho * d * d;
      }
    });
    return p;
  }

  private alpha(): number {
    const k = this.k;
    return 1 - 1 / (this.m * k ** (1 - 1 / k ** this.r));
  }

  /**
   * One SLR iteration at W^k with probe loss f(W^k); returns ‖W − Z‖/‖W‖, the relative primal residual
   * (largest over layers).
   */
  iterate(weights: Float32Array[], loss: number): number {
    this.k++;
    const z = this.z;
    const residual = residualNorm(weights, z);
    // s^k from the residual the new W leaves against the old Z (the iterate of this W-step).
    this.step = this.alpha() * this.step * (this.prevResidual / Math.max(residual, 1e-12));
    // 1. Surrogate optimality condition of the W-step.
    if (loss + this.penalty(weights, z) < this.prevF + this.penalty(this.prevW, z)) {
      this.wUpdates++;
      addStep(this.lambda, weights, z, this.step);
    }
    // 2. Z-step and its condition (f(W^k) is on both sides).
    const next = weights.map((w, i) => {
      const t = new Float32Array(w.length);
      const l = this.lambda[i];
      for (let j = 0; j < w.length; j++) t[j] = w[j] + l[j] / this.rho;
      return project(t, this.keep[i]);
    });
    if (this.penalty(weights, next) < this.penalty(weights, z)) {
      next.forEach((n, i) => z[i].set(n));
      this.zUpdates++;
      addStep(this.lambda, weights, z, this.step);
    }
    this.prevW = weights.map((w) => Float32Array.from(w));
    this.prevF = loss;
    this.prevResidual = residualNorm(weights, z);
    let worst = 0;
    weights.forEach((w, i) => {
      let r2 = 0;
      let w2 = 0;
      for (let j = 0; j < w.length; j++) {
        r2 += (w[j] - z[i][j]) ** 2;
        w2 += w[j] * w[j];
      }
      worst = Math.max(worst, w2 > 0 ? Math.sqrt(r2 / w2) : 0);
    });
    return worst;
  }
}

function residualNorm(weights: Float32Array[], z: Float32Array[]): number {
  let r2 = 0;
  weights.forEach((w, i) => {
    for (let j = 0; j < w.length; j++) r2 += (w[j] - z[i][j]) ** 2;
  });
  return Math.sqrt(r2);
}

function addStep(lambda: Float32Array[], weights: Float32Array[], z: Float32Array[], s: number): void {
  lambda.forEach((l, i) => {
    const w = weights[i];
    const zi = z[i];
    for (let j = 0; j < l.length; j++) l[j] += s * (w[j] - zi[j]);
  });
}
