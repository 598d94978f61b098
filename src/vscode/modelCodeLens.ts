/**
 * CodeLens at the top of a TF.js layers model.json (detected by content, see modelJsonText.ts):
 * "Prune…", "Show structure", and a one-line summary that opens the full inspection. Off with the
 * setting `rgp.codeLens`. One cached parse per document version (ModelDocuments); no worker needed.
 */
import * as vscode from 'vscode';
import { formatCount } from './modelTarget';
import type { ModelDocuments } from './modelDocuments';
import type { ModelProblems } from './modelProblems';

export class ModelCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly documents: ModelDocuments,
    private readonly problems?: ModelProblems,
  ) {
    this.subscriptions = [
      this.changed,
      // A model found broken (or fixed) on disk: the summary lens says so instead of showing counts.
      ...(problems ? [problems.onDidChange(() => this.changed.fire())] : []),
      // Fires on any rgp.* setting, rgp.codeLens included.
      documents.onDidChange(() => this.changed.fire()),
    ];
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (!vscode.workspace.getConfiguration('rgp', doc.uri).get<boolean>('codeLens', true)) return [];
    const analysis = this.documents.analyse(doc);
    if (!analysis) return [];
    const top = new vscode.Range(0, 0, 0, 0);
    const lenses = [
      new vscode.CodeLens(top, { title: '$(graph) Prune…', tooltip: 'RGP: prune this model through a regular graph', command: 'rgp.pruneModel', arguments: [doc.uri] }),
      new vscode.CodeLens(top, { title: '$(type-hierarchy) Show structure', tooltip: 'RGP: show the regular graph this model is (or would be) pruned with', command: 'rgp.showGraph', arguments: [doc.uri] }),
    ];
    const g = analysis.graph;
    const onDisk = this.problems?.problem(doc.uri);
    const removed = this.problems?.removedByMasks(doc.uri) ?? 0;
    const summary = analysis.problem
      ? { title: '$(warning) not readable by RGP', tooltip: analysis.problem }
      : onDisk
        ? { title: `$(error) broken: ${onDisk.length > 90 ? `${onDisk.slice(0, 89)}…` : onDisk}`, tooltip: onDisk }
        : g
        ? {
            title: `${g.layers.length} layers · ${formatCount(g.totalParams)} params · ${formatCount(g.totalMacs)}${g.macsComplete ? '' : '+'} MACs${removed > 0 && g ? ` · pruned by RGP: ${formatCount(g.totalParams - removed)} nonzero` : ''}`,
            tooltip: 'RGP: inspect the layers and weights',
          }
        : undefined;
    if (summary) lenses.push(new vscode.CodeLens(top, { ...summary, command: 'rgp.inspectModel', arguments: [doc.uri] }));
    return lenses;
  }

  dispose(): void {
    while (this.subscriptions.length) this.subscriptions.pop()!.dispose();
  }
}
