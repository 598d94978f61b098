import * as vscode from 'vscode';
import * as path from 'node:path';
import type { RgpApi } from '../../../src/extension';
import type { RenderedView, WebviewToHost } from '../../../src/protocol/webview';
import type { UserMessage } from '../../../src/vscode/userMessages';

export const EXTENSION_ID = 'rgp-tools.rgp-vscode';

export async function rgpApi(): Promise<RgpApi> {
  const ext = vscode.extensions.getExtension<RgpApi>(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not installed in this VS Code`);
  return ext.activate();
}

export function workspacePath(...parts: string[]): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the tests need a workspace folder');
  return path.join(folder.uri.fsPath, ...parts);
}

/** Resolves with the first event that matches, or rejects after `ms`. */
export function nextEvent<T>(event: vscode.Event<T>, match: (t: T) => boolean, ms = 30_000, what = 'event'): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
    }, ms);
    const sub = event((t) => {
      if (match(t)) {
        clearTimeout(timer);
        sub.dispose();
        resolve(t);
      }
    });
  });
}

export function rendered(api: RgpApi, modelPath: string, view: RenderedView = 'layers'): Promise<Extract<WebviewToHost, { type: 'rendered' }>> {
  return nextEvent(
    api.onDidReceiveFromWebview,
    (e) => e.modelPath === modelPath && e.message.type === 'rendered' && e.message.view === view,
    60_000,
    `the webview of ${modelPath} to render its ${view} view`,
  ).then((e) => e.message as Extract<WebviewToHost, { type: 'rendered' }>);
}

export function errorShown(api: RgpApi): Promise<UserMessage> {
  return nextEvent(api.onDidShowMessage, (m) => m.severity === 'error', 30_000, 'an error message');
}

export async function openInEditor(p: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(p));
  return vscode.window.showTextDocument(doc, { preview: false });
}
