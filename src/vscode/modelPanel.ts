import * as vscode from 'vscode';
import * as path from 'node:path';
import type { HostToWebview, WebviewToHost } from '../protocol/webview';
import { webviewHtml } from './webviewHtml';

export const MODEL_VIEW_TYPE = 'rgp.modelView';

/**
 * The RGP view of one model, opened beside the editor. Messages posted before the page's script has
 * said `ready` are queued, so nothing the host sends is lost while the webview loads.
 */
export class ModelPanel implements vscode.Disposable {
  private static readonly open = new Map<string, ModelPanel>();
  private ready = false;
  private disposed = false;
  private queue: HostToWebview[] = [];
  private readonly disposables: vscode.Disposable[] = [];
  private readonly received = new vscode.EventEmitter<WebviewToHost>();
  readonly onDidReceive = this.received.event;

  static get(modelPath: string): ModelPanel | undefined {
    return ModelPanel.open.get(modelPath);
  }

  /**
   * The panel for this model, revealed where it is; a new one opens in the column the RGP views already
   * use (one RGP column, however many commands run), else beside the active editor.
   */
  static show(extensionUri: vscode.Uri, modelPath: string, onCreated: (p: ModelPanel) => void): ModelPanel {
    const existing = ModelPanel.open.get(modelPath);
    if (existing) {
      // Where it is — unless that is the editor's own column (the editors there were closed): beside it then.
      const here = existing.panel.viewColumn;
      existing.panel.reveal(here !== undefined && here !== vscode.window.activeTextEditor?.viewColumn ? here : vscode.ViewColumn.Beside, true);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      MODEL_VIEW_TYPE,
      ModelPanel.titleFor(modelPath),
      { viewColumn: ModelPanel.columnForNew(), preserveFocus: true },
      ModelPanel.options(extensionUri),
    );
    const created = new ModelPanel(panel, extensionUri, modelPath);
    onCreated(created);
    return created;
  }

  /** Re-attaches a panel VS Code restored after a reload; its page redraws from its saved state. */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, modelPath: string): ModelPanel {
    panel.webview.options = ModelPanel.options(extensionUri);
    return new ModelPanel(panel, extensionUri, modelPath);
  }

  /** The RGP column when there is one apart from the editor being worked in; else beside that editor. */
  private static columnForNew(): vscode.ViewColumn {
    const rgp = ModelPanel.rgpColumn();
    const editor = vscode.window.activeTextEditor?.viewColumn;
    return rgp !== undefined && rgp !== editor ? rgp : vscode.ViewColumn.Beside;
  }

  /** The column an RGP view is open in (the most recently shown first), if any. */
  static rgpColumn(): vscode.ViewColumn | undefined {
    for (const p of [...ModelPanel.open.values()].reverse()) if (p.panel.viewColumn !== undefined) return p.panel.viewColumn;
    return undefined;
  }

  private static options(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return {
      enableScripts: true,
      // Hidden and shown again, the view is exactly as it was (scroll, charts, a live experiment).
      retainContextWhenHidden: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
    };
  }

  private static titleFor(modelPath: string): string {
    return `RGP · ${path.basename(path.dirname(modelPath))}/${path.basename(modelPath)}`;
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    readonly modelPath: string,
  ) {
    ModelPanel.open.set(modelPath, this);
    panel.webview.html = webviewHtml(panel.webview, extensionUri, panel.title);
    this.disposables.push(
      this.received,
      panel.webview.onDidReceiveMessage((m: WebviewToHost) => {
        if (m.type === 'ready') {
          this.ready = true;
          for (const q of this.queue.splice(0)) void panel.webview.postMessage(q);
        }
        this.received.fire(m);
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  post(message: HostToWebview): void {
    if (this.ready) void this.panel.webview.postMessage(message);
    else this.queue.push(message);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (ModelPanel.open.get(this.modelPath) === this) ModelPanel.open.delete(this.modelPath);
    while (this.disposables.length) this.disposables.pop()!.dispose();
    this.panel.dispose();
  }
}
