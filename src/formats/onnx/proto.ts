/**
 * ONNX protobuf in and out, through protobufjs and the ONNX schema (`onnx-proto`: static code generated
 * from onnx.proto), never a hand-written parser.
 *
 * Decoding is lazy about bytes: protobufjs hands `bytes` fields (TensorProto.raw_data) back as views into
 * the buffer it was given, so a reader that decodes its own copy of the file can edit raw_data initializers
 * in place and write that copy out — every other byte stays the input's. Encoding a decoded model again is
 * only needed when a weight lives in a repeated field (float_data); the result then carries the same
 * content with protobufjs' field order and packing (a few bytes differ, not the meaning).
 *
 * The checks here are about the container: a file that is JSON (a TF.js model.json renamed), garbage or
 * truncated protobuf, a model without a graph, an operator set RGP does not read. O(file size).
 */
import { onnx } from 'onnx-proto';
import { RgpError } from '../../core/errors';

export { onnx };

/** protobuf messages cannot exceed 2 GiB; larger models keep their weights in external data files. */
export const MAX_PROTO_BYTES = 2 ** 31 - 1;

/** Oldest default-domain opset RGP reads (mnist-8 of the ONNX Model Zoo is opset 8); newest it knows. */
export const MIN_OPSET = 7;
export const MAX_KNOWN_OPSET = 21;

const notOnnx = (file: string, what: string, hint = 'Open an .onnx file written by torch.onnx.export, tf2onnx, keras2onnx or another ONNX exporter.') =>
  new RgpError('NOT_A_MODEL', `${file} is not an ONNX model: ${what}.`, hint);

/**
 * Decodes an ONNX ModelProto from `bytes` (kept, not copied: raw_data fields are views into it), checking
 * that it is one: not JSON, decodable to the end, with a graph and a default-domain opset RGP reads.
 */
export function decodeModel(bytes: Uint8Array, file: string): onnx.ModelProto {
  let i = 0;
  while (i < bytes.length && i < 64 && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09 || bytes[i] === 0xef || bytes[i] === 0xbb || bytes[i] === 0xbf)) i++;
  if (bytes[i] === 0x7b /* { */ || bytes[i] === 0x5b /* [ */) {
    throw notOnnx(file, 'it is a JSON text file (a TF.js model.json renamed to .onnx?)', 'Open a TF.js model as model.json, or export the network to ONNX (torch.onnx.export, tf2onnx).');
  }
  if (bytes.length === 0) throw notOnnx(file, 'the file is empty');
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    const why = (e as Error).message;
    const truncated = /index out of range/i.test(why);
    throw notOnnx(file, truncated ? 'the protobuf data ends in the middle of a field (the file is truncated)' : `the protobuf data is damaged (${why})`, 'Copy or export the model again; the file is damaged.');
  }
  if (!model.graph) throw notOnnx(file, 'it has no graph (ModelProto.graph is missing)');
  const opset = defaultOpset(model);
  if (opset === undefined) throw notOnnx(file, 'it imports no operator set of the default ONNX domain');
  if (opset < MIN_OPSET) {
    throw new RgpError('UNSUPPORTED', `${file} uses ONNX opset ${opset}; RGP reads opset ${MIN_OPSET} and newer.`, 'Convert it to a newer opset (python -m onnx.version_converter, or export again with opset_version=13).');
  }
  return model;
}

/** The version of the default ("" or "ai.onnx") operator set the model imports. */
export function defaultOpset(model: onnx.IModelProto): number | undefined {
  const entry = (model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  return entry ? toInt(entry.version ?? 0, 'opset version') : undefined;
}

/** Encodes a model to protobuf bytes (see the file comment for what differs from the input's bytes). */
export function encodeModel(model: onnx.IModelProto): Uint8Array {
  return onnx.ModelProto.encode(model).finish();
}

/** raw_data at least this large is written as it is (a view), not copied into an encoding buffer. */
const VIEW_RAW_BYTES = 1 << 16;

function varint(n: number): Uint8Array {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return Uint8Array.from(out);
}

/** A length-delimited field's key: (field number << 3) | wire type 2. */
const lengthKey = (field: number) => Uint8Array.of((field << 3) | 2);
const ModelProto_graph = 7;
const GraphProto_initializer = 5;
const TensorProto_raw_data = 9;

/**
 * The same protobuf as encodeModel, as a list of chunks to write one after another, in which every large
 * raw_data is the initializer's own bytes rather than a copy: writing a model whose weights are already
 * in memory costs no second copy of them (for the compact model of a 100 M-parameter network, 150 MB).
 * Protobuf lets a message's fields come in any order and a repeated field's items anywhere, so the model
 * is its other fields, then its graph as the graph's other fields followed by one initializer at a time.
 */
export function encodeModelChunks(model: onnx.IModelProto): Uint8Array[] {
  const graph = model.graph;
  if (!graph) return [encodeModel(model)];
  const inits: Uint8Array[] = [];
  for (const t of graph.initializer ?? []) {
    const raw = t.rawData;
    if (!raw || raw.length < VIEW_RAW_BYTES) {
      const bytes = onnx.TensorProto.encode(t).finish();
      inits.push(lengthKey(GraphProto_initializer), varint(bytes.length), bytes);
      continue;
    }
    const head = onnx.TensorProto.encode({ ...t, rawData: undefined }).finish();
    const rawKey = lengthKey(TensorProto_raw_data);
    const rawLength = varint(raw.length);
    inits.push(lengthKey(GraphProto_initializer), varint(head.length + rawKey.length + rawLength.length + raw.length), head, rawKey, rawLength, raw);
  }
  const rest = onnx.GraphProto.encode({ ...graph, initializer: [] }).finish();
  const graphLength = rest.length + inits.reduce((a, c) => a + c.length, 0);
  if (graphLength > MAX_PROTO_BYTES) throw new RgpError('UNSUPPORTED', `The model would be ${graphLength} bytes, over protobuf's 2 GiB limit.`, 'Models this large keep their weights in external data files, which RGP does not write.');
  return [onnx.ModelProto.encode({ ...model, graph: undefined }).finish(), lengthKey(ModelProto_graph), varint(graphLength), rest, ...inits];
}

/** A protobuf int64 (number or Long) as a safe JS integer, or a BAD_MODEL error naming `what`. */
export function toInt(v: number | { toNumber(): number; high: number } | null | undefined, what: string): number {
  if (v === null || v === undefined) return 0;
  const n = typeof v === 'number' ? v : v.toNumber();
  if (!Number.isSafeInteger(n)) throw new RgpError('BAD_MODEL', `The ONNX model is malformed: ${what} is ${String(v)}, not an integer RGP can use.`, 'Export the model again; the file may be damaged or hostile.');
  return n;
}
