/**
 * Runs against the extension installed from the packaged .vsix into a fresh code-server (not the
 * development folder): the bundle, worker, webview and wasm assets it needs must all be inside.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { EXTENSION_ID, openInEditor, rendered, rgpApi, workspacePath } from './helpers';
import type { PruneSummary } from '../../../src/core/prune/report';

describe('the packaged .vsix', () => {
  it('is the installed copy, with its worker, webview and wasm assets', () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, 'installed');
    const expectedRoot = process.env.RGP_EXPECT_EXTENSIONS_DIR;
    assert.ok(expectedRoot, 'the harness names the extensions folder');
    assert.ok(ext.extensionPath.startsWith(expectedRoot), `${ext.extensionPath} is inside ${expectedRoot}`);
    for (const f of ['dist/extension.js', 'dist/worker.js', 'dist/webview.js', 'dist/tfjs-backend-wasm-simd.wasm', 'media/rgp.css'])
      assert.ok(existsSync(path.join(ext.extensionPath, f)), `${f} is packaged`);
    assert.ok(!existsSync(path.join(ext.extensionPath, 'src')), 'sources are not packaged');
  });

  it('runs "RGP: Prune Model" on the example model', async () => {
    const api = await rgpApi();
    const modelPath = workspacePath('examples', 'mnist-mlp', 'model', 'model.json');
    await openInEditor(modelPath);
    const drawn = rendered(api, modelPath, 'sparsity');
    const summary = (await vscode.commands.executeCommand('rgp.pruneModel', undefined, { ratio: 0.875, searchSeconds: 0.5 })) as PruneSummary;
    assert.equal(summary.graph.k, 8);
    assert.ok(existsSync(path.join(summary.outputPath, 'model.json')), 'the pruned model is written');
    assert.equal((await drawn).items, 3);
  });
});
