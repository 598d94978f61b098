import * as vscode from 'vscode';
import * as path from 'node:path';
import { CancelledError, RgpError, isRgpError } from '../core/errors';
import { startJob, type RunJobOptions } from '../host/jobRunner';
import type { JobRequest, JobResult } from '../protocol/worker';

export type JobCallbacks = Pick<RunJobOptions, 'onProgress' | 'onSearchStart' | 'onSearchSample' | 'onRecord'>;

/**
 * Runs jobs in the worker thread with a cancellable progress notification, logs them to the RGP output
 * channel and keeps the status bar item current. One job at a time: a second request while one runs
 * is refused with a message rather than queued behind work the user may have forgotten.
 */
export class JobService implements vscode.Disposable {
  private current: AbortController | undefined;
  private currentTitle = '';
  private workers = 0;
  private readonly progressed = new vscode.EventEmitter<{ title: string; fraction?: number; message: string }>();
  /** Every progress report of every job, as the notification shows it. */
  readonly onDidProgress = this.progressed.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
    private readonly status: vscode.StatusBarItem,
  ) {}

  get running(): boolean {
    return this.current !== undefined;
  }

  /** Worker threads that have not exited yet (a cancelled job's worker is gone shortly after). */
  get liveWorkers(): number {
    return this.workers;
  }

  /**
   * Resolves once every job worker has exited (at most `ms`): a cancelled experiment's worker still writes
   * its finished runs during the cancel grace period, after the job itself has been reported cancelled.
   */
  async workersExited(ms = 3000): Promise<void> {
    for (let waited = 0; this.workers > 0 && waited < ms; waited += 50) await new Promise((r) => setTimeout(r, 50));
  }

  /** Throws a BUSY user error while a job runs: callers check before touching any view. */
  assertIdle(): void {
    if (this.current) {
      throw new RgpError('BUSY', `RGP is already running "${this.currentTitle}".`, 'Wait for it to finish, or stop it with RGP: Cancel Running Job.');
    }
  }

  /** Returns the result, or `undefined` when the job was cancelled; throws on failure. */
  async run(title: string, request: JobRequest, cb: JobCallbacks = {}): Promise<JobResult | undefined> {
    this.assertIdle();
    const abort = new AbortController();
    this.current = abort;
    this.currentTitle = title;
    const started = Date.now();
    this.setStatus(`$(sync~spin) RGP: ${title}`, 'Click to cancel', 'rgp.cancel');
    this.log.info(`${title}: started`);
    try {
      return await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `RGP: ${title}`, cancellable: true },
        async (progress, token) => {
          token.onCancellationRequested(() => abort.abort());
          let last = 0;
          const job = startJob(path.join(this.extensionUri.fsPath, 'dist', 'worker.js'), request, {
            signal: abort.signal,
            ...(cb.onSearchStart ? { onSearchStart: cb.onSearchStart } : {}),
            ...(cb.onSearchSample ? { onSearchSample: cb.onSearchSample } : {}),
            ...(cb.onRecord ? { onRecord: cb.onRecord } : {}),
            onProgress: (p) => {
              const pct = p.fraction !== undefined ? Math.round(p.fraction * 100) : undefined;
              const increment = pct !== undefined ? Math.max(0, pct - last) : undefined;
              if (pct !== undefined) last = Math.max(last, pct);
              progress.report({ message: p.message, ...(increment !== undefined ? { increment } : {}) });
              this.log.debug(`${title}: ${p.message}`);
              cb.onProgress?.(p);
              this.progressed.fire({ title, ...p });
            },
          });
          this.workers++;
          void job.exited.then(() => this.workers--);
          try {
            const result = await job.result;
            this.log.info(`${title}: done in ${Date.now() - started} ms`);
            return result;
          } catch (e) {
            if (e instanceof CancelledError || (isRgpError(e) && e.code === 'CANCELLED')) {
              this.log.info(`${title}: cancelled`);
              this.setStatus('RGP: cancelled', title);
              return undefined;
            }
            this.log.error(`${title}: ${isRgpError(e) ? e.userMessage : (e as Error).stack ?? String(e)}`);
            this.setStatus('$(error) RGP: failed', title);
            throw e;
          }
        },
      );
    } finally {
      this.current = undefined;
    }
  }

  /**
   * A short read-only job (inspecting a model before or after a command) in its own worker, without a
   * notification or the status bar: it does not count as "the" running job. Throws on failure.
   */
  async runQuiet(request: JobRequest): Promise<JobResult> {
    const job = startJob(path.join(this.extensionUri.fsPath, 'dist', 'worker.js'), request);
    this.workers++;
    void job.exited.then(() => this.workers--);
    return job.result;
  }

  cancel(): boolean {
    if (!this.current) return false;
    this.current.abort();
    return true;
  }

  setStatus(text: string, tooltip: string, command?: string): void {
    this.status.text = text;
    this.status.tooltip = tooltip;
    this.status.command = command;
    this.status.show();
  }

  dispose(): void {
    this.current?.abort();
    this.progressed.dispose();
  }
}
