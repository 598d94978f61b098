/**
 * An ONNX model read into memory without trusting it — the building block the ONNX reader, writer and the
 * compact realization share:
 *
 *   bytes       our own copy of the .onnx file; the decoded model's raw_data initializers are views into
 *               it, so masking them edits this copy (the input file is never touched)
 *   model       the decoded ModelProto (protobufjs, onnx-proto schema)
 *   groups      the buffers weights live in: group 0 is `bytes`; then one per external data file (read
 *               whole, see externalData.ts); then one per float32 initializer stored in `float_data` (a
 *               fresh little-endian copy: a repeated float field has no bytes to view)
 *   placement   initializer name → its group and byte offset in that group
 *
 * Checked when loading: the file size (protobuf stops at 2 GiB), the container (proto.ts), every
 * initializer's dims against its data and the 2 GiB per-initializer limit, weight element types RGP can
 * mask (float16 and int8/uint8-quantized models are refused with a clear message), duplicate names,
 * sparse initializers, and the external data files' containment and sizes. O(file size).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { RgpError } from '../../core/errors';
import type { CancelSignal } from '../../core/job';
import { fsError } from '../../io/readBytes';
import { externalName, readExternalFiles, type ExternalFile } from './externalData';
import type { Placement } from './graph';
import { decodeModel, defaultOpset, MAX_PROTO_BYTES, MAX_KNOWN_OPSET, type onnx } from './proto';
import { checkWeightType, FLOAT32, floatFieldBytes, tensorInfo, type TensorInfo } from './tensors';

export interface OnnxInitializer {
  proto: onnx.ITensorProto;
  info: TensorInfo;
}

export interface OnnxModelData {
  /** Absolute path of the .onnx file. */
  file: string;
  dir: string;
  fileSize: number;
  bytes: Uint8Array;
  model: onnx.ModelProto;
  graph: onnx.IGraphProto;
  opset: number;
  initializers: Map<string, OnnxInitializer>;
  external: Map<string, ExternalFile>;
  groups: Uint8Array[];
  placement: Map<string, Placement>;
  /** Float32 initializers kept in `float_data`, with their group: the writer puts their values back. */
  fieldTensors: { name: string; group: number }[];
  warnings: string[];
}

/** Operators of quantized models: their weights are integers, masking them is not masking the network. */
const QUANTIZED_OPS = new Set(['QuantizeLinear', 'DequantizeLinear', 'DynamicQuantizeLinear', 'QLinearConv', 'QLinearMatMul', 'ConvInteger', 'MatMulInteger']);

export async function loadOnnxModel(
  file: string,
  signal: CancelSignal,
  onProgress: (fraction: number, message: string) => void = () => {},
): Promise<OnnxModelData> {
  const abs = path.resolve(file);
  const base = path.basename(abs);
  let size: number;
  try {
    const st = await fs.stat(abs);
    if (!st.isFile()) throw new RgpError('UNREADABLE_FILE', `${abs} is not a regular file.`, 'Give the path of an .onnx file.');
    size = st.size;
  } catch (e) {
    throw fsError(abs, e);
  }
  if (size > MAX_PROTO_BYTES) {
    throw new RgpError('NOT_A_MODEL', `${base} is ${(size / 2 ** 30).toFixed(2)} GiB; an ONNX protobuf file cannot exceed 2 GiB.`, 'Save large models with their weights as external data (onnx.save_model(..., save_as_external_data=True)).');
  }
  let bytes: Uint8Array;
  try {
    const b = await fs.readFile(abs);
    bytes = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (e) {
    throw fsError(abs, e);
  }
  signal.throwIfCancelled();
  onProgress(0.3, `decoding ${base}`);
  const model = decodeModel(bytes, base);
  const graph = model.graph!;
  const opset = defaultOpset(model)!;
  const warnings: string[] = [];
  if (opset > MAX_KNOWN_OPSET) warnings.push(`The model uses ONNX opset ${opset}; RGP knows opsets up to ${MAX_KNOWN_OPSET} and reads newer ones as far as their operators did not change.`);

  const quantized = (graph.node ?? []).find((n) => QUANTIZED_OPS.has(n.opType ?? ''));
  if (quantized) {
    throw new RgpError('UNSUPPORTED', `${base} is a quantized ONNX model (it uses ${quantized.opType}); RGP prunes float32 weights, whose pruned entries become exact zeros.`, 'Prune the float32 model before quantizing it, then quantize the pruned model.');
  }
  if ((graph.sparseInitializer ?? []).length > 0) {
    throw new RgpError('UNSUPPORTED', `${base} stores weights as sparse initializers, which RGP does not read.`, 'Export the model with dense initializers.');
  }

  const initializers = new Map<string, OnnxInitializer>();
  const externalRanges = new Map<string, { location: string; offset: number; length: number; what: string }[]>();
  for (const t of graph.initializer ?? []) {
    const what = `initializer "${t.name ?? ''}"`;
    if (!t.name) throw new RgpError('BAD_MODEL', `The ONNX model is inconsistent: an initializer has no name.`, 'Export the model again; the file was damaged or edited.');
    if (initializers.has(t.name)) throw new RgpError('BAD_MODEL', `The ONNX model is inconsistent: two initializers are named "${t.name}".`, 'Export the model again; the file was damaged or edited.');
    const info = tensorInfo(t, what);
    checkWeightType(info, what);
    if (info.data.kind === 'external') {
      const name = externalName(info.data.location);
      externalRanges.set(name, [...(externalRanges.get(name) ?? []), { ...info.data, what }]);
    }
    initializers.set(t.name, { proto: t, info });
  }
  signal.throwIfCancelled();
  const external = await readExternalFiles(path.dirname(abs), externalRanges, signal, (done, total, name) => onProgress(0.4 + (0.5 * done) / total, `read external data ${done} of ${total} (${name})`));

  const groups: Uint8Array[] = [bytes];
  const fileGroup = new Map<string, number>();
  for (const [name, f] of external) {
    fileGroup.set(name, groups.length);
    groups.push(f.bytes);
  }
  const placement = new Map<string, Placement>();
  const fieldTensors: { name: string; group: number }[] = [];
  for (const [name, { proto, info }] of initializers) {
    if (info.dataType !== FLOAT32) continue;
    const d = info.data;
    if (d.kind === 'raw') placement.set(name, { group: 0, offset: d.bytes.byteOffset - bytes.byteOffset });
    else if (d.kind === 'external') placement.set(name, { group: fileGroup.get(externalName(d.location))!, offset: d.offset });
    else {
      fieldTensors.push({ name, group: groups.length });
      placement.set(name, { group: groups.length, offset: 0 });
      groups.push(floatFieldBytes(proto));
    }
  }
  onProgress(1, `${initializers.size} initializers`);
  return { file: abs, dir: path.dirname(abs), fileSize: size, bytes, model, graph, opset, initializers, external, groups, placement, fieldTensors, warnings };
}
