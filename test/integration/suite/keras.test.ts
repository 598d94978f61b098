/**
 * Keras files inside a real VS Code: "RGP: Prune Model" and "RGP: Inspect Model" on a shared Keras 3
 * `.keras` (copied into the workspace): the worker reads the zip and its HDF5 weights through the bundled
 * h5wasm, the pruned model.keras lands in `<stem>-rgp-<ratio>/` beside it, the input is untouched, and the
 * written file reads back with the masked kernels zeroed. A hostile archive ends in one clear message.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { errorShown, rendered, rgpApi, workspacePath } from './helpers';
import type { ModelSummary } from '../../../src/core/model/layerSummary';
import type { PruneSummary } from '../../../src/core/prune/report';
import { SHARED_DATA } from '../../fixtures/sharedData';

const SHARED = `${SHARED_DATA}/models/keras3_seq_cnn_mnist.keras`;

describe('Keras models in VS Code', () => {
  it('prunes a shared Keras 3 .keras into <stem>-rgp-<ratio>/model.keras beside it, input untouched', async function () {
    this.timeout(120_000);
    const api = await rgpApi();
    const dir = workspacePath('generated', 'keras');
    mkdirSync(dir, { recursive: true });
    const modelPath = path.join(dir, 'cnn.keras');
    copyFileSync(SHARED, modelPath);
    const before = readFileSync(modelPath);
    const sparsity = rendered(api, modelPath, 'sparsity');
    const summary = (await vscode.commands.executeCommand('rgp.pruneModel', vscode.Uri.file(modelPath), { ratio: 0.75, groups: 8, searchSeconds: 1 })) as PruneSummary | undefined;
    assert.ok(summary, 'the command returned the pruning summary');
    assert.equal(summary.modelFormat, 'keras');
    assert.equal(summary.outputPath, path.join(dir, 'cnn-rgp-0.75-n8'));
    assert.deepEqual(summary.maskedLayers, ['conv2d_1', 'dense']);
    assert.equal(summary.ratio.achieved, 0.75);
    assert.deepEqual(readdirSync(summary.outputPath).sort(), ['.rgp-output.json', 'graph.json', 'masks.json', 'model.keras', 'report.json', 'report.md']);
    assert.deepEqual(readFileSync(modelPath), before, 'the input is untouched');
    assert.equal((await sparsity).items, 4, 'the sparsity view has a bar pair for each of the four layers with weights');

    const back = (await vscode.commands.executeCommand('rgp.inspectModel', vscode.Uri.file(path.join(summary.outputPath, 'model.keras')))) as ModelSummary | undefined;
    assert.ok(back, 'the pruned model.keras inspects');
    assert.equal(back.format, 'keras');
    assert.equal(back.totalParams, 225_034);
    const dense = back.layers.find((l) => l.name === 'dense')!;
    assert.ok((dense.zeroFraction ?? 0) * dense.params >= 0.75 * 1600 * 128, 'the masked Dense kernel reads back three-quarters zero');
  });

  it('refuses a .keras with a ../ entry in one clear message and writes nothing', async () => {
    const api = await rgpApi();
    const dir = workspacePath('generated', 'keras-hostile');
    mkdirSync(dir, { recursive: true });
    const modelPath = path.join(dir, 'evil.keras');
    // fflate writes the crafted archive; the check under test is the reader's own name check.
    const { zipSync, strToU8 } = await import('fflate');
    writeFileSync(modelPath, zipSync({ 'config.json': strToU8('{}'), '../evil.txt': strToU8('x') }));
    const shown = errorShown(api);
    const result = await vscode.commands.executeCommand('rgp.pruneModel', vscode.Uri.file(modelPath), { ratio: 0.75, searchSeconds: 0 });
    assert.equal(result, undefined);
    assert.match((await shown).text, /evil\.keras holds an entry named "\.\.\/evil\.txt"/);
    assert.deepEqual(readdirSync(dir), ['evil.keras'], 'no output folder appeared');
    assert.equal(existsSync(path.join(path.dirname(dir), 'evil.txt')), false);
  });
});
