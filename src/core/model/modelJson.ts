/**
 * The TF.js layers-model file format (`model.json` + binary weight shards), as written by tfjs itself
 * (`model.save`) and by the Python `tensorflowjs_converter` from Keras. This module only interprets a
 * parsed JSON value: it checks the structure a reader relies on and reports, in the user's terms, what
 * is missing. Bytes are read elsewhere (src/io) and handed in.
 *
 * Two topologies occur in the wild:
 *   tfjs:      modelTopology = { class_name, config, keras_version, backend }
 *   converter: modelTopology = { model_config: { class_name, config }, keras_version, training_config }
 */
import { RgpError } from '../errors';

export type WeightDtype = 'float32' | 'int32' | 'bool' | 'uint8' | 'uint16' | 'float16';

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: WeightDtype;
  /** Present when the converter quantized this weight; bytes on disk are `quantization.dtype`. */
  quantization?: { dtype: 'uint8' | 'uint16' | 'float16'; min?: number; scale?: number };
}

export interface WeightGroup {
  paths: string[];
  weights: WeightSpec[];
}

export interface RawLayer {
  className: string;
  name: string;
  config: Record<string, unknown>;
}

export interface ModelJson {
  format: string;
  generatedBy: string | null;
  convertedBy: string | null;
  /** 'Sequential', 'Model' or 'Functional' (Keras 2.13+ names it so). */
  topologyClass: string;
  modelName: string;
  kerasVersion: string | null;
  layers: RawLayer[];
  weightGroups: WeightGroup[];
  /** The topology object as found (tfjs needs it verbatim to rebuild the model). */
  modelTopology: Record<string, unknown>;
  trainingConfig: unknown;
}

const BYTES_PER_ELEMENT: Record<string, number> = {
  float32: 4,
  int32: 4,
  bool: 1,
  uint8: 1,
  uint16: 2,
  float16: 2,
};

/** Bytes a weight occupies in its shard: quantized weights are stored in their quantized dtype. */
export function storedBytes(w: WeightSpec): number {
  const dtype = w.quantization?.dtype ?? w.dtype;
  return elementCount(w.shape) * BYTES_PER_ELEMENT[dtype];
}

export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

const notAModel = (what: string) =>
  new RgpError(
    'NOT_A_MODEL',
    `This is not a TF.js layers model: ${what}.`,
    'Open the model.json written by tfjs `model.save()` or by `tensorflowjs_converter --output_format tfjs_layers_model`.',
  );

const badModel = (what: string) =>
  new RgpError('BAD_MODEL', `The model file is malformed: ${what}.`, 'Re-export the model; the file may be damaged or hand-edited.');

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Interprets an already-parsed model.json; throws RgpError with the first problem found. */
export function parseModelJson(json: unknown): ModelJson {
  if (!isObject(json)) throw notAModel('the file is not a JSON object');
  const topology = json.modelTopology;
  if (!isObject(topology)) {
    if ('weightsManifest' in json && 'modelTopology' in json === false && 'signature' in json)
      throw notAModel('it is a TF.js graph model (a converted SavedModel), which has no layers to prune');
    throw notAModel('it has no "modelTopology" object');
  }
  if (json.format !== undefined && json.format !== 'layers-model') {
    throw notAModel(`its format is "${String(json.format)}", not "layers-model"`);
  }
  const modelConfig = isObject(topology.model_config) ? topology.model_config : topology;
  const topologyClass = modelConfig.class_name;
  if (typeof topologyClass !== 'string') throw notAModel('its topology has no "class_name"');
  const config = modelConfig.config;
  // Old tfjs Sequential configs are a bare array of layers.
  const layerList = Array.isArray(config) ? config : isObject(config) ? config.layers : undefined;
  if (!Array.isArray(layerList)) throw badModel(`the ${topologyClass} topology has no layer list`);
  const modelName = isObject(config) && typeof config.name === 'string' ? config.name : topologyClass;

  const layers: RawLayer[] = layerList.map((l, i) => {
    if (!isObject(l) || typeof l.class_name !== 'string' || !isObject(l.config))
      throw badModel(`layer #${i} has no class_name/config`);
    const name = typeof l.config.name === 'string' ? l.config.name : typeof l.name === 'string' ? l.name : undefined;
    if (!name) throw badModel(`layer #${i} (${l.class_name}) has no name`);
    return { className: l.class_name, name, config: l.config };
  });
  const seen = new Set<string>();
  for (const l of layers) {
    if (seen.has(l.name)) throw badModel(`two layers are both named "${l.name}"`);
    seen.add(l.name);
  }

  const manifest = json.weightsManifest;
  if (!Array.isArray(manifest)) throw notAModel('it has no "weightsManifest" list');
  const weightGroups = manifest.map((g, gi) => parseWeightGroup(g, gi));
  // A loader keeps one of two same-named weights (TF.js reads the last): the masked copy might not be the one that runs.
  const weightNames = new Set<string>();
  for (const g of weightGroups) {
    for (const w of g.weights) {
      if (weightNames.has(w.name)) throw badModel(`two weights in the manifest are both named "${w.name}"`);
      weightNames.add(w.name);
    }
  }

  const kv = topology.keras_version;
  return {
    format: 'layers-model',
    generatedBy: typeof json.generatedBy === 'string' ? json.generatedBy : null,
    convertedBy: typeof json.convertedBy === 'string' ? json.convertedBy : null,
    topologyClass,
    modelName,
    kerasVersion: typeof kv === 'string' ? kv : null,
    layers,
    weightGroups,
    modelTopology: topology,
    trainingConfig: json.trainingConfig ?? topology.training_config ?? null,
  };
}

/**
 * Checks that each weight group's shards, concatenated, hold exactly the bytes its manifest
 * describes: a truncated download or a shard from another export shows up here, with both counts.
 */
export function checkGroupSizes(model: ModelJson, groupBytes: readonly { byteLength: number }[]): void {
  model.weightGroups.forEach((group, gi) => {
    const actual = groupBytes[gi].byteLength;
    const expected = group.weights.reduce((s, w) => s + storedBytes(w), 0);
    if (actual !== expected) {
      throw new RgpError(
        'BAD_MODEL',
        `Weight group #${gi} (${group.paths.join(', ')}) holds ${actual} bytes but its manifest describes ${expected}` +
          (actual < expected ? ' — a shard is truncated.' : ' — a shard has extra bytes.'),
        'Re-export the model or restore the missing shard files.',
      );
    }
  });
}

function parseWeightGroup(g: unknown, gi: number): WeightGroup {
  if (!isObject(g) || !Array.isArray(g.paths) || !Array.isArray(g.weights))
    throw badModel(`weight group #${gi} needs "paths" and "weights" lists`);
  const paths = g.paths.map((p, pi) => {
    if (typeof p !== 'string' || p.length === 0) throw badModel(`weight group #${gi} path #${pi} is not a file name`);
    return p;
  });
  const weights = g.weights.map((w, wi): WeightSpec => {
    if (!isObject(w) || typeof w.name !== 'string' || !Array.isArray(w.shape))
      throw badModel(`weight #${wi} of group #${gi} needs a name and a shape`);
    const shape = w.shape.map((d) => {
      if (typeof d !== 'number' || !Number.isInteger(d) || d < 0 || d > 2 ** 31)
        throw badModel(`weight "${w.name}" has an invalid shape ${JSON.stringify(w.shape)}`);
      return d;
    });
    const dtype = (w.dtype ?? 'float32') as WeightDtype;
    if (!(dtype in BYTES_PER_ELEMENT)) throw badModel(`weight "${w.name}" has an unknown dtype "${String(w.dtype)}"`);
    const spec: WeightSpec = { name: w.name, shape, dtype };
    if (isObject(w.quantization)) {
      const q = w.quantization;
      const qd = q.dtype;
      if (qd !== 'uint8' && qd !== 'uint16' && qd !== 'float16')
        throw badModel(`weight "${w.name}" has an unknown quantization dtype "${String(qd)}"`);
      spec.quantization = {
        dtype: qd,
        ...(typeof q.min === 'number' ? { min: q.min } : {}),
        ...(typeof q.scale === 'number' ? { scale: q.scale } : {}),
      };
    }
    return spec;
  });
  return { paths, weights };
}
