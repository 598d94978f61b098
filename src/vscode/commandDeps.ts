import * as vscode from 'vscode';
import { isRgpError } from '../core/errors';
import type { StreamedRecord } from '../host/jobRunner';
import type { JobRequest, JobResult } from '../protocol/worker';
import type { JobService } from './jobService';
import { ModelPanel } from './modelPanel';
import { keptRuns } from './partialResults';
import type { UserMessages } from './userMessages';

/** What the commands share: the job service, user messages and the RGP views of models. */
export class CommandDeps {
  constructor(
    readonly extensionUri: vscode.Uri,
    readonly jobs: JobService,
    readonly messages: UserMessages,
    private readonly onPanelCreated: (p: ModelPanel) => void,
  ) {}

  panelFor(modelPath: string): ModelPanel | undefined {
    return ModelPanel.get(modelPath);
  }

  /**
   * Runs a job for a model with its RGP view open beside the editor, following the job's progress, its
   * graph search and the records it streams (a sweep's or a sparsification's runs). Returns the result,
   * or undefined when cancelled; throws when it failed — a view opened only for this job is closed then,
   * since the error message says everything it could.
   */
  async runInView(
    viewKey: string,
    title: string,
    request: JobRequest,
    hooks: {
      onStart?: (panel: ModelPanel) => void;
      onRecord?: (record: StreamedRecord, panel: ModelPanel) => void;
      /** The pruned folder this job adds to (Export Compact ONNX, Measure Speed): a view showing that run keeps it. */
      continues?: string;
    } = {},
  ): Promise<{ result: JobResult | undefined; panel: ModelPanel }> {
    // Refused before the view is touched: it may be showing the running job.
    this.jobs.assertIdle();
    let created = false;
    const panel = ModelPanel.show(this.extensionUri, viewKey, (p) => {
      created = true;
      this.onPanelCreated(p);
    });
    panel.post({ type: 'job', title, state: 'running', ...(hooks.continues !== undefined ? { continues: hooks.continues } : {}) });
    hooks.onStart?.(panel);
    try {
      const started = Date.now();
      const result = await this.jobs.run(title, request, {
        onProgress: (p) => panel.post({ type: 'progress', ...p }),
        onSearchStart: (start) => panel.post({ type: 'searchStart', start }),
        onSearchSample: (sample) => panel.post({ type: 'searchSample', sample }),
        onRecord: (r) => hooks.onRecord?.(r, panel),
      });
      if (result) panel.post({ type: 'job', title, state: 'done' });
      else {
        const out = request.kind === 'sweep' || request.kind === 'sparsify' ? request.options.out : undefined;
        if (out) await this.jobs.workersExited();
        const kept = await keptRuns(out, started);
        panel.post({ type: 'job', title, state: 'cancelled', message: kept ? `Cancelled after ${kept.done} of ${kept.planned} runs; the finished runs are kept in ${out} (marked partial).` : 'Cancelled; nothing was written.' });
      }
      return { result, panel };
    } catch (e) {
      if (created) panel.dispose();
      else panel.post({ type: 'job', title, state: 'failed', message: isRgpError(e) ? e.userMessage : String(e) });
      throw e;
    }
  }

  /** runInView without streamed records: the result, or undefined when cancelled. */
  async runInPanel(modelPath: string, title: string, request: JobRequest): Promise<JobResult | undefined> {
    return (await this.runInView(modelPath, title, request)).result;
  }
}
