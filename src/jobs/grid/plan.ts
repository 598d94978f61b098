/**
 * A grid plan: every cell of a sweep or a sparsification comparison written down without running it, so
 * the cells can run anywhere — one per pod of a Kubernetes Indexed Job, or a few per session — and be
 * merged into the results a local run writes (`rgp sweep|sparsify … --plan`, `rgp run-cell`, `rgp merge`).
 *
 * Self-contained: the job's resolved options and each cell's coordinates. File paths the user gave (model,
 * dataset, labels) are stored relative to the plan's own folder, so the folder can be mounted anywhere
 * (a shared volume in a pod); the bundled datasets (presets) resolve wherever the job runs. A cell must
 * give the same run on any machine, so a time budget for the graph search (--search-seconds) is refused:
 * use a swap budget. The plan's digest (sha256 of its JSON) ties every cell file to the plan it came from.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { RgpError } from '../../core/errors';
import { resolveTrainConfig } from '../../core/train/config';
import type { GraphKind } from '../../core/train/results';
import { writeJsonAtomic } from '../../io/atomicWrite';
import type { SparsifyOptions } from '../sparsify';
import { checkOptions, resolveDataset } from '../sparsify';
import type { SweepOptions } from '../sweep';
import { resolveMaskSource } from '../trainModel';
import { sparsifyCellKey, sparsifyCells, type SparsifyCell } from './sparsifyGrid';
import { sweepCellKey, sweepCells, type SweepCell } from './sweepGrid';

/** Options of a cell's job as stored in a plan: data only, no output, no callbacks, paths as strings. */
export type SweepPlanOptions = Omit<SweepOptions, 'onRun' | 'cells' | 'out' | 'overwrite' | 'dataset' | 'searchSeconds'> & { dataset: string };
export type SparsifyPlanOptions = Omit<SparsifyOptions, 'onRun' | 'cells' | 'out' | 'overwrite'>;

interface PlanHead {
  format: 'rgp-grid-plan';
  version: 1;
}
export type GridPlan =
  | (PlanHead & { job: 'sweep'; modelPath: string; options: SweepPlanOptions; cells: Array<SweepCell & { index: number; key: string }> })
  | (PlanHead & { job: 'sparsify'; options: SparsifyPlanOptions; cells: Array<SparsifyCell & { index: number; key: string }> });

/** A plan read from disk: paths resolved against its folder, and its digest. */
export interface LoadedPlan {
  plan: GridPlan;
  digest: string;
  planPath: string;
}

const toPlan = (planDir: string, p: string): string => path.relative(planDir, path.resolve(p)).split(path.sep).join('/') || '.';
const fromPlan = (planDir: string, p: string): string => path.resolve(planDir, p);

async function mustExist(p: string, what: string): Promise<void> {
  try {
    await stat(p);
  } catch {
    throw new RgpError('UNREADABLE_FILE', `The ${what} ${p} does not exist.`, 'Check the path; a plan records it for every cell.');
  }
}

/** The plan of a sweep; checks the options as `rgp sweep` would, and that the model and dataset exist. */
export async function sweepPlan(modelPath: string, options: SweepOptions, planPath: string): Promise<GridPlan> {
  if (typeof options.dataset !== 'string') throw new RgpError('BAD_ARGUMENT', 'A plan needs a dataset path.', 'Give --data PATH.');
  if (options.searchSeconds !== undefined) {
    throw new RgpError('BAD_ARGUMENT', 'A plan cannot use a time budget for the graph search: cells on different machines would search different graphs.', 'Use --search-swaps M (deterministic for a seed) instead of --search-seconds.');
  }
  const seeds = options.seeds ?? [1, 2, 3];
  const graphs = options.graphs ?? ['searched', 'ring'];
  if (seeds.length === 0 || options.ratios.length === 0 || graphs.length === 0) throw new RgpError('BAD_ARGUMENT', 'The sweep needs at least one seed, ratio and graph kind.', 'Example: --ratios 0.875,0.9375 --seeds 1,2.');
  for (const s of seeds) resolveTrainConfig({ ...options, seed: s });
  for (const g of graphs as GraphKind[]) if (g === 'dense') throw new RgpError('BAD_ARGUMENT', 'The dense baseline is not a graph kind of a ratio.', 'Ask for it with --dense.');
  const cells = sweepCells([...new Set(seeds)], [...new Set(options.ratios)], [...new Set(graphs)], options.dense === true);
  for (const c of cells) if (c.graph !== 'dense') resolveMaskSource({ ...options, ratio: c.ratio, graph: c.graph });
  await mustExist(modelPath, 'model');
  await mustExist(options.dataset, 'dataset');
  const dir = path.dirname(path.resolve(planPath));
  const { onRun: _r, cells: _c, out: _o, overwrite: _w, searchSeconds: _s, ...rest } = options;
  void _r, _c, _o, _w, _s;
  return {
    format: 'rgp-grid-plan',
    version: 1,
    job: 'sweep',
    modelPath: toPlan(dir, modelPath),
    options: { ...rest, dataset: toPlan(dir, options.dataset) },
    cells: cells.map((c, index) => ({ index, key: sweepCellKey(c), ...c })),
  };
}

/** The plan of a sparsification comparison; checks the options as `rgp sparsify` would. */
export async function sparsifyPlan(options: SparsifyOptions, planPath: string): Promise<GridPlan> {
  const { methods, sparsities, seeds } = checkOptions(options);
  const data = resolveDataset(options);
  await mustExist(data.edges, 'edge list');
  if (data.labels) await mustExist(data.labels, 'labels file');
  const dir = path.dirname(path.resolve(planPath));
  const { onRun: _r, cells: _c, out: _o, overwrite: _w, ...rest } = options;
  void _r, _c, _o, _w;
  const isPreset = data.edges !== options.dataset;
  const stored: SparsifyPlanOptions = {
    ...rest,
    dataset: isPreset ? options.dataset : toPlan(dir, options.dataset),
    ...(options.labels !== undefined ? { labels: toPlan(dir, options.labels) } : {}),
    ...(options.dataRoot !== undefined ? { dataRoot: toPlan(dir, options.dataRoot) } : {}),
    methods,
    sparsities,
    seeds,
  };
  return {
    format: 'rgp-grid-plan',
    version: 1,
    job: 'sparsify',
    options: stored,
    cells: sparsifyCells(methods, sparsities, seeds).map((c, index) => ({ index, key: sparsifyCellKey(c), ...c })),
  };
}

export function planDigest(plan: GridPlan): string {
  return createHash('sha256').update(JSON.stringify(plan)).digest('hex');
}

export async function writePlan(planPath: string, plan: GridPlan): Promise<void> {
  await writeJsonAtomic(planPath, plan);
}

/** Reads and checks a plan file; every problem is an RgpError naming the file. */
export async function readPlan(planPath: string): Promise<LoadedPlan> {
  let text: string;
  try {
    text = await readFile(planPath, 'utf8');
  } catch (e) {
    throw new RgpError('UNREADABLE_FILE', `The plan ${planPath} cannot be read (${(e as { code?: string }).code ?? (e as Error).message}).`, 'Write one with rgp sweep … --plan FILE or rgp sparsify … --plan FILE.');
  }
  let plan: GridPlan;
  try {
    plan = JSON.parse(text) as GridPlan;
  } catch (e) {
    throw new RgpError('BAD_ARGUMENT', `The plan ${planPath} is not valid JSON: ${(e as Error).message}.`, 'Write it again with --plan.');
  }
  const ok =
    plan !== null && typeof plan === 'object' && plan.format === 'rgp-grid-plan' && plan.version === 1 &&
    (plan.job === 'sweep' || plan.job === 'sparsify') && Array.isArray(plan.cells) && plan.cells.length > 0 &&
    plan.options !== null && typeof plan.options === 'object' && plan.cells.every((c, i) => c && c.index === i && typeof c.key === 'string') &&
    (plan.job !== 'sweep' || (typeof plan.modelPath === 'string' && typeof plan.options.dataset === 'string'));
  if (!ok) throw new RgpError('BAD_ARGUMENT', `${planPath} is not an RGP grid plan (format rgp-grid-plan, version 1, cells numbered from 0).`, 'Write one with rgp sweep … --plan FILE or rgp sparsify … --plan FILE.');
  return { plan, digest: planDigest(plan), planPath: path.resolve(planPath) };
}

/** The sweep job's options and model path of a loaded plan, paths resolved against the plan's folder. */
export function sweepJobOf(loaded: LoadedPlan): { modelPath: string; options: SweepOptions } {
  const { plan } = loaded;
  if (plan.job !== 'sweep') throw new Error('not a sweep plan');
  const dir = path.dirname(loaded.planPath);
  return { modelPath: fromPlan(dir, plan.modelPath), options: { ...plan.options, dataset: fromPlan(dir, plan.options.dataset) } };
}

/** The sparsify job's options of a loaded plan, paths resolved against the plan's folder. */
export function sparsifyJobOf(loaded: LoadedPlan): SparsifyOptions {
  const { plan } = loaded;
  if (plan.job !== 'sparsify') throw new Error('not a sparsify plan');
  const dir = path.dirname(loaded.planPath);
  const o = plan.options;
  const preset = ['collegemsg', 'email-eu-core'].includes(o.dataset.toLowerCase());
  return {
    ...o,
    dataset: preset ? o.dataset : fromPlan(dir, o.dataset),
    ...(o.labels !== undefined ? { labels: fromPlan(dir, o.labels) } : {}),
    ...(o.dataRoot !== undefined ? { dataRoot: fromPlan(dir, o.dataRoot) } : {}),
  };
}
