/**
 * Where a job writes: a new folder next to its input, never the input folder or one that contains it,
 * and never over an existing non-empty folder unless asked. Checked before any search or training time
 * is spent; the atomic write at the end checks again.
 */
import { realpathSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { RgpError } from '../core/errors';

/** `<model folder><suffix>` unless given; symlinks are resolved on both sides before comparing. */
export function resolveOutputFolder(modelDir: string, out: string | undefined, suffix: string): string {
  const target = path.resolve(out ?? `${modelDir}${suffix}`);
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return p; // not there yet: the usual case for the target
    }
  };
  for (const dir of new Set([modelDir, real(modelDir)])) {
    for (const t of new Set([target, real(target)])) {
      if (t === dir || dir.startsWith(t + path.sep)) {
        throw new RgpError('UNSAFE_PATH', `The output folder ${target} would replace the input model's folder.`, `Choose an output folder outside the model folder, e.g. the default <model folder>${suffix}.`);
      }
    }
  }
  return target;
}

/** Refuses an existing file, or a non-empty folder without overwrite. */
export async function checkOutputFree(target: string, overwrite: boolean): Promise<void> {
  let s;
  try {
    s = await stat(target);
  } catch {
    return;
  }
  if (!s.isDirectory()) throw new RgpError('BAD_ARGUMENT', `${target} exists and is a file, not a folder.`, 'Choose a new output folder (--out).');
  if (!overwrite && (await readdir(target)).length > 0) {
    throw new RgpError('BAD_ARGUMENT', `The output folder ${target} already exists and is not empty.`, 'Choose another folder with --out, or allow overwriting it (--overwrite).');
  }
}
