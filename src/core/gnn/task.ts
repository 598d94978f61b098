/**
 * What the training loop needs from a task, independent of whether steps are mini-batches of examples
 * (MLP over embedding features) or the whole graph (GCN / GraphSAGE): the batches of an epoch, the rows a
 * weight matrix multiplies per step (for the MAC count), the aggregation cost, and test/validation metrics.
 */
import type { Random } from '../random';
import type { Architecture } from './architecture';
import type { NetworkParams, PropagationTensors, StepBatch } from './network';

export interface TaskBatch extends StepBatch {
  /** Rows every weight matrix multiplies in this step (the mini-batch size, or N for a full-graph step). */
  rows: number;
  /** Frees the batch's tensors (a no-op for tensors the task keeps). */
  dispose(): void;
}

export interface TaskMetrics {
  accuracy: number;
  /** Link prediction only. */
  auc?: number;
  /** Link prediction's test set: the pairs whose endpoints the features have seen, and the others, apart. */
  byEndpoints?: EndpointMetrics;
}

export interface GroupMetrics {
  pairs: number;
  positives: number;
  /** NaN for an empty group. */
  accuracy: number;
  /** Only when the group holds both classes. */
  auc?: number;
}

export interface EndpointMetrics {
  /** Both endpoints seen by the features (an edge in the graph the embeddings came from). */
  seen: GroupMetrics;
  /** At least one endpoint unseen (its embedding is all zeros before standardising). */
  unseen: GroupMetrics;
}

export interface TrainingTask {
  readonly arch: Architecture;
  readonly prop: PropagationTensors;
  readonly stepsPerEpoch: number;
  /** Aggregation MACs of one training step (forward + backward) and once per run (Â·X of the first block). */
  readonly aggregationPerStep: number;
  readonly aggregationOnce: number;
  epoch(rng: Random): Iterable<TaskBatch>;
  evaluate(params: NetworkParams, split: 'val' | 'test'): TaskMetrics;
  dispose(): void;
}
