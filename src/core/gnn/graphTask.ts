/**
 * Node classification on the whole graph (GCN / GraphSAGE, semi-supervised as in Kipf & Welling 2017): every
 * step runs all N nodes through the model (the propagation mixes them) and the loss averages over the
 * training nodes only; validation and test read the same full forward pass at their own nodes.
 * One step per epoch (full batch).
 *
 * Cost: the first block's Â·X / Ā·X once per run (nnz·d); per step, each later aggregated term costs
 * nnz·C_out forward (Â·(H·W)) and nnz·C_out backward (Âᵀ·dZ).
 */
import * as tf from '@tensorflow/tfjs';
import type { Random } from '../random';
import { argmaxAccuracy } from '../sparse/metrics';
import type { Aggregation, Architecture } from './architecture';
import { predict, type NetworkParams, type PropagationTensors } from './network';
import { spmm, type Propagation } from './propagation';
import type { TaskBatch, TaskMetrics, TrainingTask } from './task';

export interface GraphNodeData {
  /** N × input width, row-major (node embeddings). */
  features: Float32Array;
  /** Class per node, −1 for unlabelled. */
  labels: Int32Array;
  train: Int32Array;
  val: Int32Array;
  test: Int32Array;
  /** The propagation matrices the architecture's aggregations need. */
  gcn?: Propagation;
  mean?: Propagation;
}

export class GraphTask implements TrainingTask {
  readonly prop: PropagationTensors = {};
  readonly stepsPerEpoch = 1;
  readonly aggregationPerStep: number;
  readonly aggregationOnce: number;
  private readonly n: number;
  private readonly inputs: Partial<Record<Aggregation, tf.Tensor2D>> = {};
  private readonly target: tf.Tensor2D;
  private readonly rowWeight: tf.Tensor2D;

  constructor(
    readonly arch: Architecture,
    private readonly data: GraphNodeData,
  ) {
    const d = arch.inputWidth;
    this.n = data.labels.length;
    const n = this.n;
    if (data.features.length !== n * d) throw new RangeError(`features hold ${data.features.length} values, expected ${n}×${d}`);
    const propOf = (a: Aggregation): Propagation | null => {
      if (a === 'none') return null;
      const p = a === 'gcn' ? data.gcn : data.mean;
      if (!p) throw new Error(`the ${a} propagation matrix is missing`);
      if (p.nodeCount !== n) throw new RangeError(`the ${a} propagation matrix is for ${p.nodeCount} nodes, not ${n}`);
      return p;
    };
    let once = 0;
    let perStep = 0;
    for (const t of arch.terms) {
      const p = propOf(t.aggregation);
      if (p) this.prop[t.aggregation as 'gcn' | 'mean'] = p;
      if (t.block === 0 && !this.inputs[t.aggregation]) {
        this.inputs[t.aggregation] = tf.tensor2d(p ? spmm(p.matrix, data.features, d) : data.features, [n, d]);
        once += (p?.nnz ?? 0) * d;
      }
      if (t.block > 0) perStep += 2 * (p?.nnz ?? 0) * t.cOut;
    }
    this.aggregationOnce = once;
    this.aggregationPerStep = perStep;

    const c = arch.outputWidth;
    const y = new Float32Array(n * c);
    const w = new Float32Array(n);
    for (const i of data.train) {
      if (data.labels[i] < 0) throw new RangeError(`training node ${i} is unlabelled`);
      y[i * c + data.labels[i]] = 1;
      w[i] = 1 / data.train.length;
    }
    this.target = tf.tensor2d(y, [n, c]);
    this.rowWeight = tf.tensor2d(w, [n, 1]);
  }

  *epoch(_rng: Random): Iterable<TaskBatch> {
    yield { inputs: this.inputs, target: this.target, rowWeight: this.rowWeight, rows: this.n, dispose: () => {} };
  }

  evaluate(params: NetworkParams, split: 'val' | 'test'): TaskMetrics {
    const p = tf.tidy(() => predict(this.arch, params, { inputs: this.inputs }, this.prop));
    const all = p.dataSync();
    p.dispose();
    const nodes = this.data[split];
    const c = this.arch.outputWidth;
    const scores = new Float32Array(nodes.length * c);
    const labels = new Int32Array(nodes.length);
    nodes.forEach((v, i) => {
      scores.set(all.subarray(v * c, (v + 1) * c), i * c);
      labels[i] = this.data.labels[v];
    });
    return { accuracy: argmaxAccuracy(scores, c, labels) };
  }

  dispose(): void {
    tf.dispose([...Object.values(this.inputs), this.target, this.rowWeight]);
  }
}
