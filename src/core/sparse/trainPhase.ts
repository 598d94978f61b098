/**
 * One training phase of a sparsification method, with exact cost accounting at every step.
 *
 *   dense   all weights train; dense weight gradients (dense baseline, and the pre-training of train-and-prune)
 *   admm    dense training of f(W) + ρ/2·Σ‖W − Z + U‖², Z/U (and ρ) updated `admmUpdates` times (admm.ts)
 *   slr     dense training of f(W) + Σ⟨Λ, W − Z⟩ + ρ/2‖W − Z‖², `admmUpdates` SLR iterations (slr.ts): the
 *           multipliers move only when the surrogate optimality condition holds, by SLR's shrinking step
 *   masked  the masks are fixed: magnitude/ADMM retraining after the prune, and RGP from scratch
 *   rigl    RigL (Evci et al. 2020): every ΔT steps until T_end, drop/grow by |w| and |dense gradient|;
 *           as in RigL's code, an update step changes the topology *instead of* taking an optimiser step,
 *           and it is the only step whose weight gradient is dense
 *   set     SET (Mocanu et al. 2018) on the same schedule: an optimiser step, then random regrowth
 * The drop fraction follows RigL's cosine decay from `dropFraction` (α) to 0 at T_end = endFraction·T;
 * ΔT = max(1, ⌊T_end / updates⌋) and at most `updates` of them, so every run gets (nearly) `updates`
 * topology changes whatever the data size — never one at every step of a short run.
 * The learning rate is cosine-decayed to 0 over the phase (Loshchilov & Hutter 2017). Adam, fresh per phase.
 *
 * Parameters, masks and Adam live in Float32Arrays (sparseNet.ts, maskedAdam.ts); a step uploads the
 * weights, runs the forward/backward pass in tfjs (network.ts) and reads the gradients back.
 *
 * Cost per step: O(model MACs); a topology update or ADMM projection adds O(m log m) per layer.
 */
import * as tf from '@tensorflow/tfjs';
import { lossAndGradients } from '../gnn/network';
import type { TaskBatch, TrainingTask } from '../gnn/task';
import type { JobContext } from '../job';
import { Random as SeededRandom, type Random } from '../random';
import { AdmmLayer, RhoSchedule, type AdmmOptions } from './admm';
import { SlrState, type SlrOptions } from './slr';
import { cosineDropFraction, dropAndGrow, dropCount, type GrowthRule } from './dropGrow';
import { countNonZero } from './masks';
import type { TrainingMeter } from './flops';
import { MaskedAdam } from './maskedAdam';
import type { SparseNet } from './sparseNet';

export type PhaseKind = 'dense' | 'admm' | 'slr' | 'masked' | 'rigl' | 'set';

export interface PhaseSpec {
  kind: PhaseKind;
  epochs: number;
  learningRate: number;
  /** rigl/set: T_end as a fraction of the phase's steps (default 0.75, RigL's). */
  endFraction?: number;
  /** rigl/set: initial drop fraction α (default 0.5). */
  dropFraction?: number;
  /** rigl/set: the most topology updates over the phase (default 20). */
  updates?: number;
  /** set: the stream random regrowth draws from (kept apart from the batch order). */
  growthRng?: Random;
  /** admm: kept weights per term (the projection's budget). */
  keep?: number[];
  /** admm: Z/U updates over the phase (default 10), and ρ's schedule. */
  admmUpdates?: number;
  admm?: AdmmOptions;
  /** slr: the step-size rule and ρ (slr.ts). */
  slr?: SlrOptions;
}

export interface TopologyEvent {
  step: number;
  term: number;
  dropped: Int32Array;
  grown: Int32Array;
  /** The term's weights and mask right after the update (copies). */
  weights: Float32Array;
  mask: Float32Array;
}

export interface PhaseReport {
  steps: number;
  /** Mean training loss of each epoch. */
  losses: number[];
  topologyUpdates: number;
  /** admm: the largest per-layer ‖W − Z‖/‖W‖ after the last Z/U update (relative primal residual). */
  admmResidual?: number;
  /** slr: iterations, and how many of them met the W-step / Z-step surrogate condition (multipliers moved). */
  slrUpdates?: { iterations: number; w: number; z: number };
}

export interface PhaseHooks {
  onTopology?: (e: TopologyEvent) => void;
  /** After each epoch: (epoch index within the phase, epochs). */
  onEpoch?: (epoch: number, epochs: number, loss: number) => void;
}

export function trainPhase(net: SparseNet, task: TrainingTask, spec: PhaseSpec, meter: TrainingMeter, rng: Random, ctx: JobContext, hooks: PhaseHooks = {}): PhaseReport {
  const arch = net.arch;
  const terms = arch.terms.length;
  const totalSteps = spec.epochs * task.stepsPerEpoch;
  const dynamic = spec.kind === 'rigl' || spec.kind === 'set';
  const endStep = Math.floor((spec.endFraction ?? 0.75) * totalSteps);
  const maxUpdates = spec.updates ?? 20;
  const every = Math.max(1, Math.floor(endStep / maxUpdates));
  const alpha = spec.dropFraction ?? 0.5;
  if ((spec.kind === 'masked' || dynamic) && net.masks.every((m) => m === null)) throw new Error(`a ${spec.kind} phase needs masks`);
  const regularised = spec.kind === 'admm' || spec.kind === 'slr';
  if (spec.kind === 'dense' || regularised) for (let i = 0; i < terms; i++) net.setMask(i, null);

  let admm: { layers: AdmmLayer[]; targets: Float32Array[]; extra: Float32Array[]; rho: RhoSchedule; every: number } | null = null;
  let residual: number | undefined;
  if (spec.kind === 'admm') {
    if (!spec.keep || spec.keep.length !== terms) throw new Error('an admm phase needs the kept count of every term');
    const layers = arch.terms.map((_, i) => new AdmmLayer(net.weights[i], spec.keep![i], spec.admm?.dualStep));
    admm = {
      layers,
      targets: layers.map((l) => l.penaltyTarget()),
      extra: net.weights.map((w) => new Float32Array(w.length)),
      rho: new RhoSchedule(spec.admm),
      every: Math.max(1, Math.floor(totalSteps / (spec.admmUpdates ?? 10))),
    };
  }

  // SLR: a fixed probe batch (the first batch of a fixed order) on which f is compared between iterations.
  let slr: { state: SlrState; probe: TaskBatch; extra: Float32Array[]; every: number } | null = null;
  const probeLoss = (): number => {
    const params = net.params();
    const g = lossAndGradients(arch, params, slr!.probe, task.prop);
    tf.dispose([...params.weights, ...params.biases]);
    const loss = g.loss.dataSync()[0];
    tf.dispose([g.loss, ...g.weights, ...g.biases]);
    meter.record(slr!.probe.rows, net.activeCounts(), true, task.aggregationPerStep);
    return loss;
  };
  if (spec.kind === 'slr') {
    if (!spec.keep || spec.keep.length !== terms) throw new Error('an slr phase needs the kept count of every term');
    const first = task.epoch(new SeededRandom(0x5a17))[Symbol.iterator]().next();
    if (first.done) throw new Error('the task has no training batch');
    slr = { state: null as unknown as SlrState, probe: first.value, extra: net.weights.map((w) => new Float32Array(w.length)), every: Math.max(1, Math.floor(totalSteps / (spec.admmUpdates ?? 10))) };
    slr.state = new SlrState(net.weights, spec.keep, probeLoss(), spec.slr);
  }

  const optimizer = new MaskedAdam([...net.weights, ...net.biases].map((p) => p.length));
  const noMasks = net.biases.map(() => null);
  const losses: number[] = [];
  let step = 0;
  let topologyUpdates = 0;
  for (let epoch = 0; epoch < spec.epochs; epoch++) {
    let lossSum = 0;
    let batches = 0;
    for (const batch of task.epoch(rng)) {
      ctx.signal.throwIfCancelled();
      const lr = 0.5 * spec.learningRate * (1 + Math.cos((Math.PI * step) / Math.max(1, totalSteps)));
      const params = net.params();
      const g = lossAndGradients(arch, params, batch, task.prop);
      batch.dispose();
      tf.dispose([...params.weights, ...params.biases]);
      const gw = g.weights.map((t) => t.dataSync());
      const gb = g.biases.map((t) => t.dataSync());
      lossSum += g.loss.dataSync()[0];
      batches++;
      tf.dispose([g.loss, ...g.weights, ...g.biases]);

      const nnz = net.activeCounts();
      const updateNow = dynamic && step > 0 && step < endStep && step % every === 0 && topologyUpdates < maxUpdates;
      if (updateNow && spec.kind === 'rigl') {
        // RigL grows by the dense gradient: this step's weight gradient is counted dense, and no optimiser step is taken.
        meter.record(batch.rows, nnz, true, task.aggregationPerStep);
        topologyUpdates++;
        updateTopology(net, gw, step, endStep, alpha, rng, hooks);
      } else {
        meter.record(batch.rows, nnz, spec.kind === 'dense' || regularised, task.aggregationPerStep);
        if (admm) {
          const rho = admm.rho.rho;
          for (let i = 0; i < terms; i++) {
            const w = net.weights[i];
            const t = admm.targets[i];
            const e = admm.extra[i];
            for (let j = 0; j < w.length; j++) e[j] = rho * (w[j] - t[j]);
          }
        }
        if (slr) slr.state.penaltyGradient(net.weights, slr.extra);
        optimizer.step([...net.weights, ...net.biases], [...gw, ...gb], [...net.masks, ...noMasks], lr, admm ? admm.extra : slr ? slr.extra : []);
        if (updateNow) {
          topologyUpdates++;
          updateTopology(net, null, step, endStep, alpha, spec.growthRng ?? rng, hooks);
        }
        if (admm && (step + 1) % admm.every === 0) {
          const scale = admm.rho.advance();
          let worst = 0;
          admm.layers.forEach((layer, i) => {
            worst = Math.max(worst, layer.update(net.weights[i], scale));
            admm!.targets[i] = layer.penaltyTarget();
          });
          residual = worst;
        }
        if (slr && (step + 1) % slr.every === 0) residual = slr.state.iterate(net.weights, probeLoss());
      }
      step++;
    }
    losses.push(lossSum / Math.max(1, batches));
    hooks.onEpoch?.(epoch, spec.epochs, losses[losses.length - 1]);
  }
  if (slr) slr.probe.dispose();
  return { steps: step, losses, topologyUpdates, ...(residual !== undefined ? { admmResidual: residual } : {}), ...(slr ? { slrUpdates: { w: slr.state.wUpdates, z: slr.state.zUpdates, iterations: Math.floor(step / slr.every) } } : {}) };
}

/** RigL growth when `denseGrads` is given, SET's random growth (from `rng`) when it is null. */
function updateTopology(net: SparseNet, denseGrads: ArrayLike<number>[] | null, step: number, endStep: number, alpha: number, rng: Random, hooks: PhaseHooks): void {
  const fraction = cosineDropFraction(step, endStep, alpha);
  net.arch.terms.forEach((_, i) => {
    const mask = net.masks[i];
    if (!mask) return;
    const count = dropCount(countNonZero(mask), fraction);
    if (count === 0) return;
    const rule: GrowthRule = denseGrads ? { kind: 'gradient', gradient: denseGrads[i] } : { kind: 'random', rng };
    const { dropped, grown } = dropAndGrow(net.weights[i], mask, count, rule);
    hooks.onTopology?.({ step, term: i, dropped, grown, weights: Float32Array.from(net.weights[i]), mask: Float32Array.from(mask) });
  });
}
