/**
 * Which dataset a ratio experiment trains on: a quick pick of what the workspace holds — dataset specs
 * (`*.dataset.json`, `dataset.json`) and folders of MNIST-style IDX files — plus the last choice, the
 * `rgp.experiment.dataset` setting and "Browse…" (any spec, IDX folder or .csv that src/io/dataset.ts
 * reads). One workspace file search per glob, capped; O(files found).
 */
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { notePrompt } from './promptLog';

const LAST_DATASET_KEY = 'rgp.experiment.lastDataset';
const EXCLUDE = '{**/node_modules/**,**/.git/**,**/.vscode-test/**}';
const MAX_FOUND = 50;

type Item = vscode.QuickPickItem & { datasetPath?: string; browse?: true };

/** A setting's path: absolute, or relative to the first workspace folder. */
export function workspaceRelative(p: string): string {
  const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  return path.isAbsolute(p) || !root ? path.resolve(p) : path.join(root, p);
}

async function found(): Promise<Item[]> {
  const [specs, idx] = await Promise.all([
    vscode.workspace.findFiles('**/{*.dataset.json,dataset.json}', EXCLUDE, MAX_FOUND),
    vscode.workspace.findFiles('**/*[-_.]images[-_.]idx*[-_.]ubyte{,.gz}', EXCLUDE, MAX_FOUND),
  ]);
  const items: Item[] = specs.map((u) => ({ label: `$(json) ${path.basename(u.fsPath)}`, description: vscode.workspace.asRelativePath(u), detail: 'dataset spec', datasetPath: u.fsPath }));
  for (const dir of [...new Set(idx.map((u) => path.dirname(u.fsPath)))]) {
    items.push({ label: `$(folder) ${path.basename(dir)}`, description: vscode.workspace.asRelativePath(dir), detail: 'folder of IDX files (80 % train / 20 % test when it holds one pair)', datasetPath: dir });
  }
  return items.sort((a, b) => (a.description ?? '').localeCompare(b.description ?? ''));
}

/** The dataset path the user picks; undefined when they back out. */
export async function pickDataset(state: vscode.Memento, configured: string | undefined): Promise<string | undefined> {
  const last = state.get<string>(LAST_DATASET_KEY);
  const items: Item[] = [];
  const seen = new Set<string>();
  const add = (i: Item) => {
    if (i.datasetPath && seen.has(i.datasetPath)) return;
    if (i.datasetPath) seen.add(i.datasetPath);
    items.push(i);
  };
  if (last && existsSync(last)) add({ label: `$(history) ${path.basename(last)}`, description: vscode.workspace.asRelativePath(last), detail: 'last used', datasetPath: last });
  if (configured) {
    const p = workspaceRelative(configured);
    if (existsSync(p)) add({ label: `$(settings-gear) ${path.basename(p)}`, description: vscode.workspace.asRelativePath(p), detail: 'rgp.experiment.dataset', datasetPath: p });
  }
  for (const i of await found()) add(i);
  add({ label: '$(folder-opened) Browse…', detail: 'A dataset spec (.json), a folder of IDX files, or a .csv (label in the last column)', browse: true, alwaysShow: true });

  const title = 'RGP: Run Ratio Experiment — dataset';
  const placeHolder = 'Train and test data for the model (its input shape and classes must match)';
  notePrompt({ kind: 'quickPick', title, text: placeHolder, items: items.map((i) => i.label) });
  const pick = await vscode.window.showQuickPick(items, {
    title,
    placeHolder,
    matchOnDescription: true,
  });
  if (!pick) return undefined;
  let chosen = pick.datasetPath;
  if (pick.browse) {
    const uris = await vscode.window.showOpenDialog({
      title: 'RGP: choose a dataset spec, IDX folder or CSV file',
      openLabel: 'Use Dataset',
      canSelectFiles: true,
      canSelectFolders: true,
      canSelectMany: false,
      ...(vscode.workspace.workspaceFolders?.[0] ? { defaultUri: vscode.workspace.workspaceFolders[0].uri } : {}),
    });
    chosen = uris?.[0]?.fsPath;
  }
  if (chosen) await state.update(LAST_DATASET_KEY, chosen);
  return chosen;
}
