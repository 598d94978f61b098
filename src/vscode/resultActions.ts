/**
 * The notification that ends an experiment: what it found, with its results one click away —
 * "Open Results" opens results.csv (the table, one row per run) beside the view, "Reveal in Explorer"
 * shows the folder. O(1).
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import type { UserMessages } from './userMessages';

export function offerResults(messages: UserMessages, text: string, files: string[]): void {
  const table = files.find((f) => f.endsWith('.csv')) ?? files[0];
  if (!table) {
    void messages.info(text);
    return;
  }
  void messages.info(text, 'Open Results', 'Reveal in Explorer').then(async (action) => {
    if (action === 'Open Results') {
      await vscode.window.showTextDocument(vscode.Uri.file(table), { preview: false, viewColumn: vscode.ViewColumn.Active });
    }
    if (action === 'Reveal in Explorer') await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(path.dirname(table)));
  });
}
