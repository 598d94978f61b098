/**
 * A task of independent examples — the study's pipeline (arXiv 2209.04766): each example is a fixed feature
 * row (a node's skip-gram embedding, or the concatenated embeddings of a candidate link's two ends) fed to
 * the MLP in shuffled mini-batches. Labels are classes (node) or 0/1 (link).
 *
 * Per epoch O(rows·width) to copy batches into tensors; evaluation in chunks of 4096 rows.
 */
import * as tf from '@tensorflow/tfjs';
import type { Random } from '../random';
import { argmaxAccuracy, binaryAccuracy, rocAuc } from '../sparse/metrics';
import type { Architecture } from './architecture';
import { predict, type NetworkParams } from './network';
import type { GroupMetrics, TaskBatch, TaskMetrics, TrainingTask } from './task';

export interface Examples {
  /** rows × width, row-major. */
  x: Float32Array;
  /** Class per row (node) or 0/1 (link). */
  labels: Int32Array | Uint8Array;
  /** Links: 1 where both endpoints are seen by the features; evaluation then reports the two groups apart. */
  seen?: Uint8Array;
}

export class ExampleTask implements TrainingTask {
  readonly prop = {};
  readonly aggregationPerStep = 0;
  readonly aggregationOnce = 0;
  readonly stepsPerEpoch: number;
  private readonly width: number;

  constructor(
    readonly arch: Architecture,
    private readonly train: Examples,
    private readonly splits: { val: Examples; test: Examples },
    private readonly batchSize: number,
  ) {
    this.width = arch.inputWidth;
    for (const [name, e] of [['train', train], ['val', splits.val], ['test', splits.test]] as const) {
      if (e.x.length !== e.labels.length * this.width) throw new RangeError(`${name}: ${e.x.length} features for ${e.labels.length} rows of width ${this.width}`);
    }
    if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw new RangeError(`batch size must be a positive integer, got ${batchSize}`);
    this.stepsPerEpoch = Math.ceil(train.labels.length / batchSize);
  }

  private targets(labels: Int32Array | Uint8Array, rows: ArrayLike<number>): Float32Array {
    const c = this.arch.outputWidth;
    const t = new Float32Array(rows.length * c);
    for (let i = 0; i < rows.length; i++) {
      const y = labels[rows[i]];
      if (c === 1) t[i] = y ? 1 : 0;
      else t[i * c + y] = 1;
    }
    return t;
  }

  *epoch(rng: Random): Iterable<TaskBatch> {
    const n = this.train.labels.length;
    const order = rng.shuffle(Int32Array.from({ length: n }, (_, i) => i));
    for (let start = 0; start < n; start += this.batchSize) {
      const rows = order.subarray(start, Math.min(n, start + this.batchSize));
      const x = new Float32Array(rows.length * this.width);
      for (let i = 0; i < rows.length; i++) x.set(this.train.x.subarray(rows[i] * this.width, (rows[i] + 1) * this.width), i * this.width);
      const input = tf.tensor2d(x, [rows.length, this.width]);
      const target = tf.tensor2d(this.targets(this.train.labels, rows), [rows.length, this.arch.outputWidth]);
      const rowWeight = tf.fill([rows.length, 1], 1 / rows.length) as tf.Tensor2D;
      yield {
        inputs: { none: input },
        target,
        rowWeight,
        rows: rows.length,
        dispose: () => tf.dispose([input, target, rowWeight]),
      };
    }
  }

  evaluate(params: NetworkParams, split: 'val' | 'test'): TaskMetrics {
    const e = this.splits[split];
    const rows = e.labels.length;
    const c = this.arch.outputWidth;
    const scores = new Float32Array(rows * c);
    const chunk = 4096;
    for (let start = 0; start < rows; start += chunk) {
      const end = Math.min(rows, start + chunk);
      const p = tf.tidy(() => predict(this.arch, params, { inputs: { none: tf.tensor2d(e.x.subarray(start * this.width, end * this.width), [end - start, this.width]) } }, this.prop));
      scores.set(p.dataSync(), start * c);
      p.dispose();
    }
    if (c === 1) {
      const all: TaskMetrics = { accuracy: binaryAccuracy(scores, e.labels), auc: rocAuc(scores, e.labels) };
      if (e.seen) all.byEndpoints = { seen: group(scores, e.labels, e.seen, 1), unseen: group(scores, e.labels, e.seen, 0) };
      return all;
    }
    return { accuracy: argmaxAccuracy(scores, c, e.labels) };
  }

  dispose(): void {}
}

/** Binary metrics of the rows whose `seen` flag equals `flag`. */
function group(scores: Float32Array, labels: ArrayLike<number>, seen: Uint8Array, flag: number): GroupMetrics {
  const rows: number[] = [];
  for (let i = 0; i < seen.length; i++) if (seen[i] === flag) rows.push(i);
  const s = Float32Array.from(rows, (i) => scores[i]);
  const y = Uint8Array.from(rows, (i) => labels[i]);
  const positives = y.reduce((a, b) => a + b, 0);
  return {
    pairs: rows.length,
    positives,
    accuracy: rows.length ? binaryAccuracy(s, y) : NaN,
    ...(positives > 0 && positives < rows.length ? { auc: rocAuc(s, y) } : {}),
  };
}
