/**
 * ONNX external data: initializers whose bytes live in files beside the model (`location` relative to the
 * model's folder, `offset`, `length`). The same containment rules as TF.js weight shards
 * (src/io/modelFolder.ts): a location is a relative path inside the model folder — no absolute paths, no
 * URLs, no `..`, no symbolic link that leads out, a regular file — and every tensor's offset + length is
 * checked against the file's size before a byte is read. Each file is read once, in bounded chunks (a
 * cancel is honoured between chunks), into one buffer of its final size: masking then edits that buffer
 * and the writer puts it back under the same name.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { RgpError } from '../../core/errors';
import type { CancelSignal } from '../../core/job';

/** Bytes read per call: large enough to be fast, small enough to stay responsive to a cancel. */
const CHUNK_BYTES = 64 * 1024 * 1024;

const unsafe = (location: string, why: string) =>
  new RgpError('UNSAFE_PATH', `The ONNX model keeps weights in "${location}", which ${why}.`, 'External data files must be plain files inside the model folder; this model file may be hostile.');

/** The real path of an external data file, refusing anything that could leave the model folder. */
export async function resolveExternalPath(modelDir: string, location: string): Promise<string> {
  if (location.includes('\0')) throw unsafe(location, 'contains a NUL character');
  if (path.isAbsolute(location) || /^[a-zA-Z]:[\\/]/.test(location) || location.startsWith('\\')) throw unsafe(location, 'is an absolute path');
  if (/^[a-z][a-z0-9+.-]*:/i.test(location)) throw unsafe(location, 'is a URL');
  const parts = location.split(/[\\/]+/).filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw unsafe(location, 'climbs out of the model folder');
  if (parts.length === 0) throw unsafe(location, 'names no file');
  const realDir = await fs.realpath(modelDir);
  let real: string;
  try {
    real = await fs.realpath(path.join(realDir, ...parts));
  } catch {
    throw new RgpError('BAD_MODEL', `The external data file "${location}" of the ONNX model is missing.`, 'Copy the data files that were written with the model into its folder.');
  }
  if (real !== realDir && !real.startsWith(realDir + path.sep)) throw unsafe(location, 'is a link that leads out of the model folder');
  if (!(await fs.stat(real)).isFile()) throw unsafe(location, 'is not a regular file');
  return real;
}

/** Normalised relative name of a location (forward slashes), as the writer recreates it in the output. */
export function externalName(location: string): string {
  return location.split(/[\\/]+/).filter((p) => p !== '' && p !== '.').join('/');
}

export interface ExternalFile {
  /** Normalised relative name (see externalName). */
  name: string;
  real: string;
  size: number;
  bytes: Uint8Array;
}

/**
 * Checks the ranges (offset, length) the tensors use against each file's size, then reads every file
 * whole in chunks. `ranges` maps normalised names to the ranges inside them; `what` names a range.
 */
export async function readExternalFiles(
  modelDir: string,
  ranges: ReadonlyMap<string, { location: string; offset: number; length: number; what: string }[]>,
  signal: CancelSignal,
  onFile: (done: number, total: number, name: string) => void = () => {},
): Promise<Map<string, ExternalFile>> {
  const located: { name: string; real: string; size: number }[] = [];
  for (const [name, list] of ranges) {
    const real = await resolveExternalPath(modelDir, list[0].location);
    const size = (await fs.stat(real)).size;
    for (const r of list) {
      if (r.offset + r.length > size) {
        throw new RgpError('BAD_MODEL', `The ONNX model is inconsistent: ${r.what} needs bytes ${r.offset}…${r.offset + r.length} of "${name}", which has ${size}.`, 'Copy the external data file again; it is truncated or belongs to another export.');
      }
    }
    located.push({ name, real, size });
  }
  const out = new Map<string, ExternalFile>();
  let done = 0;
  for (const f of located) {
    const bytes = new Uint8Array(f.size);
    const handle = await fs.open(f.real, 'r');
    try {
      for (let at = 0; at < f.size; ) {
        signal.throwIfCancelled();
        const { bytesRead } = await handle.read(bytes, at, Math.min(CHUNK_BYTES, f.size - at), at);
        if (bytesRead === 0) throw new RgpError('UNREADABLE_FILE', `Cannot read ${f.real}: it shrank while being read.`, 'Make sure nothing writes the model while RGP reads it.');
        at += bytesRead;
      }
    } finally {
      await handle.close();
    }
    out.set(f.name, { ...f, bytes });
    onFile(++done, located.length, f.name);
  }
  return out;
}
