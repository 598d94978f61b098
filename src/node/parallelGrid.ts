/**
 * `sweep` and `sparsify` on a pool of worker threads (src/node/cellPool.ts): the output folder is checked
 * before any work, the cells run side by side, and the result — the runs in the grid's fixed order — is
 * written exactly as the serial job writes it (src/jobs/grid/resultFiles.ts), whole and atomically.
 * `result.seconds` is the wall time of the whole pool, as for a serial run.
 */
import { CancelledError } from '../core/errors';
import type { JobContext } from '../core/job';
import type { SparsifyResult } from '../core/sparse/results';
import type { SparsifyRunDetail } from '../core/sparse/summary';
import type { SweepResult, SweepRun } from '../core/train/results';
import { assembleParts } from '../jobs/grid/assemble';
import { resultFiles, writeResultFolder } from '../jobs/grid/resultFiles';
import { sparsifyCells } from '../jobs/grid/sparsifyGrid';
import { sweepCells } from '../jobs/grid/sweepGrid';
import { prepareOutput } from '../jobs/outputFolder';
import { defaultOutput } from '../jobs/pruneModel';
import { checkOptions, resolveDataset, type SparsifyOptions } from '../jobs/sparsify';
import { detectFormat } from '../formats';
import type { SweepOptions } from '../jobs/sweep';
import type { DatasetSplit } from '../core/data/dataset';
import { runCellPool, type JobWorkerLaunch } from './cellPool';
import { loadSharedDataset } from './sharedDataset';

export interface ParallelOptions {
  workers: number;
  launch: JobWorkerLaunch;
  /** Each run as it finishes with its cell's grid index (besides the options' onRun). */
  onCell?: (run: SweepRun | SparsifyRunDetail, index: number) => void;
}

const uniq = <T>(xs: readonly T[]): T[] => [...new Set(xs)];

export async function parallelSweep(modelPath: string, options: SweepOptions, par: ParallelOptions, ctx: JobContext): Promise<SweepResult> {
  const t0 = performance.now();
  const { onRun, cells: _c, ...jobOptions } = options;
  void _c;
  // The one output rule (src/jobs/outputFolder.ts), with the model and the dataset as inputs, as the serial job.
  const { format, file } = await detectFormat(modelPath);
  const outputPath = await prepareOutput({
    out: options.out,
    fallback: defaultOutput(format, file, '-sweep'),
    inputs: [file, ...(typeof options.dataset === 'string' ? [options.dataset] : [])],
    overwrite: options.overwrite === true,
  });
  // The same defaults as the job; the job checks the options themselves (a mismatch would fail loudly).
  const count = sweepCells(uniq(options.seeds ?? [1, 2, 3]), uniq(options.ratios), uniq(options.graphs ?? ['searched', 'ring']), options.dense === true).length;
  // Read once, shared read-only by every worker (the limit is applied here, once), while the workers start.
  let dataset: Promise<DatasetSplit> | undefined;
  if (typeof jobOptions.dataset === 'string') {
    dataset = loadSharedDataset(jobOptions.dataset, jobOptions.datasetLimit, ctx);
    // Handled by the pool, which awaits it; until then it must not count as an unhandled rejection.
    dataset.catch(() => undefined);
    delete jobOptions.datasetLimit;
  }
  const parts = await runCellPool({ kind: 'sweep', modelPath, options: jobOptions }, count, { ...par, ...(dataset ? { dataset } : {}), onRun: (r, i) => (onRun?.(r as SweepRun), par.onCell?.(r, i)) }, ctx);
  const result = assembleParts(parts as { source: string; result: SweepResult; indices: number[] }[], count, resultFiles(outputPath));
  result.seconds = (performance.now() - t0) / 1000;
  if (ctx.signal.cancelled) throw new CancelledError();
  await writeResultFolder(outputPath, result, { overwrite: options.overwrite === true, signal: ctx.signal, job: 'sweep' });
  return result;
}

export async function parallelSparsify(options: SparsifyOptions, par: ParallelOptions, ctx: JobContext): Promise<SparsifyResult> {
  const t0 = performance.now();
  const { onRun, cells: _c, ...jobOptions } = options;
  void _c;
  const { methods, sparsities, seeds } = checkOptions(options);
  const data = resolveDataset(options);
  const inputs = [data.edges, ...(data.labels ? [data.labels] : [])];
  const outputPath = options.out === undefined ? undefined : await prepareOutput({ out: options.out, inputs, overwrite: options.overwrite === true });
  const count = sparsifyCells(methods, sparsities, seeds).length;
  const parts = await runCellPool({ kind: 'sparsify', options: jobOptions }, count, { ...par, onRun: (r, i) => (onRun?.(r as SparsifyRunDetail), par.onCell?.(r, i)) }, ctx);
  const result = assembleParts(parts as { source: string; result: SparsifyResult; indices: number[] }[], count, outputPath ? resultFiles(outputPath) : []);
  result.seconds = (performance.now() - t0) / 1000;
  if (outputPath) await writeResultFolder(outputPath, result, { overwrite: options.overwrite === true, signal: ctx.signal, job: 'sparsify' });
  return result;
}
