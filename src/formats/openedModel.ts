/**
 * The one model interface every format maps into. A reader (TF.js layers folder, ONNX, Keras `.keras` /
 * `.h5`) opens the user's file without trusting it and hands back an `OpenedModel`: the layer graph that
 * planning, counting and masking work on, the stored bytes of every weight (the model's own in-memory copy:
 * masking edits them in place, the input file is never touched), and a writer that puts the model back in
 * its own format. The jobs (inspect, prune, compact, convert) see only this interface, so the formats are
 * peers and a job never asks which one it holds except to name its output file.
 */
import type { CancelSignal } from '../core/job';
import type { LayerGraph } from '../core/model/layerGraph';
import type { ModelSummary } from '../core/model/layerSummary';
import type { WeightLocation } from '../core/model/weightIndex';

export type ModelFormatId = 'tfjs' | 'onnx' | 'keras' | 'h5';

export interface OpenedModel {
  format: ModelFormatId;
  /** Absolute path of the file the user named (model.json, model.onnx, model.keras, model.h5). */
  modelPath: string;
  /** Its folder: the default output folder is a sibling of it (TF.js) or inside it (single-file formats). */
  modelDir: string;
  /** Every file the model was read from (model file, shards, external data): outputs keep clear of them. */
  inputFiles: string[];
  /** Bytes of those files on disk. */
  fileBytes: number;
  /** The layer graph every format produces: shapes, weights, parameters, MACs, what may be masked. */
  graph: LayerGraph;
  /** Where a weight's stored little-endian bytes live in this model's own memory (masking edits them). */
  weightBytes(w: WeightLocation): { bytes: Uint8Array; byteOffset: number };
  /** Names written by `write` inside the output folder, the model file first. */
  outputFiles(): string[];
  /** Writes the model — with whatever was masked in place — into `dir`, an empty folder of the job's own. */
  write(dir: string, signal: CancelSignal, progress?: (fraction: number, message: string) => void): Promise<void>;
  /** Layers, weights and the fraction of exact zeros, as `rgp inspect` prints them. */
  summarise(signal: CancelSignal): ModelSummary;
}

export interface OpenOptions {
  signal: CancelSignal;
  /** Reading progress, 0…1 of the read. */
  onProgress?: (fraction: number, message: string) => void;
}
