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
import { fsError } from './readBytes';

function tempSibling(target: string): string {
  return path.join(path.dirname(target), `.rgp-tmp-${path.basename(target)}-${process.pid}-${Date.now().toString(36)}`);
}

export async function writeFileAtomic(target: string, data: string | Uint8Array): Promise<void> {
  await fs.mkdir(path.dirname(path.resolve(target)), { recursive: true });
  const tmp = tempSibling(path.resolve(target));
  try {
    await fs.writeFile(tmp, data);
    await fs.rename(tmp, target);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
}

export function writeJsonAtomic(target: string, value: unknown): Promise<void> {
  return writeFileAtomic(target, JSON.stringify(value, null, 2) + '\n');
}

/**
 * Creates a temporary sibling of `target`, lets `fill` write into it, then renames it to `target`.
 * Any failure (or cancel) removes the temporary folder; an existing target is replaced only with
 * `overwrite` and only after the new folder is complete.
 */
export async function writeFolderAtomically(
  target: string,
  opts: { overwrite?: boolean; signal?: CancelSignal },
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
    throw fsError(parent, e);
  }
  const tag = `${process.pid}-${Date.now().toString(36)}-${Math.floor(Math.random() * 0x7fffffff).toString(36)}`;
  const tmp = join(parent, `.rgp-tmp-${basename(target)}-${tag}`);
  const trash = join(parent, `.rgp-tmp-old-${basename(target)}-${tag}`);
  try {
    try {
      await mkdir(tmp);
    } catch (e) {
      throw fsError(tmp, e);
    }
    opts.signal?.throwIfCancelled();
    await fill(tmp, opts.signal);
    opts.signal?.throwIfCancelled();
    // Re-check: another process may have created the target while we were writing.
    const now = await folderState(target);
    if (now === 'non-empty' && !opts.overwrite) {
      throw new RgpError('BAD_ARGUMENT', `${target} appeared while the model was being written and is not empty.`, 'Choose a new folder, or allow overwriting it.');
    }
    if (now === 'empty') await rmdir(target);
    if (now === 'non-empty') await rename(target, trash);
    try {
      await rename(tmp, target);
    } catch (e) {
      if (now === 'non-empty') await rename(trash, target).catch(() => undefined);
      throw e;
    }
    if (now === 'non-empty') await rm(trash, { recursive: true, force: true });
  } catch (e) {
    await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
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

