/**
 * A TF.js layers model as a folder — `model.json` plus weight shards — read and written without
 * tfjs-node, in the same layout tfjs-node's `file://` handler produces, so folders move freely between
 * this tool, tfjs-node and the Python converter.
 *
 * Saving writes into a temporary sibling folder and renames it into place only when every file is
 * complete: a crash or cancel leaves either the old folder or nothing, never a half-written model.
 * Loading refuses shard paths that would leave the model folder (`..`, absolute paths, URLs, symlinks
 * pointing outside): model.json is user-supplied input, and a manifest must not make us read
 * arbitrary files.
 */
import * as tf from '@tensorflow/tfjs';
import { stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { RgpError } from '../core/errors';
import { neverCancelled, type CancelSignal } from '../core/job';
import { writeFolderAtomically } from './atomicWrite';
import { concat, readModelFiles } from './modelFolder';
import { fsError } from './readBytes';

export const MODEL_JSON = 'model.json';
/** The shard name tfjs-node's file:// handler uses. */
export const DEFAULT_WEIGHTS_FILE = 'weights.bin';

export interface FolderSaveOptions {
  /** Replace an existing non-empty folder. Default false: such a folder is refused. */
  overwrite?: boolean;
  /** Name of the single shard; default `weights.bin` (tfjs-node's), `group1-shard1of1.bin` is the converter's. */
  weightsFileName?: string;
  /** Polled between files; a cancel removes the temporary folder and leaves the target untouched. */
  signal?: CancelSignal;
  /** More files of the same folder (e.g. masks.json, a report), written before the one rename. */
  extraFiles?: Record<string, string | Uint8Array>;
  /** A job's output: the folder gets the tool's marker and replaces only a folder carrying one (atomicWrite). */
  marker?: { job: string };
}

/** An `io.IOHandler` whose `save` writes `dir` as a tfjs-node-compatible model folder. */
export function folderSaveHandler(dir: string, opts: FolderSaveOptions = {}): tf.io.IOHandler {
  const weightsFile = opts.weightsFileName ?? DEFAULT_WEIGHTS_FILE;
  if (!isPlainFileName(weightsFile) || weightsFile === MODEL_JSON) {
    throw new RgpError('BAD_ARGUMENT', `'${weightsFile}' cannot be a weights file name.`, 'Use a plain file name such as weights.bin.');
  }
  const extra = Object.entries(opts.extraFiles ?? {});
  for (const [name] of extra) {
    if (!isPlainFileName(name) || name === MODEL_JSON || name === weightsFile) {
      throw new RgpError('BAD_ARGUMENT', `'${name}' cannot be an extra file of a model folder.`, 'Use a plain file name other than model.json and the weights file.');
    }
  }
  return {
    save: async (artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> => {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new RgpError('UNSUPPORTED', 'Binary (protobuf) model topologies cannot be saved to a model.json folder.', 'Save a layers or graph model with a JSON topology.');
      }
      const weightData = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      const manifest: tf.io.WeightsManifestConfig = [{ paths: [weightsFile], weights: artifacts.weightSpecs ?? [] }];
      const modelJson = modelJsonFor(artifacts, manifest);
      await writeFolderAtomically(resolve(dir), opts, async (tmp, signal) => {
        await writeFile(join(tmp, MODEL_JSON), JSON.stringify(modelJson), 'utf8');
        signal?.throwIfCancelled();
        await writeFile(join(tmp, weightsFile), new Uint8Array(weightData));
        signal?.throwIfCancelled();
        for (const [name, data] of extra) await writeFile(join(tmp, name), data);
      });
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
  };
}

/** The fields and order tfjs's own `getModelJSONForModelArtifacts` uses (it is not exported). */
function modelJsonFor(a: tf.io.ModelArtifacts, manifest: tf.io.WeightsManifestConfig): tf.io.ModelJSON {
  const json: tf.io.ModelJSON = {
    modelTopology: a.modelTopology as object,
    format: a.format,
    generatedBy: a.generatedBy,
    convertedBy: a.convertedBy ?? null,
    weightsManifest: manifest,
  };
  if (a.signature != null) json.signature = a.signature;
  if (a.userDefinedMetadata != null) json.userDefinedMetadata = a.userDefinedMetadata;
  if (a.modelInitializer != null) json.modelInitializer = a.modelInitializer;
  if (a.initializerSignature != null) json.initializerSignature = a.initializerSignature;
  if (a.trainingConfig != null) json.trainingConfig = a.trainingConfig;
  return json;
}

/**
 * An `io.IOHandler` whose `load` reads a model folder (or the path of its model.json), for
 * `tf.loadLayersModel(folderLoadHandler(dir))`. Reading goes through the same checked path as
 * everything else (`readModelFiles`): shard paths stay inside the folder and sizes match the manifest.
 */
export function folderLoadHandler(folderOrModelJson: string): tf.io.IOHandler {
  return {
    load: async (): Promise<tf.io.ModelArtifacts> => {
      const jsonPath = await locateModelJson(folderOrModelJson);
      const { model, groupBytes } = await readModelFiles(jsonPath, neverCancelled);
      const bytes = concat(groupBytes);
      return {
        modelTopology: model.modelTopology,
        format: model.format,
        generatedBy: model.generatedBy ?? undefined,
        convertedBy: model.convertedBy,
        ...(model.trainingConfig ? { trainingConfig: model.trainingConfig as tf.io.TrainingConfig } : {}),
        weightSpecs: model.weightGroups.flatMap((g) => g.weights) as tf.io.WeightsManifestEntry[],
        weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
      };
    },
  };
}

async function locateModelJson(p: string): Promise<string> {
  const abs = resolve(p);
  let s;
  try {
    s = await stat(abs);
  } catch (e) {
    throw fsError(abs, e);
  }
  return s.isDirectory() ? join(abs, MODEL_JSON) : abs;
}

function isPlainFileName(name: string): boolean {
  return name.length > 0 && name !== '.' && name !== '..' && !/[\\/:\0]/.test(name);
}

/** `model.save` into `dir` through `folderSaveHandler`. */
export async function saveLayersModelToFolder(model: tf.LayersModel, dir: string, opts: FolderSaveOptions = {}): Promise<tf.io.SaveResult> {
  return model.save(folderSaveHandler(dir, opts));
}

/** `tf.loadLayersModel` from a model folder (or its model.json), without tfjs-node. */
export async function loadLayersModelFromFolder(folderOrModelJson: string): Promise<tf.LayersModel> {
  return tf.loadLayersModel(folderLoadHandler(folderOrModelJson));
}
