/**
 * activate(): wires the pieces of src/vscode together and returns the extension's API (used by the
 * integration tests to see what the user saw). Every resource is a disposable on context.subscriptions.
 */
import * as vscode from 'vscode';
import type { ModelSummary } from './core/model/layerSummary';
import type { TopologyGraph, ViewCommand, WebviewToHost, WebviewState } from './protocol/webview';
import type { PruneJobOptions, SweepJobOptions } from './protocol/worker';
import { activeInspectorUri } from './vscode/activeModel';
import { CommandDeps } from './vscode/commandDeps';
import { exportCompact, measureSpeed } from './vscode/compactCommand';
import { runExperiment } from './vscode/experimentCommand';
import { inspectModel } from './vscode/inspectModelCommand';
import { ModelCodeLensProvider } from './vscode/modelCodeLens';
import { MODEL_JSON_SELECTOR, ModelDocuments } from './vscode/modelDocuments';
import { ModelHoverProvider } from './vscode/modelHover';
import { MODEL_INSPECTOR_BINARY_VIEW_TYPE, MODEL_INSPECTOR_VIEW_TYPE, ModelInspectorProvider } from './vscode/modelInspectorEditor';
import { MODEL_VIEW_TYPE, ModelPanel } from './vscode/modelPanel';
import { openExampleModel } from './vscode/exampleCommand';
import { ModelFileContext } from './vscode/modelFileContext';
import { ModelProblems } from './vscode/modelProblems';
import { PromptLog, type ShownPrompt } from './vscode/promptLog';
import { pruneModel } from './vscode/pruneModelCommand';
import { postRunTopology, showGraph, type ShowGraphOptions } from './vscode/showGraphCommand';
import { compareSparsification, type SparsifyGiven } from './vscode/sparsifyCommand';
import { TrackedJobService } from './vscode/trackedJobService';
import { UserMessages, type UserMessage } from './vscode/userMessages';

export interface RgpApi {
  /** What the webviews reported back (ready, rendered views), with the model each one shows. */
  onDidReceiveFromWebview: vscode.Event<{ modelPath: string; message: WebviewToHost }>;
  /** Every notification the extension showed the user. */
  onDidShowMessage: vscode.Event<UserMessage>;
  /** Every prompt (quick pick, input box) the extension opened, with its title and items. */
  onDidShowPrompt: vscode.Event<ShownPrompt>;
  /** Progress reports of running jobs. */
  onDidProgress: vscode.Event<{ title: string; fraction?: number; message: string }>;
  /** Every regular graph posted to an RGP view (Show Graph Structure, and after Prune Model). */
  onDidShowTopology: vscode.Event<{ modelPath: string; graph: TopologyGraph }>;
  /** Each inspection the RGP Model Inspector editor finished: its summary, or the error it showed. */
  onDidInspectInEditor: vscode.Event<{ modelPath: string; summary?: ModelSummary; error?: string }>;
  statusBarText(): string;
  /** Job worker threads still alive (commands' and the Model Inspector's). */
  liveWorkers(): number;
  /** The workspace's TF.js model.json files, found by content (what the explorer offers RGP's commands on). */
  modelFiles(): Promise<string[]>;
}

/** The only commands a view's button may ask for. */
const VIEW_COMMANDS: readonly ViewCommand[] = ['rgp.exportCompact', 'rgp.measureSpeed'];

export function activate(context: vscode.ExtensionContext): RgpApi {
  const log = vscode.window.createOutputChannel('RGP', { log: true });
  const status = vscode.window.createStatusBarItem('rgp.status', vscode.StatusBarAlignment.Left, 10);
  status.name = 'RGP';
  const messages = new UserMessages(log);
  const prompts = new PromptLog();
  const jobs = new TrackedJobService(context.extensionUri, log, status);
  const fromWebview = new vscode.EventEmitter<{ modelPath: string; message: WebviewToHost }>();
  const topologies = new vscode.EventEmitter<{ modelPath: string; graph: TopologyGraph }>();
  const watchPanel = (p: ModelPanel) => {
    context.subscriptions.push(
      p,
      p.onDidReceive((message) => {
        fromWebview.fire({ modelPath: p.modelPath, message });
        // The view's buttons (Export Compact ONNX, Measure Speed) on the pruned folder it shows.
        if (message.type === 'run' && VIEW_COMMANDS.includes(message.command)) void vscode.commands.executeCommand(message.command, vscode.Uri.file(message.folder));
      }),
    );
  };
  const problems = new ModelProblems();
  const deps = Object.assign(new CommandDeps(context.extensionUri, jobs, messages, watchPanel), {
    state: context.globalState,
    problems,
    watchPanel,
    onTopology: (modelPath: string, graph: TopologyGraph) => topologies.fire({ modelPath, graph }),
  });
  const documents = new ModelDocuments();
  const codeLens = new ModelCodeLensProvider(documents, problems);
  const modelFiles = new ModelFileContext(documents);
  const inspector = new ModelInspectorProvider(context.extensionUri, messages, (modelPath, message) => fromWebview.fire({ modelPath, message }));
  // A command run from the palette while the Model Inspector is in front acts on its model.
  const target = (uri?: vscode.Uri) => uri ?? (vscode.window.activeTextEditor ? undefined : activeInspectorUri());

  context.subscriptions.push(
    log,
    status,
    messages,
    prompts,
    jobs,
    fromWebview,
    topologies,
    documents,
    problems,
    modelFiles,
    codeLens,
    inspector,
    vscode.commands.registerCommand('rgp.pruneModel', async (uri?: vscode.Uri, options?: Partial<PruneJobOptions>) => {
      const summary = await pruneModel(deps, target(uri), options);
      if (summary) await postRunTopology(deps, summary.modelPath, summary);
      return summary;
    }),
    vscode.commands.registerCommand('rgp.exportCompact', (uri?: vscode.Uri, options?: Parameters<typeof exportCompact>[2]) => exportCompact(deps, uri, options)),
    vscode.commands.registerCommand('rgp.measureSpeed', (uri?: vscode.Uri, options?: Parameters<typeof measureSpeed>[2]) => measureSpeed(deps, uri, options)),
    vscode.commands.registerCommand('rgp.inspectModel', (uri?: vscode.Uri) => inspectModel(deps, target(uri))),
    vscode.commands.registerCommand('rgp.showGraph', (uri?: vscode.Uri, options?: Partial<ShowGraphOptions>) => showGraph(deps, uri, options)),
    vscode.commands.registerCommand('rgp.runExperiment', (uri?: vscode.Uri, options?: Partial<SweepJobOptions>) => runExperiment(deps, uri, options)),
    // Not tied to a model: a file argument is the edge list to compare on.
    vscode.commands.registerCommand('rgp.compareSparsification', (uri?: vscode.Uri, options?: SparsifyGiven) =>
      compareSparsification(deps, { ...(uri instanceof vscode.Uri && uri.scheme === 'file' ? { dataset: uri.fsPath } : {}), ...options }),
    ),
    vscode.commands.registerCommand('rgp.cancel', () => {
      if (!jobs.cancel()) void messages.info('No RGP job is running.');
    }),
    vscode.commands.registerCommand('rgp.showLog', () => log.show()),
    vscode.commands.registerCommand('rgp.openExample', async () => {
      try {
        return await openExampleModel(context.extensionUri, context.globalStorageUri);
      } catch (e) {
        messages.error(e);
        return undefined;
      }
    }),
    vscode.languages.registerCodeLensProvider(MODEL_JSON_SELECTOR, codeLens),
    vscode.languages.registerHoverProvider(MODEL_JSON_SELECTOR, new ModelHoverProvider(documents)),
    vscode.window.registerCustomEditorProvider(MODEL_INSPECTOR_VIEW_TYPE, inspector, { supportsMultipleEditorsPerDocument: true }),
    vscode.window.registerCustomEditorProvider(MODEL_INSPECTOR_BINARY_VIEW_TYPE, inspector, { supportsMultipleEditorsPerDocument: true }),
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
    onDidShowPrompt: prompts.onDidShow,
    onDidProgress: jobs.onDidProgress,
    onDidShowTopology: topologies.event,
    onDidInspectInEditor: inspector.onDidInspect,
    statusBarText: () => status.text,
    liveWorkers: () => jobs.liveWorkers + inspector.liveWorkers,
    modelFiles: () => modelFiles.scan(),
  };
}

export function deactivate(): void {}
