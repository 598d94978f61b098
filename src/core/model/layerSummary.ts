/**
 * A model's layers as a person reads them in a summary: name, class, weights with shapes, parameter
 * count and the fraction of weights that are already exactly zero (a pruned model shows its sparsity).
 */
import type { CancelSignal } from '../job';
import { checkGroupSizes, elementCount, storedBytes, type ModelJson, type WeightSpec } from './modelJson';
import { ownerOf } from './weightIndex';

export interface WeightSummary {
  name: string;
  shape: number[];
  dtype: string;
  quantized?: string;
}

export interface LayerSummary {
  name: string;
  className: string;
  weights: WeightSummary[];
  params: number;
  /** Fraction of float32 weight values equal to 0 (null when the layer has none to look at). */
  zeroFraction: number | null;
}

export interface ModelSummary {
  /** The file format read ('tfjs', 'onnx', 'keras', 'h5'); set by the format reader. */
  format?: string;
  modelName: string;
  topologyClass: string;
  generatedBy: string | null;
  convertedBy: string | null;
  kerasVersion: string | null;
  layers: LayerSummary[];
  totalParams: number;
  weightBytes: number;
  shards: { path: string; bytes: number }[];
  /** Weights in the manifest that no layer claims (kept, but worth a look). */
  unassignedWeights: string[];
}

/**
 * Summarises a model given its parsed JSON and, per weight group, the concatenated shard bytes.
 * Shard sizes are checked against the manifest first (truncated or padded shards are errors). O(weights).
 */
export function summariseModel(
  model: ModelJson,
  groupBytes: readonly Uint8Array[],
  shardSizes: { path: string; bytes: number }[],
  signal: CancelSignal,
): ModelSummary {
  const layerNames = model.layers.map((l) => l.name);
  const perLayer = new Map<string, { weights: WeightSummary[]; params: number; zeros: number; floats: number }>();
  for (const l of model.layers) perLayer.set(l.name, { weights: [], params: 0, zeros: 0, floats: 0 });
  const unassigned: string[] = [];
  let weightBytes = 0;

  checkGroupSizes(model, groupBytes);
  model.weightGroups.forEach((group, gi) => {
    const bytes = groupBytes[gi];
    let offset = 0;
    for (const w of group.weights) {
      signal.throwIfCancelled();
      const size = storedBytes(w);
      const owner = ownerOf(w.name, layerNames);
      if (owner === undefined) unassigned.push(w.name);
      else {
        const acc = perLayer.get(owner)!;
        acc.weights.push(weightSummary(w));
        acc.params += elementCount(w.shape);
        if (w.dtype === 'float32' && !w.quantization) {
          acc.floats += elementCount(w.shape);
          acc.zeros += countZeros(bytes, offset, elementCount(w.shape));
        }
      }
      offset += size;
      weightBytes += size;
    }
  });

  const layers = model.layers.map((l): LayerSummary => {
    const acc = perLayer.get(l.name)!;
    return {
      name: l.name,
      className: l.className,
      weights: acc.weights,
      params: acc.params,
      zeroFraction: acc.floats > 0 ? acc.zeros / acc.floats : null,
    };
  });
  return {
    modelName: model.modelName,
    topologyClass: model.topologyClass,
    generatedBy: model.generatedBy,
    convertedBy: model.convertedBy,
    kerasVersion: model.kerasVersion,
    layers,
    totalParams: layers.reduce((s, l) => s + l.params, 0),
    weightBytes,
    shards: shardSizes,
    unassignedWeights: unassigned,
  };
}

function weightSummary(w: WeightSpec): WeightSummary {
  return { name: w.name, shape: w.shape, dtype: w.dtype, ...(w.quantization ? { quantized: w.quantization.dtype } : {}) };
}

/** Counts float32 zeros (+0 and −0) reading little-endian words, without copying or aligning the buffer. */
function countZeros(bytes: Uint8Array, offset: number, count: number): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, count * 4);
  let zeros = 0;
  for (let i = 0; i < count; i++) if ((view.getUint32(i * 4, true) & 0x7fffffff) === 0) zeros++;
  return zeros;
}
