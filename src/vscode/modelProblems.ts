/**
 * Problems of model files in the Problems panel: a TF.js model.json whose shards are missing, truncated
 * or padded, or whose layer configs contradict its weights manifest, gets one RGP diagnostic on the line
 * that names the culprit (the weight or layer the error quotes; else the first line). Checked when a
 * model.json is opened or saved, and before every command prompts (checkBeforePrompt), so the user
 * hears about a broken model before choosing a ratio — and the CodeLens shows the problem instead of
 * counts. Already pruned models (masks.json beside model.json) are noted the same way, as information.
 *
 * Only model.json and `stat` calls run here (checkModelFiles): binary formats are checked by the worker.
 */
import * as vscode from 'vscode';
import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { isRgpError } from '../core/errors';
import { checkModelFiles } from '../io/modelFolder';
import type { ErrorAction, UserMessages } from './userMessages';

export const DIAGNOSTIC_SOURCE = 'RGP';

export class ModelProblems implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('rgp');
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  /** A model's problems changed (the CodeLens redraws). */
  readonly onDidChange = this.changed.event;
  /** Pruned models (masks.json beside them): weights their masks removed, from masks.json's kept/total. */
  private readonly pruned = new Map<string, { removed: number }>();
  private readonly disposables: vscode.Disposable[] = [this.collection, this.changed];

  constructor() {
    const maybe = (d: vscode.TextDocument) => {
      if (d.uri.scheme === 'file' && path.basename(d.uri.fsPath) === 'model.json') void this.check(d.uri).catch(() => undefined);
    };
    this.disposables.push(vscode.workspace.onDidOpenTextDocument(maybe), vscode.workspace.onDidSaveTextDocument(maybe));
    for (const d of vscode.workspace.textDocuments) maybe(d);
  }

  /** The problem recorded for this model, if any. */
  problem(uri: vscode.Uri): string | undefined {
    return this.collection.get(uri)?.find((d) => d.severity === vscode.DiagnosticSeverity.Error)?.message;
  }

  /** True when masks.json sits beside this model.json: it is the output of an earlier pruning. */
  isPruned(uri: vscode.Uri): boolean {
    return this.pruned.has(uri.toString());
  }

  /** Weights the masks of a pruned model removed (0 when unknown or not pruned). */
  removedByMasks(uri: vscode.Uri): number {
    return this.pruned.get(uri.toString())?.removed ?? 0;
  }

  /** Checks a TF.js model.json (other formats: nothing to do here); returns the error, or undefined. */
  async check(uri: vscode.Uri): Promise<unknown> {
    if (path.extname(uri.fsPath).toLowerCase() !== '.json') return undefined;
    const masksPath = path.join(path.dirname(uri.fsPath), 'masks.json');
    const masks = await stat(masksPath).then((s) => s.isFile() && s.size < 64 * 1024 * 1024, () => false);
    if (masks) this.pruned.set(uri.toString(), { removed: await removedByMaskFile(masksPath) });
    else this.pruned.delete(uri.toString());
    let problem: unknown;
    try {
      await checkModelFiles(uri.fsPath);
    } catch (e) {
      if (!isRgpError(e)) throw e;
      problem = e;
    }
    const diagnostics: vscode.Diagnostic[] = [];
    if (isRgpError(problem)) {
      const line = await culpritLine(uri, problem.message);
      const d = new vscode.Diagnostic(new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER), problem.userMessage, vscode.DiagnosticSeverity.Error);
      d.source = DIAGNOSTIC_SOURCE;
      d.code = problem.code;
      diagnostics.push(d);
    }
    if (masks) {
      const d = new vscode.Diagnostic(new vscode.Range(0, 0, 0, 1), 'This model was pruned by RGP (masks.json beside it): its masked weights are zeros, and counts show what is really there.', vscode.DiagnosticSeverity.Information);
      d.source = DIAGNOSTIC_SOURCE;
      diagnostics.push(d);
    }
    this.collection.set(uri, diagnostics);
    this.changed.fire(uri);
    return problem;
  }

  /**
   * Before a command prompts: a broken model is reported (error notification with "Open model.json" at
   * the offending line) and the command stops. True when the model may be used.
   */
  async checkBeforePrompt(uri: vscode.Uri, messages: UserMessages): Promise<boolean> {
    const problem = await this.check(uri);
    if (!problem) return true;
    messages.error(problem, [this.openAction(uri)]);
    return false;
  }

  openAction(uri: vscode.Uri): ErrorAction {
    return {
      label: `Open ${path.basename(uri.fsPath)}`,
      run: async () => {
        const d = this.collection.get(uri)?.[0];
        const doc = await vscode.workspace.openTextDocument(uri);
        await vscode.window.showTextDocument(doc, { ...(d ? { selection: d.range } : {}), preview: false });
      },
    };
  }

  dispose(): void {
    while (this.disposables.length) this.disposables.pop()!.dispose();
  }
}

/** Σ (total − kept) over the layers of a masks.json; 0 when it cannot be read. */
async function removedByMaskFile(file: string): Promise<number> {
  try {
    const m = JSON.parse(await readFile(file, 'utf8')) as { layers?: { kept?: unknown; total?: unknown }[] };
    let removed = 0;
    for (const l of m.layers ?? []) if (typeof l.kept === 'number' && typeof l.total === 'number') removed += Math.max(0, l.total - l.kept);
    return removed;
  } catch {
    return 0;
  }
}

/** The line of the first name the message quotes ("dense_a", "group1-shard1of1.bin"), else line 0. */
async function culpritLine(uri: vscode.Uri, message: string): Promise<number> {
  const names = [...message.matchAll(/"([^"\n]+)"|\(([^\s(),]+\.bin)/g)].map((m) => m[1] ?? m[2]);
  if (names.length === 0) return 0;
  try {
    const doc = await vscode.workspace.openTextDocument(uri);
    const text = doc.getText();
    for (const name of names) {
      const at = text.indexOf(`"${name}`);
      if (at >= 0) return doc.positionAt(at).line;
    }
  } catch {
    // Unreadable as text: the first line it is.
  }
  return 0;
}
