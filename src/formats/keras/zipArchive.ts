/**
 * The `.keras` zip (config.json, metadata.json, model.weights.h5, sometimes assets/), read and written with
 * fflate. The archive is not trusted: every entry's name and inflated size are read from the central
 * directory and checked BEFORE anything is inflated — a `../` or absolute name, too many entries, or more
 * inflated bytes than the caps allow (a zip bomb) is refused with one line, and no entry is ever extracted
 * to disk by its name. Inflation writes into a buffer of the declared size, so an entry that lies about its
 * size cannot grow past it.
 */
import { unzipSync, zipSync, type UnzipFileInfo, type Zippable } from 'fflate';
import { RgpError } from '../../core/errors';

export interface ZipEntry {
  name: string;
  bytes: Uint8Array;
  /** 0 stored, 8 deflated (kept when the archive is written back). */
  compression: number;
}

export interface ZipCaps {
  /** Most inflated bytes of all entries together. */
  totalBytes: number;
  /** Most entries. */
  entries: number;
}

/** Node reads no file over 2 GiB whole, and Keras stores the weights uncompressed: more than that inflated is a bomb. */
export const DEFAULT_ZIP_CAPS: ZipCaps = { totalBytes: 2 * 1024 ** 3, entries: 10_000 };

const badZip = (file: string, what: string) =>
  new RgpError('BAD_MODEL', `${file} is not a readable .keras archive: ${what}.`, 'Save the model again with model.save("model.keras"); the file may be truncated or damaged.');

/** Entry names Keras writes: relative, forward slashes, no `..`, no drive letters or NULs. */
export function isSafeEntryName(name: string): boolean {
  if (name.length === 0 || name.length > 1024) return false;
  if (name.startsWith('/') || name.includes('\\') || name.includes('\0') || /^[A-Za-z]:/.test(name)) return false;
  return name.split('/').every((part, i, all) => part !== '..' && part !== '.' && (part !== '' || i === all.length - 1));
}

/** The archive's entries, checked (names, count, inflated sizes) before any is inflated. */
export function readZip(bytes: Uint8Array, file: string, caps: ZipCaps = DEFAULT_ZIP_CAPS): ZipEntry[] {
  const infos: UnzipFileInfo[] = [];
  try {
    // First pass: the central directory only (the filter declines every entry).
    unzipSync(bytes, { filter: (f) => (infos.push(f), false) });
  } catch (e) {
    throw badZip(file, `its zip directory cannot be read (${(e as Error).message})`);
  }
  if (infos.length === 0) throw badZip(file, 'the archive is empty');
  if (infos.length > caps.entries) throw badZip(file, `it has ${infos.length} entries (at most ${caps.entries} are read)`);
  let total = 0;
  const seen = new Set<string>();
  for (const f of infos) {
    if (!isSafeEntryName(f.name)) {
      throw new RgpError('UNSAFE_PATH', `${file} holds an entry named ${JSON.stringify(f.name.slice(0, 200))}, which points outside the archive.`, 'Only open .keras files written by Keras; this one may be crafted to overwrite files.');
    }
    if (seen.has(f.name)) throw badZip(file, `the entry ${f.name} appears twice`);
    seen.add(f.name);
    if (f.compression !== 0 && f.compression !== 8) throw badZip(file, `the entry ${f.name} uses compression method ${f.compression} (only stored and deflate are read)`);
    if (f.compression === 0 && f.size !== f.originalSize) throw badZip(file, `the stored entry ${f.name} declares ${f.originalSize} bytes but holds ${f.size}`);
    total += f.originalSize;
    if (total > caps.totalBytes) {
      throw new RgpError(
        'BAD_MODEL',
        `${file} would inflate to more than ${formatBytes(caps.totalBytes)} (a zip bomb, or not a model archive).`,
        'Open a .keras file written by Keras; its weights are stored, not compressed.',
      );
    }
  }
  let inflated: Record<string, Uint8Array>;
  try {
    inflated = unzipSync(bytes);
  } catch (e) {
    throw badZip(file, `an entry cannot be inflated (${(e as Error).message})`);
  }
  return infos.map((f) => {
    const data = inflated[f.name];
    if (!data || data.byteLength !== f.originalSize) throw badZip(file, `the entry ${f.name} is truncated`);
    return { name: f.name, bytes: data, compression: f.compression };
  });
}

/** One entry by name, or a clear error naming what the archive lacks. */
export function zipEntry(entries: readonly ZipEntry[], name: string, file: string): ZipEntry {
  const e = entries.find((x) => x.name === name);
  if (!e) throw new RgpError('NOT_A_MODEL', `${file} has no ${name}, so it is not a Keras .keras model.`, 'Save the model with model.save("model.keras") (Keras 3 or tf.keras ≥ 2.13).');
  return e;
}

/**
 * The archive written back: the same entries in the same order, each with its own compression (Keras
 * stores everything uncompressed), the given ones replaced. Times are fixed so the output is reproducible.
 */
export function writeZip(entries: readonly ZipEntry[], replace: ReadonlyMap<string, Uint8Array> = new Map()): Uint8Array {
  const files: Zippable = {};
  for (const e of entries) {
    files[e.name] = [replace.get(e.name) ?? e.bytes, { level: e.compression === 0 ? 0 : 6, mtime: ZIP_TIME }];
  }
  return zipSync(files);
}

/** 1980-01-01, the earliest time a zip entry holds. */
const ZIP_TIME = new Date(1980, 0, 1, 0, 0, 0);

function formatBytes(n: number): string {
  return n >= 1024 ** 3 ? `${(n / 1024 ** 3).toFixed(0)} GiB` : `${(n / 1024 ** 2).toFixed(0)} MiB`;
}
