import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { buildArchitecture } from '../../src/core/gnn/architecture';
import { ExampleTask } from '../../src/core/gnn/exampleTask';
import { quietContext } from '../../src/core/job';
import { Random } from '../../src/core/random';
import { AdmmLayer, project, RhoSchedule } from '../../src/core/sparse/admm';
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
    for (const method of ['magnitude', 'admm'] as const) {
      const o = trainSparse(method, sparsity, task, cfg, 1, dense, quietContext);
      assert.deepEqual(o.layers.map((l) => l.nonZero), keep, `${method} at ${sparsity}`);
      assert.ok(Math.abs(o.finalSparsity - (1 - keep.reduce((s, k) => s + k, 0) / size)) < 1e-12);
      // Charged the dense pre-training: more FLOPs than the dense run alone, ADMM more than magnitude.
      assert.ok(o.trainingFlops > dense.outcome.trainingFlops);
      if (method === 'admm') assert.ok(o.admmResidual !== undefined && o.admmResidual >= 0);
    }
  }
  // The dense run's snapshot is not altered by the methods that start from it.
  assert.equal(countNonZero(dense.snapshot.weights[0]), dense.snapshot.weights[0].length);
});
