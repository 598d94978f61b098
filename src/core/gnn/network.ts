/**
 * Forward pass, loss and hand-written backward pass of an `Architecture` in tfjs.
 *
 * Why by hand rather than tf.grad: (1) RigL needs the *dense* gradient ∂L/∂W at every weight, including
 * masked ones, while masked training applies only its active part — here the gradient is taken with respect
 * to the effective (masked) weight matrix, so both come from one computation; (2) every product is an
 * explicit product, so the counted MACs are exactly the products performed (no input gradient for the
 * data-fed first block); (3) tfjs-wasm's transposed matMul is ~10× slower than transposing first, and it has
 * no gather gradient — this code uses neither. Aggregations are sparse products in JS (propagation.ts).
 *
 * Backward of a block with terms P_t = agg_t(In_t·W_t), Z = Σ P_t + b, for upstream dZ:
 *   dW_t = In_tᵀ · agg_tᵀ(dZ),  db = Σ_rows dZ,  dIn = Σ_t agg_tᵀ(dZ) · W_tᵀ,  then ReLU: dZ_prev = dIn ⊙ [Z_prev > 0].
 * Losses, weighted per row (weights sum to 1 over the rows in the loss, 0 elsewhere):
 *   link: binary cross-entropy of σ(z):  ℓ = softplus(z) − y·z,  ∂ℓ/∂z = σ(z) − y;
 *   node: softmax cross-entropy:         ℓ = logΣexp(z) − z_y,   ∂ℓ/∂z = softmax(z) − onehot(y).
 */
import * as tf from '@tensorflow/tfjs';
import type { Aggregation, Architecture } from './architecture';
import { spmm, type Propagation } from './propagation';

export interface NetworkParams {
  /** One per term, [C_in, C_out], already multiplied by its mask. */
  weights: tf.Tensor2D[];
  /** One per block. */
  biases: tf.Tensor1D[];
}

/** The propagation matrices the architecture's aggregations use. */
export interface PropagationTensors {
  gcn?: Propagation;
  mean?: Propagation;
}

export interface StepBatch {
  /** First-block input per aggregation: 'none' → X, 'gcn' → Â·X, 'mean' → Ā·X (rows × input width). */
  inputs: Partial<Record<Aggregation, tf.Tensor2D>>;
  /** rows × output width: 0/1 (link) or one-hot (node). */
  target: tf.Tensor2D;
  /** rows × 1: the row's weight in the loss. */
  rowWeight: tf.Tensor2D;
}

export interface Gradients {
  loss: tf.Scalar;
  /** Dense ∂L/∂W of every term (masked entries included). */
  weights: tf.Tensor2D[];
  biases: tf.Tensor1D[];
}

/** agg·X (or aggᵀ·X) by a sparse product in JS: the matrices are far too sparse for a dense matMul to pay. */
function aggregate(m: Aggregation, x: tf.Tensor2D, p: PropagationTensors, transposed: boolean): tf.Tensor2D {
  if (m === 'none') return x;
  const a = m === 'gcn' ? p.gcn : p.mean;
  if (!a) throw new Error(`the ${m} propagation matrix is missing`);
  const [rows, width] = x.shape;
  return tf.tensor2d(spmm(transposed && a.transpose ? a.transpose : a.matrix, x.dataSync() as Float32Array, width), [rows, width]);
}

function blockInput(arch: Architecture, term: number, h: tf.Tensor2D | null, batch: Pick<StepBatch, 'inputs'>): tf.Tensor2D {
  const t = arch.terms[term];
  if (t.block > 0) return h!;
  const x = batch.inputs[t.aggregation];
  if (!x) throw new Error(`missing the first-block input for aggregation '${t.aggregation}'`);
  return x;
}

/** Pre-activations Z_b and activations H_b of every block (H of the output block = Z). Call inside tidy. */
export function forward(arch: Architecture, params: NetworkParams, batch: Pick<StepBatch, 'inputs'>, prop: PropagationTensors): { z: tf.Tensor2D[]; h: tf.Tensor2D[] } {
  const z: tf.Tensor2D[] = [];
  const h: tf.Tensor2D[] = [];
  let prev: tf.Tensor2D | null = null;
  arch.blocks.forEach((block, b) => {
    let sum: tf.Tensor2D | null = null;
    for (const ti of block.terms) {
      const t = arch.terms[ti];
      let p = tf.matMul(blockInput(arch, ti, prev, batch), params.weights[ti]) as tf.Tensor2D;
      if (t.block > 0) p = aggregate(t.aggregation, p, prop, false);
      sum = sum ? (tf.add(sum, p) as tf.Tensor2D) : p;
    }
    const zb = tf.add(sum!, params.biases[b]) as tf.Tensor2D;
    z.push(zb);
    prev = block.activation === 'relu' ? tf.relu(zb) : zb;
    h.push(prev);
  });
  return { z, h };
}

/** Output probabilities (σ for link, softmax for node). Call inside tidy. */
export function predict(arch: Architecture, params: NetworkParams, batch: Pick<StepBatch, 'inputs'>, prop: PropagationTensors): tf.Tensor2D {
  const { z } = forward(arch, params, batch, prop);
  const logits = z[z.length - 1];
  return arch.task === 'link' ? tf.sigmoid(logits) : tf.softmax(logits);
}

/** Loss and dense gradients for one step; the returned tensors survive, intermediates are freed. */
export function lossAndGradients(arch: Architecture, params: NetworkParams, batch: StepBatch, prop: PropagationTensors): Gradients {
  return tf.tidy(() => {
    const { z, h } = forward(arch, params, batch, prop);
    const logits = z[z.length - 1];
    let perRow: tf.Tensor2D;
    let dz: tf.Tensor2D;
    if (arch.task === 'link') {
      perRow = tf.sub(tf.softplus(logits), tf.mul(batch.target, logits));
      dz = tf.sub(tf.sigmoid(logits), batch.target);
    } else {
      const lse = tf.logSumExp(logits, 1, true);
      perRow = tf.sub(lse, tf.sum(tf.mul(batch.target, logits), 1, true));
      dz = tf.sub(tf.exp(tf.sub(logits, lse)), batch.target);
    }
    const loss = tf.sum(tf.mul(perRow, batch.rowWeight)) as tf.Scalar;
    dz = tf.mul(dz, batch.rowWeight);

    const gw: tf.Tensor2D[] = new Array(arch.terms.length);
    const gb: tf.Tensor1D[] = new Array(arch.blocks.length);
    for (let b = arch.blocks.length - 1; b >= 0; b--) {
      gb[b] = tf.sum(dz, 0) as tf.Tensor1D;
      let dIn: tf.Tensor2D | null = null;
      for (const ti of arch.blocks[b].terms) {
        const t = arch.terms[ti];
        const dp = t.block > 0 ? aggregate(t.aggregation, dz, prop, true) : dz;
        gw[ti] = tf.matMul(tf.transpose(blockInput(arch, ti, b > 0 ? h[b - 1] : null, batch)), dp);
        if (b > 0) {
          const d = tf.matMul(dp, tf.transpose(params.weights[ti])) as tf.Tensor2D;
          dIn = dIn ? (tf.add(dIn, d) as tf.Tensor2D) : d;
        }
      }
      if (b > 0) dz = tf.mul(dIn!, tf.step(z[b - 1])) as tf.Tensor2D;
    }
    return { loss, weights: gw, biases: gb };
  });
}
