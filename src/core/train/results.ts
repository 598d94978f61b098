/**
 * What training runs and ratio sweeps produce: plain JSON-serialisable records shared by the jobs, the
 * CLI (results JSON + CSV) and the webview (experiment charts). No functions, no tensors.
 */
import type { BackendName } from './backend';

/** How a masked network is trained. */
export interface TrainConfig {
  /** 'scratch': re-initialise the weights, then train with the mask fixed (RGP's recipe); 'finetune': keep the trained weights, mask them, train further. */
  mode: 'scratch' | 'finetune';
  optimizer: 'sgd' | 'adam';
  epochs: number;
  batchSize: number;
  /** Initial learning rate (cosine-decayed to 0 over all steps when schedule is 'cosine'). */
  learningRate: number;
  schedule: 'cosine' | 'constant';
  /** SGD momentum (ignored by Adam). */
  momentum: number;
  /** L2 weight decay added to the gradient of every kernel (decoupled from Adam's moments: plain L2). */
  weightDecay: number;
  seed: number;
}

export interface EpochRecord {
  epoch: number;
  /** Mean training loss over the epoch. */
  loss: number;
  testLoss: number;
  testAccuracy: number;
  /** Learning rate at the end of the epoch. */
  learningRate: number;
  /** Seconds spent training this epoch (evaluation excluded). */
  seconds: number;
  examplesPerSecond: number;
}

/** Where a run's mask came from. 'dense' = no mask (the baseline). */
export type GraphKind = 'searched' | 'random' | 'ring' | 'dense';

export interface TrainSummary {
  format: 'rgp-train-report';
  version: 1;
  modelPath: string;
  /** Output folder of the trained model (with masks.json when masked); absent when nothing was written. */
  outputPath?: string;
  dataset: string;
  config: TrainConfig;
  backend: { name: BackendName; description: string };
  graph: GraphKind;
  /** Groups n and degree k of the mask (absent for dense). */
  n?: number;
  k?: number;
  aspl?: number;
  /** 1 − kept/n of the mask's graph (0 for dense). */
  ratio: number;
  params: { dense: number; kept: number };
  macs: { dense: number; kept: number };
  curve: EpochRecord[];
  /** Best test accuracy over epochs, and the epoch it came from (the checkpoint kept). */
  best: { epoch: number; testAccuracy: number };
  final: { testAccuracy: number; testLoss: number };
  /** Largest |w| found at a masked position after training: must be exactly 0. */
  maskedMaxAbs: number;
  seconds: number;
  /** True when the run was cancelled: the best complete checkpoint so far was kept. */
  cancelled: boolean;
}

/** One (ratio, graph kind, seed) cell of a sweep. */
export interface SweepRun {
  ratio: number;
  graph: GraphKind;
  seed: number;
  n?: number;
  k?: number;
  aspl?: number;
  params: number;
  macs: number;
  testAccuracy: number;
  bestTestAccuracy: number;
  finalLoss: number;
  /** Per-epoch test accuracy and training loss. */
  curve: Array<{ epoch: number; loss: number; testAccuracy: number }>;
  seconds: number;
  backend: string;
}

export interface SweepResult {
  format: 'rgp-sweep-results';
  version: 1;
  modelPath: string;
  dataset: string;
  config: Omit<TrainConfig, 'seed'>;
  ratios: number[];
  graphs: GraphKind[];
  seeds: number[];
  groups: number;
  backend: string;
  runs: SweepRun[];
  /** Files written (results.json, results.csv), absolute paths. */
  files: string[];
  seconds: number;
  /** Present when the experiment was cancelled: the runs that finished, of those planned (PARTIAL.txt says so too). */
  partial?: { cancelled: true; runsDone: number; runsPlanned: number };
}
