/**
 * ONNX tensors (TensorProto) as RGP needs them: the element type, the checked dims, and where the data is —
 * `raw_data` (a view into the decoded file bytes), a typed repeated field (`float_data`, `int64_data`, …)
 * or an external data file (`data_location = EXTERNAL`, with `location` / `offset` / `length` entries).
 *
 * Sizes are checked from the dims before any data is touched: declared dims that disagree with the data
 * are a BAD_MODEL, an initializer of 2 GiB or more is refused (RGP keeps each weight in one buffer), and
 * element types RGP cannot mask (float16, bfloat16, int8/uint8 quantized weights, float64) are named.
 * All functions are O(dims) except the value readers, which are O(elements).
 */
import { RgpError } from '../../core/errors';
import { onnx, toInt } from './proto';

/** ONNX TensorProto.DataType codes → name and bytes per element (0: not a fixed-size type). */
export const ONNX_DTYPES: Readonly<Record<number, { name: string; bytes: number }>> = {
  1: { name: 'float32', bytes: 4 },
  2: { name: 'uint8', bytes: 1 },
  3: { name: 'int8', bytes: 1 },
  4: { name: 'uint16', bytes: 2 },
  5: { name: 'int16', bytes: 2 },
  6: { name: 'int32', bytes: 4 },
  7: { name: 'int64', bytes: 8 },
  8: { name: 'string', bytes: 0 },
  9: { name: 'bool', bytes: 1 },
  10: { name: 'float16', bytes: 2 },
  11: { name: 'float64', bytes: 8 },
  12: { name: 'uint32', bytes: 4 },
  13: { name: 'uint64', bytes: 8 },
  14: { name: 'complex64', bytes: 8 },
  15: { name: 'complex128', bytes: 16 },
  16: { name: 'bfloat16', bytes: 2 },
  17: { name: 'float8e4m3fn', bytes: 1 },
  18: { name: 'float8e4m3fnuz', bytes: 1 },
  19: { name: 'float8e5m2', bytes: 1 },
  20: { name: 'float8e5m2fnuz', bytes: 1 },
};

export const FLOAT32 = 1;
export const INT64 = 7;
export const INT32 = 6;

/** Weights RGP refuses to read: floats it cannot mask exactly, and quantized integers. */
const REFUSED_WEIGHT_TYPES = new Set([2, 3, 10, 11, 16, 17, 18, 19, 20]);

/** One initializer RGP can place: 2 GiB − 1 bytes at most (a Node buffer view and a protobuf bytes field). */
export const MAX_TENSOR_BYTES = 2 ** 31 - 1;

export type TensorData =
  | { kind: 'raw'; bytes: Uint8Array }
  | { kind: 'field'; field: 'floatData' | 'int32Data' | 'int64Data' | 'doubleData' | 'uint64Data' | 'stringData'; count: number }
  | { kind: 'external'; location: string; offset: number; length: number };

export interface TensorInfo {
  name: string;
  dataType: number;
  dtype: string;
  dims: number[];
  elements: number;
  /** Bytes of the data as stored little-endian (elements × element size). */
  byteLength: number;
  data: TensorData;
}

const badModel = (what: string) =>
  new RgpError('BAD_MODEL', `The ONNX model is inconsistent: ${what}.`, 'Export the model again; the file was damaged or edited.');

/** The element count of checked dims (1 for a scalar). */
export function elementCountOf(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

/**
 * Reads a tensor's header: dtype, dims (non-negative, safe), size (refused at 2 GiB or more) and where its
 * data lives, checking that the stored data has exactly the size the dims declare. `what` names the tensor
 * in messages (`initializer "conv1.weight"`).
 */
export function tensorInfo(t: onnx.ITensorProto, what: string): TensorInfo {
  const name = t.name ?? '';
  const dataType = t.dataType ?? 0;
  const type = ONNX_DTYPES[dataType];
  if (!type) throw badModel(`${what} has the unknown element type ${dataType}`);
  const dims = (t.dims ?? []).map((d, i) => {
    const v = toInt(d, `dimension ${i} of ${what}`);
    if (v < 0) throw badModel(`${what} declares the negative dimension ${v}`);
    return v;
  });
  const elements = elementCountOf(dims);
  if (!Number.isSafeInteger(elements)) throw badModel(`${what} declares ${dims.join('×')} elements, too many to exist`);
  const byteLength = elements * type.bytes;
  if (byteLength > MAX_TENSOR_BYTES) {
    throw new RgpError(
      'UNSUPPORTED',
      `${what} declares ${dims.join('×')} ${type.name} values (${(byteLength / 2 ** 30).toFixed(2)} GiB); RGP reads initializers up to 2 GiB each.`,
      'Split the layer, or prune a smaller model; a single weight of 2 GiB or more is not supported.',
    );
  }
  const base = { name, dataType, dtype: type.name, dims, elements, byteLength };
  if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
    const entries = new Map((t.externalData ?? []).map((e) => [e.key ?? '', e.value ?? '']));
    const location = entries.get('location');
    if (!location) throw badModel(`${what} is stored in an external file but names none (no "location")`);
    const num = (key: string, fallback: number) => {
      const s = entries.get(key);
      if (s === undefined || s === '') return fallback;
      if (!/^\d{1,15}$/.test(s)) throw badModel(`${what} has the external data ${key} "${s}", not a byte count`);
      return Number(s);
    };
    const offset = num('offset', 0);
    const length = num('length', byteLength);
    if (length !== byteLength) throw badModel(`${what} declares shape [${dims.join(', ')}] (${byteLength} bytes of ${type.name}) but its external data is ${length} bytes long`);
    return { ...base, data: { kind: 'external', location, offset, length } };
  }
  if (t.rawData && t.rawData.length > 0) {
    if (t.rawData.length !== byteLength) throw badModel(`${what} declares shape [${dims.join(', ')}] (${byteLength} bytes of ${type.name}) but holds ${t.rawData.length} bytes`);
    return { ...base, data: { kind: 'raw', bytes: t.rawData } };
  }
  const field = typedField(dataType);
  const count = field ? ((t[field] as unknown[] | null | undefined)?.length ?? 0) : 0;
  // float16/bfloat16/int8/… keep their values in int32_data; complex types use two values per element.
  const perElement = dataType === 14 || dataType === 15 ? 2 : 1;
  if (count !== elements * perElement) {
    throw badModel(`${what} declares shape [${dims.join(', ')}] (${elements} values) but holds ${Math.floor(count / perElement)}`);
  }
  return { ...base, data: { kind: 'field', field: field ?? 'int32Data', count } };
}

function typedField(dataType: number): 'floatData' | 'int32Data' | 'int64Data' | 'doubleData' | 'uint64Data' | 'stringData' | undefined {
  switch (dataType) {
    case 1:
    case 14:
      return 'floatData';
    case 7:
      return 'int64Data';
    case 11:
    case 15:
      return 'doubleData';
    case 12:
    case 13:
      return 'uint64Data';
    case 8:
      return 'stringData';
    default:
      return 'int32Data';
  }
}

/**
 * Refuses a weight RGP cannot mask exactly: float16 / bfloat16 / float8 (a masked copy would need a
 * conversion the user did not ask for), int8 / uint8 (quantized: masking the integers is not masking the
 * weights), float64. `what` names the tensor.
 */
export function checkWeightType(info: TensorInfo, what: string): void {
  if (!REFUSED_WEIGHT_TYPES.has(info.dataType)) return;
  const quantized = info.dataType === 2 || info.dataType === 3;
  throw new RgpError(
    'UNSUPPORTED',
    `${what} is stored as ${info.dtype}${quantized ? ' (a quantized model)' : ''}; RGP prunes float32 ONNX weights, whose pruned entries become exact zeros.`,
    quantized
      ? 'Prune the float32 model before quantizing it, then quantize the pruned model.'
      : 'Export the model in float32 (e.g. torch.onnx.export of model.float()), prune it, then convert the pruned model.',
  );
}

/** The little-endian bytes of a float32 tensor stored in `float_data`, as a fresh buffer. O(elements). */
export function floatFieldBytes(t: onnx.ITensorProto): Uint8Array {
  return new Uint8Array(Float32Array.from(t.floatData ?? []).buffer);
}

/**
 * The integer values of a small int64/int32 tensor (a Reshape target, Squeeze axes, Pads): from raw_data
 * or the typed field; external data is not read for these. Returns null when the values are not at hand.
 */
export function intValues(t: onnx.ITensorProto, info: TensorInfo): number[] | null {
  if (info.dataType !== INT64 && info.dataType !== INT32) return null;
  if (info.elements > 1 << 16) return null;
  if (info.data.kind === 'raw') {
    const b = info.data.bytes;
    const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const out: number[] = [];
    for (let i = 0; i < info.elements; i++) {
      const v = info.dataType === INT64 ? Number(view.getBigInt64(i * 8, true)) : view.getInt32(i * 4, true);
      out.push(v);
    }
    return out;
  }
  if (info.data.kind === 'field') {
    const values = (info.dataType === INT64 ? t.int64Data : t.int32Data) ?? [];
    return values.map((v, i) => toInt(v, `value ${i} of ${info.name}`));
  }
  return null;
}

/** The float values of a small float32 tensor (a Clip bound, a scalar), or null when not at hand. */
export function floatValues(t: onnx.ITensorProto, info: TensorInfo): number[] | null {
  if (info.dataType !== FLOAT32 || info.elements > 1 << 16) return null;
  if (info.data.kind === 'raw') {
    const b = info.data.bytes;
    const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    return Array.from({ length: info.elements }, (_, i) => view.getFloat32(i * 4, true));
  }
  if (info.data.kind === 'field') return [...(t.floatData ?? [])];
  return null;
}
