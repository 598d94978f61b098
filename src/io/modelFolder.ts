/**
 * Reading a TF.js layers model from disk without trusting it: model.json is size-limited and parsed
 * with clear errors, and every shard path must name a regular file inside the model's folder — no
 * absolute paths, no `..`, no symbolic links that lead out (a hostile manifest must not make us read,
 * and later copy next to a pruned model, files from elsewhere).
 */
import { constants } from 'node:buffer';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { RgpError, isRgpError } from '../core/errors';
import type { CancelSignal } from '../core/job';
import { checkJsonDepth } from '../core/jsonDepth';
import { checkGroupSizes, parseModelJson, type ModelJson } from '../core/model/modelJson';
import { buildLayerGraph } from '../core/model/layerGraph';

/** model.json holds topology and manifest only; anything this big is not one. */
const MAX_MODEL_JSON_BYTES = 64 * 1024 * 1024;

/**
 * One weight group is held in one buffer; a typed array cannot exceed this (4 GiB on Node 20), so a
 * larger group is refused with a message before any buffer is allocated.
 */
export const MAX_GROUP_BYTES = Math.min(constants.MAX_LENGTH, 2 ** 32 - 1);
/**
 * Files are read in pieces of at most this size: Node's fs read takes a 32-bit length and aborts the
 * process (a native assertion, exit 134) on more, so no single read may see a shard's whole size.
 */
export const READ_CHUNK_BYTES = 64 * 1024 * 1024;

export interface LoadedModelFiles {
  modelPath: string;
  modelDir: string;
  model: ModelJson;
  /** model.json exactly as read: outputs that keep the topology copy these bytes. */
  modelJsonBytes: Uint8Array;
  /** Per weight group, its shards concatenated in manifest order. */
  groupBytes: Uint8Array[];
  shards: { path: string; bytes: number }[];
  /** Every file read (model.json and the real paths of its shards): the inputs an output must not touch. */
  inputPaths: string[];
}

function unreadable(p: string, why: string): RgpError {
  return new RgpError('UNREADABLE_FILE', `Cannot read ${p}: ${why}.`, 'Check that the file exists and that you may read it.');
}

export async function readModelJson(modelPath: string): Promise<ModelJson> {
  return (await readModelJsonBytes(modelPath)).model;
}

async function readModelJsonBytes(modelPath: string): Promise<{ model: ModelJson; bytes: Uint8Array }> {
  let stat;
  try {
    stat = await fs.stat(modelPath);
  } catch (e) {
    throw unreadable(modelPath, (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message);
  }
  if (!stat.isFile()) throw unreadable(modelPath, 'it is not a regular file');
  if (stat.size > MAX_MODEL_JSON_BYTES)
    throw new RgpError('NOT_A_MODEL', `${path.basename(modelPath)} is ${stat.size} bytes, far too large for a model.json.`, 'Open the model.json that sits beside the weight shards.');
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(modelPath);
  } catch (e) {
    throw unreadable(modelPath, (e as Error).message);
  }
  const text = bytes.toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    throw new RgpError('NOT_A_MODEL', `${path.basename(modelPath)} is not valid JSON (${(e as Error).message}).`, 'Open the model.json of a TF.js layers model.');
  }
  checkJsonDepth(json, path.basename(modelPath));
  return { model: parseModelJson(json), bytes };
}

/**
 * Resolves a manifest path against the model folder, refusing anything that could leave it.
 * Returns the absolute real path of the shard.
 */
export async function resolveShardPath(modelDir: string, relPath: string): Promise<string> {
  const unsafe = (why: string) =>
    new RgpError('UNSAFE_PATH', `The weights manifest names "${relPath}", which ${why}.`, 'Weight shards must be plain file names inside the model folder; this model file may be hostile.');
  if (relPath.includes('\0')) throw unsafe('contains a NUL character');
  if (path.isAbsolute(relPath) || /^[a-zA-Z]:[\\/]/.test(relPath) || relPath.startsWith('\\')) throw unsafe('is an absolute path');
  if (/^[a-z][a-z0-9+.-]*:/i.test(relPath)) throw unsafe('is a URL');
  const parts = relPath.split(/[\\/]+/);
  if (parts.includes('..')) throw unsafe('climbs out of the model folder');
  const realDir = await fs.realpath(modelDir);
  const candidate = path.join(realDir, ...parts);
  let real: string;
  try {
    real = await fs.realpath(candidate);
  } catch {
    throw new RgpError('BAD_MODEL', `The weight shard "${relPath}" is missing next to model.json.`, 'Copy all shard files of the model into its folder.');
  }
  if (real !== realDir && !real.startsWith(realDir + path.sep)) throw unsafe('is a link that leads out of the model folder');
  const st = await fs.stat(real);
  if (!st.isFile()) throw unsafe('is not a regular file');
  return real;
}

/**
 * Every check of readModelFiles and of the layer graph that needs no weight bytes: model.json parsed, each
 * shard path inside the folder and sized, the sizes against the manifest (saying which side disagrees),
 * the layer configs against the manifest shapes. Cheap enough for the extension host (model.json and
 * stat calls only), so a broken model is reported before any prompt. Throws the RgpError a job would.
 */
export async function checkModelFiles(modelPath: string): Promise<void> {
  const modelDir = path.dirname(path.resolve(modelPath));
  const { model } = await readModelJsonBytes(modelPath);
  const sizes: { byteLength: number }[] = [];
  for (const group of model.weightGroups) {
    let bytes = 0;
    for (const rel of group.paths) bytes += (await fs.stat(await resolveShardPath(modelDir, rel))).size;
    sizes.push({ byteLength: bytes });
  }
  checkSizesSayingWhichSide(model, sizes);
  buildLayerGraph(model);
}

/** Reads model.json and all its shards (paths and sizes checked), reporting one progress step per shard. */
export async function readModelFiles(
  modelPath: string,
  signal: CancelSignal,
  onShard: (done: number, total: number, name: string) => void = () => {},
): Promise<LoadedModelFiles> {
  const modelDir = path.dirname(path.resolve(modelPath));
  const { model, bytes: modelJsonBytes } = await readModelJsonBytes(modelPath);
  const total = model.weightGroups.reduce((s, g) => s + g.paths.length, 0);
  // Every shard path is checked and sized before a byte is read, so one group lands in one buffer of
  // its final size (no per-shard copies to concatenate: peak memory stays near the weights' size).
  const located: { rel: string; real: string; size: number }[][] = [];
  for (const group of model.weightGroups) {
    const g = [];
    for (const rel of group.paths) {
      const real = await resolveShardPath(modelDir, rel);
      g.push({ rel, real, size: (await fs.stat(real)).size });
    }
    located.push(g);
  }
  checkSizesSayingWhichSide(model, located.map((g) => ({ byteLength: g.reduce((s, f) => s + f.size, 0) })));
  located.forEach((g, i) => {
    const size = g.reduce((s, f) => s + f.size, 0);
    if (size > MAX_GROUP_BYTES) {
      throw new RgpError('UNSUPPORTED', `Weight group ${i + 1} of ${path.basename(modelPath)} holds ${size} bytes, more than the ${MAX_GROUP_BYTES} one group can hold in memory.`, 'Re-save the model with smaller weight groups (the TF.js converter\'s --weight_shard_size_bytes splits shards, one group per layer keeps groups small).');
    }
  });
  const groupBytes: Uint8Array[] = [];
  const shards: { path: string; bytes: number }[] = [];
  let done = 0;
  for (const g of located) {
    const buffer = new Uint8Array(g.reduce((s, f) => s + f.size, 0));
    let at = 0;
    for (const f of g) {
      signal.throwIfCancelled();
      const handle = await fs.open(f.real, 'r');
      try {
        const bytesRead = await readFully(handle, buffer, at, f.size, signal);
        if (bytesRead !== f.size) throw unreadable(f.real, `it shrank from ${f.size} to ${bytesRead} bytes while being read`);
      } finally {
        await handle.close();
      }
      at += f.size;
      shards.push({ path: f.rel, bytes: f.size });
      onShard(++done, total, f.rel);
    }
    groupBytes.push(buffer);
  }
  const inputPaths = [path.resolve(modelPath), ...located.flatMap((g) => g.map((f) => f.real))];
  return { modelPath, modelDir, model, modelJsonBytes, groupBytes, shards, inputPaths };
}

/**
 * Reads `length` bytes from the start of `handle` into `buffer` at `offset`, in pieces of at most `chunk`
 * bytes (see READ_CHUNK_BYTES), polling `signal` between pieces; returns the bytes read (less at end of file).
 */
export async function readFully(
  handle: fs.FileHandle,
  buffer: Uint8Array,
  offset: number,
  length: number,
  signal?: CancelSignal,
  chunk = READ_CHUNK_BYTES,
): Promise<number> {
  let done = 0;
  while (done < length) {
    signal?.throwIfCancelled();
    const want = Math.min(chunk, length - done);
    const { bytesRead } = await handle.read(buffer, offset + done, want, done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done;
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/**
 * The shard bytes against the manifest — but when they disagree, model.json may be the side that changed
 * (a shape edited by hand): if its layer configs contradict its own manifest, that is the error to report,
 * with the byte mismatch as a consequence, not "restore the shard files". O(layers) on the failure path.
 */
function checkSizesSayingWhichSide(model: ModelJson, groups: readonly { byteLength: number }[]): void {
  try {
    checkGroupSizes(model, groups);
  } catch (bytesProblem) {
    let configProblem: unknown;
    try {
      buildLayerGraph(model);
    } catch (e) {
      configProblem = e;
    }
    if (isRgpError(configProblem) && isRgpError(bytesProblem)) {
      throw new RgpError(
        'BAD_MODEL',
        `model.json disagrees with itself: ${configProblem.message.replace(/^The model file is inconsistent: /, '').replace(/\.$/, '')}; its weight files then do not match the manifest either (${bytesProblem.message.replace(/\.$/, '')}).`,
        'Undo the edit to model.json (or re-export the model); the weight files look intact.',
      );
    }
    throw bytesProblem;
  }
}
