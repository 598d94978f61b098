/**
 * "RGP: Show Graph Structure" inside a real VS Code: for an unpruned model the worker searches the
 * graph pruning would use (n, k from the ratio) and the view draws it; for a pruning run's folder the
 * graph it was pruned with is read back; Prune Model posts its graph too. Bad choices are clear errors.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import * as path from 'node:path';
import { errorShown, nextEvent, openInEditor, rendered, rgpApi, workspacePath } from './helpers';
import type { PruneSummary } from '../../../src/core/prune/report';
import type { TopologyGraph } from '../../../src/protocol/webview';

function assertRegular(g: TopologyGraph): void {
  assert.equal(g.adjacency.length, g.n * g.k);
  for (let v = 0; v < g.n; v++) {
    for (const w of g.adjacency.slice(v * g.k, (v + 1) * g.k)) {
      assert.ok(w !== v && g.adjacency.slice(w * g.k, (w + 1) * g.k).includes(v), `edge ${v}–${w} both ways`);
    }
  }
}

describe('RGP: Show Graph Structure', () => {
  it('is a palette command under the RGP category', async () => {
    await rgpApi();
    assert.ok((await vscode.commands.getCommands(true)).includes('rgp.showGraph'));
  });

  it('searches the graph pruning would use for the example model, and the view draws it', async () => {
    const api = await rgpApi();
    const modelPath = workspacePath('examples', 'mnist-mlp', 'model', 'model.json');
    await openInEditor(modelPath);
    const posted = nextEvent(api.onDidShowTopology, (e) => e.modelPath === modelPath, 60_000, 'the topology to be posted');
    const asplChart = rendered(api, modelPath, 'aspl');
    const drawn = rendered(api, modelPath, 'topology');
    const g = (await vscode.commands.executeCommand('rgp.showGraph', undefined, { ratio: 0.9375, groups: 64, seed: 2, searchSeconds: 0.5 })) as TopologyGraph;
    assert.ok(g, 'the command returned the graph');
    assert.deepEqual([g.n, g.k], [64, 4]);
    assertRegular(g);
    assert.ok(g.aspl >= 2.857 && g.aspl < 4, `ASPL ${g.aspl} is at or above the Moore bound`);
    assert.match(g.label, /seed 2/);
    assert.deepEqual((await posted).graph, g, 'the view was sent this graph');
    assert.ok((await asplChart).labels.includes('ASPL'), 'the search was drawn live');
    const view = await drawn;
    assert.equal(view.view, 'topology');
    assert.equal(view.items, 64, 'one node per channel group');
    assert.ok(view.labels.includes('n = 64') && view.labels.includes('k = 4'), `the view names n and k (${view.labels.join(', ')})`);
    assert.match(api.statusBarText(), /n 64 · k 4 · ASPL \d\.\d{3}/);
  });

  it('shows the graph a pruned model was pruned with — posted after Prune Model, read back later', async () => {
    const api = await rgpApi();
    const modelPath = workspacePath('examples', 'mnist-mlp', 'model', 'model.json');
    const out = workspacePath('generated', 'showgraph-pruned');
    const afterPrune = nextEvent(api.onDidShowTopology, (e) => e.modelPath === modelPath, 60_000, 'the run’s topology');
    const summary = (await vscode.commands.executeCommand('rgp.pruneModel', vscode.Uri.file(modelPath), { ratio: 0.875, searchSeconds: 0.3, out })) as PruneSummary;
    assert.ok(summary, 'pruned');
    const run = (await afterPrune).graph;
    assert.deepEqual([run.n, run.k, run.aspl], [summary.graph.n, summary.graph.k, summary.graph.aspl]);
    assertRegular(run);

    const prunedModel = path.join(out, 'model.json');
    const drawn = rendered(api, prunedModel, 'topology');
    const g = (await vscode.commands.executeCommand('rgp.showGraph', vscode.Uri.file(prunedModel))) as TopologyGraph;
    assert.ok(g, 'no prompt was needed: the folder has its graph');
    assert.deepEqual(g, run, 'the same graph as the run used');
    assert.match(g.label, /pruned with this graph · seed 1/);
    assert.equal((await drawn).items, run.n);
    // From the explorer, on the run's graph.json.
    const again = (await vscode.commands.executeCommand('rgp.showGraph', vscode.Uri.file(path.join(out, 'graph.json')))) as TopologyGraph;
    assert.deepEqual(again.adjacency, run.adjacency);
  });

  it('refuses a node count larger than the narrowest masked layer, and a file that is not a model', async () => {
    const api = await rgpApi();
    let shown = errorShown(api);
    const modelPath = workspacePath('examples', 'mnist-mlp', 'model', 'model.json');
    assert.equal(await vscode.commands.executeCommand('rgp.showGraph', vscode.Uri.file(modelPath), { ratio: 0.9, groups: 200, searchSeconds: 0 }), undefined);
    assert.match((await shown).text, /node count n must be an integer from 2 to 128 for this model, got 200/);
    shown = errorShown(api);
    assert.equal(await vscode.commands.executeCommand('rgp.showGraph', vscode.Uri.file(workspacePath('fixtures', 'not-a-model.json')), { ratio: 0.9, groups: 8 }), undefined);
    assert.match((await shown).text, /not a TF\.js layers model/);
  });
});
