/**
 * The "train" job: train a TF.js layers model on a dataset with RGP masks held fixed (or dense), from
 * scratch (RGP's recipe, arXiv 2110.15192 §4) or fine-tuning its trained weights, and keep the best
 * model. The same function runs in the extension's worker and in the CLI.
 *
 * Where the mask comes from (first that applies):
 *   graph 'dense'            no mask: the dense baseline;
 *   ratio given              a new plan, as `rgp prune` makes it (groups n, first/last layers kept unless
 *                            asked) over a graph of the given kind — searched low-ASPL (default), random,
 *                            or the ring lattice — seeded with the run's seed;
 *   masks.json beside model  the masks of a pruned model folder (what `rgp prune` wrote);
 *   otherwise                dense.
 *
 * Every check a user's input can fail (options, model, dataset vs model, output folder) runs before the
 * graph search and before anything is written. Output folder (default `<model folder>-trained`, never the
 * input): after every epoch whose test accuracy beats all earlier ones, the whole folder — model.json,
 * weights.bin, masks.json (when masked), train-report.json — is written under a temporary name and renamed
 * over the previous checkpoint only when complete. When training ends, train-report.json is replaced
 * (atomically) by the final report: the full curve, with `best` naming the epoch whose weights are kept.
 *
 * Cancellation stops training before the next batch. With a checkpoint written, the job returns its
 * summary with `cancelled: true` (the folder holds the best complete epoch); before the first checkpoint
 * it throws CANCELLED and nothing is left behind.
 */
import { readFile } from 'node:fs/promises';
import { prepareOutput } from './outputFolder';
import * as path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import type { DatasetSplit } from '../core/data/dataset';
import { CancelledError, RgpError } from '../core/errors';
import { checkJsonDepth } from '../core/jsonDepth';
import type { JobContext } from '../core/job';
import { buildLayerGraph, type LayerGraph } from '../core/model/layerGraph';
import { degreeForRatio, checkRatio } from '../core/prune/degree';
import { parseMaskFile } from '../core/prune/maskFile';
import { planPruning } from '../core/prune/plan';
import { describeBackend, selectBackend, type BackendInfo, type BackendName } from '../core/train/backend';
import { resolveTrainConfig } from '../core/train/config';
import { reinitialiseWeights } from '../core/train/initWeights';
import { outputKind, type OutputKind } from '../core/train/loss';
import { applyMasks, bindMasks, disposeMasks, maskedMaxAbs, type MaskBinding } from '../core/train/maskBinding';
import { buildMaskGraph, type GraphBudget } from '../core/train/maskGraph';
import { densePlan, planFromGraph, planFromMaskFile, type MaskPlan } from '../core/train/maskPlan';
import { trainMasked } from '../core/train/maskedTraining';
import type { EpochRecord, GraphKind, TrainConfig, TrainSummary } from '../core/train/results';
import { checkDatasetFits, tensorSplit, type DatasetFit, type TensorSplit } from '../core/train/tensorData';
import { writeJsonAtomic } from '../io/atomicWrite';
import { loadDataset } from '../io/dataset';
import { readModelFiles } from '../io/modelFolder';
import { checkTrainableFormat } from '../formats/trainable';
import { loadLayersModelFromFolder, saveLayersModelToFolder } from '../io/tfjsModelFolder';
import { detectFormat, type ModelFormatId } from '../formats';
import { saveLayersModelAsKeras } from '../formats/keras/saveTrained';
import { layersArtifacts, readLayersModel } from '../formats/layersModel';
import { defaultOutput } from './pruneModel';

export interface TrainOptions extends Partial<TrainConfig> {
  /** A dataset path (spec .json, IDX folder, .csv — see src/io/dataset.ts) or a split already in memory. */
  dataset: string | DatasetSplit;
  /** At most this many examples per part (train, test) when reading a dataset path. */
  datasetLimit?: number;
  /** Pruning ratio of a new mask (mapped to the nearest feasible k, as `rgp prune`). */
  ratio?: number;
  /** Node count n of a new mask (default 64). */
  groups?: number;
  /** Graph kind of a new mask (default 'searched'); 'dense' trains without a mask. */
  graph?: GraphKind;
  /** Budget of the graph search: seconds, or proposed swaps (deterministic; default 50,000 swaps). */
  searchSeconds?: number;
  searchSwaps?: number;
  /** Keep the first / last maskable layer dense (default true, as RGP and `rgp prune`). */
  keepFirst?: boolean;
  keepLast?: boolean;
  /** Output folder; default `<model folder>-trained` beside a TF.js model, `<stem>-trained` beside a .keras / .h5. */
  out?: string;
  /** The trained model's format: a TF.js folder (model.json + weights.bin) or model.keras; default the input's kind. */
  saveAs?: 'tfjs' | 'keras';
  overwrite?: boolean;
  /** The backend to try first (default: tensorflow, then wasm, then cpu). */
  backend?: BackendName;
  /** Every finished epoch (after its checkpoint, if any, is written). */
  onEpoch?: (record: EpochRecord) => void;
}

/** A swap budget rather than seconds: the same seed then gives the same graph (≈1 s at n = 64). */
export const DEFAULT_SEARCH_SWAPS = 50_000;
const DEFAULT_GROUPS = 64;

const now = () => performance.now();

/** How the mask is chosen, decided from the options alone (cheap, before anything is read). */
export type MaskSource =
  | { kind: 'dense' }
  | { kind: 'ratio'; ratio: number; groups: number; graph: Exclude<GraphKind, 'dense'>; budget: GraphBudget; keepFirst: boolean; keepLast: boolean }
  | { kind: 'auto' };

export function resolveMaskSource(o: Pick<TrainOptions, 'ratio' | 'groups' | 'graph' | 'searchSeconds' | 'searchSwaps' | 'keepFirst' | 'keepLast'>): MaskSource {
  const graph = o.graph;
  if (graph !== undefined && !['searched', 'random', 'ring', 'dense'].includes(graph)) {
    throw new RgpError('BAD_ARGUMENT', `The graph must be searched, random, ring or dense, got "${String(graph)}".`, 'searched is RGP\'s low-ASPL graph; ring the worst-ASPL baseline.');
  }
  if (graph === 'dense') {
    if (o.ratio !== undefined) throw new RgpError('BAD_ARGUMENT', 'A pruning ratio and the dense graph contradict each other.', 'Leave out --ratio for dense training, or pick searched, random or ring.');
    return { kind: 'dense' };
  }
  if (o.ratio === undefined) {
    if (graph !== undefined) throw new RgpError('BAD_ARGUMENT', `A ${graph} graph needs a pruning ratio.`, 'Add --ratio, e.g. --ratio 0.9375 (n = 64, k = 4).');
    return { kind: 'auto' };
  }
  const ratio = checkRatio(o.ratio);
  const groups = o.groups ?? DEFAULT_GROUPS;
  if (!Number.isInteger(groups) || groups < 2) throw new RgpError('BAD_ARGUMENT', `The node count n (--groups) must be an integer ≥ 2, got ${groups}.`, 'RGP uses n = 64.');
  if (o.searchSeconds !== undefined && !(Number.isFinite(o.searchSeconds) && o.searchSeconds >= 0)) {
    throw new RgpError('BAD_ARGUMENT', `The search time must be a number of seconds ≥ 0, got ${o.searchSeconds}.`, 'Example: --search-seconds 5.');
  }
  if (o.searchSwaps !== undefined && !(Number.isInteger(o.searchSwaps) && o.searchSwaps >= 0)) {
    throw new RgpError('BAD_ARGUMENT', `The search budget must be a whole number of swaps ≥ 0, got ${o.searchSwaps}.`, 'Example: --search-swaps 50000.');
  }
  const budget: GraphBudget = o.searchSeconds !== undefined || o.searchSwaps !== undefined
    ? { ...(o.searchSeconds !== undefined ? { seconds: o.searchSeconds } : {}), ...(o.searchSwaps !== undefined ? { swaps: o.searchSwaps } : {}) }
    : { swaps: DEFAULT_SEARCH_SWAPS };
  return { kind: 'ratio', ratio, groups, graph: graph ?? 'searched', budget, keepFirst: o.keepFirst ?? true, keepLast: o.keepLast ?? true };
}

/** Everything a training run needs once the files are read and checked; `dispose` frees the tensors. */
export interface TrainingSession {
  /** The input's format: a Keras file (.keras / .h5) is loaded into tfjs through its converted topology. */
  format: ModelFormatId;
  modelPath: string;
  modelDir: string;
  layerGraph: LayerGraph;
  split: DatasetSplit;
  datasetLabel: string;
  backend: BackendInfo;
  model: tf.LayersModel;
  fit: DatasetFit;
  outputKind: OutputKind;
  /** masks.json of the model folder, parsed as JSON, when there is one. */
  maskFileJson?: unknown;
  /** Every file and folder read (model, shards, masks.json, dataset): what an output must not touch. */
  inputPaths: string[];
}

/**
 * Reads the model (checked), the dataset, selects the backend, loads the model into tfjs and checks the
 * dataset against it. Nothing is written. On error the loaded model is disposed.
 */
export async function openTrainingSession(
  modelPath: string,
  o: Pick<TrainOptions, 'datasetLimit' | 'backend'> & { dataset: TrainOptions['dataset'] | Promise<DatasetSplit> },
  ctx: JobContext,
): Promise<TrainingSession> {
  checkTrainableFormat(modelPath, 'Training');
  ctx.progress.report({ fraction: 0, message: 'reading the model' });
  const { format } = await detectFormat(modelPath);
  // A TF.js folder is read as always; a .keras / .h5 through its layers-model form (src/formats/layersModel.ts).
  const keras = format === 'keras' || format === 'h5' ? await readLayersModel(modelPath, ctx.signal) : undefined;
  const files = keras
    ? { model: keras.model, modelPath: keras.modelPath, modelDir: keras.modelDir, inputPaths: [path.resolve(keras.modelPath)] }
    : await readModelFiles(modelPath, ctx.signal);
  const layerGraph = buildLayerGraph(files.model);
  let maskFileJson: unknown;
  const maskPath = path.join(files.modelDir, 'masks.json');
  try {
    maskFileJson = JSON.parse(await readFile(maskPath, 'utf8'));
    checkJsonDepth(maskFileJson, maskPath);
  } catch (e) {
    if ((e as { code?: string }).code !== 'ENOENT') throw new RgpError('BAD_MODEL', `${maskPath} cannot be read: ${(e as Error).message}.`, 'Remove it, or use the masks.json written by rgp prune.');
  }
  ctx.signal.throwIfCancelled();
  ctx.progress.report({ fraction: 0.02, message: 'reading the dataset' });
  const inputPaths = [...files.inputPaths, maskPath];
  // A path is read now; a split given in memory, or one still on its way (a pool's worker), is taken once the
  // backend and the model are ready: the host's reading then overlaps this worker's start-up.
  const given = typeof o.dataset === 'string' ? undefined : o.dataset;
  const read = typeof o.dataset === 'string' ? await loadDataset(o.dataset, { ...(o.datasetLimit !== undefined ? { limit: o.datasetLimit } : {}), ctx: { signal: ctx.signal, progress: { report() {} } }, inputs: inputPaths }) : undefined;
  ctx.signal.throwIfCancelled();
  const backend = await selectBackend(o.backend ? { prefer: o.backend } : {});
  const model = await loadTrainable(() => (keras ? tfLoad(keras) : loadLayersModelFromFolder(files.modelPath)));
  try {
    const split = read ?? (await given!);
    const datasetLabel = typeof o.dataset === 'string' ? path.resolve(o.dataset) : split.name;
    const fit = checkDatasetFits(model, split);
    return { format, modelPath: files.modelPath, modelDir: files.modelDir, layerGraph, split, datasetLabel, backend, model, fit, outputKind: outputKind(model), inputPaths, ...(maskFileJson !== undefined ? { maskFileJson } : {}) };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/**
 * Loads the model into tfjs. tfjs refuses a layer it does not implement (Lambda, a custom class) with a
 * plain Error; that is the user's model, not a bug, so it becomes one clear line.
 */
async function loadTrainable(load: () => Promise<tf.LayersModel>): Promise<tf.LayersModel> {
  try {
    return await load();
  } catch (e) {
    if (e instanceof RgpError) throw e;
    const why = String((e as Error)?.message ?? e).split('\n')[0]!.slice(0, 300);
    throw new RgpError('UNSUPPORTED', `TensorFlow.js cannot build this model for training (${why}).`, 'Training needs layers TensorFlow.js implements: replace Lambda and custom layers, or prune without training.');
  }
}

/** The mask plan of a source; a 'ratio' source builds (and for 'searched', searches) its graph. */
export function planMasks(session: TrainingSession, source: MaskSource, seed: number, ctx: JobContext): MaskPlan {
  if (source.kind === 'dense') return densePlan(session.layerGraph);
  if (source.kind === 'auto') return session.maskFileJson === undefined ? densePlan(session.layerGraph) : planFromMaskFile(session.layerGraph, parseMaskFile(session.maskFileJson));
  const plan = planPruning(session.layerGraph, { groups: source.groups, keepFirst: source.keepFirst, keepLast: source.keepLast, keepDense: [] });
  const { k } = degreeForRatio(source.ratio, source.groups);
  return planFromGraph(session.layerGraph, plan, buildMaskGraph(source.graph, source.groups, k, seed, source.budget, ctx));
}



export async function trainModel(modelPath: string, options: TrainOptions, ctx: JobContext): Promise<TrainSummary> {
  const t0 = now();
  const config = resolveTrainConfig(options);
  const source = resolveMaskSource(options);
  const session = await openTrainingSession(modelPath, options, ctx);
  let masks: MaskBinding[] = [];
  let data: TensorSplit | undefined;
  try {
    const outputPath = await prepareOutput({ out: options.out, fallback: defaultOutput(session.format, session.modelPath, '-trained'), inputs: session.inputPaths, overwrite: options.overwrite === true });
    const saveAs = options.saveAs ?? (session.format === 'keras' || session.format === 'h5' ? 'keras' : 'tfjs');
    if (saveAs !== 'tfjs' && saveAs !== 'keras') throw new RgpError('BAD_ARGUMENT', `The trained model can be saved as tfjs or keras, not "${String(saveAs)}".`, 'Use --save-as tfjs or --save-as keras.');
    ctx.progress.report({ fraction: 0.05, message: source.kind === 'ratio' && source.graph === 'searched' ? 'searching a low-ASPL graph' : 'building the masks' });
    const plan = planMasks(session, source, config.seed, { signal: ctx.signal, progress: { report: (u) => ctx.progress.report({ fraction: 0.05 + 0.1 * (u.fraction ?? 0), message: `graph search: ${u.message}` }) } });
    ctx.signal.throwIfCancelled();

    const { model } = session;
    if (config.mode === 'scratch') reinitialiseWeights(model, config.seed);
    masks = bindMasks(model, plan.kernels);
    applyMasks(masks);
    data = tensorSplit(session.split, session.fit);
    const backend = { name: session.backend.name as BackendName, description: describeBackend(session.backend) };
    const describeRun = `${plan.graph === 'dense' ? 'dense' : `${plan.graph} graph n = ${plan.n}, k = ${plan.k}, ASPL ${plan.aspl!.toFixed(4)}`}; ${describeBackend(session.backend)}`;
    ctx.progress.report({ fraction: 0.15, message: `training ${config.epochs} epochs (${describeRun}); data: ${session.split.description}` });

    const summaryAt = (curve: EpochRecord[], best: { epoch: number; testAccuracy: number }, cancelled: boolean): TrainSummary => {
      const last = curve[curve.length - 1]!;
      return {
        format: 'rgp-train-report',
        version: 1,
        modelPath: session.modelPath,
        outputPath,
        dataset: session.datasetLabel,
        config,
        backend,
        graph: plan.graph,
        ...(plan.n !== undefined ? { n: plan.n, k: plan.k!, aspl: plan.aspl! } : {}),
        ratio: plan.ratio,
        params: plan.params,
        macs: plan.macs,
        curve: [...curve],
        best,
        final: { testAccuracy: last.testAccuracy, testLoss: last.testLoss },
        maskedMaxAbs: maskedMaxAbs(masks),
        seconds: (now() - t0) / 1000,
        cancelled,
      };
    };

    const curve: EpochRecord[] = [];
    let best: { epoch: number; testAccuracy: number } | undefined;
    const result = await trainMasked(model, data, {
      config,
      outputKind: session.outputKind,
      masks,
      signal: ctx.signal,
      progress: ctx.progress,
      progressSlice: { from: 0.15, width: 0.83 },
      onEpoch: async (record) => {
        curve.push(record);
        if (!best || record.testAccuracy > best.testAccuracy) {
          const first = !best;
          best = { epoch: record.epoch, testAccuracy: record.testAccuracy };
          // Not cancellable: a finished epoch's checkpoint is always completed, and a cancel takes effect at the next batch.
          await writeCheckpoint(outputPath, model, plan, summaryAt(curve, best, false), first ? options.overwrite === true : true, saveAs);
        }
        options.onEpoch?.(record);
      },
    });
    if (!best) throw new CancelledError();
    const summary = summaryAt(result.curve, best, result.cancelled);
    await writeJsonAtomic(path.join(outputPath, 'train-report.json'), summary);
    ctx.progress.report({
      fraction: 1,
      message: `${result.cancelled ? 'cancelled; kept' : 'kept'} epoch ${best.epoch}: test accuracy ${(100 * best.testAccuracy).toFixed(2)} % → ${outputPath}`,
    });
    return summary;
  } finally {
    data?.dispose();
    disposeMasks(masks);
    session.model.dispose();
  }
}

/**
 * One checkpoint folder, complete or not at all. tfjs writes model.json + weights.bin into the (empty)
 * temporary folder through the same atomic saver, then masks.json and the report join them; only then
 * is the folder renamed over the previous checkpoint.
 */
async function writeCheckpoint(outputPath: string, model: tf.LayersModel, plan: MaskPlan, report: TrainSummary, overwrite: boolean, saveAs: 'tfjs' | 'keras'): Promise<void> {
  const extraFiles = {
    ...(plan.maskFile ? { 'masks.json': JSON.stringify(plan.maskFile) + '\n' } : {}),
    'train-report.json': JSON.stringify(report, null, 2) + '\n',
  };
  const marker = { job: 'train' };
  if (saveAs === 'keras') await saveLayersModelAsKeras(model, outputPath, { overwrite, marker, extraFiles });
  else await saveLayersModelToFolder(model, outputPath, { overwrite, marker, extraFiles });
}

/** A Keras file's model in tfjs, from memory (its weight bytes as read). */
async function tfLoad(d: Parameters<typeof layersArtifacts>[0]): Promise<tf.LayersModel> {
  const tfjs = await import('@tensorflow/tfjs');
  return tfjs.loadLayersModel(tfjs.io.fromMemory(layersArtifacts(d)));
}
