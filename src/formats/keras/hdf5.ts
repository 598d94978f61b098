/**
 * HDF5 through h5wasm (the HDF5 C library compiled to WebAssembly), held in its in-memory file system:
 * a file's bytes go in, h5wasm opens them there, and written files come out as bytes — the user's file is
 * never opened by HDF5 in place, so reading cannot touch it, and nothing HDF5 does lands on disk.
 *
 * The library is loaded once per thread, on first use (its wasm is inside the module: the bundles need no
 * extra asset). HDF5 prints its error stack to stderr; that stream is pointed at /dev/null inside the wasm
 * file system so a damaged file gives our one clear line, not a page of HDF5 diagnostics. A file that
 * HDF5 cannot open comes back as file id −1 (h5wasm does not throw): checked here.
 */
import type * as H5 from 'h5wasm';
import { RgpError } from '../../core/errors';

type H5Lib = typeof H5;

let loading: Promise<H5Lib> | undefined;
let counter = 0;

/** The h5wasm module, ready, with HDF5's stderr silenced. */
export function loadHdf5(): Promise<H5Lib> {
  loading ??= (async () => {
    const h5 = await import('h5wasm');
    const module = await h5.ready;
    const fs = module.FS as unknown as { getStream(fd: number): unknown; close(s: unknown): void; open(path: string, flags: string): { fd: number } };
    fs.close(fs.getStream(2));
    fs.open('/dev/null', 'w'); // takes the lowest free descriptor: 2
    return h5;
  })();
  return loading;
}

export type H5File = H5.File;
export type H5Group = H5.Group;
export type H5Dataset = H5.Dataset;

const badHdf5 = (label: string, what: string) =>
  new RgpError('BAD_MODEL', `${label} is not a readable HDF5 file: ${what}.`, 'Save the model again from Keras; the file may be truncated or damaged.');

/**
 * An HDF5 file opened from bytes in the wasm memory file system. `close()` closes it and deletes it there;
 * call it in a `finally`. Mode 'a' opens for editing; `finish()` closes it and returns the edited file's bytes.
 */
export interface MemHdf5 {
  file: H5File;
  h5: H5Lib;
  /** Closes the file and returns its bytes as HDF5 left them. */
  finish(): Uint8Array;
  close(): void;
}

export async function openHdf5(bytes: Uint8Array, label: string, mode: 'r' | 'a' = 'r'): Promise<MemHdf5> {
  const h5 = await loadHdf5();
  const FS = h5.FS as unknown as { writeFile(p: string, b: Uint8Array): void; readFile(p: string): Uint8Array; unlink(p: string): void };
  // HDF5 files start with an 8-byte signature (at offset 0 for every file Keras writes).
  if (bytes.byteLength < 8 || !SIGNATURE.every((b, i) => bytes[i] === b)) throw badHdf5(label, 'it does not start with the HDF5 signature');
  const name = `/rgp-${process.pid}-${++counter}.h5`;
  FS.writeFile(name, bytes);
  let file: H5File;
  try {
    file = new h5.File(name, mode);
  } catch (e) {
    FS.unlink(name);
    throw badHdf5(label, (e as Error).message);
  }
  if (file.file_id < 0n) {
    FS.unlink(name);
    throw badHdf5(label, 'HDF5 cannot open it (truncated, or damaged)');
  }
  return memHdf5(h5, FS, file, name);
}

/** A new, empty HDF5 file in the wasm memory file system (write it, then `finish()` for its bytes). */
export async function createHdf5(): Promise<MemHdf5> {
  const h5 = await loadHdf5();
  const FS = h5.FS as unknown as { readFile(p: string): Uint8Array; unlink(p: string): void };
  const name = `/rgp-${process.pid}-${++counter}.h5`;
  const file = new h5.File(name, 'w');
  return memHdf5(h5, FS, file, name);
}

/** The handle of an open file at `name` in the memory file system: closing it (once) deletes the file there. */
function memHdf5(h5: H5Lib, FS: { readFile(p: string): Uint8Array; unlink(p: string): void }, file: H5File, name: string): MemHdf5 {
  let open = true;
  const close = (): Uint8Array | undefined => {
    if (!open) return undefined;
    open = false;
    try {
      file.close();
      return FS.readFile(name);
    } finally {
      FS.unlink(name);
    }
  };
  return { file, h5, finish: () => close()!, close: () => void close() };
}

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** The child at `path`, if it is a group. */
export function groupAt(h5: H5Lib, root: H5Group, path: string): H5Group | null {
  const o = safeGet(root, path);
  return o instanceof h5.Group ? o : null;
}

/** The child at `path`, if it is a dataset. */
export function datasetAt(h5: H5Lib, root: H5Group, path: string): H5Dataset | null {
  const o = safeGet(root, path);
  return o instanceof h5.Dataset ? o : null;
}

function safeGet(root: H5Group, path: string): H5.Entity | null {
  try {
    return root.get(path);
  } catch {
    return null;
  }
}

/** A string (or list of strings) attribute, decoded; undefined when absent or of another type. */
export function stringAttr(obj: { attrs: Record<string, H5.Attribute> }, name: string): string | undefined {
  const v = attrValue(obj, name);
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return new TextDecoder().decode(v);
  return undefined;
}

export function stringListAttr(obj: { attrs: Record<string, H5.Attribute> }, name: string): string[] | undefined {
  const v = attrValue(obj, name);
  if (v === undefined) return undefined;
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  // An empty list is stored by Keras as an empty float array.
  if (ArrayBuffer.isView(v) && v.byteLength === 0) return [];
  return undefined;
}

function attrValue(obj: { attrs: Record<string, H5.Attribute> }, name: string): unknown {
  let attrs: Record<string, H5.Attribute>;
  try {
    attrs = obj.attrs;
  } catch {
    return undefined;
  }
  if (!(name in attrs)) return undefined;
  try {
    return attrs[name].value ?? undefined;
  } catch {
    return undefined;
  }
}

/** Why a dataset is not a weight RGP reads (float32, little-endian), in a person's words; null if it is. */
export function float32Problem(d: H5Dataset): string | null {
  const m = d.metadata;
  const FLOAT = 1;
  const INTEGER = 0;
  if (m.type === FLOAT && m.size === 4 && m.littleEndian && !m.vlen) return null;
  if (m.type === FLOAT && m.size === 2) return 'float16 (a half-precision model)';
  if (m.type === FLOAT && m.size === 8) return 'float64';
  if (m.type === FLOAT && !m.littleEndian) return 'big-endian float32';
  if (m.type === INTEGER) return `${m.signed ? 'int' : 'uint'}${m.size * 8} (a quantized model)`;
  return `an HDF5 type of class ${m.type}, size ${m.size}`;
}

/** A float32 dataset's values as little-endian bytes (a copy out of the wasm heap). */
export function float32Bytes(d: H5Dataset, label: string): Uint8Array {
  let v: unknown;
  try {
    v = d.value;
  } catch (e) {
    throw badHdf5(label, `the dataset ${d.path} cannot be read (${(e as Error).message})`);
  }
  if (!(v instanceof Float32Array)) throw badHdf5(label, `the dataset ${d.path} did not read as float32`);
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}
