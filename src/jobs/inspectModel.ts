/**
 * The "inspect" job: read a model of any supported format (checked; src/formats) and summarise its
 * layers. The same function runs in the extension's worker thread and in the CLI.
 */
import type { JobContext } from '../core/job';
import type { ModelSummary } from '../core/model/layerSummary';
import { openModel } from '../formats';

export async function inspectModel(modelPath: string, ctx: JobContext): Promise<ModelSummary> {
  ctx.progress.report({ fraction: 0, message: 'reading the model' });
  const model = await openModel(modelPath, { signal: ctx.signal, onProgress: (f, message) => ctx.progress.report({ fraction: 0.8 * f, message }) });
  ctx.progress.report({ fraction: 0.85, message: 'summarising layers' });
  const summary = model.summarise(ctx.signal);
  ctx.progress.report({ fraction: 1, message: `${summary.layers.length} layers, ${summary.totalParams} parameters` });
  return summary;
}
