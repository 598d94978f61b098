/**
 * NumPy .npy files (format versions 1.0, 2.0, 3.0 as specified in numpy/lib/format.py and NEP 1):
 * the magic `\x93NUMPY`, a major and minor version byte, the header length (uint16 LE in 1.0, uint32 LE
 * in 2.0/3.0), a header that is a Python dict literal {'descr', 'fortran_order', 'shape'} (latin-1, or
 * UTF-8 in 3.0), then the raw values. Reading is O(values); the header is parsed by a small parser for
 * Python literals, never evaluated.
 *
 * Numeric dtypes only — bool, (u)int8/16/32/64, float32/64, either byte order. Refused with a message
 * that says how to re-save: Fortran order, object arrays (pickles: running them would run code),
 * structured, string, complex, float16 and datetime dtypes. 64-bit integers come back as float64 and
 * must be exact there (|v| < 2^53).
 */
import { RgpError } from '../errors';

export type NpyDtype = 'bool' | 'uint8' | 'int8' | 'uint16' | 'int16' | 'uint32' | 'int32' | 'uint64' | 'int64' | 'float32' | 'float64';
export type NpyData = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

export interface NpyArray {
  dtype: NpyDtype;
  /** [] for a 0-d array. */
  shape: number[];
  /** Row-major values in host byte order (int64/uint64 as Float64Array); never aliases the parsed bytes. */
  data: NpyData;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93 N U M P Y

const KINDS: Record<string, NpyDtype> = {
  b1: 'bool',
  u1: 'uint8',
  i1: 'int8',
  u2: 'uint16',
  i2: 'int16',
  u4: 'uint32',
  i4: 'int32',
  u8: 'uint64',
  i8: 'int64',
  f4: 'float32',
  f8: 'float64',
};

const CODES: Record<NpyDtype, string> = Object.fromEntries(Object.entries(KINDS).map(([k, v]) => [v, k])) as Record<NpyDtype, string>;

const SAVE_HINT = 'Save the array with numpy.save(path, numpy.ascontiguousarray(a, dtype=numpy.float32)) (or another numeric dtype).';

function bad(name: string, message: string, hint = SAVE_HINT): RgpError {
  return new RgpError('BAD_DATASET', `${name}: ${message}`, hint);
}

/** Parses one .npy file that is already decompressed. `name` labels error messages (a file name). */
export function parseNpy(bytes: Uint8Array, name = 'NPY data'): NpyArray {
  if (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) {
    throw bad(name, 'this is a zip archive (.npz), not a single .npy array.', 'Extract the arrays (numpy.load(path) then numpy.save each one, or unzip: every member is a .npy file) and name those.');
  }
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw bad(name, 'not a .npy file (it does not start with the magic \\x93NUMPY).', 'Write the array with numpy.save.');
  }
  const major = bytes[6]!;
  const minor = bytes[7]!;
  if (major < 1 || major > 3 || minor !== 0) {
    throw bad(name, `.npy format version ${major}.${minor} is not one this reader knows (1.0, 2.0, 3.0).`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lenBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenBytes) throw bad(name, 'truncated header.', 'The file was probably cut off; write it again.');
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = 8 + lenBytes + headerLen;
  if (bytes.length < dataStart) {
    throw bad(name, `truncated header: it declares ${headerLen} header bytes, the file has ${bytes.length - 8 - lenBytes}.`, 'The file was probably cut off; write it again.');
  }
  const headerBytes = bytes.subarray(8 + lenBytes, dataStart);
  const headerText = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(headerBytes);
  const header = readHeader(headerText, name);

  const count = header.shape.reduce((a, b) => a * b, 1);
  const size = itemSize(header.dtype);
  const expected = count * size;
  const have = bytes.length - dataStart;
  if (have < expected) {
    throw bad(name, `truncated: shape (${header.shape.join(', ')}) of ${header.dtype} needs ${expected} data bytes, the file has ${have} (${expected - have} missing).`, 'The file was probably cut off while writing or copying; write it again.');
  }
  if (have > expected) {
    throw bad(name, `${have - expected} unexpected bytes after the data: shape (${header.shape.join(', ')}) of ${header.dtype} needs ${expected} data bytes, the file has ${have}.`, 'The header and the data disagree; the file may be damaged, or several arrays were appended to one file.');
  }
  return { dtype: header.dtype, shape: header.shape, data: readValues(view, dataStart, count, header.dtype, header.littleEndian, name) };
}

function itemSize(dtype: NpyDtype): number {
  return Number(CODES[dtype].slice(1));
}

interface Header {
  dtype: NpyDtype;
  littleEndian: boolean;
  shape: number[];
}

function readHeader(text: string, name: string): Header {
  let dict: PyValue;
  try {
    dict = new PyLiteralParser(text.trimEnd()).parseWhole();
  } catch (e) {
    throw bad(name, `the header is not a Python dict literal (${(e as Error).message}): ${JSON.stringify(text.trim().slice(0, 120))}.`, 'The file may be damaged; write it again with numpy.save.');
  }
  if (!(dict instanceof Map)) throw bad(name, 'the header is not a dict.', 'The file may be damaged; write it again with numpy.save.');
  for (const key of ['descr', 'fortran_order', 'shape']) {
    if (!dict.has(key)) throw bad(name, `the header has no '${key}' entry.`, 'The file may be damaged; write it again with numpy.save.');
  }
  const descr = dict.get('descr');
  if (Array.isArray(descr)) {
    throw bad(name, 'structured arrays (record dtypes with named fields) are not supported.', 'Save each field as its own .npy file, e.g. numpy.save("x.npy", a["x"]).');
  }
  if (typeof descr !== 'string') throw bad(name, `'descr' is ${pyRepr(descr)}, not a dtype string.`);
  const { dtype, littleEndian } = readDescr(descr, name);

  const fortran = dict.get('fortran_order');
  if (fortran === true) {
    throw bad(name, 'the array is stored in Fortran (column-major) order, which this reader refuses rather than transposing silently.', 'Save a C-ordered copy: numpy.save(path, numpy.ascontiguousarray(a)).');
  }
  if (fortran !== false) throw bad(name, `'fortran_order' is ${pyRepr(fortran)}, not True or False.`);

  const shape = dict.get('shape');
  if (!(shape instanceof PyTuple)) throw bad(name, `'shape' is ${pyRepr(shape)}, not a tuple.`);
  const dims: number[] = [];
  for (const d of shape.items) {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) throw bad(name, `'shape' holds ${pyRepr(d)}, not a size.`);
    dims.push(d);
  }
  const count = dims.reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(count * 8) || count > 2 ** 31) throw bad(name, `shape (${dims.join(', ')}) is too large to hold in memory.`, 'Use a smaller array.');
  return { dtype, littleEndian, shape: dims };
}

function readDescr(descr: string, name: string): { dtype: NpyDtype; littleEndian: boolean } {
  const m = /^([<>|=]?)([a-zA-Z])(\d*)$/.exec(descr);
  const code = m ? `${m[2]}${m[3]}` : '';
  const kind = m?.[2] ?? '';
  if (kind === 'O') {
    throw bad(name, `dtype '${descr}' is an object array (pickled Python objects); loading it would mean running a pickle, which this reader never does.`, 'Convert to a numeric array first: numpy.save(path, numpy.asarray(a, dtype=numpy.float32)).');
  }
  const dtype = KINDS[code];
  if (!m || !dtype) {
    const what =
      kind === 'f' && m![3] === '2' ? 'float16 is not supported'
      : kind === 'c' ? 'complex numbers are not supported'
      : kind === 'U' || kind === 'S' || kind === 'a' ? 'string arrays are not supported (labels as strings belong in a CSV file)'
      : kind === 'M' || kind === 'm' ? 'dates and time spans are not supported'
      : 'this dtype is not supported';
    throw bad(name, `dtype '${descr}': ${what}; the readable dtypes are bool, uint8/int8, (u)int16, (u)int32, (u)int64, float32, float64.`);
  }
  // '|' (not applicable) only for 1-byte types; '=' (native) is written by no current numpy, read as little-endian.
  return { dtype, littleEndian: m[1] !== '>' };
}

function readValues(view: DataView, offset: number, count: number, dtype: NpyDtype, le: boolean, name: string): NpyData {
  const buf = view.buffer;
  const at = view.byteOffset + offset;
  const copy = (size: number): ArrayBuffer => buf.slice(at, at + count * size) as ArrayBuffer;
  const hostLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  switch (dtype) {
    case 'bool':
    case 'uint8':
      return new Uint8Array(copy(1));
    case 'int8':
      return new Int8Array(copy(1));
    case 'uint16':
      if (le === hostLE) return new Uint16Array(copy(2));
      return fill(new Uint16Array(count), (i) => view.getUint16(offset + 2 * i, le));
    case 'int16':
      if (le === hostLE) return new Int16Array(copy(2));
      return fill(new Int16Array(count), (i) => view.getInt16(offset + 2 * i, le));
    case 'uint32':
      if (le === hostLE) return new Uint32Array(copy(4));
      return fill(new Uint32Array(count), (i) => view.getUint32(offset + 4 * i, le));
    case 'int32':
      if (le === hostLE) return new Int32Array(copy(4));
      return fill(new Int32Array(count), (i) => view.getInt32(offset + 4 * i, le));
    case 'float32':
      if (le === hostLE) return new Float32Array(copy(4));
      return fill(new Float32Array(count), (i) => view.getFloat32(offset + 4 * i, le));
    case 'float64':
      if (le === hostLE) return new Float64Array(copy(8));
      return fill(new Float64Array(count), (i) => view.getFloat64(offset + 8 * i, le));
    case 'int64':
    case 'uint64': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) {
        const big = dtype === 'int64' ? view.getBigInt64(offset + 8 * i, le) : view.getBigUint64(offset + 8 * i, le);
        const v = Number(big);
        if (!Number.isSafeInteger(v)) {
          throw bad(name, `value ${i} (${big}) of this ${dtype} array cannot be held exactly as a double (|v| ≥ 2^53).`, 'Store these values as float64 or with a smaller range.');
        }
        out[i] = v;
      }
      return out;
    }
  }
}

function fill<T extends NpyData>(out: T, f: (i: number) => number): T {
  for (let i = 0; i < out.length; i++) out[i] = f(i);
  return out;
}

export interface EncodeNpyOptions {
  /** Format version; 1 by default (what numpy.save writes for headers under 64 KiB). */
  version?: 1 | 2 | 3;
  /** Write '>' byte order instead of '<'. */
  bigEndian?: boolean;
}

/**
 * Writes an array as .npy (C order), the header padded with spaces and ended by '\n' so that the data
 * starts on a 64-byte boundary, as numpy.save does. For tests and small derived fixtures.
 */
export function encodeNpy(array: NpyArray, opts: EncodeNpyOptions = {}): Uint8Array {
  const { dtype, shape, data } = array;
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new RangeError(`shape (${shape.join(', ')}) holds ${count} values, data has ${data.length}`);
  const version = opts.version ?? 1;
  const size = itemSize(dtype);
  const order = size === 1 ? '|' : opts.bigEndian ? '>' : '<';
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${order}${CODES[dtype]}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const lenBytes = version === 1 ? 2 : 4;
  const unpadded = 8 + lenBytes + dict.length + 1;
  dict += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const headerBytes = new TextEncoder().encode(dict);
  if (version === 1 && headerBytes.length > 0xffff) throw new RangeError('header too long for .npy version 1.0');
  const start = 8 + lenBytes + headerBytes.length;
  const out = new Uint8Array(start + count * size);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  out[6] = version;
  out[7] = 0;
  if (version === 1) view.setUint16(8, headerBytes.length, true);
  else view.setUint32(8, headerBytes.length, true);
  out.set(headerBytes, 8 + lenBytes);
  const le = !opts.bigEndian;
  for (let i = 0; i < count; i++) {
    const o = start + i * size;
    const v = data[i]!;
    switch (dtype) {
      case 'bool': view.setUint8(o, v ? 1 : 0); break;
      case 'uint8': view.setUint8(o, v); break;
      case 'int8': view.setInt8(o, v); break;
      case 'uint16': view.setUint16(o, v, le); break;
      case 'int16': view.setInt16(o, v, le); break;
      case 'uint32': view.setUint32(o, v, le); break;
      case 'int32': view.setInt32(o, v, le); break;
      case 'uint64': view.setBigUint64(o, BigInt(v), le); break;
      case 'int64': view.setBigInt64(o, BigInt(v), le); break;
      case 'float32': view.setFloat32(o, v, le); break;
      case 'float64': view.setFloat64(o, v, le); break;
    }
  }
  return out;
}

// ---- Python literals: the header's dict, its strings, booleans, integers and tuples ----

class PyTuple {
  constructor(readonly items: PyValue[]) {}
}
type PyValue = string | number | boolean | null | PyTuple | PyValue[] | Map<string, PyValue>;

function pyRepr(v: PyValue | undefined): string {
  if (v === undefined) return 'missing';
  if (v instanceof PyTuple) return `(${v.items.map(pyRepr).join(', ')})`;
  if (v instanceof Map) return '{…}';
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return typeof v === 'string' ? `'${v}'` : String(v);
}

class PyLiteralParser {
  private i = 0;
  constructor(private readonly s: string) {}

  parseWhole(): PyValue {
    const v = this.value();
    this.space();
    if (this.i !== this.s.length) throw new Error(`unexpected text at character ${this.i}`);
    return v;
  }

  private space(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++;
  }

  private value(): PyValue {
    this.space();
    const c = this.s[this.i];
    if (c === '{') return this.dict();
    if (c === '(') return this.sequence(')', true);
    if (c === '[') return this.sequence(']', false);
    if (c === "'" || c === '"') return this.string();
    const word = /^(True|False|None|[+-]?\d+L?)/.exec(this.s.slice(this.i, this.i + 32));
    if (!word) throw new Error(`unexpected ${c === undefined ? 'end' : `'${c}'`} at character ${this.i}`);
    this.i += word[0].length;
    if (word[0] === 'True') return true;
    if (word[0] === 'False') return false;
    if (word[0] === 'None') return null;
    return Number(word[0].replace('L', ''));
  }

  private string(): string {
    const quote = this.s[this.i++];
    let out = '';
    while (this.i < this.s.length && this.s[this.i] !== quote) {
      if (this.s[this.i] === '\\') this.i++;
      out += this.s[this.i++] ?? '';
    }
    if (this.s[this.i] !== quote) throw new Error('unterminated string');
    this.i++;
    return out;
  }

  /** Items up to `close`, commas between, a trailing comma allowed. */
  private sequence(close: string, tuple: boolean): PyValue {
    this.i++;
    const items: PyValue[] = [];
    for (;;) {
      this.space();
      if (this.s[this.i] === close) break;
      items.push(this.value());
      this.space();
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== close) throw new Error(`expected ',' or '${close}' at character ${this.i}`);
    }
    this.i++;
    return tuple ? new PyTuple(items) : items;
  }

  private dict(): Map<string, PyValue> {
    this.i++;
    const out = new Map<string, PyValue>();
    for (;;) {
      this.space();
      if (this.s[this.i] === '}') break;
      const key = this.value();
      if (typeof key !== 'string') throw new Error('a dict key is not a string');
      this.space();
      if (this.s[this.i++] !== ':') throw new Error(`expected ':' at character ${this.i - 1}`);
      out.set(key, this.value());
      this.space();
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== '}') throw new Error(`expected ',' or '}' at character ${this.i}`);
    }
    this.i++;
    return out;
  }
}
