/**
 * The status-bar headlines of experiments: the best pruned cell is the highest mean over seeds (not the
 * luckiest single run), dense runs are the baseline and never "best", and a running job says how far it is.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SparsifyRun } from '../../src/core/sparse/results';
import type { SweepRun } from '../../src/core/train/results';
import { bestSweepCell, sparsifyHeadline, sweepHeadline } from '../../src/vscode/resultHeadlines';

const sweepRun = (ratio: number, graph: SweepRun['graph'], seed: number, testAccuracy: number): SweepRun => ({
  ratio, graph, seed, params: 0, macs: 0, testAccuracy, bestTestAccuracy: testAccuracy, finalLoss: 0, curve: [], seconds: 0, backend: 'cpu',
});

test('the best sweep cell is the best mean over seeds, not the luckiest run', () => {
  const runs = [
    sweepRun(0, 'dense', 1, 0.99),
    sweepRun(0.875, 'searched', 1, 0.95), sweepRun(0.875, 'searched', 2, 0.95),
    sweepRun(0.9375, 'ring', 1, 0.97), sweepRun(0.9375, 'ring', 2, 0.91),
  ];
  assert.deepEqual(bestSweepCell(runs), { key: { ratio: 0.875, graph: 'searched' }, accuracy: 0.95, runs: 2 });
  // One name for the experiment, as its command says (issue 15 item 12): "ratio experiment", not "sweep".
  assert.equal(sweepHeadline(runs), 'ratio experiment 5 runs · best 95.0 % @ 87.5 %');
  assert.equal(sweepHeadline(runs.slice(0, 2), 12), 'ratio experiment 2/12 runs · best 95.0 % @ 87.5 %');
  assert.equal(sweepHeadline(runs.slice(0, 1), 12), 'ratio experiment 1/12 runs · dense 99.0 %');
  assert.equal(sweepHeadline([], 4), 'ratio experiment 0/4 runs');
});

test('the sparsification headline names the dataset and the best sparse method', () => {
  const run = (method: SparsifyRun['method'], sparsity: number, seed: number, accuracy: number): SparsifyRun => ({
    dataset: 'email-Eu-core', task: 'node', model: 'mlp', method, sparsity, finalSparsity: sparsity, trainingSparsity: sparsity, trainingFlops: 1, accuracy, seed, epochs: 1, seconds: 0,
  });
  const runs = [run('dense', 0, 1, 0.8), run('rigl', 0.9375, 1, 0.6), run('rgp', 0.9375, 1, 0.65), run('rgp', 0.5, 1, 0.7)];
  assert.equal(sparsifyHeadline(runs), 'sparsify email-Eu-core · 4 runs · best rgp 70.0 % @ 50.0 %');
  assert.equal(sparsifyHeadline(runs.slice(0, 1), 6), 'sparsify email-Eu-core · 1/6 runs · dense 80.0 %');
});
