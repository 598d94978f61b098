/**
 * After a cancelled experiment: did the job keep its finished runs (src/jobs/partialResult.ts)? Reads the
 * small results.json of the output folder, and only a PARTIAL.txt written since the job started counts,
 * so an older result in the same folder is never taken for this run's. O(size of results.json).
 */
import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { PARTIAL_NOTE_FILE } from '../jobs/partialResult';

export interface KeptRuns {
  done: number;
  planned: number;
  files: string[];
}

export async function keptRuns(out: string | undefined, since: number): Promise<KeptRuns | undefined> {
  if (!out) return undefined;
  try {
    const note = await stat(path.join(out, PARTIAL_NOTE_FILE));
    if (note.mtimeMs + 1000 < since) return undefined;
    const json = JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8')) as { partial?: { runsDone?: number; runsPlanned?: number } };
    if (typeof json.partial?.runsDone !== 'number' || typeof json.partial.runsPlanned !== 'number') return undefined;
    return { done: json.partial.runsDone, planned: json.partial.runsPlanned, files: [path.join(out, 'results.csv'), path.join(out, 'results.json'), path.join(out, PARTIAL_NOTE_FILE)] };
  } catch {
    return undefined;
  }
}

export function keptRunsText(what: string, kept: KeptRuns, out: string): string {
  return `RGP: ${what} cancelled after ${kept.done} of ${kept.planned} runs; the finished runs are kept in ${path.basename(out)} (marked partial: PARTIAL.txt).`;
}
