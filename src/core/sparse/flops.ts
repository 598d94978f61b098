/**
 * Exact training-cost accounting for sparsified weight layers (the quantities of arXiv 2209.04766, §IV:
 * training FLOPs and training sparsity; the per-step split follows RigL, Evci et al. 2020, App. H).
 *
 * A weight layer Y = X·W with X of `rows` rows, W of C_in×C_out = `size` entries of which `nnz` are active:
 *   forward                       rows·nnz
 *   gradient wrt the input  dX    rows·nnz     — only where it is needed: not for a layer whose input is
 *                                                fixed data (the first layer of these models), so not counted
 *   gradient wrt the weights dW   rows·nnz     for masked training (only active weights get a gradient),
 *                                 rows·size    when the dense gradient is computed: dense training, the ADMM
 *                                              phase, and RigL's topology-update steps (growth by |∂L/∂W|).
 * One multiply-accumulate counts as one FLOP, as in the paper's analytic counts. Bias adds, activations,
 * the loss, the optimiser and the ADMM penalty are elementwise and not counted; evaluation is not training.
 * A graph model's aggregation products (Â·H) do not depend on the weight masks; they are counted apart
 * (`aggregationFlops`, as nnz(Â)·width per product — what a sparse aggregation does) and are NOT in
 * `trainingFlops`.
 *
 * These are the MACs of the sparse algorithm — what a sparse kernel performs. tfjs here multiplies dense
 * matrices that contain zeros, so wall-clock time does not shrink with sparsity.
 *
 * Training sparsity = 1 − (mean over steps of the density Σnnz/Σsize of the sparsified layers).
 */

export interface LayerCost {
  /** C_in·C_out. */
  size: number;
  /** Whether the layer's input gradient is computed (false when its input is fixed data). */
  inputGradient: boolean;
}

export interface StepMacs {
  forward: number;
  inputGradient: number;
  weightGradient: number;
  total: number;
}

/** MACs of one training step on `rows` rows at the active counts `nnz` (one per layer). */
export function stepMacs(rows: number, layers: readonly LayerCost[], nnz: ArrayLike<number>, denseWeightGradient: boolean): StepMacs {
  if (nnz.length !== layers.length) throw new RangeError(`${nnz.length} active counts for ${layers.length} layers`);
  let forward = 0;
  let inputGradient = 0;
  let weightGradient = 0;
  for (let l = 0; l < layers.length; l++) {
    const active = nnz[l];
    if (!(active >= 0 && active <= layers[l].size)) throw new RangeError(`layer ${l}: ${active} active of ${layers[l].size}`);
    forward += rows * active;
    if (layers[l].inputGradient) inputGradient += rows * active;
    weightGradient += rows * (denseWeightGradient ? layers[l].size : active);
  }
  return { forward, inputGradient, weightGradient, total: forward + inputGradient + weightGradient };
}

/** Accumulates the cost of a whole training run, step by step. */
export class TrainingMeter {
  steps = 0;
  flops = 0;
  aggregationFlops = 0;
  denseGradientSteps = 0;
  private densitySum = 0;
  private readonly totalSize: number;

  constructor(readonly layers: readonly LayerCost[]) {
    this.totalSize = layers.reduce((s, l) => s + l.size, 0);
  }

  record(rows: number, nnz: ArrayLike<number>, denseWeightGradient: boolean, aggregationMacs = 0): void {
    this.flops += stepMacs(rows, this.layers, nnz, denseWeightGradient).total;
    this.aggregationFlops += aggregationMacs;
    let active = 0;
    for (let l = 0; l < nnz.length; l++) active += nnz[l];
    this.densitySum += active / this.totalSize;
    this.steps++;
    if (denseWeightGradient) this.denseGradientSteps++;
  }

  /** One-off aggregation work (e.g. Â·X precomputed once per run). */
  addAggregation(macs: number): void {
    this.aggregationFlops += macs;
  }

  /** Mean density over the recorded steps (1 before any step). */
  get meanDensity(): number {
    return this.steps === 0 ? 1 : this.densitySum / this.steps;
  }

  get trainingSparsity(): number {
    return 1 - this.meanDensity;
  }

  /** Continues from another meter's totals (train-and-prune starts from the dense run's cost). */
  absorb(other: TrainingMeter): void {
    if (other.totalSize !== this.totalSize) throw new RangeError('meters of different models');
    this.steps += other.steps;
    this.flops += other.flops;
    this.aggregationFlops += other.aggregationFlops;
    this.denseGradientSteps += other.denseGradientSteps;
    this.densitySum += other.densitySum;
  }
}
