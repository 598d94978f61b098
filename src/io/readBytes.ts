/**
 * Reading a data file whole, transparently gunzipping it when its first bytes say it is gzip
 * (1f 8b) — the name is not trusted, so `foo.gz` that was already decompressed by a browser still reads.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { RgpError } from '../core/errors';

/**
 * No data file is inflated beyond this (1 GiB): a small gzip file can expand a thousandfold, and the
 * readers that take a whole file hold it in memory.
 */
export const MAX_INFLATED_BYTES = 1024 * 1024 * 1024;

export interface GzipLimit {
  /**
   * Given the first inflated bytes, how many bytes the whole file should inflate to (its header's
   * promise), or undefined when more bytes are needed to tell; 0 when the header is not one at all (the
   * bytes so far are returned for the parser to explain). Inflating stops as soon as the promise is
   * exceeded, so a file that lies about its size costs memory for what its header declares, not for what
   * it inflates to.
   */
  declared?: (head: Uint8Array) => number | undefined;
  /** The absolute cap (default MAX_INFLATED_BYTES). */
  max?: number;
}

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Reads `path` and returns its contents, decompressed if it is gzip. Decompression streams: it stops one
 * byte past what `limit.declared` says the header promises (the parser then reports the excess), and a
 * file that would inflate beyond `limit.max` is refused. Memory O(min(declared, max)), not O(inflated).
 */
export async function readMaybeGzip(path: string, limit: GzipLimit = {}): Promise<Uint8Array> {
  const raw = await readWhole(path);
  if (!isGzip(raw)) return raw;
  return gunzipBounded(path, limit);
}

async function gunzipBounded(path: string, limit: GzipLimit): Promise<Uint8Array> {
  const max = limit.max ?? MAX_INFLATED_BYTES;
  const chunks: Buffer[] = [];
  let total = 0;
  let cap: number | undefined;
  const file = createReadStream(path);
  const gunzip = createGunzip();
  file.on('error', (e) => gunzip.destroy(e));
  file.pipe(gunzip);
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      total += chunk.length;
      if (cap === undefined && limit.declared) {
        const head = chunks.length === 1 ? chunk : Buffer.concat(chunks);
        const d = limit.declared(head);
        if (d !== undefined) cap = Math.max(0, d);
      }
      if (cap === 0) return trimmed(chunks, total);
      if (cap !== undefined && total > cap) {
        throw new RgpError('BAD_DATASET', `${path} inflates to more than the ${cap} bytes its header declares.`, 'The header and the data disagree; the file is damaged or not what its name says.');
      }
      if (total > max) {
        throw new RgpError('UNSUPPORTED', `${path} inflates to more than ${max} bytes; gzip data that large is not read.`, 'Decompress it yourself and check it is the file you meant; a data file this large should be split.');
      }
    }
  } catch (e) {
    if (e instanceof RgpError) throw e;
    const why = (e as { message?: string }).message ?? String(e);
    throw new RgpError(
      'UNREADABLE_FILE',
      `${path} starts like a gzip file but cannot be decompressed (${why}).`,
      'The file is probably truncated or damaged; download or copy it again.',
    );
  } finally {
    file.destroy();
    gunzip.destroy();
  }
  return trimmed(chunks, total);
}

function trimmed(chunks: Buffer[], length: number): Uint8Array {
  const out = Buffer.concat(chunks, Math.min(length, chunks.reduce((s, c) => s + c.length, 0)));
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
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
