/**
 * A dataset split checked against a model, and the batches a training loop reads from it, in one of two
 * ways that give the same batches value for value (tensorSplit picks per backend):
 *  - read in place (src/core/train/inPlaceSplit.ts): each batch copied from the split's arrays as needed;
 *    a split shared between threads (a pool's, src/node/sharedDataset.ts) is then held once, by the host;
 *  - uploaded once: features as one tensor [count, …model input shape], labels as int32 [count], batches
 *    gathered on the backend by index, which also serves the per-epoch shuffle.
 *
 * Checks, before anything is uploaded (all user errors, with what to do):
 *  - the split is internally consistent (x holds count·itemSize values, y count integer labels in range);
 *  - the model has one input and one output of shape [batch, units];
 *  - the items fit the model input: the same shape, or the same number of values (row-major data is
 *    reshaped, e.g. MNIST's 28×28 images for a Dense 784 input);
 *  - the dataset's classes equal the model's output units.
 * O(count) for the label scan; an upload copies the features once.
 */
import * as tf from '@tensorflow/tfjs';
import type { DatasetSplit, TensorDataset } from '../data/dataset';
import { RgpError } from '../errors';
import { inPlaceSplit } from './inPlaceSplit';

export interface Batch {
  x: tf.Tensor;
  y: tf.Tensor1D;
}

export interface TensorSplit {
  /** The training examples at these indices, in this order, as one batch (call inside tf.tidy). */
  trainBatch(indices: Int32Array): Batch;
  /** The test examples start … start + size − 1 (call inside tf.tidy). */
  testBatch(start: number, size: number): Batch;
  trainCount: number;
  testCount: number;
  classes: number;
  /** The shape one item is fed as (the model's input shape without the batch axis). */
  itemShape: number[];
  dispose(): void;
}

export interface DatasetFit {
  itemShape: number[];
  classes: number;
  /** True when the items are reshaped to the model's input shape. */
  reshaped: boolean;
}

const fmt = (s: readonly (number | null)[]) => s.map((d) => (d === null ? '?' : String(d))).join('×');

function checkConsistent(d: TensorDataset, which: string): void {
  const bad = (what: string) => new RgpError('BAD_DATASET', `The ${which} set is inconsistent: ${what}.`, 'Check the dataset files: images and labels must describe the same examples.');
  if (!(Number.isInteger(d.count) && d.count > 0)) throw bad(`it has ${d.count} examples`);
  const size = d.itemShape.reduce((a, b) => a * b, 1);
  if (size !== d.itemSize || size <= 0) throw bad(`item shape ${fmt(d.itemShape)} does not hold ${d.itemSize} values`);
  if (d.x.length !== d.count * d.itemSize) throw bad(`${d.x.length} feature values for ${d.count} examples of ${d.itemSize} values`);
  if (d.y.length !== d.count) throw bad(`${d.y.length} labels for ${d.count} examples`);
  for (let i = 0; i < d.y.length; i++) {
    const c = d.y[i]!;
    if (c < 0 || c >= d.classes) throw bad(`label ${i} is ${c}, outside 0…${d.classes - 1}`);
  }
}

/** Checks a split against a model's input and output; throws BAD_DATASET / UNSUPPORTED with what to do. */
export function checkDatasetFits(model: tf.LayersModel, split: DatasetSplit): DatasetFit {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new RgpError('UNSUPPORTED', `The model has ${model.inputs.length} inputs and ${model.outputs.length} outputs; training supports one input and one classifier output.`, 'Train a single-input, single-output classifier.');
  }
  checkConsistent(split.train, 'training');
  checkConsistent(split.test, 'test');
  const input = model.inputs[0]!.shape.slice(1);
  const output = model.outputs[0]!.shape;
  if (output.length !== 2 || typeof output[1] !== 'number') {
    throw new RgpError('UNSUPPORTED', `The model's output has shape [${fmt(output)}]; training needs a classifier output [batch, classes].`, 'Train a model that ends in a Dense layer with one unit per class.');
  }
  const units = output[1];
  const { train, test } = split;
  if (train.itemSize !== test.itemSize || fmt(train.itemShape) !== fmt(test.itemShape)) {
    throw new RgpError('BAD_DATASET', `Training items are ${fmt(train.itemShape)} but test items are ${fmt(test.itemShape)}.`, 'Use training and test files of the same kind.');
  }
  let itemShape: number[];
  let reshaped = false;
  const sameRank = input.length === train.itemShape.length && input.every((d, i) => d === null || d === train.itemShape[i]);
  if (sameRank) itemShape = [...train.itemShape];
  else if (input.every((d) => typeof d === 'number') && (input as number[]).reduce((a, b) => a * b, 1) === train.itemSize) {
    itemShape = input as number[];
    reshaped = true;
  } else {
    throw new RgpError(
      'BAD_DATASET',
      `The dataset's items are ${fmt(train.itemShape)} (${train.itemSize} values) but the model takes ${fmt(input)}.`,
      'Use a dataset whose examples match the model input (e.g. 28×28 digits for a 784-input MLP), or a model built for this data.',
    );
  }
  const classes = Math.max(train.classes, test.classes);
  if (classes !== units) {
    throw new RgpError(
      'BAD_DATASET',
      `The dataset has ${classes} classes (labels 0…${classes - 1}) but the model's output layer has ${units} units.`,
      classes > units
        ? 'Use a model with one output unit per class, or a dataset with the classes this model predicts.'
        : `Use a dataset labelled with all ${units} classes of this model (or state its class count in the dataset spec).`,
    );
  }
  return { itemShape, classes, reshaped };
}

/**
 * The batches of a checked split (see checkDatasetFits). Read in place on the wasm and cpu backends: there
 * copying a batch's rows in JS beats the backend's gather (the bench sweep, 10 MNIST-MLP runs, serial: 53.7 s
 * uploaded vs 47.1 s in place) and no worker holds a copy of a shared split. Uploaded to tfjs-node, whose
 * native gather works on its own copy.
 */
export function tensorSplit(split: DatasetSplit, fit: DatasetFit): TensorSplit {
  return tf.getBackend() === 'tensorflow' ? uploadSplit(split, fit) : inPlaceSplit(split, fit);
}

export interface UploadedSplit extends TensorSplit {
  trainX: tf.Tensor;
  trainY: tf.Tensor1D;
  testX: tf.Tensor;
  testY: tf.Tensor1D;
}

/** Uploads a checked split (see checkDatasetFits). */
export function uploadSplit(split: DatasetSplit, fit: DatasetFit): UploadedSplit {
  const up = (d: TensorDataset) => ({ x: tf.tensor(d.x, [d.count, ...fit.itemShape], 'float32'), y: tf.tensor1d(d.y, 'int32') });
  const train = up(split.train);
  const test = up(split.test);
  return {
    trainX: train.x,
    trainY: train.y,
    testX: test.x,
    testY: test.y,
    trainBatch(indices) {
      const idx = tf.tensor1d(indices, 'int32');
      return { x: tf.gather(train.x, idx), y: tf.gather(train.y, idx) as tf.Tensor1D };
    },
    testBatch(start, size) {
      return { x: tf.slice(test.x, start, size), y: tf.slice(test.y, start, size) };
    },
    trainCount: split.train.count,
    testCount: split.test.count,
    classes: fit.classes,
    itemShape: fit.itemShape,
    dispose() {
      tf.dispose([train.x, train.y, test.x, test.y]);
    },
  };
}
