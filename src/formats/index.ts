/**
 * The model formats side by side: which reader opens a path, by its extension (a folder means its
 * model.json). Each reader checks its own bytes (an `.onnx` that is really JSON is refused by the ONNX
 * reader with a clear message), so the extension only chooses whom to ask.
 */
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { RgpError } from '../core/errors';
import type { ModelFormatId, OpenedModel, OpenOptions } from './openedModel';
import { openOnnxModel } from './onnx/reader';
import { openTfjsModel } from './tfjs';

export type { ModelFormatId, OpenedModel, OpenOptions } from './openedModel';

/** File extensions of the formats, as a user names them. */
export const MODEL_EXTENSIONS: Readonly<Record<string, ModelFormatId>> = { '.json': 'tfjs', '.onnx': 'onnx', '.keras': 'keras', '.h5': 'h5', '.hdf5': 'h5' };

/** The format a path names, or a clear error. A folder is a TF.js model folder (its model.json). */
export async function detectFormat(modelPath: string): Promise<{ format: ModelFormatId; file: string }> {
  const abs = path.resolve(modelPath);
  let isDir = false;
  try {
    isDir = (await stat(abs)).isDirectory();
  } catch {
    // Missing files are reported by the reader, which knows what it expected.
  }
  if (isDir) return { format: 'tfjs', file: path.join(abs, 'model.json') };
  const format = MODEL_EXTENSIONS[path.extname(abs).toLowerCase()];
  if (!format) {
    throw new RgpError(
      'NOT_A_MODEL',
      `${path.basename(abs)} is not a model file RGP reads.`,
      'Open a TF.js model.json, an ONNX .onnx, or a Keras .keras / .h5 file.',
    );
  }
  return { format, file: abs };
}

type Reader = (file: string, opts: OpenOptions) => Promise<OpenedModel>;

const readers: Partial<Record<ModelFormatId, Reader>> = {
  tfjs: openTfjsModel,
  onnx: openOnnxModel,
};

/** Opens a model of any supported format. */
export async function openModel(modelPath: string, opts: OpenOptions): Promise<OpenedModel> {
  const { format, file } = await detectFormat(modelPath);
  const reader = readers[format];
  if (!reader) {
    throw new RgpError('UNSUPPORTED', `Reading ${format === 'onnx' ? 'ONNX' : 'Keras'} models is not available in this version.`, 'Convert the model to a TF.js layers model (model.json) first.');
  }
  return reader(file, opts);
}

/** The file name a format's model gets inside an output folder. */
export function modelFileName(format: ModelFormatId): string {
  return { tfjs: 'model.json', onnx: 'model.onnx', keras: 'model.keras', h5: 'model.h5' }[format];
}
