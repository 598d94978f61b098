/**
 * The two update rules masked training uses, written out (rather than tfjs's optimizers) so that the
 * learning rate can change every step, weight decay applies to kernels only, and the RGP mask is applied
 * to the new value before it is assigned — one assign per variable, the pruned entries never non-zero.
 *
 *  - SGD with momentum, PyTorch's form (which RGP's reference code uses): with g' = g + λ·w,
 *        v ← μ·v + g',   w ← w − η·v.
 *  - Adam (Kingma & Ba, ICLR 2015) with L2 decay folded into the gradient (not AdamW), ε = 1e-7 as tfjs:
 *        m ← β₁m + (1−β₁)g',  s ← β₂s + (1−β₂)g'²,  w ← w − η·(m/(1−β₁ᵗ)) / (√(s/(1−β₂ᵗ)) + ε).
 *
 * State is one (SGD) or two (Adam) tensors per variable, created zero and kept until `dispose`.
 * O(parameters) per step.
 */
import * as tf from '@tensorflow/tfjs';

export interface TrainableVariable {
  variable: tf.Variable;
  /** L2 weight decay applies (kernels, not biases or normalisation parameters). */
  decay: boolean;
  /** Keeps the pruned entries of the new value at +0 (the RGP mask); absent for unmasked variables. */
  project?: (next: tf.Tensor) => tf.Tensor;
}

export interface UpdateRule {
  /** One step with gradients keyed by variable name; call inside tf.tidy. */
  step(grads: tf.NamedTensorMap, learningRate: number): void;
  dispose(): void;
}

export interface RuleOptions {
  kind: 'sgd' | 'adam';
  momentum: number;
  weightDecay: number;
}

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-7;

export function createUpdateRule(vars: TrainableVariable[], opts: RuleOptions): UpdateRule {
  const slots = opts.kind === 'sgd' ? 1 : 2;
  // tidy frees the zerosLike temporaries; variables outlive it.
  const state = vars.map((v) => Array.from({ length: slots }, () => tf.tidy(() => tf.variable(tf.zerosLike(v.variable), false))));
  let t = 0;
  return {
    step(grads, learningRate) {
      t++;
      vars.forEach((v, i) => {
        const g0 = grads[v.variable.name];
        if (!g0) return; // no path from the loss to this variable
        const w = v.variable;
        const g = v.decay && opts.weightDecay > 0 ? tf.add(g0, tf.mul(w, opts.weightDecay)) : g0;
        let next: tf.Tensor;
        if (opts.kind === 'sgd') {
          const vel = state[i]![0]!;
          const v1 = opts.momentum > 0 ? tf.add(tf.mul(vel, opts.momentum), g) : g;
          if (opts.momentum > 0) vel.assign(v1);
          next = tf.sub(w, tf.mul(v1, learningRate));
        } else {
          const [m, s] = state[i] as [tf.Variable, tf.Variable];
          const m1 = tf.add(tf.mul(m, BETA1), tf.mul(g, 1 - BETA1));
          const s1 = tf.add(tf.mul(s, BETA2), tf.mul(tf.square(g), 1 - BETA2));
          m.assign(m1);
          s.assign(s1);
          const rate = (learningRate * Math.sqrt(1 - BETA2 ** t)) / (1 - BETA1 ** t);
          // ε is scaled with the bias correction so the step equals the textbook form above.
          next = tf.sub(w, tf.mul(tf.div(m1, tf.add(tf.sqrt(s1), EPSILON * Math.sqrt(1 - BETA2 ** t))), rate));
        }
        w.assign(v.project ? v.project(next) : next);
      });
    },
    dispose() {
      for (const s of state) for (const x of s) x.dispose();
    },
  };
}
