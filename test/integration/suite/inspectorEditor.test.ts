/**
 * The "RGP Model Inspector" custom editor inside a real VS Code: offered through "Open With…" but not
 * the default for JSON, draws the model's layers from the worker's inspection, acts as the target of
 * palette commands while in front, and a hostile model file gives a clear error without breaking it.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, errorShown, nextEvent, rendered, rgpApi, workspacePath } from './helpers';
import type { TopologyGraph } from '../../../src/protocol/webview';

const VIEW_TYPE = 'rgp.modelInspector';

function activeTabInput(): unknown {
  return vscode.window.tabGroups.activeTabGroup.activeTab?.input;
}

describe('RGP Model Inspector (custom editor)', () => {
  // Each test starts from an empty editor area: webviews left open by earlier suites would otherwise
  // load alongside the inspector's (code-server then occasionally fails to serve one page's resources).
  beforeEach(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('is contributed as an optional editor for JSON, so model.json still opens as text', async () => {
    await rgpApi();
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as {
      contributes: { customEditors: { viewType: string; priority: string; selector: { filenamePattern: string }[] }[] };
    };
    const editor = pkg.contributes.customEditors.find((e) => e.viewType === VIEW_TYPE);
    assert.ok(editor, 'the custom editor is contributed');
    assert.equal(editor.priority, 'option');
    await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(workspacePath('examples', 'mnist-mlp', 'model', 'model.json')));
    assert.ok(activeTabInput() instanceof vscode.TabInputText, 'the default editor is the text editor');
  });

  it('opens the example model with "Open With…" and draws its layers', async () => {
    const api = await rgpApi();
    const modelPath = workspacePath('examples', 'mnist-mlp', 'model', 'model.json');
    const drawn = rendered(api, modelPath, 'layers');
    const inspected = nextEvent(api.onDidInspectInEditor, (e) => e.modelPath === modelPath, 60_000, 'the inspector to finish');
    await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(modelPath), VIEW_TYPE);
    const input = activeTabInput();
    assert.ok(input instanceof vscode.TabInputCustom && input.viewType === VIEW_TYPE, 'the inspector is the active tab');
    const result = await inspected;
    assert.equal(result.error, undefined);
    assert.equal(result.summary?.totalParams, 235_146);
    const view = await drawn;
    assert.equal(view.items, 3, 'one bar per layer');
    for (const l of ['dense_1', 'dense_2', 'dense_3']) assert.ok(view.labels.includes(l), `the chart names ${l}`);
  });

  it('is the model a palette command acts on while it is in front', async () => {
    const api = await rgpApi();
    const modelPath = workspacePath('examples', 'mnist-mlp', 'model', 'model.json');
    await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(modelPath), VIEW_TYPE);
    const posted = nextEvent(api.onDidShowTopology, () => true, 60_000, 'a topology');
    const g = (await vscode.commands.executeCommand('rgp.showGraph', undefined, { ratio: 0.875, groups: 16, searchSeconds: 0.2 })) as TopologyGraph | undefined;
    assert.ok(g, 'the command found the model without a picker');
    assert.deepEqual([g.n, g.k], [16, 2]);
    assert.equal((await posted).modelPath, modelPath);
  });

  it('says clearly what is wrong with a hostile model file, and keeps working', async () => {
    const api = await rgpApi();
    const hostile = workspacePath('fixtures', 'hostile', 'model.json');
    const shown = errorShown(api);
    const failed = nextEvent(api.onDidInspectInEditor, (e) => e.modelPath === hostile, 60_000, 'the hostile inspection to end');
    await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(hostile), VIEW_TYPE);
    assert.match((await shown).text, /"\.\.\/secret\.bin".*climbs out of the model folder/);
    assert.match((await failed).error ?? '', /climbs out of the model folder/);
    assert.equal((await failed).summary, undefined);

    const tiny = workspacePath('fixtures', 'tiny', 'model.json');
    const drawn = rendered(api, tiny, 'layers');
    await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(tiny), VIEW_TYPE);
    assert.equal((await drawn).items, 2, 'the next model opens normally');
    for (let i = 0; i < 100 && api.liveWorkers() > 0; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(api.liveWorkers(), 0, 'no worker thread is left behind');
  });
});
