/**
 * The six contenders of the comparison as sequences of training phases (trainPhase.ts), with the epoch
 * budgets that make their costs comparable. E = `epochs`.
 *
 *   dense      E dense epochs: the baseline, and the pre-training that train-and-prune starts from.
 *   magnitude  one-shot magnitude pruning (Han et al. 2015): the dense run (E) → keep the top-|w| per layer →
 *              masked retraining for `retrainEpochs` (default ⌈E/2⌉).
 *   admm       train-and-prune with ADMM (Zhang et al. 2018): the dense run (E) → `admmEpochs` (default ⌈E/2⌉) of
 *              ADMM regularisation towards the top-|w| set → hard magnitude prune → `retrainEpochs` of masked
 *              retraining.
 *   slr        the train-and-prune of arXiv 2209.04766: as admm, with surrogate Lagrangian relaxation (slr.ts:
 *              Bragin et al. 2015; Gurevin et al. 2021) in the regularised phase.
 *   rigl, set  sparse from step 0 (uniform random mask at the target density, same in every layer), E epochs.
 *   rgp        RGP's static regular block mask from step 0, E epochs.
 * Train-and-prune reuses the seed's dense run rather than training it again; its cost (FLOPs, steps at
 * density 1) is charged to it in full. Every method starts from the same seeded initial weights and sees
 * the same batch order, so only the method differs. Each layer keeps keptCount(size, s) weights, so magnitude
 * and ADMM end at exactly that count per layer (up to weights that train to exactly 0, counted as zeros).
 */
import * as tf from '@tensorflow/tfjs';
import type { EndpointMetrics, TaskMetrics, TrainingTask } from '../gnn/task';
import type { JobContext } from '../job';
import { Random } from '../random';
import type { AdmmOptions } from './admm';
import type { SlrOptions } from './slr';
import { TrainingMeter } from './flops';
import { keptCount, magnitudeMask, randomMask } from './masks';
import type { SparsifyMethod } from './results';
import { rgpMasks, type RgpGraphInfo } from './rgpMasks';
import { SparseNet, type NetSnapshot } from './sparseNet';
import { trainPhase, type PhaseHooks, type PhaseReport } from './trainPhase';
import { needsInputGradient } from '../gnn/architecture';

export interface MethodConfig {
  epochs: number;
  learningRate: number;
  retrainEpochs?: number;
  admmEpochs?: number;
  rigl?: { endFraction?: number; dropFraction?: number; updates?: number };
  admm?: AdmmOptions & { updates?: number };
  slr?: SlrOptions;
  rgp?: { groups?: number; searchSwaps?: number };
}

export interface LayerOutcome {
  name: string;
  size: number;
  /** Non-zero weights at the end, counted. */
  nonZero: number;
  /** RGP only: groups and degree of the layer's graph (absent for a layer left dense). */
  n?: number;
  k?: number;
}

export interface RunOutcome {
  accuracy: number;
  auc?: number;
  valAccuracy: number;
  valAuc?: number;
  /** Link prediction: test metrics of pairs with seen and with unseen endpoints, apart. */
  testByEndpoints?: EndpointMetrics;
  finalSparsity: number;
  trainingSparsity: number;
  trainingFlops: number;
  aggregationFlops: number;
  steps: number;
  denseGradientSteps: number;
  layers: LayerOutcome[];
  topologyUpdates?: number;
  admmResidual?: number;
  slrUpdates?: { iterations: number; w: number; z: number };
  rgpGraphs?: RgpGraphInfo[];
  finalLoss: number;
}

/** The seed's dense run, kept so train-and-prune can start from it. */
export interface DenseRun {
  snapshot: NetSnapshot;
  meter: TrainingMeter;
  outcome: RunOutcome;
}

/** Independent seeded streams of one run (the same for every method of a seed). */
function streams(seed: number): { init: Random; order: Random; growth: Random; masks: Random } {
  return { init: new Random(seed), order: new Random(seed ^ 0x2545f491), growth: new Random(seed ^ 0x1b873593), masks: new Random(seed ^ 0x68e31da4) };
}

export function newMeter(task: TrainingTask): TrainingMeter {
  const m = new TrainingMeter(task.arch.terms.map((t) => ({ size: t.cIn * t.cOut, inputGradient: needsInputGradient(t) })));
  m.addAggregation(task.aggregationOnce);
  return m;
}

function finish(net: SparseNet, task: TrainingTask, meter: TrainingMeter, report: PhaseReport, extra: Partial<RunOutcome> = {}): RunOutcome {
  const params = net.params();
  let test: TaskMetrics;
  let val: TaskMetrics;
  try {
    test = task.evaluate(params, 'test');
    val = task.evaluate(params, 'val');
  } finally {
    tf.dispose([...params.weights, ...params.biases]);
  }
  const nonZero = net.nonZeroCounts();
  const layers = net.arch.terms.map((t, i) => ({ name: t.name, size: t.cIn * t.cOut, nonZero: nonZero[i] }));
  const size = layers.reduce((s, l) => s + l.size, 0);
  const nz = layers.reduce((s, l) => s + l.nonZero, 0);
  return {
    accuracy: test.accuracy,
    ...(test.auc !== undefined ? { auc: test.auc } : {}),
    ...(test.byEndpoints ? { testByEndpoints: test.byEndpoints } : {}),
    valAccuracy: val.accuracy,
    ...(val.auc !== undefined ? { valAuc: val.auc } : {}),
    finalSparsity: 1 - nz / size,
    trainingSparsity: meter.trainingSparsity,
    trainingFlops: meter.flops,
    aggregationFlops: meter.aggregationFlops,
    steps: meter.steps,
    denseGradientSteps: meter.denseGradientSteps,
    layers,
    finalLoss: report.losses[report.losses.length - 1] ?? NaN,
    ...extra,
  };
}

export function trainDense(task: TrainingTask, cfg: MethodConfig, seed: number, ctx: JobContext, hooks: PhaseHooks = {}): DenseRun {
  const s = streams(seed);
  const net = SparseNet.initial(task.arch, s.init);
  const meter = newMeter(task);
  const report = trainPhase(net, task, { kind: 'dense', epochs: cfg.epochs, learningRate: cfg.learningRate }, meter, s.order, ctx, hooks);
  return { snapshot: net.snapshot(), meter, outcome: finish(net, task, meter, report) };
}

/** A sparse method at `sparsity` ∈ (0, 1); magnitude and admm need the seed's dense run. */
export function trainSparse(
  method: Exclude<SparsifyMethod, 'dense'>,
  sparsity: number,
  task: TrainingTask,
  cfg: MethodConfig,
  seed: number,
  dense: DenseRun | null,
  ctx: JobContext,
  hooks: PhaseHooks = {},
): RunOutcome {
  if (!(sparsity > 0 && sparsity < 1)) throw new RangeError(`sparsity must be in (0, 1), got ${sparsity}`);
  if ((method as string) === 'dense') throw new Error('the dense run is trainDense');
  const s = streams(seed);
  const arch = task.arch;
  const keep = arch.terms.map((t) => keptCount(t.cIn * t.cOut, sparsity));
  const half = Math.ceil(cfg.epochs / 2);
  const retrainEpochs = cfg.retrainEpochs ?? half;
  const lr = cfg.learningRate;

  if (method === 'magnitude' || method === 'admm' || method === 'slr') {
    if (!dense) throw new Error(`${method} starts from the dense run of the same seed`);
    const net = SparseNet.fromSnapshot(arch, dense.snapshot);
    const meter = newMeter(task);
    meter.absorb(dense.meter);
    // The one-off Â·X is already in the absorbed dense run; this run does not redo it.
    meter.aggregationFlops -= task.aggregationOnce;
    let extra: Partial<RunOutcome> = {};
    if (method === 'admm' || method === 'slr') {
      const phase = { kind: method, epochs: cfg.admmEpochs ?? half, learningRate: lr, keep, admmUpdates: cfg.admm?.updates, admm: cfg.admm, slr: cfg.slr };
      const r = trainPhase(net, task, phase, meter, s.order, ctx, hooks);
      extra = { ...(r.admmResidual !== undefined ? { admmResidual: r.admmResidual } : {}), ...(r.slrUpdates ? { slrUpdates: r.slrUpdates } : {}) };
    }
    arch.terms.forEach((_, i) => net.setMask(i, magnitudeMask(net.weights[i], keep[i])));
    const report = trainPhase(net, task, { kind: 'masked', epochs: retrainEpochs, learningRate: lr }, meter, s.order, ctx, hooks);
    return finish(net, task, meter, report, extra);
  }

  const net = SparseNet.initial(arch, s.init);
  const meter = newMeter(task);
  if (method === 'rgp') {
    const plan = rgpMasks(arch.terms, sparsity, { seed, groups: cfg.rgp?.groups, searchSwaps: cfg.rgp?.searchSwaps }, ctx);
    plan.layers.forEach((l, i) => net.setMask(i, l.mask));
    const report = trainPhase(net, task, { kind: 'masked', epochs: cfg.epochs, learningRate: lr }, meter, s.order, ctx, hooks);
    const out = finish(net, task, meter, report, { rgpGraphs: plan.graphs });
    out.layers.forEach((l, i) => {
      const p = plan.layers[i];
      if (p.n !== undefined) Object.assign(l, { n: p.n, k: p.k });
    });
    return out;
  }
  arch.terms.forEach((t, i) => net.setMask(i, randomMask(t.cIn * t.cOut, keep[i], s.masks)));
  const phase = { kind: method, epochs: cfg.epochs, learningRate: lr, endFraction: cfg.rigl?.endFraction, dropFraction: cfg.rigl?.dropFraction, updates: cfg.rigl?.updates, growthRng: s.growth };
  const report = trainPhase(net, task, phase, meter, s.order, ctx, hooks);
  return finish(net, task, meter, report, { topologyUpdates: report.topologyUpdates });
}
