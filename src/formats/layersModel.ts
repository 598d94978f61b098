/**
 * A model as a Keras layers model — its ModelJson (config + weight specs) and all its weight bytes in
 * manifest order — whatever file it came from: a TF.js model.json, a `.keras` or a legacy `.h5`. This is
 * what `tf.loadLayersModel` (training, sweeps) and `rgp convert` need; ONNX graphs are not layers models.
 */
import * as tf from '@tensorflow/tfjs';
import { RgpError } from '../core/errors';
import type { CancelSignal } from '../core/job';
import type { ModelJson, WeightSpec } from '../core/model/modelJson';
import { concat, readModelFiles } from '../io/modelFolder';
import { detectFormat, type ModelFormatId } from './index';
import { openH5Model, openKerasModel } from './keras/kerasModel';
import { toTfjsTopology } from './keras/tfjsTopology';

export interface LayersModelData {
  format: ModelFormatId;
  /** The file read (model.json, model.keras, model.h5). */
  modelPath: string;
  modelDir: string;
  model: ModelJson;
  /** Every weight's stored bytes, in manifest order (one weight group). */
  weightData: Uint8Array;
}

export async function readLayersModel(modelPath: string, signal: CancelSignal): Promise<LayersModelData> {
  const { format, file } = await detectFormat(modelPath);
  if (format === 'keras' || format === 'h5') {
    const m = await (format === 'keras' ? openKerasModel : openH5Model)(file, { signal });
    return { format, modelPath: m.modelPath, modelDir: m.modelDir, ...m.layersModel };
  }
  if (format === 'tfjs') {
    const files = await readModelFiles(file, signal);
    const model: ModelJson = { ...files.model, weightGroups: [{ paths: ['weights.bin'], weights: files.model.weightGroups.flatMap((g) => g.weights) }] };
    return { format, modelPath: files.modelPath, modelDir: files.modelDir, model, weightData: concat(files.groupBytes) };
  }
  throw new RgpError('UNSUPPORTED', `${file} is an ${format.toUpperCase()} graph, not a Keras layers model.`, 'Train and convert Keras or TF.js layers models; an ONNX file is pruned as it is.');
}

/** The model as tfjs `ModelArtifacts`: a Keras config is rewritten to the form tfjs reads (tfjsTopology.ts). */
export function layersArtifacts(d: LayersModelData): tf.io.ModelArtifacts {
  const topology = d.format === 'tfjs' ? d.model.modelTopology : toTfjsTopology(d.model.modelTopology, d.model.kerasVersion);
  const weightSpecs: WeightSpec[] = d.model.weightGroups.flatMap((g) => g.weights);
  return {
    modelTopology: topology,
    format: 'layers-model',
    generatedBy: d.model.generatedBy ?? undefined,
    convertedBy: d.format === 'tfjs' ? d.model.convertedBy : 'rgp convert',
    weightSpecs: weightSpecs as tf.io.WeightsManifestEntry[],
    weightData: d.weightData.slice().buffer,
  };
}
