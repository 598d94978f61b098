/**
 * Context keys that let menus and the command palette offer RGP's model commands on model files only:
 *  - `rgp.activeIsModel`: the active editor shows a model — a TF.js layers model.json by content (a JSON
 *    with modelTopology and weightsManifest, as ModelDocuments analyses it), or an `.onnx`, `.keras`, `.h5`
 *    file by extension, or the RGP Model Inspector;
 *  - `rgp.modelPaths`: the workspace's TF.js model.json files, by content (first 256 KiB of each file named
 *    model.json), for the explorer's context menu (`resourcePath in rgp.modelPaths`). Rescanned when a
 *    model.json is created, changed or deleted.
 * Binary formats are recognised by extension only: reading them is the worker's job.
 */
import * as vscode from 'vscode';
import { open } from 'node:fs/promises';
import * as path from 'node:path';
import type { ModelDocuments } from './modelDocuments';
import { isModelInspector } from './modelInspectorEditor';

export const ACTIVE_IS_MODEL = 'rgp.activeIsModel';
export const MODEL_PATHS = 'rgp.modelPaths';
/** Model formats recognised by their extension (the worker reads them). */
export const BINARY_MODEL_EXTENSIONS = ['.onnx', '.keras', '.h5'];
const HEAD_BYTES = 256 * 1024;
const MAX_SCANNED = 2000;

export function isBinaryModelPath(p: string): boolean {
  return BINARY_MODEL_EXTENSIONS.includes(path.extname(p).toLowerCase());
}

/** True when the first bytes of a file look like a TF.js layers model.json. O(256 KiB). */
export async function looksLikeTfjsModel(file: string): Promise<boolean> {
  let fh;
  try {
    fh = await open(file, 'r');
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
    const head = buf.subarray(0, bytesRead).toString('utf8');
    return /^\s*\{/.test(head) && head.includes('"modelTopology"') && head.includes('"weightsManifest"');
  } catch {
    return false;
  } finally {
    await fh?.close();
  }
}

export class ModelFileContext implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private scanTimer: NodeJS.Timeout | undefined;

  constructor(private readonly documents: ModelDocuments) {
    const watcher = vscode.workspace.createFileSystemWatcher('**/model.json');
    this.disposables.push(
      watcher,
      watcher.onDidCreate(() => this.scanSoon()),
      watcher.onDidChange(() => this.scanSoon()),
      watcher.onDidDelete(() => this.scanSoon()),
      vscode.window.onDidChangeActiveTextEditor(() => this.updateActive()),
      vscode.window.tabGroups.onDidChangeTabs(() => this.updateActive()),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === vscode.window.activeTextEditor?.document) this.updateActive();
      }),
    );
    this.updateActive();
    this.scanSoon(0);
  }

  private updateActive(): void {
    const doc = vscode.window.activeTextEditor?.document;
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    const isModel =
      (doc !== undefined && (isBinaryModelPath(doc.uri.fsPath) || this.documents.analyse(doc) !== undefined)) ||
      (tab instanceof vscode.TabInputCustom && isModelInspector(tab.viewType));
    void vscode.commands.executeCommand('setContext', ACTIVE_IS_MODEL, isModel);
  }

  private scanSoon(ms = 500): void {
    if (this.scanTimer) clearTimeout(this.scanTimer);
    this.scanTimer = setTimeout(() => void this.scan(), ms);
  }

  /** The workspace's model.json files that are TF.js models, as a context key for the explorer menu. */
  async scan(): Promise<string[]> {
    const files = await vscode.workspace.findFiles('**/model.json', '**/node_modules/**', MAX_SCANNED);
    const models: string[] = [];
    for (const f of files) if (f.scheme === 'file' && (await looksLikeTfjsModel(f.fsPath))) models.push(f.fsPath);
    await vscode.commands.executeCommand('setContext', MODEL_PATHS, models);
    return models;
  }

  dispose(): void {
    if (this.scanTimer) clearTimeout(this.scanTimer);
    while (this.disposables.length) this.disposables.pop()!.dispose();
  }
}
