/**
 * Runs a job whose results stream in (a sweep's runs, a sparsification's runs) with the RGP view open
 * beside the editor: the view gets the job state and progress, `onRecord` each streamed record as it
 * arrives. Like CommandDeps.runInPanel, a view opened only for a job that fails is closed again (the
 * error message says everything it could show).
 */
import { isRgpError } from '../core/errors';
import type { StreamedRecord } from '../host/jobRunner';
import type { JobRequest, JobResult } from '../protocol/worker';
import type { CommandDeps } from './commandDeps';
import { ModelPanel } from './modelPanel';

export type ViewJobDeps = CommandDeps & { watchPanel: (p: ModelPanel) => void };

/** The result, or undefined when cancelled; throws when the job failed. */
export async function runJobInView(
  deps: ViewJobDeps,
  viewKey: string,
  title: string,
  request: JobRequest,
  hooks: { onStart?: (panel: ModelPanel) => void; onRecord?: (record: StreamedRecord, panel: ModelPanel) => void },
): Promise<{ result: JobResult | undefined; panel: ModelPanel }> {
  deps.jobs.assertIdle();
  let created = false;
  const panel = ModelPanel.show(deps.extensionUri, viewKey, (p) => {
    created = true;
    deps.watchPanel(p);
  });
  panel.post({ type: 'job', title, state: 'running' });
  hooks.onStart?.(panel);
  try {
    const result = await deps.jobs.run(title, request, {
      onProgress: (p) => panel.post({ type: 'progress', ...p }),
      onRecord: (r) => hooks.onRecord?.(r, panel),
    });
    panel.post(result ? { type: 'job', title, state: 'done' } : { type: 'job', title, state: 'cancelled', message: 'Cancelled; nothing was written.' });
    return { result, panel };
  } catch (e) {
    if (created) panel.dispose();
    else panel.post({ type: 'job', title, state: 'failed', message: isRgpError(e) ? e.userMessage : String(e) });
    throw e;
  }
}
