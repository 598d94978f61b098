/**
 * Which graph a sparsification comparison runs on: the two SNAP presets the `sparsify` job knows —
 * CollegeMsg (temporal link prediction) and email-Eu-core with its department labels (node
 * classification) — found in `data/snap` of a workspace folder or of the extension, or any SNAP /
 * Network-Repository edge list the user browses to, with its task and (for node classification) its
 * labels file. File checks only; O(1).
 */
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { SparsifyTask } from '../core/sparse/results';

/** The job's presets (src/jobs/sparsify.ts): name → files under data/snap and task. */
export const GRAPH_PRESETS = {
  collegemsg: { name: 'CollegeMsg', edges: 'CollegeMsg.txt.gz', task: 'link' as SparsifyTask, detail: 'Temporal link prediction · 1,899 users, 59,835 timestamped messages (UC Irvine)' },
  'email-eu-core': { name: 'email-Eu-core', edges: 'email-Eu-core.txt.gz', labels: 'email-Eu-core-department-labels.txt.gz', task: 'node' as SparsifyTask, detail: 'Node classification · 1,005 members, 25,571 e-mails, 42 departments' },
} as const;
export type GraphPreset = keyof typeof GRAPH_PRESETS;

export interface GraphDataset {
  /** A preset name, or the edge list's path (what the job's `dataset` option takes). */
  dataset: string;
  labels?: string;
  task: SparsifyTask;
  /** The folder of the presets' files, when a preset. */
  dataRoot?: string;
  /** The edge-list file: what the RGP view of this comparison is keyed by. */
  edgesPath: string;
}

/** data/snap in a workspace folder holding the presets' files, else the extension's own copy. */
export function presetDataRoot(extensionUri: vscode.Uri): string | undefined {
  const roots = [...(vscode.workspace.workspaceFolders ?? []).map((f) => path.join(f.uri.fsPath, 'data', 'snap')), path.join(extensionUri.fsPath, 'data', 'snap')];
  return roots.find((r) => Object.values(GRAPH_PRESETS).every((p) => existsSync(path.join(r, p.edges))));
}

export function isPreset(dataset: string): dataset is GraphPreset {
  return Object.prototype.hasOwnProperty.call(GRAPH_PRESETS, dataset.toLowerCase());
}

/** What the job will read for `dataset` (a preset or a path), without asking anything. */
export function describeGiven(o: { dataset: string; labels?: string; task?: SparsifyTask; dataRoot?: string }, extensionUri: vscode.Uri): GraphDataset {
  if (isPreset(o.dataset)) {
    const preset: { edges: string; labels?: string; task: SparsifyTask } = GRAPH_PRESETS[o.dataset.toLowerCase() as GraphPreset];
    const root = o.dataRoot ?? presetDataRoot(extensionUri) ?? path.join(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd(), 'data', 'snap');
    const labels = o.labels ?? (preset.labels ? path.join(root, preset.labels) : undefined);
    return { dataset: o.dataset, dataRoot: root, task: o.task ?? preset.task, edgesPath: path.join(root, preset.edges), ...(labels ? { labels } : {}) };
  }
  const edgesPath = path.resolve(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '', o.dataset);
  return { dataset: edgesPath, task: o.task ?? (o.labels ? 'node' : 'link'), edgesPath, ...(o.labels ? { labels: o.labels } : {}) };
}

const LAST_GRAPH_KEY = 'rgp.sparsify.lastDataset';

type Item = vscode.QuickPickItem & { preset?: GraphPreset; browse?: true; last?: GraphDataset };

/** The graph, its task and labels; undefined when the user backs out. */
export async function pickGraphDataset(state: vscode.Memento, extensionUri: vscode.Uri): Promise<GraphDataset | undefined> {
  const root = presetDataRoot(extensionUri);
  const last = state.get<GraphDataset>(LAST_GRAPH_KEY);
  const items: Item[] = [];
  if (root) {
    for (const [key, p] of Object.entries(GRAPH_PRESETS) as [GraphPreset, (typeof GRAPH_PRESETS)[GraphPreset]][]) {
      items.push({ label: `$(type-hierarchy) ${p.name}`, description: p.task === 'link' ? 'link prediction' : 'node classification', detail: p.detail, preset: key });
    }
  }
  if (last && !isPreset(last.dataset) && existsSync(last.edgesPath)) {
    items.push({ label: `$(history) ${path.basename(last.edgesPath)}`, description: `${last.task === 'link' ? 'link prediction' : 'node classification'} · last used`, detail: vscode.workspace.asRelativePath(last.edgesPath), last });
  }
  items.push({ label: '$(folder-opened) Edge list file…', detail: 'SNAP / Network-Repository edges: `src dst [timestamp]` per line (.txt, .edges, .mtx, .csv; gzip read as is)', browse: true, alwaysShow: true });
  const active = items.find((i) => (i.preset && last?.dataset.toLowerCase() === i.preset) || (i.last !== undefined));
  const pick = await new Promise<Item | undefined>((resolve) => {
    const qp = vscode.window.createQuickPick<Item>();
    qp.title = 'RGP: Compare Sparsification — graph';
    qp.placeholder = 'The graph and task to train on';
    qp.items = items;
    if (active) qp.activeItems = [active];
    let done = false;
    qp.onDidAccept(() => {
      done = true;
      resolve(qp.selectedItems[0]);
      qp.hide();
    });
    qp.onDidHide(() => {
      if (!done) resolve(undefined);
      qp.dispose();
    });
    qp.show();
  });
  if (!pick) return undefined;
  let chosen: GraphDataset | undefined;
  if (pick.preset) chosen = describeGiven({ dataset: pick.preset, ...(root ? { dataRoot: root } : {}) }, extensionUri);
  else if (pick.last) chosen = pick.last;
  else chosen = await browseEdgeList();
  if (chosen) await state.update(LAST_GRAPH_KEY, chosen);
  return chosen;
}

async function browseEdgeList(): Promise<GraphDataset | undefined> {
  const defaultUri = vscode.workspace.workspaceFolders?.[0]?.uri;
  const edges = await vscode.window.showOpenDialog({ title: 'RGP: choose an edge list', openLabel: 'Use Edge List', canSelectMany: false, ...(defaultUri ? { defaultUri } : {}) });
  if (!edges?.[0]) return undefined;
  const task = await vscode.window.showQuickPick(
    [
      { label: 'Temporal link prediction', detail: 'Edges sorted by time (file order without timestamps); the last 20 % are the test positives', task: 'link' as const },
      { label: 'Node classification', detail: 'Needs a labels file: `node label` per line; seeded 60/20/20 split of the nodes', task: 'node' as const },
    ],
    { title: 'RGP: Compare Sparsification — task' },
  );
  if (!task) return undefined;
  const edgesPath = edges[0].fsPath;
  if (task.task === 'link') return { dataset: edgesPath, task: 'link', edgesPath };
  const labels = await vscode.window.showOpenDialog({ title: 'RGP: choose the node labels file', openLabel: 'Use Labels', canSelectMany: false, defaultUri: vscode.Uri.file(path.dirname(edgesPath)) });
  if (!labels?.[0]) return undefined;
  return { dataset: edgesPath, task: 'node', labels: labels[0].fsPath, edgesPath };
}
