/**
 * "RGP Model Inspector": a read-only custom editor for TF.js model.json files, offered in "Open With…"
 * (priority "option", so plain JSON files keep opening as text). It shows the same webview app as the RGP
 * view — the model summary and the parameters per layer — filled by the `inspect` job run in its own
 * worker thread (the extension host only relays messages). It writes nothing, so it works in restricted
 * mode, and it does not take the one-job-at-a-time slot of the commands: opening a model to look at it
 * never waits for, or blocks, a running prune. When the file changes on disk the summary is redone.
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import { CancelledError, RgpError, isRgpError } from '../core/errors';
import type { ModelSummary } from '../core/model/layerSummary';
import { startJob } from '../host/jobRunner';
import type { WebviewToHost } from '../protocol/webview';
import { shortModelName } from './modelTarget';
import type { UserMessages } from './userMessages';
import { WebviewChannel } from './webviewChannel';
import { webviewHtml } from './webviewHtml';

/** The inspector offered ("Open With…") for files named model.json: a TF.js model opens as text by default. */
export const MODEL_INSPECTOR_VIEW_TYPE = 'rgp.modelInspector';
/** The same inspector as the default editor of binary model files (.onnx, .keras, .h5), which have no text view. */
export const MODEL_INSPECTOR_BINARY_VIEW_TYPE = 'rgp.modelInspector.binary';
export const isModelInspector = (viewType: string) => viewType === MODEL_INSPECTOR_VIEW_TYPE || viewType === MODEL_INSPECTOR_BINARY_VIEW_TYPE;

export class ModelInspectorProvider implements vscode.CustomReadonlyEditorProvider {
  private workers = 0;
  private readonly inspected = new vscode.EventEmitter<{ modelPath: string; summary?: ModelSummary; error?: string }>();
  /** Each finished inspection (tests observe the editor through it). */
  readonly onDidInspect = this.inspected.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly messages: UserMessages,
    private readonly onReceive: (modelPath: string, m: WebviewToHost) => void,
  ) {}

  /** Inspection worker threads not yet exited. */
  get liveWorkers(): number {
    return this.workers;
  }

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): void {
    const uri = document.uri;
    const modelPath = uri.fsPath;
    panel.webview.options = {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist'), vscode.Uri.joinPath(this.extensionUri, 'media')],
    };
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri, `RGP Model Inspector · ${path.basename(modelPath)}`);
    const channel = new WebviewChannel(panel.webview, (m) => this.onReceive(modelPath, m));
    const title = `Inspect ${shortModelName(modelPath)}`;
    let current: AbortController | undefined;
    let timer: NodeJS.Timeout | undefined;

    const inspect = async () => {
      current?.abort();
      const abort = new AbortController();
      current = abort;
      channel.post({ type: 'job', title, state: 'running' });
      try {
        if (uri.scheme !== 'file') {
          throw new RgpError('UNSUPPORTED', `RGP reads models from files on disk; ${uri.toString()} is not one.`, 'Save the model to a folder first.');
        }
        const job = startJob(path.join(this.extensionUri.fsPath, 'dist', 'worker.js'), { kind: 'inspect', modelPath }, {
          signal: abort.signal,
          onProgress: (p) => channel.post({ type: 'progress', ...p }),
        });
        this.workers++;
        void job.exited.then(() => this.workers--);
        const result = await job.result;
        if (result.kind !== 'inspect') throw new Error(`the inspect job answered with a ${result.kind} result`);
        channel.post({ type: 'modelSummary', modelPath, summary: result.summary });
        channel.post({ type: 'job', title, state: 'done' });
        this.inspected.fire({ modelPath, summary: result.summary });
      } catch (e) {
        // Superseded by a newer inspection or the editor closed: nothing to tell anyone.
        if (e instanceof CancelledError || abort.signal.aborted) return;
        const text = isRgpError(e) ? e.userMessage : e instanceof Error ? e.message : String(e);
        channel.post({ type: 'job', title, state: 'failed', message: text });
        this.messages.error(e);
        this.inspected.fire({ modelPath, error: text });
      }
    };

    // Re-inspect after the file (or its folder's shards) change on disk, once the writes settle.
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(path.dirname(modelPath)), '*'));
    const later = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void inspect(), 300);
    };
    const subscriptions = [watcher, watcher.onDidChange(later), watcher.onDidCreate(later), watcher.onDidDelete(later), channel];
    panel.onDidDispose(() => {
      clearTimeout(timer);
      current?.abort();
      for (const s of subscriptions) s.dispose();
    });
    void inspect();
  }

  dispose(): void {
    this.inspected.dispose();
  }
}
