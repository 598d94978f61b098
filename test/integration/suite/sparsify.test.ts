/**
 * "RGP: Compare Sparsification" for real inside VS Code, on the email-Eu-core preset (node classification,
 * 42 departments): a sparse-training method and RGP's regular-graph mask at one sparsity, one seed, a few
 * epochs. The worker streams each run to the RGP view, which draws accuracy vs sparsity and vs training
 * FLOPs; results.json + results.csv are written to the chosen folder; the status bar names the best cell.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { errorShown, nextEvent, rgpApi, workspacePath } from './helpers';
import type { SparsifyResult } from '../../../src/core/sparse/results';

describe('RGP: Compare Sparsification', () => {
  it('compares RigL and the RGP mask on email-Eu-core and draws them beside the code', async () => {
    const api = await rgpApi();
    const edges = workspacePath('data', 'snap', 'email-Eu-core.txt.gz');
    const out = workspacePath('generated', 'sparsify-small');
    const drawn = nextEvent(api.onDidReceiveFromWebview, (e) => e.modelPath === edges && e.message.type === 'rendered' && e.message.view === 'sparsify' && e.message.items === 2, 90_000, 'the sparsify view with 2 runs');
    const result = (await vscode.commands.executeCommand('rgp.compareSparsification', undefined, {
      dataset: 'email-eu-core',
      model: 'mlp',
      methods: ['rigl', 'rgp'],
      sparsities: [0.9375],
      seeds: [1],
      epochs: 3,
      out,
    })) as SparsifyResult | undefined;
    assert.ok(result, 'the command returned the comparison');
    assert.equal(result.dataset, 'email-Eu-core');
    assert.equal(result.task, 'node');
    assert.deepEqual(result.runs.map((r) => [r.method, r.sparsity, r.seed]), [['rigl', 0.9375, 1], ['rgp', 0.9375, 1]]);
    for (const r of result.runs) {
      assert.ok(r.finalSparsity > 0.9 && r.finalSparsity < 1, `${r.method} ends sparse (${r.finalSparsity})`);
      assert.ok(r.trainingFlops > 0 && r.accuracy >= 0 && r.accuracy <= 1);
    }
    assert.deepEqual(result.files, [path.join(out, 'results.json'), path.join(out, 'results.csv')]);
    const json = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as SparsifyResult;
    assert.equal(json.format, 'rgp-sparsify-results');
    assert.equal(json.runs.length, 2);
    assert.equal(readFileSync(path.join(out, 'results.csv'), 'utf8').trim().split('\n').length, 1 + 2, 'a header and one row per run');

    const view = await drawn;
    assert.ok(view.message.type === 'rendered' && view.message.labels.some((l) => /accuracy/.test(l)) && view.message.labels.some((l) => /FLOPs/.test(l)), 'accuracy vs sparsity and vs training FLOPs are drawn');
    assert.match(api.statusBarText(), /sparsify email-Eu-core · 2 runs · best (rigl|rgp) \d+\.\d+ % @ 93\.75 %/);
  });

  it('says what is missing for node classification on an edge list without labels', async () => {
    const api = await rgpApi();
    const shown = errorShown(api);
    const out = workspacePath('generated', 'sparsify-nolabels');
    const result = await vscode.commands.executeCommand('rgp.compareSparsification', vscode.Uri.file(workspacePath('data', 'snap', 'email-Eu-core.txt.gz')), { task: 'node', model: 'mlp', methods: ['rgp'], sparsities: [0.5], seeds: [1], epochs: 1, out });
    assert.equal(result, undefined);
    assert.match((await shown).text, /needs a labels file/);
  });
});
