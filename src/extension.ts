/**
 * activate(): wires the pieces of src/vscode together and returns the extension's API (used by the
 * integration tests to see what the user saw). Every resource is a disposable on context.subscriptions.
 */
import * as vscode from 'vscode';
import type { WebviewToHost, WebviewState } from './protocol/webview';
import { CommandDeps } from './vscode/commandDeps';
import { inspectModel } from './vscode/inspectModelCommand';
import { JobService } from './vscode/jobService';
import { MODEL_VIEW_TYPE, ModelPanel } from './vscode/modelPanel';
import { pruneModel } from './vscode/pruneModelCommand';
import type { PruneJobOptions } from './protocol/worker';
import { UserMessages, type UserMessage } from './vscode/userMessages';

export interface RgpApi {
  /** What the webviews reported back (ready, rendered views), with the model each one shows. */
  onDidReceiveFromWebview: vscode.Event<{ modelPath: string; message: WebviewToHost }>;
  /** Every notification the extension showed the user. */
  onDidShowMessage: vscode.Event<UserMessage>;
  /** Progress reports of running jobs. */
  onDidProgress: vscode.Event<{ title: string; fraction?: number; message: string }>;
  statusBarText(): string;
  /** Job worker threads still alive. */
  liveWorkers(): number;
}

export function activate(context: vscode.ExtensionContext): RgpApi {
  const log = vscode.window.createOutputChannel('RGP', { log: true });
  const status = vscode.window.createStatusBarItem('rgp.status', vscode.StatusBarAlignment.Left, 10);
  status.name = 'RGP';
  const messages = new UserMessages(log);
  const jobs = new JobService(context.extensionUri, log, status);
  const fromWebview = new vscode.EventEmitter<{ modelPath: string; message: WebviewToHost }>();
  const watchPanel = (p: ModelPanel) => {
    context.subscriptions.push(p, p.onDidReceive((message) => fromWebview.fire({ modelPath: p.modelPath, message })));
  };
  const deps = Object.assign(new CommandDeps(context.extensionUri, jobs, messages, watchPanel), { state: context.globalState });

  context.subscriptions.push(
    log,
    status,
    messages,
    jobs,
    fromWebview,
    vscode.commands.registerCommand('rgp.pruneModel', (uri?: vscode.Uri, options?: Partial<PruneJobOptions>) => pruneModel(deps, uri, options)),
    vscode.commands.registerCommand('rgp.inspectModel', (uri?: vscode.Uri) => inspectModel(deps, uri)),
    vscode.commands.registerCommand('rgp.cancel', () => {
      if (!jobs.cancel()) void messages.info('No RGP job is running.');
    }),
    vscode.commands.registerCommand('rgp.showLog', () => log.show()),
    vscode.window.registerWebviewPanelSerializer(MODEL_VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: WebviewState | undefined) {
        const modelPath = state?.last?.modelPath ?? state?.prune?.summary.modelPath ?? panel.title;
        watchPanel(ModelPanel.revive(panel, context.extensionUri, modelPath));
      },
    }),
  );
  return {
    onDidReceiveFromWebview: fromWebview.event,
    onDidShowMessage: messages.onDidShow,
    onDidProgress: jobs.onDidProgress,
    statusBarText: () => status.text,
    liveWorkers: () => jobs.liveWorkers,
  };
}

export function deactivate(): void {}
