/**
 * ONNX models (`.onnx`, optionally with external data files beside it) as an OpenedModel: the checked
 * in-memory model of model.ts, the layer graph of graph.ts and the writer of writer.ts. The input files
 * are only read; masking edits our copy.
 */
import * as path from 'node:path';
import type { LayerSummary, ModelSummary } from '../../core/model/layerSummary';
import type { OpenedModel, OpenOptions } from '../openedModel';
import { buildOnnxLayerGraph } from './graph';
import { loadOnnxModel, type OnnxModelData } from './model';
import { onnxOutputFiles, writeOnnxModel } from './writer';
import type { CancelSignal } from '../../core/job';
import type { LayerGraph } from '../../core/model/layerGraph';

export async function openOnnxModel(file: string, opts: OpenOptions): Promise<OpenedModel> {
  const data = await loadOnnxModel(file, opts.signal, opts.onProgress);
  opts.signal.throwIfCancelled();
  const graph = onnxLayerGraph(data);
  return {
    format: 'onnx',
    modelPath: data.file,
    modelDir: data.dir,
    inputFiles: [data.file, ...[...data.external.values()].map((f) => f.real)],
    fileBytes: data.fileSize + [...data.external.values()].reduce((s, f) => s + f.size, 0),
    graph,
    weightBytes: (w) => ({ bytes: data.groups[w.group], byteOffset: w.offset }),
    outputFiles: () => onnxOutputFiles(data),
    write: (dir, signal, progress) => writeOnnxModel(data, dir, signal, progress),
    summarise: (signal) => summariseOnnx(data, graph, signal),
  };
}

/** The layer graph of a loaded model, with the loader's warnings first. */
export function onnxLayerGraph(data: OnnxModelData): LayerGraph {
  const graph = buildOnnxLayerGraph({ graph: data.graph, opset: data.opset, initializers: data.initializers, place: (name) => data.placement.get(name)! });
  graph.warnings.unshift(...data.warnings);
  return graph;
}

/** Layers with their weights and the fraction of exact zeros, as `rgp inspect` prints them. O(weights). */
export function summariseOnnx(data: OnnxModelData, graph: LayerGraph, signal: CancelSignal): ModelSummary {
  const zeroFraction = (l: LayerGraph['layers'][number]): number | null => {
    let zeros = 0, floats = 0;
    for (const w of l.weights) {
      signal.throwIfCancelled();
      const g = data.groups[w.group];
      const view = new DataView(g.buffer, g.byteOffset + w.offset, w.bytes);
      for (let i = 0; i < w.elements; i++) if ((view.getUint32(i * 4, true) & 0x7fffffff) === 0) zeros++;
      floats += w.elements;
    }
    return floats > 0 ? zeros / floats : null;
  };
  const layers = graph.layers.map((l): LayerSummary => ({
    name: l.name,
    className: l.className,
    weights: l.weights.map((w) => ({ name: w.spec.name, shape: [...w.spec.shape], dtype: w.spec.dtype })),
    params: l.params,
    zeroFraction: zeroFraction(l),
  }));
  const producer = [data.model.producerName, data.model.producerVersion].filter((s) => s).join(' ');
  return {
    format: 'onnx',
    modelName: data.graph.name || path.basename(data.file, path.extname(data.file)),
    topologyClass: graph.topologyClass,
    generatedBy: producer || null,
    convertedBy: null,
    kerasVersion: null,
    layers,
    totalParams: graph.totalParams,
    weightBytes: graph.weightIndex.all.reduce((s, w) => s + w.bytes, 0),
    shards: [{ path: path.basename(data.file), bytes: data.fileSize }, ...[...data.external.values()].map((f) => ({ path: f.name, bytes: f.size }))],
    unassignedWeights: graph.unassignedWeights,
  };
}
