/**
 * ONNX in a real VS Code: "RGP: Prune Model" on a real PyTorch export (../shared/data/models/vgg_small.onnx,
 * copied into the test workspace) runs in the worker like a TF.js prune, writes `<stem>-rgp-<ratio>/`
 * beside the file with model.onnx, masks.json, graph.json and the reports, leaves the input untouched,
 * and the view beside the editor draws the ASPL history and the per-layer sparsity. A broken .onnx is
 * refused with one clear message and nothing written.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { errorShown, rendered, rgpApi, workspacePath } from './helpers';
import type { PruneSummary } from '../../../src/core/prune/report';

/** ../shared/data/models beside the repository the tests were built from, found upwards. */
function sharedModel(name: string): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const p = path.join(dir, 'shared', 'data', 'models', name);
    if (existsSync(p)) return p;
    if (path.dirname(dir) === dir) throw new Error(`the shared model ${name} is not beside the repository`);
  }
}

describe('ONNX models', () => {
  it('RGP: Prune Model prunes a PyTorch ONNX export and writes model.onnx beside it', async () => {
    const api = await rgpApi();
    const folder = workspacePath('generated', 'onnx');
    mkdirSync(folder, { recursive: true });
    const modelPath = path.join(folder, 'vgg_small.onnx');
    copyFileSync(sharedModel('vgg_small.onnx'), modelPath);
    const before = readFileSync(modelPath);
    const aspl = rendered(api, modelPath, 'aspl');
    const sparsity = rendered(api, modelPath, 'sparsity');
    const summary = (await vscode.commands.executeCommand('rgp.pruneModel', vscode.Uri.file(modelPath), { ratio: 0.9375, groups: 32, searchSeconds: 1 })) as PruneSummary;
    assert.ok(summary, 'the command returned the pruning summary');
    assert.equal(summary.modelFormat, 'onnx');
    assert.equal(summary.outputPath, path.join(folder, 'vgg_small-rgp-0.9375-n32'));
    assert.deepEqual([summary.graph.n, summary.graph.k], [32, 2]);
    assert.equal(summary.maskedLayers.length, 5);
    assert.deepEqual([summary.totals.denseParams, summary.totals.prunedParams], [800970, 54090]);
    for (const f of ['model.onnx', 'masks.json', 'graph.json', 'report.json', 'report.md']) assert.ok(existsSync(path.join(summary.outputPath, f)), `${f} written`);
    assert.equal(readFileSync(path.join(summary.outputPath, 'model.onnx')).length, before.length, 'same graph, same size: masked weights are zeros in place');
    assert.deepEqual(readFileSync(modelPath), before, 'the input is untouched');
    const asplView = await aspl;
    assert.ok(asplView.labels.includes('ASPL'), 'the ASPL chart is drawn');
    assert.equal((await sparsity).items, 7, 'one sparsity band per layer with weights (5 convs, 2 Gemms)');
  });

  it('refuses a broken .onnx with one clear message and writes nothing', async () => {
    const api = await rgpApi();
    const folder = workspacePath('generated', 'onnx-broken');
    mkdirSync(folder, { recursive: true });
    const modelPath = path.join(folder, 'broken.onnx');
    writeFileSync(modelPath, readFileSync(sharedModel('vgg_small.onnx')).subarray(0, 5000));
    const shown = errorShown(api);
    const result = await vscode.commands.executeCommand('rgp.pruneModel', vscode.Uri.file(modelPath), { ratio: 0.5, searchSeconds: 0 });
    assert.equal(result, undefined);
    assert.match((await shown).text, /not an ONNX model: .*truncated/);
    assert.deepEqual(readdirSync(folder), ['broken.onnx'], 'no output folder appeared');
  });

  it('RGP: Show Graph Structure on an .onnx draws the graph without parsing the binary file on the host', async () => {
    const folder = workspacePath('generated', 'onnx-graph');
    mkdirSync(folder, { recursive: true });
    const modelPath = path.join(folder, 'vgg_small.onnx');
    copyFileSync(sharedModel('vgg_small.onnx'), modelPath);
    const g = (await vscode.commands.executeCommand('rgp.showGraph', vscode.Uri.file(modelPath), { ratio: 0.875, groups: 16, seed: 3, searchSwaps: 500 })) as { n: number; k: number; adjacency: number[] } | undefined;
    assert.ok(g, 'a graph was drawn');
    assert.deepEqual([g.n, g.k], [16, 2]);
    assert.equal(g.adjacency.length, 16 * 2, 'n·k neighbour slots');
    assert.deepEqual(readdirSync(folder), ['vgg_small.onnx'], 'nothing was written');
  });
});
