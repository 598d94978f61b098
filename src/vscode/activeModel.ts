/**
 * Which model.json a command means when it is not handed a file: the explorer/editor-title argument
 * (a model.json, its folder, or a pruning run's graph.json / masks.json beside it), else the active text
 * editor, else the active RGP Model Inspector tab (a custom editor has no text editor), else the picker
 * of resolveModelUri. Undefined when the user cancels the picker.
 */
import * as vscode from 'vscode';
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { isModelInspector } from './modelInspectorEditor';
import { resolveModelUri } from './modelTarget';

/** The Model Inspector tab in front, if that is what the user is looking at. */
export function activeInspectorUri(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputCustom && isModelInspector(input.viewType) ? input.uri : undefined;
}

export async function resolveModelTarget(arg: unknown): Promise<vscode.Uri | undefined> {
  let uri = arg instanceof vscode.Uri ? arg : undefined;
  if (uri?.scheme === 'file') {
    const isDir = await stat(uri.fsPath).then((s) => s.isDirectory(), () => false);
    if (isDir) uri = vscode.Uri.file(path.join(uri.fsPath, 'model.json'));
    else if (['graph.json', 'masks.json', 'report.json'].includes(path.basename(uri.fsPath))) uri = vscode.Uri.file(path.join(path.dirname(uri.fsPath), 'model.json'));
  }
  return resolveModelUri(uri ?? (vscode.window.activeTextEditor ? undefined : activeInspectorUri()));
}
