/**
 * The "sparsify" job: train-and-prune vs sparse training vs RGP's static mask on the weight layers of a
 * graph model (arXiv 2209.04766, with RGP arXiv 2110.15192 as the third contender). For every seed: read the
 * graph once, build the task (split + random walks + skip-gram embeddings, shared by every method of that
 * seed so all see the same features), train the dense model (the baseline and train-and-prune's start), then
 * every sparse method at every sparsity; record accuracy (+AUC for links), training FLOPs, training sparsity
 * and the counted final sparsity (SparsifyRun, plus the details of SparsifyRunDetail).
 *
 * Datasets: a preset name — 'collegemsg' (temporal link prediction) or 'email-eu-core' (node
 * classification, 42 departments) resolving to data/snap/* — or the path of any SNAP / Network-Repository
 * edge list (+ `labels` for node classification). Output (when `out` is given): results.json (the
 * SparsifyResult) and results.csv (one row per run), each written atomically at the end. `onRun` is called
 * after every run. A cancel stops at the next step and throws CANCELLED; nothing is written.
 * Cost: Σ runs × epochs × steps (see methods.ts for each method's epochs) plus one embedding per seed.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { CancelledError, RgpError, isRgpError } from '../core/errors';
import type { JobContext } from '../core/job';
import type { LinkModel, LinkSplitStats } from '../core/data/linkSplit';
import { linkPredictionTask, nodeClassificationTask, type EmbeddingSettings, type PreparedTask } from '../core/gnn/taskFromGraph';
import { trainDense, trainSparse, type DenseRun, type MethodConfig, type RunOutcome } from '../core/sparse/methods';
import type { SparsifyMethod, SparsifyModel, SparsifyResult, SparsifyRun, SparsifyTask } from '../core/sparse/results';
import type { SparsifyRunDetail } from '../core/sparse/summary';
import { describeBackend, selectBackend, type BackendOptions } from '../core/train/backend';
import { prepareOutput } from './outputFolder';
import { readEdgeList, readNodeLabels } from '../io/edgeListFile';
import { cellSelector, type CellSelection } from './grid/cellSelection';
import { resultFiles, writeResultFolder } from './grid/resultFiles';

export const DEFAULT_SPARSITIES = [0.5, 0.75, 0.875, 0.9375, 0.96875, 0.984];
export const ALL_METHODS: SparsifyMethod[] = ['dense', 'magnitude', 'admm', 'slr', 'rigl', 'set', 'rgp'];

export interface SparsifyOptions {
  /** 'collegemsg', 'email-eu-core', or an edge-list path. */
  dataset: string;
  /** Node labels (`node label` rows) for node classification on an edge-list path. */
  labels?: string;
  /** Default: the preset's task; for a path, 'node' with labels, else 'link'. */
  task?: SparsifyTask;
  /** Default 'mlp' (the study's pipeline). */
  model?: SparsifyModel;
  methods?: SparsifyMethod[];
  sparsities?: number[];
  seeds?: number[];
  /** E (default: link 10, node mlp 100, node gcn/sage 200). */
  epochs?: number;
  /** Adam's learning rate (default 0.003 for the MLP, 0.01 for GCN/SAGE). */
  learningRate?: number;
  /** Mini-batch size of the MLP (default link 256, node 64); graph models train full-batch. */
  batchSize?: number;
  /** Train-and-prune's phases (default ⌈E/2⌉ each). */
  admmEpochs?: number;
  retrainEpochs?: number;
  /** RigL/SET topology updates over training (default 20) and T_end as a fraction of it (default 0.75). */
  topologyUpdates?: number;
  /** RGP: upper bound on the groups n (default 64) and the swaps of each graph search (default 2000). */
  rgpGroups?: number;
  rgpSearchSwaps?: number;
  embedding?: EmbeddingSettings;
  /** Link prediction: one model of a link for split, negatives, walks and evaluation (default 'undirected'). */
  linkModel?: LinkModel;
  /** Link prediction: test features from the training window's embeddings (default) or a refit on train + val. */
  testFeatures?: 'train' | 'train+val';
  /** Link prediction: negative pairs' endpoints from the nodes the features have seen (default) or all nodes. */
  negativeNodes?: 'seen' | 'all';
  /** Folder for results.json and results.csv; nothing is written without it. */
  out?: string;
  /** Replace an existing non-empty `out` folder (it is replaced whole, and only once the results are complete). */
  overwrite?: boolean;
  /** Where the presets' files live (default: data/snap under the working folder, else beside the bundle). */
  dataRoot?: string;
  backend?: BackendOptions;
  onRun?: (run: SparsifyRunDetail) => void;
  /**
   * Run only these cells of the grid (src/jobs/grid/sparsifyGrid.ts order): a seed's task and dense run are
   * built only when one of its cells runs; the result holds the chosen runs and nothing is written.
   */
  cells?: CellSelection;
}

const PRESETS: Record<string, { edges: string; labels?: string; task: SparsifyTask; name: string }> = {
  collegemsg: { edges: 'CollegeMsg.txt.gz', task: 'link', name: 'CollegeMsg' },
  'email-eu-core': { edges: 'email-Eu-core.txt.gz', labels: 'email-Eu-core-department-labels.txt.gz', task: 'node', name: 'email-Eu-core' },
};

function presetFolder(dataRoot: string | undefined): string {
  if (dataRoot) return dataRoot;
  const candidates = [path.resolve('data', 'snap'), path.resolve(__dirname, '..', 'data', 'snap'), path.resolve(__dirname, '..', '..', 'data', 'snap')];
  return candidates.find((c) => existsSync(c)) ?? candidates[0];
}

interface ResolvedDataset {
  name: string;
  edges: string;
  labels?: string;
  task: SparsifyTask;
}

export function resolveDataset(options: Pick<SparsifyOptions, 'dataset' | 'labels' | 'task' | 'dataRoot'>): ResolvedDataset {
  const preset = PRESETS[options.dataset.toLowerCase()];
  let d: ResolvedDataset;
  if (preset) {
    const dir = presetFolder(options.dataRoot);
    d = { name: preset.name, edges: path.join(dir, preset.edges), task: options.task ?? preset.task, ...(preset.labels ? { labels: path.join(dir, preset.labels) } : {}) };
    if (options.labels) d.labels = options.labels;
  } else {
    d = { name: path.basename(options.dataset), edges: options.dataset, task: options.task ?? (options.labels ? 'node' : 'link'), ...(options.labels ? { labels: options.labels } : {}) };
  }
  if (d.task === 'node' && !d.labels) {
    throw new RgpError('BAD_ARGUMENT', `Node classification on ${d.name} needs a labels file.`, 'Give --labels <file> with `node label` rows, or use --task link.');
  }
  return d;
}

function list<T>(value: T[] | undefined, fallback: T[], what: string, hint: string): T[] {
  const l = value ?? fallback;
  if (!Array.isArray(l) || l.length === 0) throw new RgpError('BAD_ARGUMENT', `The comparison needs at least one ${what}.`, hint);
  return [...new Set(l)];
}

export function checkOptions(o: SparsifyOptions): { methods: SparsifyMethod[]; sparsities: number[]; seeds: number[]; model: SparsifyModel } {
  const methods = list(o.methods, ALL_METHODS, 'method', `Choose from ${ALL_METHODS.join(', ')}.`);
  for (const m of methods) if (!ALL_METHODS.includes(m)) throw new RgpError('BAD_ARGUMENT', `Unknown method "${m}".`, `Choose from ${ALL_METHODS.join(', ')}.`);
  const sparsities = list(o.sparsities, DEFAULT_SPARSITIES, 'sparsity', 'Example: --sparsities 0.5,0.9,0.984.').sort((a, b) => a - b);
  for (const s of sparsities) if (!(typeof s === 'number' && s > 0 && s < 1)) throw new RgpError('BAD_ARGUMENT', `A sparsity must be strictly between 0 and 1, got ${s}.`, 'Give the fraction of weights removed, e.g. 0.9375.');
  const seeds = list(o.seeds, [1, 2, 3], 'seed', 'Example: --seeds 1,2,3.');
  for (const s of seeds) if (!Number.isSafeInteger(s)) throw new RgpError('BAD_ARGUMENT', `Seeds must be integers, got ${s}.`, 'Example: --seeds 1,2,3.');
  const model = o.model ?? 'mlp';
  if (!['mlp', 'gcn', 'sage'].includes(model)) throw new RgpError('BAD_ARGUMENT', `Unknown model "${model}".`, 'Choose mlp, gcn or sage.');
  const positive = (v: number | undefined, name: string): void => {
    if (v !== undefined && !(Number.isInteger(v) && v >= 1)) throw new RgpError('BAD_ARGUMENT', `${name} must be a positive integer, got ${v}.`, `See rgp sparsify --help.`);
  };
  positive(o.epochs, 'epochs');
  positive(o.batchSize, 'batch size');
  positive(o.admmEpochs, 'ADMM epochs');
  positive(o.retrainEpochs, 'retraining epochs');
  if (o.learningRate !== undefined && !(o.learningRate > 0)) throw new RgpError('BAD_ARGUMENT', `The learning rate must be positive, got ${o.learningRate}.`, 'The default is 0.003 (MLP).');
  return { methods, sparsities, seeds, model };
}

function toRun(base: Omit<SparsifyRun, 'finalSparsity' | 'trainingSparsity' | 'trainingFlops' | 'accuracy' | 'auc'>, o: RunOutcome): SparsifyRunDetail {
  const { accuracy, auc, finalSparsity, trainingSparsity, trainingFlops, ...detail } = o;
  return { ...base, finalSparsity, trainingSparsity, trainingFlops, accuracy, ...(auc !== undefined ? { auc } : {}), ...detail };
}

export async function sparsify(options: SparsifyOptions, ctx: JobContext): Promise<SparsifyResult> {
  const t0 = performance.now();
  const { methods, sparsities, seeds, model } = checkOptions(options);
  const data = resolveDataset(options);
  const task = data.task;
  if (task === 'link' && model !== 'mlp') throw new RgpError('UNSUPPORTED', `Link prediction with the ${model} model is not implemented.`, 'Use --model mlp for link prediction; gcn and sage run node classification.');
  const epochs = options.epochs ?? (task === 'link' ? 10 : model === 'mlp' ? 100 : 200);
  const cfg: MethodConfig = {
    epochs,
    learningRate: options.learningRate ?? (model === 'mlp' ? 0.003 : 0.01),
    ...(options.admmEpochs !== undefined ? { admmEpochs: options.admmEpochs } : {}),
    ...(options.retrainEpochs !== undefined ? { retrainEpochs: options.retrainEpochs } : {}),
    ...(options.topologyUpdates !== undefined ? { rigl: { updates: options.topologyUpdates } } : {}),
    rgp: { ...(options.rgpGroups !== undefined ? { groups: options.rgpGroups } : {}), ...(options.rgpSearchSwaps !== undefined ? { searchSwaps: options.rgpSearchSwaps } : {}) },
  };

  // Refused before any embedding or training time is spent; the atomic write at the end checks again.
  const inputs = [data.edges, ...(task === 'node' && data.labels ? [data.labels] : [])];
  // A single cell of a plan (options.cells) writes no folder: its runner writes the cell's file.
  const outputPath = options.out === undefined || options.cells ? undefined : await prepareOutput({ out: options.out, inputs, overwrite: options.overwrite === true });

  const backend = await selectBackend(options.backend ?? {});
  ctx.progress.report({ message: `reading ${data.name}` });
  const edges = await readEdgeList(data.edges, { ctx });
  const labels = task === 'node' ? await readNodeLabels(data.labels!, edges, { ctx }) : null;

  const sparse = methods.filter((m): m is Exclude<SparsifyMethod, 'dense'> => m !== 'dense');
  const needDense = methods.includes('dense') || sparse.some((m) => m === 'magnitude' || m === 'admm' || m === 'slr');
  const perSeed = (needDense ? 1 : 0) + sparse.length * sparsities.length;
  const total = perSeed * seeds.length;
  const runs: SparsifyRunDetail[] = [];
  let done = 0;
  const progress = (label: string) => (epoch: number, of: number) => {
    ctx.progress.report({ fraction: (done + (epoch + 1) / of) / total, message: `${data.name} seed ${seeds[Math.floor(done / perSeed)]} · ${label} · epoch ${epoch + 1}/${of}` });
  };

  const linkOptions = { linkModel: options.linkModel ?? 'undirected', testFeatures: options.testFeatures ?? 'train', negativeNodes: options.negativeNodes ?? 'seen' } as const;
  const linkSplits: Array<{ seed: number } & LinkSplitStats> = [];
  const select = cellSelector(options.cells, seeds.length * ((methods.includes('dense') ? 1 : 0) + sparse.length * sparsities.length));
  let cell = 0; // index of the next cell in grid order (src/jobs/grid/sparsifyGrid.ts)
  // A cancel after some runs finished keeps them: written below as a partial result, then CANCELLED.
  let cancelled = false;
  try {
  for (const seed of seeds) {
    ctx.signal.throwIfCancelled();
    // Built on first use, so a job that runs none of this seed's cells never embeds its graph.
    let prepared: PreparedTask | undefined;
    const prepare = (): PreparedTask => {
      if (prepared) return prepared;
      ctx.progress.report({ fraction: done / total, message: `${data.name} seed ${seed}: walks and skip-gram embeddings` });
      prepared =
        task === 'link'
          ? linkPredictionTask(edges, { seed, ...linkOptions, ...(options.embedding ? { embedding: options.embedding } : {}), ...(options.batchSize ? { batchSize: options.batchSize } : {}) }, ctx)
          : nodeClassificationTask(edges, labels!, { seed, model, ...(options.embedding ? { embedding: options.embedding } : {}), ...(options.batchSize ? { batchSize: options.batchSize } : {}) }, ctx);
      if (prepared.linkStats) linkSplits.push({ seed, ...prepared.linkStats });
      return prepared;
    };
    try {
      const record = (method: SparsifyMethod, sparsity: number, outcome: RunOutcome, seconds: number): void => {
        const run = toRun({ dataset: data.name, task, model, method, sparsity, seed, epochs, seconds }, outcome);
        runs.push(run);
        done++;
        options.onRun?.(run);
      };
      let dense: DenseRun | null | undefined = needDense ? undefined : null;
      const denseRun = (): DenseRun | null => {
        if (dense === undefined) dense = trainDense(prepare().task, cfg, seed, ctx, { onEpoch: progress('dense') });
        return dense;
      };
      if (methods.includes('dense') && select(cell++)) {
        const t = performance.now();
        record('dense', 0, denseRun()!.outcome, (performance.now() - t) / 1000);
      } else if (needDense) done++;
      for (const sparsity of sparsities) {
        for (const method of sparse) {
          if (!select(cell++)) {
            done++;
            continue;
          }
          ctx.signal.throwIfCancelled();
          const t = performance.now();
          const start = method === 'magnitude' || method === 'admm' || method === 'slr' ? denseRun() : null;
          const outcome = trainSparse(method, sparsity, prepare().task, cfg, seed, start, ctx, { onEpoch: progress(`${method} ${(100 * sparsity).toFixed(3)} %`) });
          record(method, sparsity, outcome, (performance.now() - t) / 1000);
        }
      }
    } finally {
      prepared?.task.dispose();
    }
  }
  } catch (e) {
    if (!(isRgpError(e) && e.code === 'CANCELLED' && runs.length > 0 && outputPath)) throw e;
    cancelled = true;
  }

  const result: SparsifyResult = {
    format: 'rgp-sparsify-results',
    version: 1,
    dataset: data.name,
    task,
    model,
    sparsities,
    methods,
    seeds,
    backend: describeBackend(backend),
    ...(task === 'link' ? { link: { ...linkOptions, selfLoops: 'kept in the walks, never a positive or negative pair', splits: linkSplits } } : {}),
    runs,
    files: [],
    seconds: 0,
    ...(cancelled ? { partial: { cancelled: true as const, runsDone: runs.length, runsPlanned: total } } : {}),
  };
  if (outputPath) {
    result.files = resultFiles(outputPath);
    result.seconds = (performance.now() - t0) / 1000;
    await writeResultFolder(outputPath, result, { overwrite: options.overwrite === true, signal: ctx.signal, job: 'sparsify' });
  }
  if (cancelled) throw new CancelledError();
  result.seconds = (performance.now() - t0) / 1000;
  return result;
}
