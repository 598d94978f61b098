/**
 * TF.js layers models (`model.json` + weight shards) as an OpenedModel: the checked folder reader of
 * src/io/modelFolder.ts, the layer graph of src/core/model, and a writer that copies model.json byte for
 * byte and writes every shard with the same name and size (masked float32 entries +0, all else unchanged).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { buildLayerGraph } from '../core/model/layerGraph';
import { summariseModel } from '../core/model/layerSummary';
import { readModelFiles } from '../io/modelFolder';
import type { OpenedModel, OpenOptions } from './openedModel';

export async function openTfjsModel(modelPath: string, opts: OpenOptions): Promise<OpenedModel> {
  const files = await readModelFiles(modelPath, opts.signal, (done, total, name) => opts.onProgress?.(done / total, `read shard ${done} of ${total} (${name})`));
  opts.signal.throwIfCancelled();
  const graph = buildLayerGraph(files.model);
  const shardPaths = files.shards.map((s) => s.path);
  return {
    format: 'tfjs',
    modelPath: path.resolve(files.modelPath),
    modelDir: files.modelDir,
    inputFiles: [path.resolve(files.modelPath), ...shardPaths.map((p) => path.join(files.modelDir, ...p.split(/[\\/]+/)))],
    fileBytes: files.modelJsonBytes.byteLength + files.shards.reduce((s, f) => s + f.bytes, 0),
    graph,
    weightBytes: (w) => ({ bytes: files.groupBytes[w.group], byteOffset: w.offset }),
    outputFiles: () => ['model.json', ...shardPaths],
    summarise: (signal) => ({ format: 'tfjs', ...summariseModel(files.model, files.groupBytes, files.shards, signal) }),
    write: async (dir, signal, progress) => {
      let shardIndex = 0;
      for (let g = 0; g < files.model.weightGroups.length; g++) {
        let at = 0;
        const bytes = files.groupBytes[g];
        for (const rel of files.model.weightGroups[g].paths) {
          signal.throwIfCancelled();
          const size = files.shards[shardIndex++].bytes;
          const target = path.join(dir, ...rel.split(/[\\/]+/));
          await mkdir(path.dirname(target), { recursive: true });
          await writeFile(target, bytes.subarray(at, at + size));
          at += size;
          progress?.(shardIndex / files.shards.length, `writing shard ${shardIndex} of ${files.shards.length} (${rel})`);
        }
      }
      signal.throwIfCancelled();
      await writeFile(path.join(dir, 'model.json'), files.modelJsonBytes);
    },
  };
}
