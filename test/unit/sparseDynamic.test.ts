import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { buildArchitecture } from '../../src/core/gnn/architecture';
import { ExampleTask } from '../../src/core/gnn/exampleTask';
import { quietContext } from '../../src/core/job';
import { Random } from '../../src/core/random';
import { cosineDropFraction, dropAndGrow, dropCount } from '../../src/core/sparse/dropGrow';
import { countNonZero, keptCount, randomMask } from '../../src/core/sparse/masks';
import { newMeter } from '../../src/core/sparse/methods';
import { SparseNet } from '../../src/core/sparse/sparseNet';
import { trainPhase, type TopologyEvent } from '../../src/core/sparse/trainPhase';

test('cosine drop fraction: α at 0, α/2 halfway, 0 from T_end', () => {
  assert.equal(cosineDropFraction(0, 100, 0.5), 0.5);
  assert.ok(Math.abs(cosineDropFraction(50, 100, 0.5) - 0.25) < 1e-12);
  assert.equal(cosineDropFraction(100, 100, 0.5), 0);
  assert.equal(cosineDropFraction(150, 100, 0.5), 0);
  assert.equal(dropCount(10, 0.24), 2);
  assert.equal(dropCount(2, cosineDropFraction(1, 100, 0.5)), 1, 'a 2-weight layer still changes after step 0');
});

test('dropAndGrow (RigL): drops the smallest |w| active, grows the largest |g| inactive at exactly 0', () => {
  const w = Float32Array.from([0.5, -0.1, 0, 0.3, 0, -0.05, 0, 0.9]);
  const mask = Float32Array.from([1, 1, 0, 1, 0, 1, 0, 1]);
  const g = Float32Array.from([0, 0, 0.2, 0, -0.7, 0.3, 0.01, 0]);
  const r = dropAndGrow(w, mask, 2, { kind: 'gradient', gradient: g });
  assert.deepEqual(Array.from(r.dropped), [5, 1]); // |−0.05| < |−0.1|
  // Candidates after the drop: 1, 2, 4, 5, 6 → by |g|: 4 (0.7), 5 (0.3, just dropped: regrown at 0).
  assert.deepEqual(Array.from(r.grown), [4, 5]);
  assert.deepEqual(Array.from(mask), [1, 0, 0, 1, 1, 1, 0, 1]);
  assert.equal(w[4], 0);
  assert.equal(w[5], 0);
  assert.equal(w[1], 0);
  assert.equal(countNonZero(mask), 5);
});

test('dropAndGrow (SET): random growth among inactive positions keeps the count', () => {
  const rng = new Random(3);
  const w = Float32Array.from({ length: 100 }, () => rng.normal());
  const mask = randomMask(100, 20, rng);
  for (let i = 0; i < 100; i++) if (!mask[i]) w[i] = 0;
  const before = Array.from(mask);
  const r = dropAndGrow(w, mask, 7, { kind: 'random', rng: new Random(9) });
  assert.equal(countNonZero(mask), 20);
  assert.equal(r.grown.length, 7);
  for (const i of r.grown) {
    assert.equal(mask[i], 1);
    assert.equal(w[i], 0);
  }
  for (const i of r.dropped) assert.equal(before[i], 1);
});

function blobTask(seed: number) {
  const rng = new Random(seed);
  const d = 16;
  const c = 4;
  const centers = Float32Array.from({ length: c * d }, () => rng.normal());
  const ex = (n: number) => {
    const labels = Int32Array.from({ length: n }, () => rng.int(c));
    const x = new Float32Array(n * d);
    labels.forEach((y, i) => {
      for (let j = 0; j < d; j++) x[i * d + j] = centers[y * d + j] + 0.8 * rng.normal();
    });
    return { x, labels };
  };
  const arch = buildArchitecture('node', 'mlp', d, c);
  return new ExampleTask(arch, ex(160), { val: ex(40), test: ex(80) }, 32);
}

for (const kind of ['rigl', 'set'] as const) {
  test(`${kind}: each layer's density stays constant across updates and grown weights are exactly 0 when grown`, async () => {
    await tf.setBackend('cpu');
    const task = blobTask(11);
    const sparsity = 0.9;
    const net = SparseNet.initial(task.arch, new Random(1));
    const rng = new Random(4);
    const keep = task.arch.terms.map((t) => keptCount(t.cIn * t.cOut, sparsity));
    task.arch.terms.forEach((t, i) => net.setMask(i, randomMask(t.cIn * t.cOut, keep[i], rng)));
    const events: TopologyEvent[] = [];
    const meter = newMeter(task);
    const report = trainPhase(net, task, { kind, epochs: 8, learningRate: 0.01, updates: 10, growthRng: new Random(6) }, meter, new Random(2), quietContext, {
      onTopology: (e) => events.push(e),
    });
    assert.ok(report.topologyUpdates >= 8, `${report.topologyUpdates} updates`);
    assert.ok(events.length >= report.topologyUpdates, 'every layer with something to drop changed');
    const changed = events.filter((e) => e.grown.some((i) => !Array.from(e.dropped).includes(i)));
    assert.ok(changed.length > 0, 'some growth lands on new positions');
    for (const e of events) {
      assert.equal(countNonZero(e.mask), keep[e.term], `term ${e.term} at step ${e.step}`);
      assert.equal(e.grown.length, e.dropped.length);
      for (const i of e.grown) {
        assert.equal(e.mask[i], 1);
        assert.equal(e.weights[i], 0, `grown weight ${i} of term ${e.term} starts at 0`);
      }
      for (const i of e.dropped) if (!Array.from(e.grown).includes(i)) assert.equal(e.weights[i], 0);
      // Every inactive weight is exactly zero.
      for (let i = 0; i < e.mask.length; i++) if (!e.mask[i]) assert.equal(e.weights[i], 0);
    }
    // No update at or after T_end = 75 % of the steps.
    const total = 8 * task.stepsPerEpoch;
    for (const e of events) assert.ok(e.step > 0 && e.step < Math.floor(0.75 * total));
    assert.deepEqual(net.activeCounts(), keep);
    assert.ok(Math.abs(meter.trainingSparsity - (1 - keep.reduce((s, k) => s + k, 0) / task.arch.terms.reduce((s, t) => s + t.cIn * t.cOut, 0))) < 1e-12);
    if (kind === 'set') assert.equal(meter.denseGradientSteps, 0);
    else assert.equal(meter.denseGradientSteps, report.topologyUpdates);
  });
}

test('rigl: at most `updates` topology updates, also when T_end is shorter than that many intervals', async () => {
  await tf.setBackend('cpu');
  const task = blobTask(12);
  const net = SparseNet.initial(task.arch, new Random(1));
  const rng = new Random(4);
  task.arch.terms.forEach((t, i) => net.setMask(i, randomMask(t.cIn * t.cOut, keptCount(t.cIn * t.cOut, 0.75), rng)));
  // 8 epochs × 5 steps: T_end = 30, ΔT = max(1, ⌊30/20⌋) = 1 — without the cap every step 1…29 would update.
  const meter = newMeter(task);
  const r = trainPhase(net, task, { kind: 'rigl', epochs: 8, learningRate: 0.01, updates: 20 }, meter, new Random(2), quietContext);
  assert.equal(r.topologyUpdates, 20);
  assert.equal(meter.denseGradientSteps, 20);
});
