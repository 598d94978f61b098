/**
 * Result fixtures for the experiment and sparsification views, shaped exactly like the jobs' output
 * (src/core/train/results.ts, src/core/sparse/results.ts). The graphs' ASPLs are real (drawn with the
 * graph engine: random regular graphs, ring lattices, and the best of several random draws as the
 * "searched" kind); accuracies and FLOPs are plausible figures with seeded noise, not measurements.
 */
import { aspl, randomRegularGraph, ringLatticeAspl } from '../../src/core/graph';
import { Random } from '../../src/core/random';
import type { SparsifyMethod, SparsifyResult, SparsifyRun, SparsifyTask } from '../../src/core/sparse/results';
import type { GraphKind, SweepResult, SweepRun } from '../../src/core/train/results';

const N = 64;
const RATIOS = [0.5, 0.75, 0.875, 0.9375];
const SEEDS = [1, 2, 3];
/** MLP 784-300-100-10 with its middle layer masked: dense parameters and the masked layer's weights. */
const DENSE_PARAMS = 266_610;
const MASKED_WEIGHTS = 300 * 100;

function graphAspl(kind: GraphKind, k: number, seed: number): number {
  if (kind === 'ring') return ringLatticeAspl(N, k).aspl;
  if (kind === 'random') return aspl(randomRegularGraph(N, k, seed)).aspl;
  // "searched": the lowest ASPL of 8 draws stands in for the swap search.
  let best = Infinity;
  for (let s = 0; s < 8; s++) best = Math.min(best, aspl(randomRegularGraph(N, k, 100 * seed + s)).aspl);
  return best;
}

/** Accuracy drop at ratio r for each kind: ring lattices lose most, low-ASPL graphs least. */
const DROP: Record<Exclude<GraphKind, 'dense'>, (r: number) => number> = {
  searched: (r) => 0.0004 + 0.03 * r ** 6,
  random: (r) => 0.0006 + 0.036 * r ** 6,
  ring: (r) => 0.001 + 0.09 * r ** 5,
};

export function sweepRun(graph: GraphKind, ratio: number, seed: number, rng: Random): SweepRun {
  const k = Math.round(N * (1 - ratio));
  const acc = 0.9812 - (graph === 'dense' ? 0 : DROP[graph](ratio)) + 0.0012 * rng.normal();
  const curve = [1, 2, 3].map((epoch) => ({ epoch, loss: 0.3 / epoch, testAccuracy: acc - 0.01 / epoch }));
  return {
    ratio: graph === 'dense' ? 0 : ratio,
    graph,
    seed,
    ...(graph === 'dense' ? {} : { n: N, k, aspl: graphAspl(graph, k, seed) }),
    params: graph === 'dense' ? DENSE_PARAMS : DENSE_PARAMS - Math.round(MASKED_WEIGHTS * ratio),
    macs: graph === 'dense' ? 266_200 : 266_200 - Math.round(MASKED_WEIGHTS * ratio),
    testAccuracy: acc,
    bestTestAccuracy: acc + 0.0008,
    finalLoss: 0.07 + (0.9812 - acc),
    curve,
    seconds: 20 + 2 * rng.float(),
    backend: 'wasm',
  };
}

export function sweepResult(): SweepResult {
  const rng = new Random(7);
  const graphs: GraphKind[] = ['searched', 'random', 'ring', 'dense'];
  const runs: SweepRun[] = [];
  for (const seed of SEEDS) {
    runs.push(sweepRun('dense', 0, seed, rng));
    for (const graph of graphs.filter((g) => g !== 'dense')) for (const ratio of RATIOS) runs.push(sweepRun(graph, ratio, seed, rng));
  }
  return {
    format: 'rgp-sweep-results',
    version: 1,
    modelPath: '/work/examples/mnist-mlp/model/model.json',
    dataset: 'mnist',
    config: { mode: 'scratch', optimizer: 'adam', epochs: 3, batchSize: 128, learningRate: 0.001, schedule: 'cosine', momentum: 0.9, weightDecay: 0 },
    ratios: RATIOS,
    graphs,
    seeds: SEEDS,
    groups: N,
    backend: 'wasm',
    runs,
    files: ['/tmp/sweep/results.json', '/tmp/sweep/results.csv'],
    seconds: runs.reduce((s, r) => s + r.seconds, 0),
  };
}

export const SPARSITIES = [0.5, 0.75, 0.875, 0.9375];
export const METHODS: SparsifyMethod[] = ['dense', 'rgp', 'rigl', 'set', 'admm', 'magnitude'];

/** Dense training FLOPs of the sparsified layers (forward + backward, 200 epochs of a 2-layer GCN on Cora). */
const DENSE_FLOPS = 3.1e10;

export function sparsifyResult(task: SparsifyTask = 'node', seeds = [1, 2]): SparsifyResult {
  const rng = new Random(11);
  const runs: SparsifyRun[] = [];
  const base = task === 'node' ? 0.812 : 0.874;
  for (const seed of seeds) {
    for (const method of METHODS) {
      for (const sparsity of method === 'dense' ? [0] : SPARSITIES) {
        const drop = { dense: 0, rgp: 0.05, rigl: 0.06, set: 0.08, admm: 0.03, slr: 0.03, magnitude: 0.07 }[method] * sparsity ** 4;
        const density = 1 - sparsity;
        const flops =
          method === 'dense' || method === 'admm' || method === 'magnitude'
            ? DENSE_FLOPS * (method === 'admm' ? 1.5 : 1)
            : DENSE_FLOPS * (density + (method === 'rigl' ? 0.01 : 0));
        runs.push({
          dataset: 'cora',
          task,
          model: 'gcn',
          method,
          sparsity,
          finalSparsity: sparsity,
          trainingSparsity: method === 'admm' || method === 'magnitude' ? 0 : sparsity,
          trainingFlops: flops,
          accuracy: base - drop + 0.004 * rng.normal(),
          ...(task === 'link' ? { auc: 0.91 - drop + 0.003 * rng.normal() } : {}),
          seed,
          epochs: 200,
          seconds: 4 + rng.float(),
        });
      }
    }
  }
  return {
    format: 'rgp-sparsify-results',
    version: 1,
    dataset: 'cora',
    task,
    model: 'gcn',
    sparsities: SPARSITIES,
    methods: METHODS,
    seeds,
    backend: 'wasm',
    runs,
    files: ['/tmp/sparsify/results.json', '/tmp/sparsify/results.csv'],
    seconds: runs.reduce((s, r) => s + r.seconds, 0),
  };
}
