import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { webviewPage } from '../host/webviewPage';

export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, title: string): string {
  return webviewPage({
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js')).toString(),
    styleUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'rgp.css')).toString(),
    cspSource: webview.cspSource,
    nonce: randomBytes(16).toString('base64'),
    title,
  });
}
