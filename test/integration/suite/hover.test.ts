/**
 * Hover on a layer of model.json inside a real VS Code: shapes, parameters and MACs of the layer —
 * the parameters the same as `rgp inspect` prints — and what pruning would do to it.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { EXTENSION_ID, rgpApi, workspacePath } from './helpers';
import type { ModelSummary } from '../../../src/core/model/layerSummary';

async function rgpHover(uri: vscode.Uri, at: vscode.Position): Promise<string> {
  const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, at)) ?? [];
  return hovers
    .flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value)))
    .filter((t) => t.includes('RGP pruning'))
    .join('\n');
}

describe('RGP hover on a layer of model.json', () => {
  const modelPath = () => workspacePath('examples', 'mnist-mlp', 'model', 'model.json');

  it('shows dense_2’s shapes, MACs and the parameters `rgp inspect` prints', async () => {
    await rgpApi();
    const uri = vscode.Uri.file(modelPath());
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const text = await rgpHover(uri, doc.positionAt(doc.getText().indexOf('"dense_2"') + 3));
    assert.ok(text, 'an RGP hover on the name "dense_2"');

    // The CLI of this very extension folder, on the same file.
    const cli = path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'bin', 'rgp.js');
    assert.ok(existsSync(cli), `${cli} exists (the dev folder)`);
    const inspected = JSON.parse(execFileSync(process.execPath, [cli, 'inspect', modelPath(), '--json'], { encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } })) as ModelSummary;
    const params = inspected.layers.find((l) => l.name === 'dense_2')!.params;
    assert.equal(params, 32_896);
    assert.ok(text.includes(`| parameters | ${params.toLocaleString('en-US')} |`), text);
    assert.ok(text.includes('| MACs per example | 32,768 |'), text);
    assert.ok(text.includes('| input | (batch, 256) |') && text.includes('| output | (batch, 128) |'), text);
    assert.ok(text.includes('| kernel | 256 × 128 |'), text);
    assert.match(text, /\*\*RGP pruning:\*\* masked/);
  });

  it('says the first and last layers stay dense, and answers nowhere else', async () => {
    await rgpApi();
    const uri = vscode.Uri.file(modelPath());
    const doc = await vscode.workspace.openTextDocument(uri);
    const src = doc.getText();
    assert.match(await rgpHover(uri, doc.positionAt(src.indexOf('"dense_1"') + 1)), /kept dense — it is the first maskable layer/);
    assert.match(await rgpHover(uri, doc.positionAt(src.indexOf('"dense_3"') + 1)), /kept dense — it is the last maskable layer/);
    assert.equal(await rgpHover(uri, doc.positionAt(src.indexOf('"units"') + 2)), '', 'no hover on a config key');
    assert.equal(await rgpHover(uri, doc.positionAt(src.indexOf('"weights.bin"') + 2)), '', 'no hover in the manifest');
  });

  it('gives no hover in JSON that is not a model', async () => {
    await rgpApi();
    const uri = vscode.Uri.file(workspacePath('fixtures', 'not-a-model.json'));
    const doc = await vscode.workspace.openTextDocument(uri);
    assert.equal(await rgpHover(uri, doc.positionAt(doc.getText().indexOf('"not-a-model"') + 2)), '');
  });
});
