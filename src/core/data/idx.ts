/**
 * IDX files (the MNIST container, LeCun et al.): a 4-byte magic `00 00 <dtype> <ndims>`, then `ndims`
 * big-endian uint32 sizes, then the values, big-endian, row-major. Parsing is strict — a file that is
 * shorter or longer than its header promises is refused rather than silently read, because a quietly
 * truncated dataset would show up later only as a puzzling accuracy.
 *
 * Also here: pairing an images file with a labels file, and the two train/test splits the project
 * reports (first-n/last-m, and a seeded stratified split).
 */
import { RgpError } from '../errors';
import { Random } from '../random';

export type IdxDtype = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxTensor {
  dtype: IdxDtype;
  shape: number[];
  /** Values in row-major order, in host byte order; never aliases the bytes that were parsed. */
  data: IdxData;
}

const DTYPES: Record<number, { dtype: IdxDtype; size: number }> = {
  0x08: { dtype: 'uint8', size: 1 },
  0x09: { dtype: 'int8', size: 1 },
  0x0b: { dtype: 'int16', size: 2 },
  0x0c: { dtype: 'int32', size: 4 },
  0x0d: { dtype: 'float32', size: 4 },
  0x0e: { dtype: 'float64', size: 8 },
};

const DTYPE_CODES: Record<IdxDtype, number> = {
  uint8: 0x08,
  int8: 0x09,
  int16: 0x0b,
  int32: 0x0c,
  float32: 0x0d,
  float64: 0x0e,
};

function bad(what: string, message: string, hint?: string): RgpError {
  return new RgpError('BAD_DATASET', `${what}: ${message}`, hint ?? 'Use an IDX file as distributed (e.g. MNIST t10k-images-idx3-ubyte).');
}

/**
 * How many bytes a whole IDX file has, by its header, given its first bytes; undefined when `head` is too
 * short to tell; 0 for a header that is not IDX (the parser then says what is wrong), so a decompressor can
 * stop there instead of inflating a hostile file whole. O(dimensions).
 */
export function idxDeclaredBytes(head: Uint8Array): number | undefined {
  if (head.length < 4) return undefined;
  const kind = DTYPES[head[2]!];
  if (head[0] !== 0 || head[1] !== 0 || !kind || head[3] === 0) return 0;
  const headerBytes = 4 + 4 * head[3]!;
  if (head.length < headerBytes) return undefined;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  let count = 1;
  for (let i = 0; i < head[3]!; i++) count *= view.getUint32(4 + 4 * i, false);
  return headerBytes + count * kind.size;
}

/**
 * Parses one IDX file that is already decompressed. `name` only labels error messages (a file name).
 */
export function parseIdx(bytes: Uint8Array, name = 'IDX data'): IdxTensor {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    throw bad(name, 'the data is still gzip-compressed.', 'Decompress it first (readMaybeGzip does this for .gz files).');
  }
  if (bytes.length < 4) throw bad(name, `only ${bytes.length} bytes; an IDX file starts with a 4-byte magic number.`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw bad(name, `bad magic number ${hex(bytes, 0, 4)}; an IDX file starts with 00 00 <type> <dimensions>.`);
  }
  const code = bytes[2]!;
  const kind = DTYPES[code];
  if (!kind) {
    throw bad(name, `unknown value type 0x${code.toString(16).padStart(2, '0')} in the magic number; IDX knows 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64.`);
  }
  const ndims = bytes[3]!;
  if (ndims === 0) throw bad(name, 'the header declares 0 dimensions.');
  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < headerBytes) {
    throw bad(name, `truncated header: ${ndims} dimensions need ${headerBytes} header bytes, the data has ${bytes.length}.`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  let count = 1;
  for (let i = 0; i < ndims; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    shape.push(d);
    count *= d;
  }
  const expected = headerBytes + count * kind.size;
  if (bytes.length < expected) {
    throw bad(
      name,
      `truncated: shape [${shape.join(', ')}] of ${kind.dtype} needs ${expected} bytes, the data has ${bytes.length} (${expected - bytes.length} missing).`,
      'The file was probably cut off while downloading or copying; fetch it again.',
    );
  }
  if (bytes.length > expected) {
    throw bad(
      name,
      `${bytes.length - expected} unexpected bytes after the data: shape [${shape.join(', ')}] of ${kind.dtype} needs ${expected} bytes, the data has ${bytes.length}.`,
      'The header and the data disagree; the file may be damaged or not an IDX file.',
    );
  }
  return { dtype: kind.dtype, shape, data: readValues(view, headerBytes, count, kind.dtype) };
}

function readValues(view: DataView, offset: number, count: number, dtype: IdxDtype): IdxData {
  switch (dtype) {
    case 'uint8':
      return new Uint8Array(view.buffer.slice(view.byteOffset + offset, view.byteOffset + offset + count));
    case 'int8':
      return new Int8Array(view.buffer.slice(view.byteOffset + offset, view.byteOffset + offset + count));
    case 'int16': {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(offset + 2 * i, false);
      return out;
    }
    case 'int32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(offset + 4 * i, false);
      return out;
    }
    case 'float32': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(offset + 4 * i, false);
      return out;
    }
    case 'float64': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(offset + 8 * i, false);
      return out;
    }
  }
}

/** The inverse of `parseIdx`: for tests and for writing small derived datasets. */
export function encodeIdx(tensor: IdxTensor): Uint8Array {
  const { dtype, shape, data } = tensor;
  const size = DTYPES[DTYPE_CODES[dtype]]!.size;
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new RangeError(`shape [${shape.join(', ')}] holds ${count} values, data has ${data.length}`);
  const header = 4 + 4 * shape.length;
  const out = new Uint8Array(header + count * size);
  const view = new DataView(out.buffer);
  out[2] = DTYPE_CODES[dtype];
  out[3] = shape.length;
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  for (let i = 0; i < count; i++) {
    const o = header + i * size;
    const v = data[i]!;
    switch (dtype) {
      case 'uint8': view.setUint8(o, v); break;
      case 'int8': view.setInt8(o, v); break;
      case 'int16': view.setInt16(o, v, false); break;
      case 'int32': view.setInt32(o, v, false); break;
      case 'float32': view.setFloat32(o, v, false); break;
      case 'float64': view.setFloat64(o, v, false); break;
    }
  }
  return out;
}

function hex(b: Uint8Array, from: number, to: number): string {
  return Array.from(b.subarray(from, to), (x) => x.toString(16).padStart(2, '0')).join(' ');
}

/** Items with one integer class label each (MNIST style). Item `i` is `images[i*itemSize … (i+1)*itemSize)`. */
export interface LabeledDataset {
  count: number;
  /** Shape of one item, e.g. [28, 28]. */
  itemShape: number[];
  itemSize: number;
  images: IdxData;
  imagesDtype: IdxDtype;
  labels: Int32Array;
  /** 1 + the largest label. */
  numClasses: number;
}

/**
 * Pairs an images tensor ([count, ...itemShape]) with a labels tensor ([count]) and checks that they
 * describe the same items.
 */
export function pairImagesLabels(
  images: IdxTensor,
  labels: IdxTensor,
  names: { images?: string; labels?: string } = {},
): LabeledDataset {
  const imagesName = names.images ?? 'images file';
  const labelsName = names.labels ?? 'labels file';
  if (images.shape.length < 2) {
    throw new RgpError('BAD_DATASET', `${imagesName} has shape [${images.shape.join(', ')}]; images need at least 2 dimensions (count, then the item shape).`, 'Check that the images and labels files were not swapped.');
  }
  if (labels.shape.length !== 1) {
    throw new RgpError('BAD_DATASET', `${labelsName} has shape [${labels.shape.join(', ')}]; labels need exactly 1 dimension (one label per item).`, 'Check that the images and labels files were not swapped.');
  }
  const count = images.shape[0]!;
  if (labels.shape[0] !== count) {
    throw new RgpError(
      'BAD_DATASET',
      `${imagesName} has ${count} items but ${labelsName} has ${labels.shape[0]} labels.`,
      'Use an images file and the labels file that belongs to it (e.g. t10k-images with t10k-labels).',
    );
  }
  const out = new Int32Array(count);
  let max = -1;
  for (let i = 0; i < count; i++) {
    const v = labels.data[i]!;
    if (!Number.isInteger(v) || v < 0) {
      throw new RgpError('BAD_DATASET', `${labelsName}: label ${i} is ${v}; class labels must be integers ≥ 0.`, 'Use a labels file of class indices.');
    }
    out[i] = v;
    if (v > max) max = v;
  }
  const itemShape = images.shape.slice(1);
  return {
    count,
    itemShape,
    itemSize: itemShape.reduce((a, b) => a * b, 1),
    images: images.data,
    imagesDtype: images.dtype,
    labels: out,
    numClasses: max + 1,
  };
}

/** Items picked by index, in the given order, as a new dataset (copies the values). */
export function subsetDataset(ds: LabeledDataset, indices: ArrayLike<number>): LabeledDataset {
  const n = indices.length;
  const Ctor = ds.images.constructor as new (n: number) => IdxData;
  const images = new Ctor(n * ds.itemSize);
  const labels = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    const i = indices[j]!;
    if (!(i >= 0 && i < ds.count && Number.isInteger(i))) throw new RangeError(`index ${i} outside 0…${ds.count - 1}`);
    images.set(ds.images.subarray(i * ds.itemSize, (i + 1) * ds.itemSize), j * ds.itemSize);
    labels[j] = ds.labels[i]!;
  }
  return { ...ds, count: n, images, labels };
}

/**
 * Items as float32, uint8 pixels scaled to [0, 1] (other dtypes are converted unscaled), optionally
 * only the given indices in the given order.
 */
export function toFloatPixels(ds: LabeledDataset, indices?: ArrayLike<number>): Float32Array {
  const scale = ds.imagesDtype === 'uint8' ? 1 / 255 : 1;
  const n = indices ? indices.length : ds.count;
  const out = new Float32Array(n * ds.itemSize);
  const s = ds.itemSize;
  for (let j = 0; j < n; j++) {
    const i = indices ? indices[j]! : j;
    const base = i * s;
    const o = j * s;
    for (let k = 0; k < s; k++) out[o + k] = ds.images[base + k]! * scale;
  }
  return out;
}

export interface Split {
  train: Int32Array;
  test: Int32Array;
  /** One line to put in every report, e.g. "first 8000 train / last 2000 test". */
  description: string;
}

/** Items 0…trainCount−1 train, the rest test: the split the bundled MNIST example uses (8,000 / 2,000). */
export function splitFirstLast(n: number, trainCount: number): Split {
  if (!Number.isInteger(n) || n < 0) throw new RgpError('BAD_ARGUMENT', `The dataset size must be a whole number ≥ 0, got ${n}.`);
  if (!Number.isInteger(trainCount) || trainCount < 0 || trainCount > n) {
    throw new RgpError('BAD_ARGUMENT', `Cannot take ${trainCount} training items from a dataset of ${n}.`, `Choose a training count between 0 and ${n}.`);
  }
  const train = new Int32Array(trainCount);
  for (let i = 0; i < trainCount; i++) train[i] = i;
  const test = new Int32Array(n - trainCount);
  for (let i = 0; i < test.length; i++) test[i] = trainCount + i;
  return { train, test, description: `first ${trainCount} train / last ${n - trainCount} test` };
}

/**
 * A seeded stratified split: every class gives (as nearly as whole numbers allow) the same fraction of
 * its items to the test set, and the test set has exactly `testCount` items. Classes' shares are
 * rounded by largest remainder (ties to the smaller class id) so the total is exact. Both index lists
 * come back ascending; shuffle per epoch while training.
 */
export function stratifiedSplit(labels: ArrayLike<number>, testCount: number, seed: number): Split {
  const n = labels.length;
  if (!Number.isInteger(testCount) || testCount < 0 || testCount > n) {
    throw new RgpError('BAD_ARGUMENT', `Cannot take ${testCount} test items from a dataset of ${n}.`, `Choose a test count between 0 and ${n}.`);
  }
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const c = labels[i]!;
    let list = byClass.get(c);
    if (!list) byClass.set(c, (list = []));
    list.push(i);
  }
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  const quota = classes.map((c) => (byClass.get(c)!.length * testCount) / Math.max(n, 1));
  const take = quota.map(Math.floor);
  let left = testCount - take.reduce((a, b) => a + b, 0);
  const order = classes.map((_, k) => k).sort((a, b) => quota[b]! - take[b]! - (quota[a]! - take[a]!) || a - b);
  for (const k of order) {
    if (left === 0) break;
    take[k]!++;
    left--;
  }
  const rng = new Random(seed);
  const isTest = new Uint8Array(n);
  classes.forEach((c, k) => {
    const members = rng.shuffle(byClass.get(c)!.slice());
    for (let j = 0; j < take[k]!; j++) isTest[members[j]!] = 1;
  });
  const train = new Int32Array(n - testCount);
  const test = new Int32Array(testCount);
  let a = 0, b = 0;
  for (let i = 0; i < n; i++) {
    if (isTest[i]) test[b++] = i;
    else train[a++] = i;
  }
  return { train, test, description: `seeded stratified split (seed ${seed}): ${n - testCount} train / ${testCount} test` };
}
