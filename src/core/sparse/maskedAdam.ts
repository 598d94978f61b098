/**
 * Adam (Kingma & Ba, ICLR 2015) restricted to the active weights of a mask, on plain Float32Arrays. With
 * mask M (1 = active):
 *   g ← (g + extra) ⊙ M;  m ← (β1·m + (1−β1)·g) ⊙ M;  v ← (β2·v + (1−β2)·g²) ⊙ M;  W ← (W − lr·m̂/(√v̂ + ε)) ⊙ M
 * Clearing the moments where M is 0 wipes the history of a dropped weight, so a weight that RigL/SET later
 * regrows starts with zero moments as well as a zero value (RigL's reference code resets them too), and
 * masked weights stay exactly 0. A null mask is a dense parameter. `extra` is added to a gradient (the ADMM
 * penalty ρ·(W − Z + U)). Bias correction counts this optimiser's own steps; each phase makes a new one.
 *
 * Why not in tfjs: the parameters of these models are small (≤ 60 k), and one fused loop here replaces about
 * fifteen tensor ops per parameter per step, each with a fixed dispatch cost that dominates at this size.
 * Cost: O(parameters) per step.
 */

export interface AdamOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

export class MaskedAdam {
  private readonly m: Float32Array[];
  private readonly v: Float32Array[];
  private t = 0;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;

  constructor(sizes: readonly number[], opts: AdamOptions = {}) {
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.epsilon = opts.epsilon ?? 1e-8;
    this.m = sizes.map((s) => new Float32Array(s));
    this.v = sizes.map((s) => new Float32Array(s));
  }

  /** Updates every parameter in place. `masks[i]` null = dense; `extra[i]`, when given, is added to gradient i. */
  step(params: Float32Array[], grads: ArrayLike<number>[], masks: readonly (Float32Array | null)[], learningRate: number, extra: readonly (Float32Array | null)[] = []): void {
    this.t++;
    const b1 = this.beta1;
    const b2 = this.beta2;
    const c1 = 1 - b1 ** this.t;
    const c2 = 1 - b2 ** this.t;
    const eps = this.epsilon;
    for (let p = 0; p < params.length; p++) {
      const w = params[p];
      const g = grads[p];
      const m = this.m[p];
      const v = this.v[p];
      const mask = masks[p] ?? null;
      const e = extra[p] ?? null;
      if (g.length !== w.length) throw new RangeError(`gradient ${p} has ${g.length} entries for ${w.length} parameters`);
      for (let i = 0; i < w.length; i++) {
        if (mask && mask[i] === 0) {
          m[i] = 0;
          v[i] = 0;
          w[i] = 0;
          continue;
        }
        const gi = e ? g[i] + e[i] : g[i];
        const mi = b1 * m[i] + (1 - b1) * gi;
        const vi = b2 * v[i] + (1 - b2) * gi * gi;
        m[i] = mi;
        v[i] = vi;
        w[i] -= (learningRate * (mi / c1)) / (Math.sqrt(vi / c2) + eps);
      }
    }
  }
}
