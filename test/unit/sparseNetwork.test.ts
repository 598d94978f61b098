import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { buildArchitecture, type Architecture } from '../../src/core/gnn/architecture';
import { forward, lossAndGradients, type NetworkParams, type StepBatch } from '../../src/core/gnn/network';
import { gcnPropagation, meanPropagation, spmm, type CsrMatrix, type Propagation } from '../../src/core/gnn/propagation';
import { Random } from '../../src/core/random';

// The hand-written backward pass against tfjs autodiff (cpu backend) on the real layer shapes of each model,
// with a small random graph: the same loss, the same gradients.

function denseOf(m: CsrMatrix, n: number): Float32Array {
  const d = new Float32Array(n * n);
  for (let r = 0; r < n; r++) for (let p = m.rowPtr[r]; p < m.rowPtr[r + 1]; p++) d[r * n + m.col[p]] = m.val[p];
  return d;
}

function randomGraph(n: number, m: number, rng: Random): { src: Int32Array; dst: Int32Array } {
  const src = new Int32Array(m);
  const dst = new Int32Array(m);
  for (let e = 0; e < m; e++) {
    src[e] = rng.int(n);
    dst[e] = rng.int(n);
  }
  return { src, dst };
}

/** The same model written with tfjs ops and differentiated by tf.grads. */
function autodiff(arch: Architecture, params: NetworkParams, batch: StepBatch, dense: { gcn?: tf.Tensor2D; mean?: tf.Tensor2D }) {
  const f = (...xs: tf.Tensor[]): tf.Scalar => {
    const w = xs.slice(0, arch.terms.length) as tf.Tensor2D[];
    const b = xs.slice(arch.terms.length) as tf.Tensor1D[];
    let h: tf.Tensor = tf.scalar(0);
    arch.blocks.forEach((block, bi) => {
      let z: tf.Tensor = tf.scalar(0);
      for (const ti of block.terms) {
        const t = arch.terms[ti];
        let p: tf.Tensor;
        if (t.block === 0) p = tf.matMul(batch.inputs[t.aggregation]!, w[ti]);
        else {
          p = tf.matMul(h as tf.Tensor2D, w[ti]);
          if (t.aggregation !== 'none') p = tf.matMul(dense[t.aggregation]!, p as tf.Tensor2D);
        }
        z = tf.add(z, p);
      }
      z = tf.add(z, b[bi]);
      h = block.activation === 'relu' ? tf.relu(z) : z;
    });
    const logits = h;
    const perRow =
      arch.task === 'link'
        ? tf.sub(tf.softplus(logits), tf.mul(batch.target, logits))
        : tf.sub(tf.logSumExp(logits, 1, true), tf.sum(tf.mul(batch.target, logits), 1, true));
    return tf.sum(tf.mul(perRow, batch.rowWeight));
  };
  const xs = [...params.weights, ...params.biases];
  const { value, grads } = tf.valueAndGrads(f)(xs);
  return { loss: value.dataSync()[0], grads: grads.map((g) => g.dataSync()) };
}

function close(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  assert.equal(got.length, want.length, what);
  let scale = 0;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]));
  for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i] - want[i]) <= 1e-4 * (1 + scale), `${what}[${i}]: ${got[i]} vs ${want[i]}`);
}

for (const [task, model] of [['link', 'mlp'], ['node', 'mlp'], ['node', 'gcn'], ['node', 'sage']] as const) {
  test(`manual backward = autodiff: ${model} ${task}`, async () => {
    await tf.setBackend('cpu');
    const rng = new Random(7);
    const n = 30;
    const width = task === 'link' ? 16 : 8;
    const classes = task === 'link' ? 1 : 5;
    const arch = buildArchitecture(task, model, width, classes);
    const g = randomGraph(n, 80, rng);
    const prop: { gcn?: Propagation; mean?: Propagation } = model === 'gcn' ? { gcn: gcnPropagation(n, g.src, g.dst) } : model === 'sage' ? { mean: meanPropagation(n, g.src, g.dst) } : {};
    const x = Float32Array.from({ length: n * width }, () => rng.normal());
    const target = new Float32Array(n * classes);
    const rowWeight = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      if (classes === 1) target[i] = rng.int(2);
      else target[i * classes + rng.int(classes)] = 1;
      rowWeight[i] = i % 3 === 0 ? 0 : 1 / 20;
    }
    tf.tidy(() => {
      const xt = tf.tensor2d(x, [n, width]);
      const inputs: StepBatch['inputs'] = { none: xt };
      if (prop.gcn) inputs.gcn = tf.tensor2d(spmm(prop.gcn.matrix, x, width), [n, width]);
      if (prop.mean) inputs.mean = tf.tensor2d(spmm(prop.mean.matrix, x, width), [n, width]);
      const batch: StepBatch = { inputs, target: tf.tensor2d(target, [n, classes]), rowWeight: tf.tensor2d(rowWeight, [n, 1]) };
      const params: NetworkParams = {
        weights: arch.terms.map((t) => tf.tensor2d(Float32Array.from({ length: t.cIn * t.cOut }, () => rng.normal() * 0.3), [t.cIn, t.cOut])),
        biases: arch.blocks.map((b) => tf.tensor1d(Float32Array.from({ length: b.width }, () => rng.normal() * 0.1))),
      };
      const dense = {
        ...(prop.gcn ? { gcn: tf.tensor2d(denseOf(prop.gcn.matrix, n), [n, n]) } : {}),
        ...(prop.mean ? { mean: tf.tensor2d(denseOf(prop.mean.matrix, n), [n, n]) } : {}),
      };
      const mine = lossAndGradients(arch, params, batch, prop);
      const ref = autodiff(arch, params, batch, dense);
      assert.ok(Math.abs(mine.loss.dataSync()[0] - ref.loss) < 1e-4, `loss ${mine.loss.dataSync()[0]} vs ${ref.loss}`);
      mine.weights.forEach((gw, i) => close(gw.dataSync(), ref.grads[i], `dW ${arch.terms[i].name}`));
      mine.biases.forEach((gb, i) => close(gb.dataSync(), ref.grads[arch.terms.length + i], `db ${i}`));
      // The forward pass agrees too (the output block's pre-activation).
      const { z } = forward(arch, params, batch, prop);
      assert.equal(z[z.length - 1].shape[1], classes);
    });
  });
}

test('propagation matrices: GCN is symmetric with rows of D̃^-1/2(A+I)D̃^-1/2; the mean matrix averages neighbours', () => {
  // Path 0–1–2 plus an isolated node 3, given with a duplicate, a reversed edge and a self-loop.
  const src = Int32Array.from([0, 1, 1, 2, 2]);
  const dst = Int32Array.from([1, 0, 2, 1, 2]);
  const g = gcnPropagation(4, src, dst);
  const a = denseOf(g.matrix, 4);
  // Degrees of A + I: 2, 3, 2, 1.
  const want = [
    [1 / 2, 1 / Math.sqrt(6), 0, 0],
    [1 / Math.sqrt(6), 1 / 3, 1 / Math.sqrt(6), 0],
    [0, 1 / Math.sqrt(6), 1 / 2, 0],
    [0, 0, 0, 1],
  ];
  for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) assert.ok(Math.abs(a[r * 4 + c] - want[r][c]) < 1e-6, `Â[${r}][${c}] = ${a[r * 4 + c]}`);
  assert.equal(g.nnz, 8);
  const m = meanPropagation(4, src, dst);
  const md = denseOf(m.matrix, 4);
  assert.deepEqual(Array.from(md.subarray(4, 8)), [0.5, 0, 0.5, 0]);
  assert.deepEqual(Array.from(md.subarray(12, 16)), [0, 0, 0, 0]);
  const mt = denseOf(m.transpose!, 4);
  for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) assert.equal(mt[r * 4 + c], md[c * 4 + r]);
});
