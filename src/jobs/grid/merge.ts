/**
 * `rgp merge`: the cell files of a plan → the results folder a local run writes. Checks before writing
 * anything: every cell of the plan is there exactly once, each file belongs to this plan (digest), holds the
 * cell its name says with the run its coordinates say, and all cells ran with the same settings. Files that
 * are not cell files are ignored (a shared volume may hold other things); a cell file of another plan is an
 * error, not silently mixed in.
 */
import { readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { RgpError } from '../../core/errors';
import type { JobContext } from '../../core/job';
import type { SparsifyResult, SparsifyRun } from '../../core/sparse/results';
import type { SweepResult, SweepRun } from '../../core/train/results';
import { prepareOutput } from '../outputFolder';
import { assembleParts, type Part } from './assemble';
import type { LoadedPlan } from './plan';
import { resultFiles, writeResultFolder } from './resultFiles';
import type { CellFile } from './runCell';

const CELL_FILE = /^cell-(\d+)\.json$/;

function runMatches(plan: LoadedPlan['plan'], index: number, run: SweepRun | SparsifyRun): boolean {
  if (plan.job === 'sweep') {
    const c = plan.cells[index]!;
    const r = run as SweepRun;
    return r.graph === c.graph && r.seed === c.seed;
  }
  const c = plan.cells[index]!;
  const r = run as SparsifyRun;
  return r.method === c.method && r.seed === c.seed && r.sparsity === c.sparsity;
}

/** Reads and checks the cell files of `cellsDir`; returns the assembled result (not written). */
export async function mergeCells(loaded: LoadedPlan, cellsDir: string, outputPath: string): Promise<SweepResult | SparsifyResult> {
  let names: string[];
  try {
    names = await readdir(cellsDir);
  } catch (e) {
    throw new RgpError('UNREADABLE_FILE', `The cells folder ${cellsDir} cannot be read (${(e as { code?: string }).code ?? (e as Error).message}).`, 'Give the folder the cells were written to (rgp run-cell … --out FOLDER).');
  }
  const { plan } = loaded;
  const parts: Part<SweepResult | SparsifyResult>[] = [];
  for (const name of names.sort()) {
    const m = CELL_FILE.exec(name);
    if (!m) continue;
    const file = path.join(cellsDir, name);
    let cell: CellFile;
    try {
      cell = JSON.parse(await readFile(file, 'utf8')) as CellFile;
    } catch (e) {
      throw new RgpError('BAD_ARGUMENT', `The cell file ${file} cannot be read as JSON: ${(e as Error).message}.`, 'Delete it and run that cell again.');
    }
    if (cell?.format !== 'rgp-grid-cell' || cell.version !== 1 || !cell.result || !Array.isArray(cell.result.runs)) {
      throw new RgpError('BAD_ARGUMENT', `${file} is not a cell result of rgp run-cell.`, 'Delete it and run that cell again.');
    }
    if (cell.planDigest !== loaded.digest) {
      throw new RgpError('BAD_ARGUMENT', `${file} belongs to another plan than ${loaded.planPath}.`, 'Merge each plan\'s cells from their own folder, or delete the stale files and run those cells again.');
    }
    const index = Number(m[1]);
    if (cell.index !== index || cell.job !== plan.job || plan.cells[index]?.key !== cell.key || cell.result.runs.length !== 1 || !runMatches(plan, index, cell.result.runs[0]!)) {
      throw new RgpError('BAD_ARGUMENT', `${file} does not hold cell ${index} of the plan (${plan.cells[index]?.key ?? 'no such cell'}).`, 'Delete it and run that cell again.');
    }
    parts.push({ source: file, result: cell.result, indices: [index] });
  }
  return assembleParts(parts, plan.cells.length, resultFiles(outputPath));
}

/** `rgp merge`: checks the output folder first, merges, writes results.json + results.csv atomically. */
export async function mergeToFolder(loaded: LoadedPlan, cellsDir: string, out: string, opts: { overwrite?: boolean }, ctx: JobContext): Promise<SweepResult | SparsifyResult> {
  const outputPath = await prepareOutput({ out, inputs: [loaded.planPath, cellsDir], overwrite: opts.overwrite === true });
  const result = await mergeCells(loaded, cellsDir, outputPath);
  await writeResultFolder(outputPath, result, { overwrite: opts.overwrite === true, signal: ctx.signal, job: loaded.plan.job });
  return result;
}
