/**
 * A cancelled experiment keeps the runs that finished: its folder is written (atomically, as always) with
 * results.json carrying `partial` and this PARTIAL.txt note, so no one mistakes it for the whole result.
 */
export const PARTIAL_NOTE_FILE = 'PARTIAL.txt';

export function partialNote(done: number, planned: number): string {
  return `PARTIAL RESULT: cancelled after ${done} of ${planned} runs. results.json and results.csv hold the finished runs only; results.json has "partial": { "cancelled": true, "runsDone": ${done}, "runsPlanned": ${planned} }.\n`;
}
