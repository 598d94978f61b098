/**
 * Reading a data file whole, transparently gunzipping it when its first bytes say it is gzip
 * (1f 8b) — the name is not trusted, so `foo.gz` that was already decompressed by a browser still reads.
 */
import { readFile } from 'node:fs/promises';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { RgpError } from '../core/errors';

const gunzipAsync = promisify(gunzip);

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Reads `path` and returns its contents, decompressed if it is gzip. */
export async function readMaybeGzip(path: string): Promise<Uint8Array> {
  const raw = await readWhole(path);
  if (!isGzip(raw)) return raw;
  try {
    const out = await gunzipAsync(raw);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (e) {
    const why = (e as { message?: string }).message ?? String(e);
    throw new RgpError(
      'UNREADABLE_FILE',
      `${path} starts like a gzip file but cannot be decompressed (${why}).`,
      'The file is probably truncated or damaged; download or copy it again.',
    );
  }
}

/** Reads `path` whole, turning the usual file-system failures into messages a person can act on. */
export async function readWhole(path: string): Promise<Uint8Array> {
  try {
    const b = await readFile(path);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (e) {
    throw fsError(path, e);
  }
}

/**
 * An `RgpError` for the usual failures of writing `path` (a read-only folder, a file where a folder
 * should be, a full disk), worded as writing; an RgpError passes through, anything else is returned unchanged.
 */
export function fsWriteError(path: string, e: unknown): unknown {
  if (e instanceof RgpError) return e;
  const code = (e as { code?: string }).code;
  const hint = 'Choose an output place you may write to.';
  switch (code) {
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new RgpError('UNWRITABLE_FILE', `${path} cannot be written: permission denied${code === 'EROFS' ? ' (read-only file system)' : ''}.`, hint);
    case 'EISDIR':
      return new RgpError('UNWRITABLE_FILE', `${path} cannot be written: it is a folder.`, 'Give a file path for this output.');
    case 'ENOTDIR':
    case 'EEXIST':
      return new RgpError('UNWRITABLE_FILE', `${path} cannot be written: a part of the path is a file, not a folder.`, 'Check the output path.');
    case 'ENOSPC':
    case 'EDQUOT':
      return new RgpError('UNWRITABLE_FILE', `${path} cannot be written: the disk is full.`, 'Free some space, or write elsewhere.');
    case 'ENAMETOOLONG':
      return new RgpError('UNWRITABLE_FILE', `${path} cannot be written: the name is too long.`, 'Choose a shorter output path.');
    default:
      if (code) return new RgpError('UNWRITABLE_FILE', `${path} cannot be written (${code}).`, hint);
      return e;
  }
}

/** An `RgpError` for the usual file-system failures; anything else is returned unchanged. */
export function fsError(path: string, e: unknown): unknown {
  const code = (e as { code?: string }).code;
  switch (code) {
    case 'ENOENT':
      return new RgpError('UNREADABLE_FILE', `${path} does not exist.`, 'Check the path (relative paths are taken from the current folder).');
    case 'EISDIR':
      return new RgpError('UNREADABLE_FILE', `${path} is a folder, not a file.`, 'Give the path of the file inside it.');
    case 'EACCES':
    case 'EPERM':
      return new RgpError('UNREADABLE_FILE', `${path} cannot be read: permission denied.`, 'Check the file permissions.');
    case 'ENOTDIR':
      return new RgpError('UNREADABLE_FILE', `${path} cannot be read: a part of the path is not a folder.`, 'Check the path.');
    case 'ELOOP':
      return new RgpError('UNREADABLE_FILE', `${path} cannot be read: too many symbolic links.`, 'Check the path for a link loop.');
    default:
      if (code) {
        return new RgpError('UNREADABLE_FILE', `${path} cannot be read (${code}: ${(e as Error).message}).`, 'Check that the file exists and is readable.');
      }
      return e;
  }
}
