/**
 * "RGP: Inspect Model" run for real inside VS Code on real model files: the worker reads the model, the
 * webview beside the editor draws it and says so, the status bar shows the result, and bad input ends
 * in a clear message with the extension still working.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { errorShown, openInEditor, rendered, rgpApi, workspacePath } from './helpers';
import type { ModelSummary } from '../../../src/core/model/layerSummary';

describe('RGP: Inspect Model', () => {
  it('is contributed with the other commands under the RGP category', async () => {
    await rgpApi();
    const commands = await vscode.commands.getCommands(true);
    for (const c of ['rgp.pruneModel', 'rgp.inspectModel', 'rgp.cancel', 'rgp.showLog']) assert.ok(commands.includes(c), `${c} is registered`);
    const pkg = vscode.extensions.getExtension('rgp-tools.rgp-vscode')!.packageJSON as {
      contributes: { commands: { command: string; title: string; category: string }[] };
    };
    const titles = pkg.contributes.commands.map((c) => `${c.category}: ${c.title}`);
    assert.equal(titles[0], 'RGP: Prune Model');
    assert.ok(titles.includes('RGP: Inspect Model'));
  });

  it('summarises the example model from the active editor and shows it beside the code', async () => {
    const api = await rgpApi();
    const modelPath = workspacePath('examples', 'mnist-mlp', 'model', 'model.json');
    const editor = await openInEditor(modelPath);
    const drawn = rendered(api, modelPath);
    const summary = (await vscode.commands.executeCommand('rgp.inspectModel')) as ModelSummary | undefined;
    assert.ok(summary, 'the command returned a summary');
    assert.equal(summary.layers.length, 3);
    assert.deepEqual(summary.layers.map((l) => l.className), ['Dense', 'Dense', 'Dense']);
    assert.equal(summary.totalParams, 784 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10);
    const view = await drawn;
    assert.equal(view.view, 'layers');
    assert.equal(view.items, 3, 'one bar per layer with weights');
    assert.ok(view.labels.includes('parameters'), 'the x axis is labelled');
    for (const l of summary.layers) assert.ok(view.labels.includes(l.name), `the chart names ${l.name}`);
    assert.match(api.statusBarText(), /3 layers · 235 k params/);
    // The view opened beside the editor, which kept its column.
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => ({ label: t.label, column: g.viewColumn })));
    const webviewTab = tabs.find((t) => t.label === 'RGP · model/model.json');
    assert.ok(webviewTab, `an RGP tab is open (tabs: ${tabs.map((t) => t.label).join(', ')})`);
    assert.notEqual(webviewTab.column, editor.viewColumn);
  });

  it('takes the model from an explorer argument too', async () => {
    const api = await rgpApi();
    const modelPath = workspacePath('fixtures', 'tiny', 'model.json');
    const drawn = rendered(api, modelPath);
    const summary = (await vscode.commands.executeCommand('rgp.inspectModel', vscode.Uri.file(modelPath))) as ModelSummary;
    assert.equal(summary.totalParams, 23);
    assert.equal(summary.layers[0].zeroFraction, 3 / 15);
    assert.equal((await drawn).items, 2);
  });

  it('says clearly that a JSON file is not a model, and keeps working', async () => {
    const api = await rgpApi();
    const shown = errorShown(api);
    const result = await vscode.commands.executeCommand('rgp.inspectModel', vscode.Uri.file(workspacePath('fixtures', 'not-a-model.json')));
    assert.equal(result, undefined);
    assert.match((await shown).text, /not a TF\.js layers model.*modelTopology/);
    const again = (await vscode.commands.executeCommand('rgp.inspectModel', vscode.Uri.file(workspacePath('fixtures', 'tiny', 'model.json')))) as ModelSummary;
    assert.equal(again.totalParams, 23, 'a second command after the error succeeds');
  });

  it('refuses a manifest that climbs out of the model folder', async () => {
    const api = await rgpApi();
    const shown = errorShown(api);
    await vscode.commands.executeCommand('rgp.inspectModel', vscode.Uri.file(workspacePath('fixtures', 'hostile', 'model.json')));
    assert.match((await shown).text, /"\.\.\/secret\.bin".*climbs out of the model folder/);
  });

  it('reports a truncated shard with the byte counts', async () => {
    const api = await rgpApi();
    const shown = errorShown(api);
    await vscode.commands.executeCommand('rgp.inspectModel', vscode.Uri.file(workspacePath('fixtures', 'truncated', 'model.json')));
    assert.match((await shown).text, /holds 60 bytes but its manifest describes 92 — a shard is truncated/);
  });

  it('reports a missing file', async () => {
    const api = await rgpApi();
    const shown = errorShown(api);
    await vscode.commands.executeCommand('rgp.inspectModel', vscode.Uri.file(workspacePath('fixtures', 'nowhere', 'model.json')));
    assert.match((await shown).text, /Cannot read .*nowhere.*no such file/);
  });
});
