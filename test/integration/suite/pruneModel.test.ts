/**
 * "RGP: Prune Model" for real inside VS Code: the worker plans the masks, searches the graph and writes
 * a new model folder beside the input; the view beside the editor draws the ASPL history and the
 * per-layer sparsity; the status bar shows the result. Bad input and cancellation leave nothing behind.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { errorShown, nextEvent, openInEditor, rendered, rgpApi, workspacePath } from './helpers';
import type { PruneSummary } from '../../../src/core/prune/report';

const siblings = (dir: string) => {
  mkdirSync(path.dirname(dir), { recursive: true });
  return readdirSync(path.dirname(dir)).sort();
};

describe('RGP: Prune Model', () => {
  it('prunes the example model to 93.75 % and shows the graph search and sparsity beside the code', async () => {
    const api = await rgpApi();
    const modelPath = workspacePath('examples', 'mnist-mlp', 'model', 'model.json');
    const before = readFileSync(path.join(path.dirname(modelPath), 'weights.bin'));
    await openInEditor(modelPath);
    const aspl = rendered(api, modelPath, 'aspl');
    const sparsity = rendered(api, modelPath, 'sparsity');
    const out = workspacePath('generated', 'mnist-rgp-93');
    const summary = (await vscode.commands.executeCommand('rgp.pruneModel', undefined, { ratio: 0.9375, searchSeconds: 1, out, keepFirst: false })) as PruneSummary;
    assert.ok(summary, 'the command returned the pruning summary');
    assert.equal(summary.outputPath, out);
    assert.equal(summary.ratio.achieved, 0.9375);
    assert.deepEqual([summary.graph.n, summary.graph.k], [64, 4]);
    assert.ok(summary.graph.aspl < summary.graph.initialAspl, 'the search lowered the ASPL');
    for (const f of ['model.json', 'weights.bin', 'masks.json', 'graph.json', 'report.json', 'report.md']) assert.ok(existsSync(path.join(out, f)), `${f} written`);
    assert.deepEqual(readFileSync(path.join(path.dirname(modelPath), 'weights.bin')), before, 'the input is untouched');

    const asplView = await aspl;
    assert.ok(asplView.labels.includes('ASPL') && asplView.labels.includes('seconds'), 'the ASPL chart has labelled axes');
    assert.ok(asplView.labels.some((l) => l.startsWith('Moore bound 2.857')), `the Moore bound is drawn (${asplView.labels.join(', ')})`);
    const sparsityView = await sparsity;
    assert.equal(sparsityView.items, 3);
    assert.match(api.statusBarText(), /93\.8 % pruned · ASPL 2\.\d{3}/);
  });

  it('refuses a hostile model with a clear message and writes nothing', async () => {
    const api = await rgpApi();
    const modelPath = workspacePath('fixtures', 'hostile', 'model.json');
    const before = siblings(path.dirname(modelPath));
    const shown = errorShown(api);
    const result = await vscode.commands.executeCommand('rgp.pruneModel', vscode.Uri.file(modelPath), { ratio: 0.5, searchSeconds: 0 });
    assert.equal(result, undefined);
    assert.match((await shown).text, /climbs out of the model folder/);
    assert.deepEqual(siblings(path.dirname(modelPath)), before, 'no output folder appeared');
  });

  it('says what is wrong with an impossible ratio', async () => {
    const api = await rgpApi();
    const shown = errorShown(api);
    await vscode.commands.executeCommand('rgp.pruneModel', vscode.Uri.file(workspacePath('fixtures', 'tiny', 'model.json')), { ratio: 1.5 });
    assert.match((await shown).text, /ratio/i);
  });

  it('cancelled during the graph search, leaves no output and no temporary folder', async () => {
    const api = await rgpApi();
    const modelPath = workspacePath('examples', 'mnist-mlp', 'model', 'model.json');
    const out = workspacePath('generated', 'cancelled-prune');
    const before = siblings(out);
    const searching = nextEvent(api.onDidProgress, (p) => /graph search/.test(p.message), 60_000, 'the graph search to start');
    const running = vscode.commands.executeCommand('rgp.pruneModel', vscode.Uri.file(modelPath), { ratio: 0.9375, searchSwaps: 100_000_000, searchSeconds: 60, out, keepFirst: false });
    await searching;
    await vscode.commands.executeCommand('rgp.cancel');
    assert.equal(await running, undefined);
    for (let i = 0; i < 100 && api.liveWorkers() > 0; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(api.liveWorkers(), 0, 'the worker thread has exited');
    assert.deepEqual(siblings(out), before, 'nothing was written next to the output');
    assert.match(api.statusBarText(), /cancelled/);
  });
});
