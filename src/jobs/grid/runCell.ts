/**
 * `rgp run-cell`: run exactly one cell of a plan and write its result file, `cell-<index>.json`, atomically
 * (temporary name + rename): a pod killed half-way leaves no cell file, and a retried pod replaces it whole.
 * The file holds the plan's digest, the cell's index and key, and the job's result for that one cell (its
 * header is what `rgp merge` checks between cells).
 */
import * as path from 'node:path';
import { RgpError } from '../../core/errors';
import type { JobContext } from '../../core/job';
import type { SparsifyResult } from '../../core/sparse/results';
import type { SweepResult } from '../../core/train/results';
import { writeJsonAtomic } from '../../io/atomicWrite';
import { sparsify } from '../sparsify';
import { sweep } from '../sweep';
import { sparsifyJobOf, sweepJobOf, type LoadedPlan } from './plan';

export interface CellFile {
  format: 'rgp-grid-cell';
  version: 1;
  planDigest: string;
  job: 'sweep' | 'sparsify';
  index: number;
  key: string;
  result: SweepResult | SparsifyResult;
}

export function cellFileName(index: number): string {
  return `cell-${String(index).padStart(5, '0')}.json`;
}

/** Parses a cell index from a flag or from $JOB_COMPLETION_INDEX (Kubernetes Indexed Jobs). */
export function cellIndex(flag: string | undefined, env: NodeJS.ProcessEnv, cellCount: number): number {
  const raw = flag ?? env.JOB_COMPLETION_INDEX;
  if (raw === undefined) throw new RgpError('BAD_ARGUMENT', 'Which cell? Give --index I, or run inside a Kubernetes Indexed Job (JOB_COMPLETION_INDEX).', `This plan has cells 0 to ${cellCount - 1}.`);
  const i = raw.trim() === '' ? NaN : Number(raw);
  if (!Number.isInteger(i) || i < 0 || i >= cellCount) {
    throw new RgpError('BAD_ARGUMENT', `The cell index must be an integer from 0 to ${cellCount - 1}, got "${raw}".`, 'A plan numbers its cells from 0.');
  }
  return i;
}

/** Runs cell `index` of the plan and writes `<outDir>/cell-<index>.json`; returns the file's path and content. */
export async function runCell(loaded: LoadedPlan, index: number, outDir: string, ctx: JobContext): Promise<{ file: string; cell: CellFile }> {
  const { plan } = loaded;
  const entry = plan.cells[index];
  if (!entry) throw new RgpError('BAD_ARGUMENT', `The plan has no cell ${index}.`, `Its cells are 0 to ${plan.cells.length - 1}.`);
  let result: SweepResult | SparsifyResult;
  if (plan.job === 'sweep') {
    const { modelPath, options } = sweepJobOf(loaded);
    result = await sweep(modelPath, { ...options, cells: { only: [index] } }, ctx);
  } else {
    result = await sparsify({ ...sparsifyJobOf(loaded), cells: { only: [index] } }, ctx);
  }
  if (result.runs.length !== 1) throw new Error(`cell ${index} gave ${result.runs.length} runs`);
  const cell: CellFile = { format: 'rgp-grid-cell', version: 1, planDigest: loaded.digest, job: plan.job, index, key: entry.key, result };
  const file = path.join(path.resolve(outDir), cellFileName(index));
  await writeJsonAtomic(file, cell);
  return { file, cell };
}
