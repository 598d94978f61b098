/**
 * Files and folders appear complete or not at all: content goes to a temporary sibling first and is
 * renamed into place (rename is atomic within one file system), so a crash or a cancel never leaves
 * a half-written output where the user would look for a result.
 */
import { promises as fs } from 'node:fs';
import { mkdir, readdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { basename, dirname, join } from 'node:path';
import { RgpError } from '../core/errors';
import type { CancelSignal } from '../core/job';
import { carriesMarker, writeMarker } from './outputMarker';
import { fsError, fsWriteError } from './readBytes';
import { addTemp, removeTemp } from './tempRegistry';

function tempSibling(target: string): string {
  return path.join(path.dirname(target), `.rgp-tmp-${path.basename(target)}-${process.pid}-${Date.now().toString(36)}`);
}

/**
 * One file, through its temporary sibling. Write failures (read-only folder, a file where a folder should
 * be, disk full) are RgpErrors saying "cannot be written". `data` may be a list of chunks, written one after
 * another (no joined copy of them).
 */
export function writeFileAtomic(target: string, data: string | Uint8Array | readonly Uint8Array[]): Promise<void> {
  return writeFilesAtomic([{ target, data }]);
}

/**
 * Files that belong together (a model and its report): every file is written to its temporary sibling
 * first, and only when all are complete are they renamed into place, in the order given. A failure or a
 * full disk while writing leaves every target as it was; only a crash between the renames (no data is
 * written then) could leave a mix.
 */
export async function writeFilesAtomic(files: ReadonlyArray<{ target: string; data: string | Uint8Array | readonly Uint8Array[] }>): Promise<void> {
  const temps: Array<{ tmp: string; target: string }> = [];
  try {
    for (const { target, data } of files) {
      const parent = path.dirname(path.resolve(target));
      try {
        await fs.mkdir(parent, { recursive: true });
      } catch (e) {
        throw fsWriteError(parent, e);
      }
      const tmp = tempSibling(path.resolve(target));
      addTemp({ path: tmp });
      temps.push({ tmp, target });
      try {
        await fs.writeFile(tmp, typeof data === 'string' || data instanceof Uint8Array ? data : data.values());
      } catch (e) {
        throw fsWriteError(target, e);
      }
    }
    for (const { tmp, target } of temps) {
      try {
        await fs.rename(tmp, target);
      } catch (e) {
        throw fsWriteError(target, e);
      }
    }
  } finally {
    for (const { tmp } of temps) {
      await fs.rm(tmp, { force: true });
      removeTemp(tmp);
    }
  }
}

export function writeJsonAtomic(target: string, value: unknown): Promise<void> {
  return writeFileAtomic(target, JSON.stringify(value, null, 2) + '\n');
}

/**
 * Creates a temporary sibling of `target`, lets `fill` write into it, then renames it to `target`.
 * Any failure (or cancel) removes the temporary folder; an existing target is replaced only with
 * `overwrite` and only after the new folder is complete. With `marker` (every job output), the folder
 * gets the tool's marker file (src/io/outputMarker.ts), and an existing non-empty target is replaced only
 * when it carries one — checked again at the swap, so a folder that appeared meanwhile is never deleted.
 * The temporary folder and the old output moved aside are listed in src/io/tempRegistry.ts while they
 * exist, so a host that stops the job hard can still remove (or put back) them.
 */
export async function writeFolderAtomically(
  target: string,
  opts: { overwrite?: boolean; signal?: CancelSignal; marker?: { job: string } },
  fill: (tmpDir: string, signal?: CancelSignal) => Promise<void>,
): Promise<void> {
  const existing = await folderState(target);
  if (existing === 'file') {
    throw new RgpError('BAD_ARGUMENT', `${target} exists and is a file, not a folder.`, 'Choose a new folder name for the model.');
  }
  if (existing === 'non-empty' && !opts.overwrite) {
    throw new RgpError('BAD_ARGUMENT', `${target} already exists and is not empty.`, 'Choose a new folder, or allow overwriting it.');
  }
  const parent = dirname(target);
  try {
    await mkdir(parent, { recursive: true });
  } catch (e) {
    throw fsWriteError(parent, e);
  }
  const tag = `${process.pid}-${Date.now().toString(36)}-${Math.floor(Math.random() * 0x7fffffff).toString(36)}`;
  const tmp = join(parent, `.rgp-tmp-${basename(target)}-${tag}`);
  const trash = join(parent, `.rgp-tmp-old-${basename(target)}-${tag}`);
  addTemp({ path: tmp });
  try {
    try {
      await mkdir(tmp);
    } catch (e) {
      throw fsWriteError(tmp, e);
    }
    opts.signal?.throwIfCancelled();
    await fill(tmp, opts.signal);
    if (opts.marker) await writeMarker(tmp, opts.marker.job);
    opts.signal?.throwIfCancelled();
    // Re-check: another process may have created the target while we were writing.
    const now = await folderState(target);
    if (now === 'non-empty' && !opts.overwrite) {
      throw new RgpError('BAD_ARGUMENT', `${target} appeared while the output was being written and is not empty.`, 'Choose a new folder, or allow overwriting it.');
    }
    if (now === 'non-empty' && opts.marker && !(await carriesMarker(target))) {
      throw new RgpError('UNSAFE_PATH', `${target} is not a folder this tool wrote (it has no ${'.rgp-output.json'}), so it is not replaced.`, 'Choose a new output folder.');
    }
    if (now === 'empty') await rmdir(target);
    if (now === 'non-empty') {
      addTemp({ path: trash, restore: target });
      await rename(target, trash);
    }
    try {
      await rename(tmp, target);
    } catch (e) {
      if (now === 'non-empty') await rename(trash, target).catch(() => undefined);
      throw fsWriteError(target, e);
    }
    removeTemp(tmp);
    if (now === 'non-empty') {
      // The new output is in place: the old one is no longer something to put back.
      removeTemp(trash);
      addTemp({ path: trash });
      await rm(trash, { recursive: true, force: true });
      removeTemp(trash);
    }
  } catch (e) {
    await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    removeTemp(tmp);
    removeTemp(trash);
    throw e;
  }
}

async function folderState(p: string): Promise<'missing' | 'file' | 'empty' | 'non-empty'> {
  let s;
  try {
    s = await stat(p);
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return 'missing';
    throw fsError(p, e);
  }
  if (!s.isDirectory()) return 'file';
  return (await readdir(p)).length === 0 ? 'empty' : 'non-empty';
}

