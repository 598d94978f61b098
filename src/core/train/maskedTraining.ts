/**
 * The masked training loop (RGP, arXiv 2110.15192 §4: the masked network trained with the mask fixed).
 *
 * A custom loop rather than `model.fit`: the learning rate changes every step (cosine), the RGP mask
 * is applied inside the same update that changes a weight (so no batch ever sees a pruned weight ≠ 0 and
 * no callback can be skipped), the per-epoch shuffle uses our seeded `Random` (fit's `shuffle` uses
 * Math.random), and cancellation is polled between batches. Each step is
 *
 *     gather batch → loss, ∇ (tf.variableGrads over the trainable variables only) → update rule with
 *     weight decay → w ← where(mask, w_new, +0)
 *
 * inside one tf.tidy; per epoch the test set is evaluated and `onEpoch` awaited (checkpoints are written
 * there). The masks must already have been applied to the starting weights (applyMasks).
 *
 * Cost per epoch: one forward and backward pass per example, O(parameters) per step for the update;
 * the model runs dense kernels (masking saves no arithmetic here — it fixes which weights may be non-zero).
 * Tensor hygiene: everything per step lives in a tidy; the optimizer state is disposed at the end; the
 * number of live tensors is the same after every epoch.
 */
import * as tf from '@tensorflow/tfjs';
import type { CancelSignal, Progress } from '../job';
import { Random } from '../random';
import type { TrainConfig, EpochRecord } from './results';
import { evaluateBatches } from './evaluate';
import { crossEntropy, type OutputKind } from './loss';
import type { MaskBinding } from './maskBinding';
import { createUpdateRule, type TrainableVariable } from './optimizer';
import { learningRateAt } from './schedule';
import type { TensorSplit } from './tensorData';

export interface TrainLoopOptions {
  config: TrainConfig;
  outputKind: OutputKind;
  masks: readonly MaskBinding[];
  signal: CancelSignal;
  progress?: Progress;
  /** Awaited after each epoch's evaluation (write a checkpoint here); the loop resumes afterwards. */
  onEpoch?: (record: EpochRecord) => void | Promise<void>;
  /** Progress bar share of this loop within a larger job (default: the whole bar). */
  progressSlice?: { from: number; width: number };
}

export interface TrainLoopResult {
  curve: EpochRecord[];
  /** True when the signal stopped the loop before all epochs finished (the curve holds the complete epochs). */
  cancelled: boolean;
}

/** Variables whose name ends in a kernel or embedding matrix get weight decay (PyTorch-style L2 on weights, not biases or norms). */
function decays(originalName: string): boolean {
  const v = originalName.slice(originalName.lastIndexOf('/') + 1);
  return /kernel$/.test(v) || v === 'embeddings';
}

const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());
const yieldToEventLoop = () =>
  new Promise<void>((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));

export async function trainMasked(model: tf.LayersModel, data: TensorSplit, opts: TrainLoopOptions): Promise<TrainLoopResult> {
  const { config } = opts;
  const maskFor = new Map(opts.masks.map((m) => [m.variable, m]));
  const trainable: TrainableVariable[] = model.trainableWeights.map((w) => {
    const mask = maskFor.get(w);
    return { variable: w.read() as tf.Variable, decay: decays(w.originalName), ...(mask ? { project: mask.project } : {}) };
  });
  const vars = trainable.map((t) => t.variable);
  const rule = createUpdateRule(trainable, { kind: config.optimizer, momentum: config.momentum, weightDecay: config.weightDecay });
  const shuffler = new Random(config.seed).fork();
  const count = data.trainCount;
  const stepsPerEpoch = Math.ceil(count / config.batchSize);
  const totalSteps = stepsPerEpoch * config.epochs;
  const slice = opts.progressSlice ?? { from: 0, width: 1 };
  const curve: EpochRecord[] = [];
  let step = 0;
  let lastYield = now();
  let lastReport = 0;
  try {
    for (let epoch = 1; epoch <= config.epochs; epoch++) {
      const order = shuffler.shuffle(Int32Array.from({ length: count }, (_, i) => i));
      const started = now();
      let lossSum = 0;
      let learningRate = config.learningRate;
      for (let b = 0; b < stepsPerEpoch; b++) {
        // Let SIGINT handlers and worker messages run, then honour a cancel before starting the batch.
        if (now() - lastYield > 100) {
          await yieldToEventLoop();
          lastYield = now();
        }
        if (opts.signal.cancelled) return { curve, cancelled: true };
        const start = b * config.batchSize;
        const size = Math.min(config.batchSize, count - start);
        learningRate = learningRateAt(config.schedule, config.learningRate, step, totalSteps);
        const lr = learningRate;
        const loss = tf.tidy(() => {
          const { x: xb, y: yb } = data.trainBatch(order.subarray(start, start + size));
          const { value, grads } = tf.variableGrads(() => crossEntropy(model.apply(xb, { training: true }) as tf.Tensor, yb, data.classes, opts.outputKind), vars);
          rule.step(grads, lr);
          return value.dataSync()[0]!;
        });
        lossSum += loss * size;
        step++;
        if (opts.progress && now() - lastReport > 100) {
          lastReport = now();
          const fraction = slice.from + (slice.width * step) / totalSteps;
          opts.progress.report({ fraction, message: `epoch ${epoch}/${config.epochs}, batch ${b + 1}/${stepsPerEpoch}: loss ${loss.toFixed(4)}` });
        }
      }
      const seconds = (now() - started) / 1000;
      const test = evaluateBatches(model, data.testCount, data.testBatch, data.classes, opts.outputKind);
      const record: EpochRecord = {
        epoch,
        loss: lossSum / count,
        testLoss: test.loss,
        testAccuracy: test.accuracy,
        learningRate,
        seconds,
        examplesPerSecond: count / Math.max(seconds, 1e-9),
      };
      curve.push(record);
      opts.progress?.report({
        fraction: slice.from + (slice.width * step) / totalSteps,
        message: `epoch ${epoch}/${config.epochs}: loss ${record.loss.toFixed(4)}, test accuracy ${(100 * record.testAccuracy).toFixed(2)} %`,
      });
      await opts.onEpoch?.(record);
    }
    return { curve, cancelled: false };
  } finally {
    rule.dispose();
  }
}
