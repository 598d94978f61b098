/**
 * The temporary folders and files this process has created and not yet renamed or removed (the
 * `.rgp-tmp-*` siblings of src/io/atomicWrite.ts), so that every exit path can remove them: a job that
 * fails or is cancelled removes its own, and a host that stops a job hard (a second Ctrl+C, SIGTERM, a
 * terminated worker) removes what the job could not. One listener per process (the worker forwards
 * every change to its host through the protocol); O(1) per change.
 *
 * `restore` marks the old output moved aside during an overwrite swap (`.rgp-tmp-old-*`): if the process
 * stops between the two renames, the old output is put back rather than deleted, so the user never ends
 * up with neither folder.
 */
import { existsSync, renameSync, rmSync } from 'node:fs';

export interface TempEntry {
  path: string;
  /** Where this entry came from, when it is a previous output moved aside (put back on cleanup). */
  restore?: string;
}

export type TempChange = { op: 'add'; entry: TempEntry } | { op: 'remove'; path: string };

const live = new Map<string, TempEntry>();
let listener: ((change: TempChange) => void) | undefined;

/** Called with every change; the worker entry forwards them to its host. */
export function onTempChange(fn: ((change: TempChange) => void) | undefined): void {
  listener = fn;
}

export function addTemp(entry: TempEntry): void {
  live.set(entry.path, entry);
  listener?.({ op: 'add', entry });
}

export function removeTemp(path: string): void {
  if (live.delete(path)) listener?.({ op: 'remove', path });
}

/** Applies a change reported by a worker to this process's own list. */
export function applyTempChange(change: TempChange): void {
  if (change.op === 'add') live.set(change.entry.path, change.entry);
  else live.delete(change.path);
}

export function liveTemps(): TempEntry[] {
  return [...live.values()];
}

/**
 * Removes every temporary entry still listed (or only those of `paths`); an old output moved aside goes
 * back to its place when that place is free again. Synchronous, so it also runs from a
 * `process.on('exit')` handler. Never throws.
 */
export function cleanTempsSync(paths?: string[]): void {
  // Restores first: an old output goes back before anything else is touched.
  const chosen = paths ? paths.map((p) => live.get(p)).filter((e): e is TempEntry => e !== undefined) : [...live.values()];
  const entries = chosen.sort((a, b) => Number(!!b.restore) - Number(!!a.restore));
  for (const e of entries) {
    try {
      if (e.restore && existsSync(e.path) && !existsSync(e.restore)) renameSync(e.path, e.restore);
      else rmSync(e.path, { recursive: true, force: true });
    } catch {
      // Best effort: a folder we cannot remove stays, and nothing else is affected.
    }
    live.delete(e.path);
  }
}
