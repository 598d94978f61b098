/**
 * The result folders of the grid jobs — serial, pooled and merged alike (results.json + results.csv, the
 * folder written whole under a temporary name and renamed), so every run is read by the same tools. A
 * partial result (a cancelled run) also gets PARTIAL.txt, and is written whatever the signal says: keeping
 * the finished runs is the point of writing it.
 */
import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { CancelSignal } from '../../core/job';
import type { SparsifyResult } from '../../core/sparse/results';
import type { SweepResult } from '../../core/train/results';
import { runsCsv, type SparsifyRunDetail } from '../../core/sparse/summary';
import { sweepCsv } from '../../core/train/sweepTable';
import { writeFolderAtomically } from '../../io/atomicWrite';
import { PARTIAL_NOTE_FILE, partialNote } from '../partialResult';

export function resultFiles(outputPath: string): string[] {
  return [path.join(outputPath, 'results.json'), path.join(outputPath, 'results.csv')];
}

export async function writeResultFolder(
  outputPath: string,
  result: SweepResult | SparsifyResult,
  opts: { overwrite?: boolean; signal?: CancelSignal; job: string },
): Promise<void> {
  const partial = result.partial;
  // Every job output carries the tool's marker, so --overwrite may later replace it (and nothing else).
  await writeFolderAtomically(outputPath, { overwrite: opts.overwrite === true, marker: { job: opts.job }, ...(opts.signal && !partial ? { signal: opts.signal } : {}) }, async (tmp) => {
    await writeFile(path.join(tmp, 'results.json'), JSON.stringify(result, null, 2) + '\n');
    await writeFile(path.join(tmp, 'results.csv'), result.format === 'rgp-sweep-results' ? sweepCsv(result.runs) : runsCsv(result.runs as SparsifyRunDetail[]));
    if (partial) await writeFile(path.join(tmp, PARTIAL_NOTE_FILE), partialNote(partial.runsDone, partial.runsPlanned));
  });
}
