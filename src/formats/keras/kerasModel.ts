/**
 * Keras models as an OpenedModel: `.keras` (the Keras 3 / tf.keras ≥ 2.13 zip) and legacy full-model
 * `.h5`. The config becomes a ModelJson (kerasConfig.ts) with one weight group holding every layer weight
 * as `<layer>/<variable>` (weightLayout.ts), so the TF.js layer graph, summary, planner and counting run
 * unchanged, with Keras' kernel layout.
 *
 * Writing: the model's own HDF5 bytes are copied and only the datasets whose values changed are
 * overwritten in the copy (same shapes, dtypes, chunking and attributes; every other dataset, group and
 * attribute as saved), with the optimizer's moments zeroed where a weight was zeroed (optimizerSlots.ts).
 * A `.keras` is re-zipped with every other entry (config.json, metadata.json, assets) byte for byte.
 */
import { readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { RgpError } from '../../core/errors';
import { buildLayerGraph } from '../../core/model/layerGraph';
import { summariseModel } from '../../core/model/layerSummary';
import type { ModelJson } from '../../core/model/modelJson';
import { fsError } from '../../io/readBytes';
import type { ModelFormatId, OpenedModel, OpenOptions } from '../openedModel';
import { datasetAt, float32Bytes, groupAt, openHdf5, stringAttr, stringListAttr, type MemHdf5 } from './hdf5';
import { parseConfigText, readKerasConfig, type KerasConfig } from './kerasConfig';
import { matchOptimizerSlots, type SlotVariable } from './optimizerSlots';
import { keras3Weights, legacyH5Weights, type StoredWeight } from './weightLayout';
import { readZip, writeZip, zipEntry } from './zipArchive';

const WEIGHTS_ENTRY = 'model.weights.h5';

/**
 * An opened Keras model also exposes its ModelJson and weight bytes (what `tf.loadLayersModel` and the
 * converters need); masking edits `weightData` in place like `weightBytes` does.
 */
export interface KerasOpenedModel extends OpenedModel {
  layersModel: { model: ModelJson; weightData: Uint8Array };
}

/** A `.keras` archive. */
export async function openKerasModel(file: string, opts: OpenOptions): Promise<KerasOpenedModel> {
  const label = path.basename(file);
  const bytes = await readInput(file);
  opts.signal.throwIfCancelled();
  const entries = readZip(bytes, label);
  const configText = new TextDecoder().decode(zipEntry(entries, 'config.json', label).bytes);
  const meta = entries.find((e) => e.name === 'metadata.json');
  const kerasVersion = meta ? readMetadataVersion(meta.bytes) : null;
  const config = readKerasConfig(parseConfigText(configText, label), label, kerasVersion);
  const h5Bytes = zipEntry(entries, WEIGHTS_ENTRY, label).bytes;
  opts.onProgress?.(0.3, 'reading model.weights.h5');
  const read = await readWeights(h5Bytes, `${label}/${WEIGHTS_ENTRY}`, config, 'keras3');
  return assemble('keras', file, bytes.byteLength, config, read, h5Bytes, async (dir, h5Out) => {
    const replaced = new Map<string, Uint8Array>([[WEIGHTS_ENTRY, h5Out]]);
    await writeFile(path.join(dir, 'model.keras'), writeZip(entries, replaced));
  });
}

/** A legacy full-model `.h5` (model_config attribute + model_weights group). */
export async function openH5Model(file: string, opts: OpenOptions): Promise<KerasOpenedModel> {
  const label = path.basename(file);
  const bytes = await readInput(file);
  opts.signal.throwIfCancelled();
  const h = await openHdf5(bytes, label);
  let config: KerasConfig;
  try {
    const modelConfig = stringAttr(h.file, 'model_config');
    if (modelConfig === undefined) {
      const weightsOnly = groupAt(h.h5, h.file, 'model_weights') === null && stringListAttr(h.file, 'layer_names') !== undefined;
      throw new RgpError(
        'NOT_A_MODEL',
        weightsOnly ? `${label} holds only weights (model.save_weights), not a model.` : `${label} is an HDF5 file without a Keras model_config, so it is not a Keras model.`,
        'Save the whole model with model.save("model.h5") or model.save("model.keras").',
      );
    }
    const trainingConfig = stringAttr(h.file, 'training_config');
    config = readKerasConfig(parseConfigText(modelConfig, label), label, stringAttr(h.file, 'keras_version') ?? null, trainingConfig ?? null);
  } finally {
    h.close();
  }
  opts.onProgress?.(0.3, 'reading model_weights');
  const read = await readWeights(bytes, label, config, 'legacy');
  return assemble('h5', file, bytes.byteLength, config, read, bytes, async (dir, h5Out) => {
    await writeFile(path.join(dir, 'model.h5'), h5Out);
  });
}

interface ReadWeights {
  weights: StoredWeight[];
  groupBytes: Uint8Array;
  /** Weight index → optimizer slot paths (only trainable weights whose state was matched). */
  slots: Map<number, string[]>;
  warnings: string[];
}

async function readWeights(h5Bytes: Uint8Array, label: string, config: KerasConfig, layout: 'keras3' | 'legacy'): Promise<ReadWeights> {
  const h = await openHdf5(h5Bytes, label);
  try {
    const weights = layout === 'keras3' ? keras3Weights(h, config.layers, label) : legacyH5Weights(h, config.layers, label);
    const total = weights.reduce((s, w) => s + 4 * w.shape.reduce((p, d) => p * d, 1), 0);
    const groupBytes = new Uint8Array(total);
    let at = 0;
    for (const w of weights) {
      const b = float32Bytes(datasetAt(h.h5, h.file, w.path)!, label);
      groupBytes.set(b, at);
      at += b.byteLength;
    }
    const { slots, warnings } = optimizerState(h, weights, layout);
    return { weights, groupBytes, slots, warnings };
  } finally {
    h.close();
  }
}

/** The optimizer's per-weight state, matched by structure (see optimizerSlots.ts). */
function optimizerState(h: MemHdf5, weights: StoredWeight[], layout: 'keras3' | 'legacy'): { slots: Map<number, string[]>; warnings: string[] } {
  const vars: SlotVariable[] = [];
  if (layout === 'keras3') {
    const g = groupAt(h.h5, h.file, 'optimizer/vars');
    const keys = g ? g.keys().filter((k) => String(Number(k)) === k).sort((a, b) => Number(a) - Number(b)) : [];
    for (const k of keys) {
      const d = datasetAt(h.h5, h.file, `optimizer/vars/${k}`);
      if (d) vars.push({ path: `optimizer/vars/${k}`, shape: d.shape ?? [] });
    }
  } else {
    const g = groupAt(h.h5, h.file, 'optimizer_weights');
    for (const n of g ? stringListAttr(g, 'weight_names') ?? [] : []) {
      const d = datasetAt(h.h5, g!, n);
      if (d) vars.push({ path: `optimizer_weights/${n}`, shape: d.shape ?? [] });
    }
  }
  const slots = new Map<number, string[]>();
  if (!vars.some((v) => v.shape.length > 0)) return { slots, warnings: [] };
  const trainableIdx = weights.map((w, i) => (w.trainable ? i : -1)).filter((i) => i >= 0);
  const match = matchOptimizerSlots(trainableIdx.map((i) => weights[i]), vars);
  if (!match) return { slots, warnings: ['The saved optimizer state does not line up with the trainable weights; it is kept as saved (its moments at pruned positions are not zeroed).'] };
  for (const [t, paths] of match.slots) slots.set(trainableIdx[t], paths);
  return { slots, warnings: [] };
}

function assemble(
  format: ModelFormatId,
  file: string,
  fileBytes: number,
  config: KerasConfig,
  read: ReadWeights,
  h5Original: Uint8Array,
  writeModel: (dir: string, h5Out: Uint8Array) => Promise<void>,
): KerasOpenedModel {
  const model = toModelJson(config, read.weights, format === 'keras' ? WEIGHTS_ENTRY : path.basename(file));
  const graph = buildLayerGraph(model);
  graph.warnings.push(...read.warnings);
  const shard = { path: model.weightGroups[0].paths[0], bytes: read.groupBytes.byteLength };
  const outName = format === 'keras' ? 'model.keras' : 'model.h5';
  return {
    layersModel: { model, weightData: read.groupBytes },
    format,
    modelPath: path.resolve(file),
    modelDir: path.dirname(path.resolve(file)),
    inputFiles: [path.resolve(file)],
    fileBytes,
    graph,
    weightBytes: (w) => ({ bytes: read.groupBytes, byteOffset: w.offset }),
    outputFiles: () => [outName],
    summarise: (signal) => ({ format, ...summariseModel(model, [read.groupBytes], [shard], signal) }),
    write: async (dir, signal, progress) => {
      const h5Out = await rewriteWeights(h5Original, `${path.basename(file)} (copy)`, read, signal, progress);
      signal.throwIfCancelled();
      await writeModel(dir, h5Out);
    },
  };
}

/** The ModelJson the core reads: the normalised config and one weight group in stored order. */
export function toModelJson(config: KerasConfig, weights: readonly StoredWeight[], groupPath: string): ModelJson {
  return {
    format: 'keras',
    generatedBy: config.kerasVersion ? `Keras ${config.kerasVersion}` : null,
    convertedBy: null,
    topologyClass: config.topologyClass,
    modelName: config.modelName,
    kerasVersion: config.kerasVersion,
    layers: config.layers,
    weightGroups: [{ paths: [groupPath], weights: weights.map((w) => ({ name: w.name, shape: w.shape, dtype: 'float32' })) }],
    modelTopology: config.modelTopology,
    trainingConfig: config.trainingConfig,
  };
}

/**
 * A copy of the HDF5 file with every changed weight dataset overwritten (and the optimizer moments of its
 * newly zeroed entries zeroed); unchanged datasets are not written at all.
 */
async function rewriteWeights(
  original: Uint8Array,
  label: string,
  read: ReadWeights,
  signal: { throwIfCancelled(): void },
  progress?: (fraction: number, message: string) => void,
): Promise<Uint8Array> {
  const h = await openHdf5(original, label, 'a');
  try {
    let at = 0;
    for (let i = 0; i < read.weights.length; i++) {
      signal.throwIfCancelled();
      const w = read.weights[i];
      const d = datasetAt(h.h5, h.file, w.path)!;
      const before = new Float32Array(float32Bytes(d, label).slice().buffer);
      const n = before.length;
      const now = new Float32Array(read.groupBytes.slice(at, at + 4 * n).buffer);
      at += 4 * n;
      const zeroed: number[] = [];
      let changed = false;
      for (let j = 0; j < n; j++) {
        if (Object.is(now[j], before[j]) || (Number.isNaN(now[j]) && Number.isNaN(before[j]))) continue;
        changed = true;
        if (now[j] === 0 && before[j] !== 0) zeroed.push(j);
      }
      if (!changed) continue;
      d.write_slice([], now);
      for (const slotPath of zeroed.length > 0 ? read.slots.get(i) ?? [] : []) {
        const s = datasetAt(h.h5, h.file, slotPath);
        if (!s) continue;
        const state = new Float32Array(float32Bytes(s, label).slice().buffer);
        for (const j of zeroed) state[j] = 0;
        s.write_slice([], state);
      }
      progress?.((i + 1) / read.weights.length, `wrote ${w.name}`);
    }
    return h.finish();
  } finally {
    h.close();
  }
}

async function readInput(file: string): Promise<Uint8Array> {
  try {
    const b = await readFile(file);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (e) {
    throw fsError(file, e);
  }
}

function readMetadataVersion(bytes: Uint8Array): string | null {
  try {
    const m = JSON.parse(new TextDecoder().decode(bytes)) as { keras_version?: unknown };
    return typeof m.keras_version === 'string' ? m.keras_version : null;
  } catch {
    return null;
  }
}
