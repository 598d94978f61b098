/**
 * "RGP: Run Ratio Experiment" for real inside VS Code: the worker trains the example MNIST model masked at
 * two ratios by a searched and a ring-lattice graph (on a slice of the real digits, one epoch), the RGP view
 * beside the model draws each run as it finishes, the status bar keeps the best cell, and results.json +
 * results.csv land beside the model. A cancelled sweep leaves no folder; an output inside the model folder
 * is refused before anything runs.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { errorShown, nextEvent, rgpApi, workspacePath } from './helpers';
import type { SweepResult } from '../../../src/core/train/results';
import type { WebviewToHost } from '../../../src/protocol/webview';

type Rendered = Extract<WebviewToHost, { type: 'rendered' }>;

const siblings = (dir: string) => {
  mkdirSync(path.dirname(dir), { recursive: true });
  return readdirSync(path.dirname(dir)).sort();
};

describe('RGP: Run Ratio Experiment', () => {
  const modelPath = () => workspacePath('examples', 'mnist-mlp', 'model', 'model.json');
  const dataset = () => workspacePath('examples', 'mnist-mlp', 'mnist.dataset.json');

  it('sweeps 2 ratios × searched/ring on MNIST and draws every run live beside the model', async () => {
    const api = await rgpApi();
    const model = modelPath();
    const before = readFileSync(path.join(path.dirname(model), 'weights.bin'));
    const out = workspacePath('generated', 'sweep-small');
    const drawn: Rendered[] = [];
    const sub = api.onDidReceiveFromWebview((e) => {
      if (e.modelPath === model && e.message.type === 'rendered' && e.message.view === 'experiment') drawn.push(e.message);
    });
    const final = nextEvent(api.onDidReceiveFromWebview, (e) => e.modelPath === model && e.message.type === 'rendered' && e.message.view === 'experiment' && e.message.items === 4, 90_000, 'the experiment view with 4 runs');
    const progress: string[] = [];
    const progressSub = api.onDidProgress((p) => progress.push(p.message));
    const result = (await vscode.commands.executeCommand('rgp.runExperiment', vscode.Uri.file(model), {
      dataset: dataset(),
      datasetLimit: 1000,
      epochs: 1,
      ratios: [0.875, 0.9375],
      graphs: ['searched', 'ring'],
      dense: false,
      seeds: [1],
      searchSwaps: 2000,
      out,
    })) as SweepResult | undefined;
    assert.ok(result, 'the command returned the sweep result');
    assert.equal(result.runs.length, 4);
    assert.deepEqual(result.runs.map((r) => [r.ratio, r.graph, r.k]), [[0.875, 'searched', 8], [0.875, 'ring', 8], [0.9375, 'searched', 4], [0.9375, 'ring', 4]]);
    for (const r of result.runs) {
      assert.ok(r.testAccuracy > 0.1 && r.testAccuracy <= 1, `a trained run predicts better than chance on 10 classes (${r.testAccuracy})`);
      assert.equal(r.curve.length, 1, 'one epoch');
    }
    const searched = result.runs.find((r) => r.graph === 'searched' && r.k === 4)!;
    const ring = result.runs.find((r) => r.graph === 'ring' && r.k === 4)!;
    assert.ok(searched.aspl! < ring.aspl!, 'the searched graph has the lower ASPL');

    assert.deepEqual(result.files, [path.join(out, 'results.json'), path.join(out, 'results.csv')]);
    const json = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as SweepResult;
    assert.equal(json.format, 'rgp-sweep-results');
    assert.equal(json.runs.length, 4);
    const csv = readFileSync(path.join(out, 'results.csv'), 'utf8').trim().split('\n');
    assert.equal(csv.length, 1 + 4, 'a header and one row per run');
    assert.match(csv[0]!, /^ratio,graph,seed/);
    assert.deepEqual(readFileSync(path.join(path.dirname(model), 'weights.bin')), before, 'the input is untouched');

    const view = await final;
    sub.dispose();
    progressSub.dispose();
    // rgp.workers defaults to one cell per core: on a machine with two or more, a second worker ran cells.
    if (availableParallelism() >= 2) assert.ok(progress.some((m) => /cells · worker 2: /.test(m)), `a second worker ran cells (${progress.slice(-3).join(' | ')})`);
    const counts = drawn.map((d) => d.items);
    for (const n of [1, 2, 3]) assert.ok(counts.includes(n), `the view drew the sweep after run ${n}, while it ran (drawn: ${counts.join(', ')})`);
    assert.ok(view.message.type === 'rendered' && view.message.labels.some((l) => /accuracy/i.test(l)) && view.message.labels.some((l) => /ASPL/.test(l)), 'accuracy vs ratio and vs ASPL are drawn with labelled axes');
    // Issue 15 item 12: one name ("ratio experiment", as the command) and one precision (93.75 %).
    assert.match(api.statusBarText(), /ratio experiment 4 runs · best \d+(\.\d+)? % @ (87\.5|93\.75) %/);
  });

  it('cancelled mid-sweep, leaves no output folder and no temporary folder', async () => {
    const api = await rgpApi();
    const out = workspacePath('generated', 'sweep-cancelled');
    const before = siblings(out);
    const training = nextEvent(api.onDidProgress, (p) => /run \d+\/\d+ .*epoch/.test(p.message), 90_000, 'the first run to train');
    const running = vscode.commands.executeCommand('rgp.runExperiment', vscode.Uri.file(modelPath()), {
      dataset: dataset(),
      epochs: 50,
      ratios: [0.875, 0.9375],
      graphs: ['searched', 'ring'],
      dense: true,
      seeds: [1, 2],
      searchSwaps: 2000,
      out,
    });
    const p = await training;
    await vscode.commands.executeCommand('rgp.cancel');
    assert.equal(await running, undefined, `no result after cancelling at "${p.message}"`);
    for (let i = 0; i < 100 && api.liveWorkers() > 0; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(api.liveWorkers(), 0, 'the worker thread has exited');
    assert.equal(existsSync(out), false, 'no output folder');
    assert.deepEqual(siblings(out), before, 'nothing was written next to the output');
    assert.match(api.statusBarText(), /cancelled/);
  });

  it('asks for what it was not given: defaults from the settings first, then the last answer', async () => {
    const model = modelPath();
    const cfg = () => vscode.workspace.getConfiguration('rgp');
    const given = (out: string) => ({ dataset: dataset(), datasetLimit: 500, ratios: [0.9375], seeds: [1], searchSwaps: 500, out: workspacePath('generated', out) });
    // Accepts whatever prompt is open (the graph kinds, then the epochs) with its preselected answer.
    const answeringDefaults = async (run: Thenable<unknown>) => {
      let settled = false;
      const result = Promise.resolve(run).finally(() => (settled = true));
      while (!settled) {
        await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
        await new Promise((r) => setTimeout(r, 200));
      }
      return (await result) as SweepResult | undefined;
    };
    const target = vscode.ConfigurationTarget.Workspace;
    try {
      await cfg().update('experiment.graphs', ['ring'], target);
      await cfg().update('experiment.dense', false, target);
      await cfg().update('experiment.epochs', 2, target);
      const first = await answeringDefaults(vscode.commands.executeCommand('rgp.runExperiment', vscode.Uri.file(model), given('sweep-prompted-1')));
      assert.ok(first, 'the prompted sweep ran');
      assert.deepEqual(first.graphs, ['ring'], 'graph kinds from rgp.experiment.graphs');
      assert.deepEqual(first.runs.map((r) => r.curve.length), [2], 'epochs from rgp.experiment.epochs');

      await cfg().update('experiment.graphs', ['searched', 'random'], target);
      await cfg().update('experiment.dense', true, target);
      await cfg().update('experiment.epochs', 3, target);
      const second = await answeringDefaults(vscode.commands.executeCommand('rgp.runExperiment', vscode.Uri.file(model), given('sweep-prompted-2')));
      assert.ok(second, 'the second prompted sweep ran');
      assert.deepEqual(second.graphs, ['ring'], 'the last answer wins over the setting');
      assert.deepEqual(second.runs.map((r) => r.curve.length), [2], 'the last epochs win over the setting');
    } finally {
      for (const k of ['experiment.graphs', 'experiment.dense', 'experiment.epochs']) await cfg().update(k, undefined, target);
    }
  });

  it('refuses an output folder inside the model folder before training', async () => {
    const api = await rgpApi();
    const model = modelPath();
    const inside = path.join(path.dirname(model), 'results');
    const shown = errorShown(api);
    const result = await vscode.commands.executeCommand('rgp.runExperiment', vscode.Uri.file(model), { dataset: dataset(), epochs: 1, ratios: [0.875], graphs: ['ring'], seeds: [1], out: inside });
    assert.equal(result, undefined);
    assert.match((await shown).text, /^RGP: The output folder \S+ lies inside an input of this job \(\S+\)\./);
    assert.equal(existsSync(inside), false);
  });
});
