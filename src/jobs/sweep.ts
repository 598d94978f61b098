/**
 * The "sweep" job: how far can this model be pruned, and does the graph matter? For every ratio × graph
 * kind (searched low-ASPL, random, ring lattice) × seed — plus, optionally, a dense baseline per seed —
 * train the masked model for E epochs (RGP's recipe by default, arXiv 2110.15192 §4) and record test
 * accuracy, the loss curve, the graph's ASPL, exact parameters and MACs (the counting of `rgp prune`),
 * time and backend. RGP's claim to check: at the same ratio, a lower-ASPL graph trains to a higher
 * accuracy.
 *
 * The model is read and the dataset uploaded once; each run starts from the same point for its seed
 * (scratch: weights re-drawn from that seed; finetune: the trained weights restored). Graphs are seeded
 * by the run seed, so each (ratio, seed) has one searched and one random graph, reused by nothing else,
 * and the same seed reproduces them; the ring lattice has no randomness. No checkpoints are written.
 *
 * Output folder (default `<model folder>-sweep`, written atomically at the end): results.json (the
 * SweepResult with every run and its curve) and results.csv (one row per run). `onRun` is called after
 * each run for live views. A cancel stops at the next batch and throws CANCELLED; when some runs had
 * finished, they are written first as a partial result (results.json `partial`, a PARTIAL.txt note,
 * still atomically), otherwise nothing is written.
 * Cost: Σ runs × E epochs × (one forward + backward pass over the training set).
 */
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { CancelledError, RgpError, isRgpError } from '../core/errors';
import type { JobContext } from '../core/job';
import { describeBackend, type BackendName } from '../core/train/backend';
import { resolveTrainConfig } from '../core/train/config';
import { reinitialiseWeights } from '../core/train/initWeights';
import { applyMasks, bindMasks, disposeMasks, type MaskBinding } from '../core/train/maskBinding';
import type { MaskPlan } from '../core/train/maskPlan';
import { trainMasked } from '../core/train/maskedTraining';
import type { GraphKind, SweepResult, SweepRun, TrainConfig } from '../core/train/results';
import { tensorSplit, type TensorSplit } from '../core/train/tensorData';
import type { DatasetSplit } from '../core/data/dataset';
import { prepareOutput } from './outputFolder';
import { defaultOutput } from './pruneModel';
import { cellSelector, type CellSelection } from './grid/cellSelection';
import { sweepCells } from './grid/sweepGrid';
import { resultFiles, writeResultFolder } from './grid/resultFiles';
import { openTrainingSession, planMasks, resolveMaskSource, type MaskSource } from './trainModel';
import { checkTrainableFormat } from '../formats/trainable';
import { isDatasetPort, receiveDataset, type DatasetPort } from '../node/sharedDataset';

export interface SweepOptions extends Partial<Omit<TrainConfig, 'seed'>> {
  /** A path, a split in memory, or where a pool's host will send the split it reads (src/node/sharedDataset.ts). */
  dataset: string | DatasetSplit | DatasetPort;
  datasetLimit?: number;
  /** Pruning ratios, each mapped to the nearest feasible k for n groups (as `rgp prune`). */
  ratios: number[];
  /** Graph kinds per ratio: any of searched, random, ring (default searched, ring). */
  graphs?: Array<Exclude<GraphKind, 'dense'>>;
  /** One run per seed for every cell (default [1, 2, 3]). */
  seeds?: number[];
  /** Also train the unmasked model once per seed. */
  dense?: boolean;
  groups?: number;
  keepFirst?: boolean;
  keepLast?: boolean;
  searchSeconds?: number;
  searchSwaps?: number;
  /** Output folder; default `<model folder>-sweep` beside the input. */
  out?: string;
  overwrite?: boolean;
  backend?: BackendName;
  /** Every finished run, in order. */
  onRun?: (run: SweepRun) => void;
  /** Run only these cells of the grid (src/jobs/grid): the result holds their runs and nothing is written. */
  cells?: CellSelection;
}

interface Cell {
  ratio?: number;
  graph: GraphKind;
  seed: number;
  source: MaskSource;
}

function listOf<T>(value: T[] | undefined, fallback: T[], what: string, hint: string): T[] {
  const list = value ?? fallback;
  if (!Array.isArray(list) || list.length === 0) throw new RgpError('BAD_ARGUMENT', `The sweep needs at least one ${what}.`, hint);
  return [...new Set(list)];
}

export async function sweep(modelPath: string, options: SweepOptions, ctx: JobContext): Promise<SweepResult> {
  const t0 = performance.now();
  // ---- Options: every cell's source is resolved (and so checked) before anything is read ----
  const seeds = listOf(options.seeds, [1, 2, 3], 'seed', 'Example: --seeds 1,2,3.');
  const base = resolveTrainConfig({ ...options, seed: seeds[0] });
  for (const s of seeds) resolveTrainConfig({ ...base, seed: s });
  const ratios = listOf(options.ratios, [], 'ratio', 'Example: --ratios 0.875,0.9375.');
  const graphs = listOf<Exclude<GraphKind, 'dense'>>(options.graphs, ['searched', 'ring'], 'graph kind', 'Example: --graphs searched,ring.');
  for (const g of graphs as string[]) {
    if (g === 'dense') throw new RgpError('BAD_ARGUMENT', 'The dense baseline is not a graph kind of a ratio.', 'Ask for it with --dense.');
  }
  const cells: Cell[] = sweepCells(seeds, ratios, graphs, options.dense === true).map((c) => ({
    ...c,
    source: c.graph === 'dense' ? { kind: 'dense' } : resolveMaskSource({ ...options, ratio: c.ratio, graph: c.graph }),
  }));
  const select = cellSelector(options.cells, cells.length);

  // ---- Read and check everything, reserve the output ----
  checkTrainableFormat(modelPath, 'A ratio sweep');
  // A split still on its way from a pool's host is awaited only once the backend and the model are ready.
  const session = await openTrainingSession(modelPath, { ...options, dataset: isDatasetPort(options.dataset) ? receiveDataset(options.dataset) : options.dataset }, ctx);
  let data: TensorSplit | undefined;
  let original: tf.Tensor[] | undefined;
  try {
    const fallback = defaultOutput(session.format, session.modelPath, '-sweep');
    // A single cell of a plan (options.cells) writes no folder: its runner writes the cell's file.
    const outputPath = options.cells ? path.resolve(options.out ?? fallback) : await prepareOutput({ out: options.out, fallback, inputs: session.inputPaths, overwrite: options.overwrite === true });
    const backend = describeBackend(session.backend);
    const { model } = session;
    data = tensorSplit(session.split, session.fit);
    if (base.mode === 'finetune') original = model.getWeights().map((w) => w.clone());

    // ---- Runs ----
    const plans = new Map<string, MaskPlan>();
    const runs: SweepRun[] = [];
    // A cancel after some runs finished keeps them: written below as a partial result, then CANCELLED.
    let cancelled = false;
    try {
    for (const [i, cell] of cells.entries()) {
      ctx.signal.throwIfCancelled();
      if (!select(i)) continue;
      const slice = { from: 0.05 + (0.93 * i) / cells.length, width: 0.93 / cells.length };
      const label = cell.graph === 'dense' ? `dense, seed ${cell.seed}` : `ratio ${cell.ratio}, ${cell.graph}, seed ${cell.seed}`;
      ctx.progress.report({ fraction: slice.from, message: `run ${i + 1}/${cells.length}: ${label}` });
      // The ring lattice has no seed: one plan per ratio serves every seed.
      const key = `${cell.ratio}|${cell.graph}|${cell.graph === 'ring' ? '' : cell.seed}`;
      let plan = plans.get(key);
      if (!plan) {
        plan = planMasks(session, cell.source, cell.seed, { signal: ctx.signal, progress: { report() {} } });
        plans.set(key, plan);
      }
      const config: TrainConfig = { ...base, seed: cell.seed };
      if (original) model.setWeights(original);
      else reinitialiseWeights(model, cell.seed);
      let masks: MaskBinding[] = [];
      try {
        masks = bindMasks(model, plan.kernels);
        applyMasks(masks);
        const started = performance.now();
        const result = await trainMasked(model, data, {
          config,
          outputKind: session.outputKind,
          masks,
          signal: ctx.signal,
          progress: { report: (u) => ctx.progress.report({ ...u, message: `run ${i + 1}/${cells.length} (${label}): ${u.message}` }) },
          progressSlice: slice,
        });
        if (result.cancelled) throw new CancelledError();
        const last = result.curve[result.curve.length - 1]!;
        const run: SweepRun = {
          ratio: plan.ratio,
          graph: plan.graph,
          seed: cell.seed,
          ...(plan.n !== undefined ? { n: plan.n, k: plan.k!, aspl: plan.aspl! } : {}),
          params: plan.params.kept,
          macs: plan.macs.kept,
          testAccuracy: last.testAccuracy,
          bestTestAccuracy: Math.max(...result.curve.map((r) => r.testAccuracy)),
          finalLoss: last.loss,
          curve: result.curve.map((r) => ({ epoch: r.epoch, loss: r.loss, testAccuracy: r.testAccuracy })),
          seconds: (performance.now() - started) / 1000,
          backend,
        };
        runs.push(run);
        options.onRun?.(run);
      } finally {
        disposeMasks(masks);
      }
    }
    } catch (e) {
      if (!(isRgpError(e) && e.code === 'CANCELLED' && runs.length > 0)) throw e;
      cancelled = true;
    }

    // ---- Write ----
    const { seed: _seed, ...config } = base;
    void _seed;
    const files = options.cells ? [] : resultFiles(outputPath);
    const result: SweepResult = {
      format: 'rgp-sweep-results',
      version: 1,
      modelPath: session.modelPath,
      dataset: session.datasetLabel,
      config,
      ratios,
      graphs: options.dense ? ['dense' as GraphKind, ...graphs] : graphs,
      seeds,
      groups: options.groups ?? 64,
      backend,
      runs,
      files,
      seconds: (performance.now() - t0) / 1000,
      ...(cancelled ? { partial: { cancelled: true as const, runsDone: runs.length, runsPlanned: cells.length } } : {}),
    };
    if (options.cells) {
      if (cancelled) throw new CancelledError();
      return result;
    }
    await writeResultFolder(outputPath, result, { overwrite: options.overwrite === true, signal: ctx.signal, job: 'sweep' });
    if (cancelled) throw new CancelledError();
    ctx.progress.report({ fraction: 1, message: `${runs.length} runs → ${outputPath}` });
    return result;
  } finally {
    data?.dispose();
    if (original) tf.dispose(original);
    session.model.dispose();
  }
}

