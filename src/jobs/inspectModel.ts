/**
 * The "inspect" job: read a model folder (checked) and summarise its layers. The same function runs in
 * the extension's worker thread and in the CLI.
 */
import type { JobContext } from '../core/job';
import { summariseModel, type ModelSummary } from '../core/model/layerSummary';
import { readModelFiles } from '../io/modelFolder';

export async function inspectModel(modelPath: string, ctx: JobContext): Promise<ModelSummary> {
  ctx.progress.report({ fraction: 0, message: 'reading model.json' });
  const files = await readModelFiles(modelPath, ctx.signal, (done, total, name) =>
    ctx.progress.report({ fraction: (0.8 * done) / total, message: `read shard ${done} of ${total} (${name})` }),
  );
  ctx.progress.report({ fraction: 0.85, message: 'summarising layers' });
  const summary = summariseModel(files.model, files.groupBytes, files.shards, ctx.signal);
  ctx.progress.report({ fraction: 1, message: `${summary.layers.length} layers, ${summary.totalParams} parameters` });
  return summary;
}
