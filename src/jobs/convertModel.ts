/**
 * The "convert" job: a Keras layers model moved between the formats RGP reads, exactly — every weight's
 * bytes are copied, never decoded and re-encoded, so the converted model's weights are bit-identical.
 *
 *   --to tfjs   from .keras / .h5 (or a TF.js model.json): model.json (the config in the form tfjs reads,
 *               see src/formats/keras/tfjsTopology.ts) + weights.bin, loadable by tf.loadLayersModel
 *   --to keras  from a TF.js model.json, a legacy .h5 or a .keras: model.keras (src/formats/keras/kerasWriter.ts)
 *   --to onnx   the layer graph as standard ONNX ops (src/formats/onnx/fromLayers.ts): model.onnx
 *
 * Output folder (default `<stem>-<target>` beside a single-file model, `<model folder>-<target>` beside a
 * TF.js folder), checked before anything is read and written whole under a temporary name, as for prune.
 */
import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { layersFolderToOnnx } from '../formats/onnx/fromLayers';
import { RgpError } from '../core/errors';
import type { JobContext } from '../core/job';
import { writeFolderAtomically } from '../io/atomicWrite';
import { detectFormat } from '../formats';
import { writeKerasArchive } from '../formats/keras/kerasWriter';
import { layersArtifacts, readLayersModel } from '../formats/layersModel';
import { prepareOutput } from './outputFolder';
import { defaultOutput } from './pruneModel';

export type ConvertTarget = 'tfjs' | 'keras' | 'onnx';

export interface ConvertOptions {
  to: ConvertTarget;
  out?: string;
  overwrite?: boolean;
}

export interface ConvertSummary {
  format: 'rgp-convert';
  from: string;
  to: ConvertTarget;
  modelPath: string;
  outputPath: string;
  files: string[];
  weights: number;
  weightBytes: number;
}

const TARGETS: readonly ConvertTarget[] = ['tfjs', 'keras', 'onnx'];

export async function convertModel(modelPath: string, options: ConvertOptions, ctx: JobContext): Promise<ConvertSummary> {
  const to = options.to;
  if (!TARGETS.includes(to)) throw new RgpError('BAD_ARGUMENT', `Cannot convert to "${String(to)}".`, 'Use --to tfjs, --to keras or --to onnx.');
  const { format, file } = await detectFormat(modelPath);
  if (format === 'onnx') throw new RgpError('UNSUPPORTED', `${path.basename(file)} is already an ONNX model; RGP converts Keras and TF.js layers models.`, 'Prune it as it is (rgp prune), or convert its source model.');
  const suffix = `-${to}`;
  const modelDir = path.dirname(path.resolve(file));
  // The output rule (src/jobs/outputFolder.ts); a TF.js model's whole folder counts as input (its shards).
  const outputPath = await prepareOutput({ out: options.out, fallback: defaultOutput(format, file, suffix), inputs: [file, ...(format === 'tfjs' ? [modelDir] : [])], overwrite: options.overwrite === true });

  if (to === 'onnx') {
    // The layer graph → standard ONNX ops (src/formats/onnx/fromLayers.ts): NCHW inside, the Keras
    // flatten order kept, every weight's values copied exactly (transposed where ONNX wants another layout).
    ctx.progress.report({ fraction: 0, message: 'converting to ONNX' });
    const onnxBytes = await layersFolderToOnnx(file);
    ctx.signal.throwIfCancelled();
    await writeFolderAtomically(outputPath, { overwrite: options.overwrite === true, signal: ctx.signal, marker: { job: 'convert' } }, (tmp) => writeFile(path.join(tmp, 'model.onnx'), onnxBytes));
    ctx.progress.report({ fraction: 1, message: 'converted to ONNX' });
    return { format: 'rgp-convert', from: format, to, modelPath: path.resolve(file), outputPath, files: ['model.onnx'], weights: 0, weightBytes: onnxBytes.byteLength };
  }
  ctx.progress.report({ fraction: 0, message: 'reading the model' });
  const data = await readLayersModel(file, ctx.signal);
  ctx.signal.throwIfCancelled();
  const specs = data.model.weightGroups.flatMap((g) => g.weights);
  const files: string[] = [];
  let write: (tmp: string) => Promise<void>;
  if (to === 'tfjs') {
    const a = layersArtifacts(data);
    const modelJson = {
      format: 'layers-model',
      generatedBy: a.generatedBy ?? null,
      convertedBy: a.convertedBy ?? null,
      modelTopology: a.modelTopology,
      weightsManifest: [{ paths: ['weights.bin'], weights: specs }],
    };
    files.push('model.json', 'weights.bin');
    write = async (tmp) => {
      await writeFile(path.join(tmp, 'model.json'), JSON.stringify(modelJson));
      await writeFile(path.join(tmp, 'weights.bin'), data.weightData);
    };
  } else {
    ctx.progress.report({ fraction: 0.5, message: 'writing model.keras' });
    const archive = await writeKerasArchive(data.model, data.weightData, path.basename(file));
    files.push('model.keras');
    write = (tmp) => writeFile(path.join(tmp, 'model.keras'), archive);
  }
  await writeFolderAtomically(outputPath, { overwrite: options.overwrite === true, signal: ctx.signal, marker: { job: 'convert' } }, write);
  ctx.progress.report({ fraction: 1, message: `converted ${specs.length} weights to ${to}` });
  return { format: 'rgp-convert', from: data.format, to, modelPath: data.modelPath, outputPath, files, weights: specs.length, weightBytes: data.weightData.byteLength };
}
