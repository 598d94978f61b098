/**
 * A training configuration from user options: defaults, then checks with messages that name the option.
 *
 * Defaults follow RGP's recipe (arXiv 2110.15192 §4, after graph2nn): SGD with momentum 0.9, cosine
 * learning rate from 0.1, weight decay 5e-4, batch 128, from scratch. Fine-tuning starts from trained
 * weights, so its SGD rate defaults to 0.01; Adam defaults to 1e-3 (1e-4 when fine-tuning).
 */
import { RgpError } from '../errors';
import type { TrainConfig } from './results';

export type TrainConfigInput = Partial<TrainConfig>;

export const DEFAULT_EPOCHS = 10;
export const DEFAULT_BATCH = 128;

function defaultRate(mode: TrainConfig['mode'], optimizer: TrainConfig['optimizer']): number {
  if (optimizer === 'adam') return mode === 'finetune' ? 1e-4 : 1e-3;
  return mode === 'finetune' ? 0.01 : 0.1;
}

function check(ok: boolean, message: string, hint: string): void {
  if (!ok) throw new RgpError('BAD_ARGUMENT', message, hint);
}

export function resolveTrainConfig(input: TrainConfigInput): TrainConfig {
  const mode = input.mode ?? 'scratch';
  check(mode === 'scratch' || mode === 'finetune', `The training mode must be scratch or finetune, got "${String(mode)}".`, 'scratch re-initialises the weights (RGP); finetune keeps trained weights.');
  const optimizer = input.optimizer ?? 'sgd';
  check(optimizer === 'sgd' || optimizer === 'adam', `The optimizer must be sgd or adam, got "${String(optimizer)}".`, 'sgd is RGP\'s recipe (momentum, cosine rate, weight decay).');
  const schedule = input.schedule ?? 'cosine';
  check(schedule === 'cosine' || schedule === 'constant', `The schedule must be cosine or constant, got "${String(schedule)}".`, 'Use cosine (RGP) or constant.');
  const epochs = input.epochs ?? DEFAULT_EPOCHS;
  check(Number.isInteger(epochs) && epochs >= 1, `The number of epochs must be an integer ≥ 1, got ${epochs}.`, 'Example: --epochs 10.');
  const batchSize = input.batchSize ?? DEFAULT_BATCH;
  check(Number.isInteger(batchSize) && batchSize >= 1, `The batch size must be an integer ≥ 1, got ${batchSize}.`, 'Example: --batch-size 128.');
  const learningRate = input.learningRate ?? defaultRate(mode, optimizer);
  check(Number.isFinite(learningRate) && learningRate > 0, `The learning rate must be a number > 0, got ${learningRate}.`, 'Example: --lr 0.1 (SGD) or --lr 0.001 (Adam).');
  const momentum = input.momentum ?? 0.9;
  check(Number.isFinite(momentum) && momentum >= 0 && momentum < 1, `The momentum must be in [0, 1), got ${momentum}.`, 'RGP uses 0.9.');
  const weightDecay = input.weightDecay ?? 5e-4;
  check(Number.isFinite(weightDecay) && weightDecay >= 0, `The weight decay must be a number ≥ 0, got ${weightDecay}.`, 'RGP uses 5e-4; 0 turns it off.');
  const seed = input.seed ?? 1;
  check(Number.isInteger(seed), `The seed must be an integer, got ${seed}.`, 'Example: --seed 1.');
  return { mode, optimizer, epochs, batchSize, learningRate, schedule, momentum, weightDecay, seed };
}
