/**
 * Writes an ONNX model held in memory (model.ts) into a folder, with whatever was masked in place:
 *
 *  - Weights in raw_data or in external data files were edited in their buffers, so the .onnx file is
 *    our copy of the input's bytes and each external data file is written back under its own relative
 *    name and size: every byte that was not masked is the input's.
 *  - Weights kept in `float_data` (mnist-8 does this) cannot be edited in the file's bytes; when one of
 *    them changed, its values are put back into the decoded model and the model is re-encoded. The graph,
 *    the names and every value stay the same; protobufjs writes fields in schema order and packs repeated
 *    fields, so the bytes can differ where the input's writer chose another order or encoding.
 * O(file size).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { CancelSignal } from '../../core/job';
import type { OnnxModelData } from './model';
import { encodeModel } from './proto';

/** Names the writer creates inside the output folder, the model file first. */
export function onnxOutputFiles(data: OnnxModelData, modelFile = 'model.onnx'): string[] {
  return [modelFile, ...data.external.keys()];
}

export async function writeOnnxModel(
  data: OnnxModelData,
  dir: string,
  signal: CancelSignal,
  progress?: (fraction: number, message: string) => void,
  modelFile = 'model.onnx',
): Promise<void> {
  let done = 0;
  const total = data.external.size + 1;
  for (const [name, f] of data.external) {
    signal.throwIfCancelled();
    const target = path.join(dir, ...name.split('/'));
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, f.bytes);
    progress?.(++done / total, `writing ${name}`);
  }
  signal.throwIfCancelled();
  await writeFile(path.join(dir, modelFile), modelBytes(data));
  progress?.(1, `writing ${modelFile}`);
}

/** The .onnx bytes: the (masked) copy of the input, or a re-encoding when a float_data weight changed. */
export function modelBytes(data: OnnxModelData): Uint8Array {
  const changed = data.fieldTensors.filter(({ name, group }) => {
    const now = new Float32Array(data.groups[group].buffer, data.groups[group].byteOffset, data.groups[group].byteLength / 4);
    const was = data.initializers.get(name)!.proto.floatData ?? [];
    for (let i = 0; i < now.length; i++) if (!Object.is(now[i], Math.fround(was[i]))) return true;
    return false;
  });
  if (changed.length === 0) return data.bytes;
  const saved = changed.map(({ name }) => [name, data.initializers.get(name)!.proto.floatData] as const);
  try {
    for (const { name, group } of changed) {
      const g = data.groups[group];
      data.initializers.get(name)!.proto.floatData = Array.from(new Float32Array(g.buffer, g.byteOffset, g.byteLength / 4));
    }
    return encodeModel(data.model);
  } finally {
    for (const [name, values] of saved) data.initializers.get(name)!.proto.floatData = values;
  }
}
