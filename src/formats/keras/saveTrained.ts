/**
 * A trained tfjs LayersModel saved as a `.keras` folder: tfjs serialises it (topology + weight bytes, the
 * same artifacts it writes to model.json), and kerasWriter lays those bytes out as Keras does, unchanged.
 * The folder (model.keras plus extra files such as masks.json and the report) is written whole under a
 * temporary name and renamed, like every model folder RGP writes.
 */
import * as tf from '@tensorflow/tfjs';
import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { RgpError } from '../../core/errors';
import type { CancelSignal } from '../../core/job';
import { parseModelJson } from '../../core/model/modelJson';
import { writeFolderAtomically } from '../../io/atomicWrite';
import { writeKerasArchive } from './kerasWriter';

export async function saveLayersModelAsKeras(
  model: tf.LayersModel,
  dir: string,
  opts: { overwrite?: boolean; signal?: CancelSignal; marker?: { job: string }; extraFiles?: Record<string, string> } = {},
): Promise<void> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => {
    artifacts = a;
    return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON' } };
  }));
  if (!artifacts || artifacts.modelTopology instanceof ArrayBuffer) throw new RgpError('UNSUPPORTED', 'This model has no JSON topology to write into a .keras file.', 'Save it as a TF.js model folder instead.');
  const json = parseModelJson({ format: 'layers-model', modelTopology: artifacts.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }] });
  const weightData = artifacts.weightData === undefined ? new Uint8Array(0) : new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData));
  const archive = await writeKerasArchive(json, weightData, 'the trained model');
  await writeFolderAtomically(path.resolve(dir), { overwrite: opts.overwrite === true, ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.marker ? { marker: opts.marker } : {}) }, async (tmp) => {
    await writeFile(path.join(tmp, 'model.keras'), archive);
    for (const [name, data] of Object.entries(opts.extraFiles ?? {})) await writeFile(path.join(tmp, name), data);
  });
}
