/**
 * "RGP: Open the Example Model" (the walkthrough's first step): the MNIST MLP that ships with the
 * extension, opened as text so its CodeLens and hovers show. The workspace's own copy is used when it
 * has one (this repository does); otherwise the bundled files are copied once into the extension's
 * global storage, because pruning writes its output beside the model and the extension folder is not
 * the place for that. O(size of the example, ≈1 MB) on the first call.
 */
import * as vscode from 'vscode';
import { cp, stat } from 'node:fs/promises';
import * as path from 'node:path';

const EXAMPLE = ['examples', 'mnist-mlp', 'model'];

export async function openExampleModel(extensionUri: vscode.Uri, storageUri: vscode.Uri): Promise<vscode.Uri> {
  const isFile = (p: string) => stat(p).then((s) => s.isFile(), () => false);
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const own = path.join(folder.uri.fsPath, ...EXAMPLE, 'model.json');
    if (folder.uri.scheme === 'file' && (await isFile(own))) return show(vscode.Uri.file(own));
  }
  const target = path.join(storageUri.fsPath, 'mnist-mlp', 'model');
  if (!(await isFile(path.join(target, 'model.json')))) {
    await cp(path.join(extensionUri.fsPath, ...EXAMPLE), target, { recursive: true });
  }
  return show(vscode.Uri.file(path.join(target, 'model.json')));
}

async function show(uri: vscode.Uri): Promise<vscode.Uri> {
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: false });
  return uri;
}
