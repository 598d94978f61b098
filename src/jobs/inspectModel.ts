/**
 * The "inspect" job: read a model of any supported format (checked; src/formats) and summarise its
 * layers. The same function runs in the extension's worker thread and in the CLI. With `out`, the summary
 * is also written there as one JSON file (`{"format": "rgp-model-summary", …}`), under the output rule of
 * src/jobs/outputFolder.ts: never over the model or a file it was read from, never over an existing file
 * unless `overwrite` and rgp wrote it.
 */
import type { JobContext } from '../core/job';
import type { ModelSummary } from '../core/model/layerSummary';
import { openModel } from '../formats';
import { writeJsonAtomic } from '../io/atomicWrite';
import { prepareOutput } from './outputFolder';

export interface InspectOptions {
  /** Also write the summary to this JSON file. */
  out?: string;
  overwrite?: boolean;
}

export async function inspectModel(modelPath: string, ctx: JobContext, options: InspectOptions = {}): Promise<ModelSummary> {
  ctx.progress.report({ fraction: 0, message: 'reading the model' });
  const model = await openModel(modelPath, { signal: ctx.signal, onProgress: (f, message) => ctx.progress.report({ fraction: 0.8 * f, message }) });
  const out = options.out === undefined ? undefined : await prepareOutput({ out: options.out, inputs: model.inputFiles, overwrite: options.overwrite === true, shape: 'file' });
  ctx.progress.report({ fraction: 0.85, message: 'summarising layers' });
  const summary = model.summarise(ctx.signal);
  if (out !== undefined) await writeJsonAtomic(out, { ...summary, format: 'rgp-model-summary', modelFormat: summary.format, version: 1 });
  ctx.progress.report({ fraction: 1, message: `${summary.layers.length} layers, ${summary.totalParams} parameters` });
  return summary;
}
