/**
 * Runs against the extension installed from the packaged .vsix into a fresh code-server (not the
 * development folder): the bundle, worker, webview and wasm assets it needs must all be inside.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
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

  it('carries what the first run shows: icon, changelog, README pictures, walkthrough media and the example model', () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const pkg = ext.packageJSON as { icon: string; contributes: { walkthroughs: { steps: { media: { markdown?: string; image?: string } }[] }[] } };
    const media = pkg.contributes.walkthroughs.flatMap((w) => w.steps.map((s) => s.media.markdown ?? s.media.image ?? ''));
    assert.ok(media.length >= 3, `walkthrough media: ${media.join(', ')}`);
    // vsce stores README.md and CHANGELOG.md as readme.md and changelog.md (VS Code reads either case).
    const named = (name: string) => readdirSync(ext.extensionPath).find((f) => f.toLowerCase() === name.toLowerCase()) ?? name;
    const readme = readFileSync(path.join(ext.extensionPath, named('README.md')), 'utf8');
    // Pictures the README shows by relative path must be inside the package to render.
    const pictures = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((p) => !/^[a-z]+:/.test(p));
    assert.ok(pictures.length > 0, 'the README shows a picture');
    for (const f of [pkg.icon, named('CHANGELOG.md'), ...media, ...pictures, 'examples/mnist-mlp/model/model.json', 'examples/mnist-mlp/model/weights.bin'])
      assert.ok(existsSync(path.join(ext.extensionPath, f)), `${f} is packaged`);
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
