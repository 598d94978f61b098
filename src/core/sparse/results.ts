/**
 * Results of the GNN sparsification comparison (train-and-prune vs sparse training vs RGP's static mask):
 * plain JSON records shared by the job, the CLI (JSON + CSV) and the webview charts.
 */
import type { LinkSplitStats } from '../data/linkSplit';

export type SparsifyMethod = 'dense' | 'admm' | 'slr' | 'magnitude' | 'rigl' | 'set' | 'rgp';
export type SparsifyTask = 'link' | 'node';
export type SparsifyModel = 'mlp' | 'gcn' | 'sage';

export interface SparsifyRun {
  dataset: string;
  task: SparsifyTask;
  model: SparsifyModel;
  method: SparsifyMethod;
  /** Requested model sparsity of the sparsified weight layers (0 for dense). */
  sparsity: number;
  /** Fraction of zero weights in the sparsified layers of the final model, counted. */
  finalSparsity: number;
  /** 1 − (average density of the sparsified layers over all training steps). */
  trainingSparsity: number;
  /**
   * Forward + backward multiply-accumulates of the sparsified weight layers actually performed over training,
   * at the density used at each step (RigL's dense-gradient steps counted dense). One MAC counts as one FLOP,
   * as in the paper's analytic counts; only ratios between methods are meaningful across papers.
   */
  trainingFlops: number;
  /** Test accuracy (link: at threshold 0.5). */
  accuracy: number;
  /** Link prediction only. */
  auc?: number;
  seed: number;
  epochs: number;
  seconds: number;
}

export interface SparsifyResult {
  format: 'rgp-sparsify-results';
  version: 1;
  dataset: string;
  task: SparsifyTask;
  model: SparsifyModel;
  sparsities: number[];
  methods: SparsifyMethod[];
  seeds: number[];
  backend: string;
  /** Link prediction: the protocol (link model, where test features and negatives come from) and each seed's split. */
  link?: {
    linkModel: 'undirected' | 'directed';
    testFeatures: 'train' | 'train+val';
    negativeNodes: 'seen' | 'all';
    /** How self-loops are treated. */
    selfLoops: string;
    /** Per seed: window sizes, cut times, positives, negatives, seen/unseen test pairs (LinkSplitStats). */
    splits: Array<{ seed: number } & LinkSplitStats>;
  };
  runs: SparsifyRun[];
  files: string[];
  seconds: number;
}
