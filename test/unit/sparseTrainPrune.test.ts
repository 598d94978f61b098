import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { buildArchitecture } from '../../src/core/gnn/architecture';
import { ExampleTask } from '../../src/core/gnn/exampleTask';
import { quietContext } from '../../src/core/job';
import { Random } from '../../src/core/random';
import { AdmmLayer, project, RhoSchedule } from '../../src/core/sparse/admm';
import { SlrState } from '../../src/core/sparse/slr';
import { countNonZero, keptCount, magnitudeMask } from '../../src/core/sparse/masks';
import { trainDense, trainSparse } from '../../src/core/sparse/methods';

test('magnitude mask keeps exactly the top-|w| (ties by index) and the ADMM projection agrees', () => {
  const w = Float32Array.from([0.3, -0.9, 0.1, 0.3, -0.2, 0]);
  assert.deepEqual(Array.from(magnitudeMask(w, 3)), [1, 1, 0, 1, 0, 0]);
  assert.deepEqual(Array.from(project(w, 2)), [0.3, -0.9, 0, 0, 0, 0].map((v) => Math.fround(v)));
  assert.equal(keptCount(2048, 0.984), 33);
  assert.equal(keptCount(128, 0.984), 2);
  assert.equal(keptCount(10, 0.99), 1, 'a layer keeps at least one weight');
});

test('ADMM: Z is the projection of W + U, U accumulates W − Z, and ρ scaling keeps λ = ρU', () => {
  const w = Float32Array.from([1, -2, 0.5, 0.1]);
  const layer = new AdmmLayer(w, 2);
  assert.deepEqual(Array.from(layer.z), [1, -2, 0, 0]);
  const w2 = Float32Array.from([0.8, -1.5, 0.6, 0.05]);
  const r = layer.update(w2, 0.5);
  // W + U = w2 (U was 0) → Z keeps −1.5 and 0.8; U = (0 + W − Z)·0.5.
  assert.deepEqual(Array.from(layer.z), [0.8, -1.5, 0, 0].map((v) => Math.fround(v)));
  assert.deepEqual(Array.from(layer.u), [0, 0, 0.3, 0.025].map((v) => Math.fround(v)));
  assert.ok(Math.abs(r - Math.sqrt((0.6 ** 2 + 0.05 ** 2) / (0.64 + 2.25 + 0.36 + 0.0025))) < 1e-6);
  assert.deepEqual(Array.from(layer.penaltyTarget()), [0.8, -1.5, -0.3, -0.025].map((v) => Math.fround(v)));
  const rho = new RhoSchedule({ rho: 0.01, rhoGrowth: 2, rhoMax: 0.03 });
  assert.equal(rho.advance(), 0.5);
  assert.equal(rho.rho, 0.02);
  assert.equal(rho.advance(), 0.02 / 0.03);
  assert.equal(rho.rho, 0.03);
});

test('magnitude and ADMM train-and-prune end at exactly the requested kept count per layer', async () => {
  await tf.setBackend('cpu');
  const rng = new Random(3);
  const d = 12;
  const c = 3;
  const ex = (n: number) => ({ x: Float32Array.from({ length: n * d }, () => rng.normal()), labels: Int32Array.from({ length: n }, () => rng.int(c)) });
  const task = new ExampleTask(buildArchitecture('node', 'mlp', d, c), ex(96), { val: ex(24), test: ex(24) }, 32);
  const cfg = { epochs: 4, learningRate: 0.01 };
  const dense = trainDense(task, cfg, 1, quietContext);
  assert.equal(dense.outcome.finalSparsity, 0);
  for (const sparsity of [0.5, 0.9375, 0.984]) {
    const keep = task.arch.terms.map((t) => keptCount(t.cIn * t.cOut, sparsity));
    const size = task.arch.terms.reduce((s, t) => s + t.cIn * t.cOut, 0);
    for (const method of ['magnitude', 'admm', 'slr'] as const) {
      const o = trainSparse(method, sparsity, task, cfg, 1, dense, quietContext);
      assert.deepEqual(o.layers.map((l) => l.nonZero), keep, `${method} at ${sparsity}`);
      assert.ok(Math.abs(o.finalSparsity - (1 - keep.reduce((s, k) => s + k, 0) / size)) < 1e-12);
      // Charged the dense pre-training: more FLOPs than the dense run alone, ADMM more than magnitude.
      assert.ok(o.trainingFlops > dense.outcome.trainingFlops);
      if (method !== 'magnitude') assert.ok(o.admmResidual !== undefined && o.admmResidual >= 0);
      if (method === 'slr') assert.ok(o.slrUpdates !== undefined && o.slrUpdates.iterations >= 1 && o.slrUpdates.w <= o.slrUpdates.iterations);
    }
  }
  // The dense run's snapshot is not altered by the methods that start from it.
  assert.equal(countNonZero(dense.snapshot.weights[0]), dense.snapshot.weights[0].length);
});

test('SLR: multipliers move only when the surrogate optimality condition holds, by the shrinking step of Bragin et al.', () => {
  const w0 = [Float32Array.from([1, -2, 0.5, 0.1])];
  const slr = new SlrState(w0, [2], 10, { rho: 1, step0: 0.5, m: 2, r: 0.5 });
  assert.deepEqual(Array.from(slr.z[0]), [1, -2, 0, 0]);
  // The penalty's gradient at W0 with Λ = 0 is ρ(W − Z).
  const g = [new Float32Array(4)];
  slr.penaltyGradient(w0, g);
  assert.deepEqual(Array.from(g[0]), [0, 0, 0.5, 0.1].map((v) => Math.fround(v)));

  // α^k = 1 − 1/(M k^(1 − 1/k^r)); s^k = α^k·s^(k−1)·‖W^(k−1) − Z^(k−1)‖/‖W^k − Z^(k−1)‖.
  const alpha = (k: number): number => 1 - 1 / (2 * k ** (1 - 1 / k ** 0.5));
  const f = Math.fround;
  // Iteration 1 with a *higher* loss: condition 1 fails (L grew), Λ is not moved by the W-step. The Z-step
  // Π(W1 + Λ/ρ) = [0.9, −1.8, 0, 0] lowers the penalty, so Z moves and Λ gets s¹·(W1 − Z1).
  const w1 = [Float32Array.from([0.9, -1.8, 0.4, 0.1])];
  slr.iterate(w1, 20);
  assert.equal(slr.wUpdates, 0);
  assert.equal(slr.zUpdates, 1);
  assert.deepEqual(Array.from(slr.z[0]), [0.9, -1.8, 0, 0].map(f));
  const s1 = alpha(1) * 0.5 * (Math.hypot(f(0.5), f(0.1)) / Math.hypot(f(0.9) - 1, f(-1.8) + 2, f(0.4), f(0.1)));
  assert.ok(Math.abs(slr.lambda[0][2] - s1 * f(0.4)) < 1e-6, `Λ = ${slr.lambda[0][2]}, expected ${s1 * 0.4}`);
  assert.equal(slr.lambda[0][0], 0);

  // Iteration 2 with a lower loss: condition 1 holds and Λ += s²·(W2 − Z1); the Z-step keeps Z (no strict
  // improvement), so Λ moves once.
  const w2 = [Float32Array.from([0.9, -1.8, 0.2, 0.05])];
  slr.iterate(w2, 5);
  assert.equal(slr.wUpdates, 1);
  assert.equal(slr.zUpdates, 1);
  const s2 = alpha(2) * s1 * (Math.hypot(f(0.4), f(0.1)) / Math.hypot(f(0.2), f(0.05)));
  assert.ok(Math.abs(slr.lambda[0][2] - (s1 * f(0.4) + s2 * f(0.2))) < 1e-6);
  assert.ok(Math.abs(slr.lambda[0][3] - (s1 * f(0.1) + s2 * f(0.05))) < 1e-6);
  assert.throws(() => new SlrState(w0, [2], 1, { m: 1 }), RangeError);
});
