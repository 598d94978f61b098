/**
 * The host end of the webview protocol (src/protocol/webview.ts) for a webview this extension did not
 * create as a ModelPanel (the custom editor's): messages posted before the page's script says `ready`
 * are queued, so nothing is lost while the page loads, and every message the page sends is passed on.
 */
import * as vscode from 'vscode';
import type { HostToWebview, WebviewToHost } from '../protocol/webview';

export class WebviewChannel implements vscode.Disposable {
  private ready = false;
  private queue: HostToWebview[] = [];
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly webview: vscode.Webview,
    onReceive: (m: WebviewToHost) => void,
  ) {
    this.subscription = webview.onDidReceiveMessage((m: WebviewToHost) => {
      if (m.type === 'ready') {
        this.ready = true;
        for (const q of this.queue.splice(0)) void webview.postMessage(q);
      }
      onReceive(m);
    });
  }

  post(message: HostToWebview): void {
    if (this.ready) void this.webview.postMessage(message);
    else this.queue.push(message);
  }

  dispose(): void {
    this.subscription.dispose();
    this.queue = [];
  }
}
