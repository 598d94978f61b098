import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import type { Architecture } from '../../src/core/gnn/architecture';
import { ExampleTask } from '../../src/core/gnn/exampleTask';
import { quietContext } from '../../src/core/job';
import { Random } from '../../src/core/random';
import { stepMacs, TrainingMeter } from '../../src/core/sparse/flops';
import { binaryAccuracy, rocAuc, argmaxAccuracy } from '../../src/core/sparse/metrics';
import { newMeter } from '../../src/core/sparse/methods';
import { SparseNet } from '../../src/core/sparse/sparseNet';
import { trainPhase } from '../../src/core/sparse/trainPhase';

// A tiny MLP 4 → 3 → 2 (softmax), 11 examples in batches of 5, 5, 1: every count below is done by hand.
const arch: Architecture = {
  task: 'node',
  model: 'mlp',
  inputWidth: 4,
  outputWidth: 2,
  blocks: [
    { width: 3, activation: 'relu', terms: [0] },
    { width: 2, activation: 'output', terms: [1] },
  ],
  terms: [
    { name: 'hidden', block: 0, cIn: 4, cOut: 3, aggregation: 'none' },
    { name: 'out', block: 1, cIn: 3, cOut: 2, aggregation: 'none' },
  ],
  fullGraph: false,
};

function tinyTask(): ExampleTask {
  const rng = new Random(5);
  const ex = (rows: number) => ({ x: Float32Array.from({ length: rows * 4 }, () => rng.normal()), labels: Int32Array.from({ length: rows }, (_, i) => i % 2) });
  return new ExampleTask(arch, ex(11), { val: ex(4), test: ex(4) }, 5);
}

// Masks: hidden keeps 7 of 12, out keeps 4 of 6.
const hiddenMask = Float32Array.from([1, 1, 0, 1, 0, 1, 1, 0, 1, 0, 1, 0]);
const outMask = Float32Array.from([1, 0, 1, 1, 0, 1]);

test('stepMacs: forward rows·nnz, input gradient only past the first layer, weight gradient sparse or dense', () => {
  const layers = [
    { size: 12, inputGradient: false },
    { size: 6, inputGradient: true },
  ];
  assert.deepEqual(stepMacs(5, layers, [7, 4], false), { forward: 5 * 7 + 5 * 4, inputGradient: 5 * 4, weightGradient: 5 * 7 + 5 * 4, total: 130 });
  assert.deepEqual(stepMacs(5, layers, [7, 4], true), { forward: 55, inputGradient: 20, weightGradient: 5 * 12 + 5 * 6, total: 165 });
  assert.equal(stepMacs(1, layers, [12, 6], true).total, 12 + 6 + 6 + 12 + 6);
  assert.throws(() => stepMacs(5, layers, [13, 4], false), RangeError);
});

test('FLOPs counter equals a hand count over dense, masked and RigL training of a tiny MLP', async () => {
  await tf.setBackend('cpu');
  const task = tinyTask();
  // Per epoch the batches hold 5, 5 and 1 rows; a dense step on r rows costs r·(12 + 6 + 6 + 12 + 6) = 42r.
  const dense = SparseNet.initial(arch, new Random(1));
  const m1 = newMeter(task);
  trainPhase(dense, task, { kind: 'dense', epochs: 2, learningRate: 0.01 }, m1, new Random(2), quietContext);
  assert.equal(m1.steps, 6);
  assert.equal(m1.flops, 2 * 42 * (5 + 5 + 1));
  assert.equal(m1.denseGradientSteps, 6);
  assert.equal(m1.trainingSparsity, 0);

  // Masked: r·(7 + 4) forward + r·4 input gradient + r·(7 + 4) weight gradient = 26r per step.
  const masked = SparseNet.initial(arch, new Random(1));
  masked.setMask(0, hiddenMask);
  masked.setMask(1, outMask);
  const m2 = newMeter(task);
  trainPhase(masked, task, { kind: 'masked', epochs: 2, learningRate: 0.01 }, m2, new Random(2), quietContext);
  assert.equal(m2.flops, 2 * 26 * 11);
  assert.equal(m2.denseGradientSteps, 0);
  assert.ok(Math.abs(m2.trainingSparsity - (1 - 11 / 18)) < 1e-12);

  // RigL over 6 steps: T_end = ⌊0.75·6⌋ = 4; with 4 updates ΔT = 1, so steps 1, 2, 3 update the topology and
  // count their weight gradient dense: 11r + 4r + 18r = 33r. Steps (rows): 0 (5), 1 (5), 2 (1), 3 (5), 4 (5), 5 (1).
  const rigl = SparseNet.initial(arch, new Random(1));
  rigl.setMask(0, hiddenMask);
  rigl.setMask(1, outMask);
  const m3 = newMeter(task);
  const report = trainPhase(rigl, task, { kind: 'rigl', epochs: 2, learningRate: 0.01, updates: 4 }, m3, new Random(2), quietContext);
  assert.equal(report.topologyUpdates, 3);
  assert.equal(m3.denseGradientSteps, 3);
  assert.equal(m3.flops, 26 * 5 + 33 * 5 + 33 * 1 + 33 * 5 + 26 * 5 + 26 * 1);
  assert.ok(Math.abs(m3.trainingSparsity - (1 - 11 / 18)) < 1e-12, 'RigL keeps the density constant');
  assert.deepEqual(rigl.activeCounts(), [7, 4]);

  // A meter continued from another adds up (train-and-prune is charged its dense pre-training).
  const both = new TrainingMeter(m1.layers);
  both.absorb(m1);
  both.absorb(m2);
  assert.equal(both.flops, m1.flops + m2.flops);
  assert.ok(Math.abs(both.meanDensity - (6 * 1 + 6 * (11 / 18)) / 12) < 1e-12);
});

test('metrics: accuracy at 0.5, arg-max accuracy and the Mann–Whitney AUC with ties', () => {
  assert.equal(binaryAccuracy([0.9, 0.2, 0.5, 0.49], [1, 0, 1, 1]), 0.75);
  assert.equal(argmaxAccuracy([0.1, 0.9, 0.8, 0.2, 0.5, 0.5], 2, [1, 0, 1]), 2 / 3);
  // Positives 0.8, 0.4; negatives 0.4, 0.1: pairs (0.8>0.4), (0.8>0.1), (0.4=0.4 → ½), (0.4>0.1) → 3.5/4.
  assert.equal(rocAuc([0.8, 0.4, 0.4, 0.1], [1, 1, 0, 0]), 3.5 / 4);
  assert.equal(rocAuc([0.1, 0.2], [1, 0]), 0);
  assert.ok(Number.isNaN(rocAuc([0.1, 0.2], [1, 1])));
});
