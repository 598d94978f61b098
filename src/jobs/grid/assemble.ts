/**
 * One result from the runs of many jobs: the cells of a plan run by separate processes (`rgp merge`) or the
 * threads of a pool. Every part must come from the same grid (same header: model, dataset, configuration,
 * backend); its runs are put in the grid's fixed order, whatever order they finished in. The result is the
 * one a serial run writes, except for timings (`seconds`: here the sum over the parts) and `files`.
 */
import { RgpError } from '../../core/errors';
import type { SparsifyResult } from '../../core/sparse/results';
import type { SparsifyRunDetail } from '../../core/sparse/summary';
import type { SweepResult, SweepRun } from '../../core/train/results';

type AnyResult = SweepResult | SparsifyResult;
type RunOf<R> = R extends SweepResult ? SweepRun : SparsifyRunDetail;

/** The fields that must agree between parts (everything but runs, files and timings). */
function header(r: AnyResult): string {
  const { runs: _r, files: _f, seconds: _s, ...rest } = r;
  void _r, _f, _s;
  return JSON.stringify(rest);
}

export interface Part<R extends AnyResult> {
  /** Where the part came from, for messages (a cell file, a worker). */
  source: string;
  result: R;
  /** Grid index of each of `result.runs`. */
  indices: number[];
}

/**
 * Assembles parts covering cells 0…cellCount−1 exactly once. Throws BAD_ARGUMENT naming the first missing
 * cell, a cell given twice, or a part whose header differs from the first part's.
 */
export function assembleParts<R extends AnyResult>(parts: Part<R>[], cellCount: number, files: string[]): R {
  if (parts.length === 0) throw new RgpError('BAD_ARGUMENT', 'There are no cell results to merge.', 'Run the cells first (rgp run-cell PLAN --index I --out CELLS).');
  const first = parts[0]!;
  const head = header(first.result);
  const byIndex: Array<RunOf<R> | undefined> = new Array<RunOf<R> | undefined>(cellCount).fill(undefined);
  let seconds = 0;
  for (const p of parts) {
    if (header(p.result) !== head) {
      throw new RgpError('BAD_ARGUMENT', `${p.source} was run with other settings than ${first.source} (model, dataset, configuration or backend differ).`, 'Run every cell of a plan with the same image and data; re-run the odd cells.');
    }
    if (p.indices.length !== p.result.runs.length) throw new Error(`${p.source}: ${p.result.runs.length} runs for ${p.indices.length} cells`);
    p.indices.forEach((index, j) => {
      if (!(index >= 0 && index < cellCount)) throw new RgpError('BAD_ARGUMENT', `${p.source} holds cell ${index}, which is not in this grid of ${cellCount} cells.`, 'Merge only the cells of this plan.');
      if (byIndex[index] !== undefined) throw new RgpError('BAD_ARGUMENT', `Cell ${index} is given twice (again in ${p.source}).`, 'Keep one result per cell.');
      byIndex[index] = p.result.runs[j] as RunOf<R>;
    });
    seconds += p.result.seconds;
  }
  const missing = byIndex.flatMap((r, i) => (r === undefined ? [i] : []));
  if (missing.length > 0) {
    const list = missing.slice(0, 10).join(', ') + (missing.length > 10 ? ` and ${missing.length - 10} more` : '');
    throw new RgpError('BAD_ARGUMENT', `${missing.length} of ${cellCount} cells have no result: ${list}.`, 'Run them (rgp run-cell PLAN --index I --out CELLS), then merge again.');
  }
  return { ...first.result, runs: byIndex as RunOf<R>[], files, seconds } as R;
}
