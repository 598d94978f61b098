/**
 * CodeLens on model.json inside a real VS Code: "Prune…" and "Show structure" at the top of a TF.js
 * layers model (found by content), none on other JSON, none when `rgp.codeLens` is off, and they follow
 * unsaved edits (the analysis is cached per document version).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { copyFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { openInEditor, rgpApi, workspacePath } from './helpers';

async function rgpLenses(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  const all = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 10)) ?? [];
  return all.filter((l) => l.command?.command.startsWith('rgp.'));
}

/** Lenses are computed after the document opens; poll briefly rather than race the provider. */
async function lensesSettled(uri: vscode.Uri, want: (n: number) => boolean): Promise<vscode.CodeLens[]> {
  let lenses: vscode.CodeLens[] = [];
  for (let i = 0; i < 50; i++) {
    lenses = await rgpLenses(uri);
    if (want(lenses.length)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return lenses;
}

describe('RGP CodeLens on model.json', () => {
  it('offers Prune… and Show structure at the top of the example model, with its size', async () => {
    await rgpApi();
    const uri = vscode.Uri.file(workspacePath('examples', 'mnist-mlp', 'model', 'model.json'));
    await openInEditor(uri.fsPath);
    const lenses = await lensesSettled(uri, (n) => n >= 3);
    const byCommand = new Map(lenses.map((l) => [l.command!.command, l]));
    const prune = byCommand.get('rgp.pruneModel');
    const graph = byCommand.get('rgp.showGraph');
    assert.ok(prune && graph, `lenses: ${lenses.map((l) => l.command?.title).join(' | ')}`);
    assert.match(prune.command!.title, /Prune…/);
    assert.match(graph.command!.title, /Show structure/);
    for (const l of [prune, graph]) {
      assert.equal(l.range.start.line, 0, 'at the top of the file');
      assert.equal((l.command!.arguments?.[0] as vscode.Uri).fsPath, uri.fsPath, 'acting on this file');
    }
    assert.match(byCommand.get('rgp.inspectModel')?.command?.title ?? '', /^3 layers · 235 k params · 235 k MACs$/);
  });

  it('is absent on JSON that is not a model', async () => {
    await rgpApi();
    const uri = vscode.Uri.file(workspacePath('fixtures', 'not-a-model.json'));
    await openInEditor(uri.fsPath);
    // Give the provider the same chance as above to answer before concluding it has nothing.
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(await rgpLenses(uri), []);
  });

  it('disappears when the setting rgp.codeLens is off, and comes back', async () => {
    await rgpApi();
    const uri = vscode.Uri.file(workspacePath('fixtures', 'tiny', 'model.json'));
    await openInEditor(uri.fsPath);
    assert.ok((await lensesSettled(uri, (n) => n >= 2)).length >= 2, 'lenses on the tiny model');
    const cfg = vscode.workspace.getConfiguration('rgp');
    await cfg.update('codeLens', false, vscode.ConfigurationTarget.Global);
    try {
      assert.deepEqual(await lensesSettled(uri, (n) => n === 0), []);
    } finally {
      await cfg.update('codeLens', undefined, vscode.ConfigurationTarget.Global);
    }
    assert.ok((await lensesSettled(uri, (n) => n >= 2)).length >= 2, 'back after the setting is reset');
  });

  it('follows unsaved edits: a model edited into plain JSON loses its lenses', async () => {
    await rgpApi();
    const copy = workspacePath('generated', 'lens-edit', 'model.json');
    mkdirSync(path.dirname(copy), { recursive: true });
    copyFileSync(workspacePath('fixtures', 'tiny', 'model.json'), copy);
    const uri = vscode.Uri.file(copy);
    const editor = await openInEditor(copy);
    assert.ok((await lensesSettled(uri, (n) => n >= 2)).length >= 2);
    const doc = editor.document;
    const at = doc.getText().indexOf('"weightsManifest"');
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, new vscode.Range(doc.positionAt(at), doc.positionAt(at + '"weightsManifest"'.length)), '"notAManifest"');
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.deepEqual(await lensesSettled(uri, (n) => n === 0), [], 'no lenses once the manifest key is gone');
    await vscode.commands.executeCommand('undo');
    assert.ok((await lensesSettled(uri, (n) => n >= 2)).length >= 2, 'back after undo');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
