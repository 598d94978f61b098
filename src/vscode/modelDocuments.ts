/**
 * The analysis of model.json documents open in editors (modelJsonText.ts), cached by document version so
 * the CodeLens and hover providers share one parse per edit. Cheap by construction: texts above
 * MAX_MODEL_TEXT_CHARS are skipped, non-models are rejected by a substring test before parsing, and
 * entries go when their document closes. Settings that change the analysis (first/last layer dense)
 * clear the cache.
 */
import * as vscode from 'vscode';
import { analyseModelText, MAX_MODEL_TEXT_CHARS, type ModelTextAnalysis } from './modelJsonText';

export const MODEL_JSON_SELECTOR: vscode.DocumentSelector = [
  { language: 'json', scheme: 'file' },
  { language: 'jsonc', scheme: 'file' },
];

export class ModelDocuments implements vscode.Disposable {
  private readonly cache = new Map<string, { version: number; analysis: ModelTextAnalysis | undefined }>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  /** The analyses may have changed for reasons other than an edit (settings). */
  readonly onDidChange = this.changed.event;

  constructor() {
    this.disposables.push(
      this.changed,
      vscode.workspace.onDidCloseTextDocument((d) => this.cache.delete(d.uri.toString())),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('rgp')) {
          this.cache.clear();
          this.changed.fire();
        }
      }),
    );
  }

  /** Undefined for anything that is not a TF.js layers model.json (or is too large to analyse). */
  analyse(doc: vscode.TextDocument): ModelTextAnalysis | undefined {
    const key = doc.uri.toString();
    const hit = this.cache.get(key);
    if (hit && hit.version === doc.version) return hit.analysis;
    let analysis: ModelTextAnalysis | undefined;
    // A document's length is not exposed without its text; the offset of its end is, in O(1).
    if (doc.offsetAt(new vscode.Position(doc.lineCount, 0)) <= MAX_MODEL_TEXT_CHARS) {
      const cfg = vscode.workspace.getConfiguration('rgp', doc.uri);
      try {
        analysis = analyseModelText(doc.getText(), {
          keepFirst: cfg.get<boolean>('keepFirstLayerDense', true),
          keepLast: cfg.get<boolean>('keepLastLayerDense', true),
        });
      } catch {
        // A text the analysis cannot handle fails once, quietly: no lenses or hovers until it changes.
        analysis = undefined;
      }
    }
    this.cache.set(key, { version: doc.version, analysis });
    return analysis;
  }

  dispose(): void {
    while (this.disposables.length) this.disposables.pop()!.dispose();
    this.cache.clear();
  }
}
