/**
 * Which cells of an experiment grid (a sweep's ratio × graph × seed, a comparison's method × sparsity ×
 * seed) one job runs. A job without a selection runs every cell; with one, it runs only the chosen cells
 * and writes nothing (the caller assembles the results: `rgp merge` or the worker pool).
 *
 *   only    exactly these cell indices (`rgp run-cell`, one pod of a Kubernetes Indexed Job);
 *   claims  self-scheduling between the threads of a pool: one Int32 slot per cell in shared memory; a
 *           worker runs a cell only if it turns its slot from 0 to its own tag (worker + 1) first. Every
 *           worker walks the cells in grid order, so each claims its cells in ascending order — which is
 *           how the host maps the i-th run streamed by a worker back to its cell.
 *
 * Plain data (a SharedArrayBuffer crosses a thread boundary by sharing), so it travels inside job options.
 */
import { RgpError } from '../../core/errors';

export type CellSelection = { only: number[] } | { claims: SharedArrayBuffer; worker: number };

/** `select(i)` decides, at the moment cell i would start, whether this job runs it. Call it once per cell, in order. */
export function cellSelector(selection: CellSelection | undefined, cellCount: number): (index: number) => boolean {
  if (!selection) return () => true;
  if ('only' in selection) {
    for (const i of selection.only) {
      if (!Number.isInteger(i) || i < 0 || i >= cellCount) {
        throw new RgpError('BAD_ARGUMENT', `Cell ${i} is not in this grid of ${cellCount} cells.`, `Cell indices run from 0 to ${cellCount - 1}.`);
      }
    }
    const set = new Set(selection.only);
    return (i) => set.has(i);
  }
  const slots = new Int32Array(selection.claims);
  if (slots.length !== cellCount) throw new Error(`claim array has ${slots.length} slots for ${cellCount} cells`);
  const tag = selection.worker + 1;
  return (i) => Atomics.compareExchange(slots, i, 0, tag) === 0;
}

/** The shared claim array of a pool over `cellCount` cells. */
export function newClaims(cellCount: number): SharedArrayBuffer {
  return new SharedArrayBuffer(4 * Math.max(1, cellCount));
}

/** Cells claimed by `worker`, ascending: the i-th run that worker streams belongs to the i-th of these. */
export function claimedBy(claims: SharedArrayBuffer, worker: number): number[] {
  const slots = new Int32Array(claims);
  const out: number[] = [];
  for (let i = 0; i < slots.length; i++) if (Atomics.load(slots, i) === worker + 1) out.push(i);
  return out;
}
