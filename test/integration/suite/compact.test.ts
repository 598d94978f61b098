/**
 * Issue 13 in a real VS Code: after Prune Model the notification offers "Export Compact ONNX"; the command
 * runs the worker's compact job with a cancellable progress notification and writes model.compact.onnx
 * into the pruned folder, which loads and runs in onnxruntime-node (here on the test side) and gives the
 * pruned model's outputs; the RGP view of the run shows the file sizes dense → pruned → compact; and
 * "Measure Speed" times the pruned and the compact model in the worker and shows the latency.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { nextEvent, rendered, rgpApi, workspacePath } from './helpers';
import type { PruneSummary } from '../../../src/core/prune/report';
import type { BenchSummary } from '../../../src/jobs/benchModel';
import type { CompactSummary } from '../../../src/jobs/compactModel';
import type { UserMessage } from '../../../src/vscode/userMessages';

const exampleModel = () => workspacePath('examples', 'mnist-mlp', 'model', 'model.json');

describe('Export Compact ONNX and Measure Speed (issue 13)', function () {
  this.timeout(240_000);
  const out = () => workspacePath('generated', 'compact-run');
  let pruned: PruneSummary;
  let pruneMessage: UserMessage;

  before(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const api = await rgpApi();
    rmSync(out(), { recursive: true, force: true });
    const shown = nextEvent(api.onDidShowMessage, (m) => m.severity === 'info' && /masked layers/.test(m.text), 120_000, 'the pruning result');
    const summary = await vscode.commands.executeCommand<PruneSummary | undefined>('rgp.pruneModel', vscode.Uri.file(exampleModel()), { ratio: 0.9375, keepFirst: false, searchSwaps: 500, out: out(), overwrite: true });
    assert.ok(summary, 'the example model was pruned');
    pruned = summary;
    pruneMessage = await shown;
  });

  it('the pruning result offers Export Compact ONNX, and dismissing it starts nothing', async () => {
    assert.ok(pruneMessage.actions?.includes('Export Compact ONNX'), `actions: ${pruneMessage.actions?.join(', ')}`);
    assert.ok(!pruneMessage.actions?.includes('Mask First Layer Too'), 'the first layer is masked already');
    // A dismissed notification answers undefined, which must not match an action that was not offered.
    const api = await rgpApi();
    const started: string[] = [];
    const sub = api.onDidProgress((p) => started.push(p.title));
    await vscode.commands.executeCommand('notifications.clearAll');
    await new Promise((r) => setTimeout(r, 2000));
    sub.dispose();
    assert.deepEqual(started, [], 'no job started');
  });

  it('cancelled, an export leaves no compact model behind', async () => {
    const api = await rgpApi();
    const started = nextEvent(api.onDidProgress, (p) => /^Export compact ONNX/.test(p.title), 60_000, 'the export to start');
    const running = vscode.commands.executeCommand('rgp.exportCompact', vscode.Uri.file(out()));
    await started;
    await vscode.commands.executeCommand('rgp.cancel');
    assert.equal(await running, undefined);
    assert.ok(!existsSync(path.join(out(), 'model.compact.onnx')), 'no compact model');
    assert.deepEqual(readdirSync(out()).filter((f) => /compact|rgp-tmp/.test(f)), [], 'nothing half-written');
  });

  it('writes model.compact.onnx into the pruned folder; it runs in onnxruntime and the view shows the sizes', async () => {
    const api = await rgpApi();
    // Issue 15 item 4: hidden behind another editor and shown again, the run's view is the same page, not a
    // reloaded one (a reloaded page says `ready` before it draws anything), so its scroll and charts stay.
    const readies: string[] = [];
    const readySub = api.onDidReceiveFromWebview((e) => {
      if (e.modelPath === exampleModel() && e.message.type === 'ready') readies.push(e.modelPath);
    });
    const rgpTab = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('rgp.modelView') && t.label === 'RGP · model/model.json');
    const tab = rgpTab();
    assert.ok(tab, 'the pruning run has its view');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(path.join(pruned.outputPath, 'report.md')), { viewColumn: tab.group.viewColumn, preview: false });
    assert.equal(rgpTab()?.isActive, false, 'hidden behind the report');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    assert.equal(rgpTab()?.isActive, true, 'shown again');

    const drawn = rendered(api, exampleModel(), 'compact');
    const progress: string[] = [];
    const sub = api.onDidProgress((p) => progress.push(p.message));
    const shown = nextEvent(api.onDidShowMessage, (m) => /compact model written/.test(m.text), 120_000, 'the export message');
    let c: CompactSummary | undefined;
    try {
      c = await vscode.commands.executeCommand<CompactSummary | undefined>('rgp.exportCompact', vscode.Uri.file(pruned.outputPath), { batch: 8 });
    } finally {
      sub.dispose();
    }
    assert.ok(c, 'the export finished');
    const file = path.join(pruned.outputPath, 'model.compact.onnx');
    assert.equal(c.outputPath, file, 'where rgp compact writes it');
    assert.ok(existsSync(file) && existsSync(path.join(pruned.outputPath, 'model.compact.report.json')));
    assert.ok(progress.length > 1, `progress was reported: ${progress.join(' | ')}`);
    assert.equal(c.bytes.compact, statSync(file).size);
    assert.ok(c.bytes.compact < c.bytes.masked, `compact ${c.bytes.compact} B < pruned ${c.bytes.masked} B`);
    assert.equal(c.layers.length, 2, 'dense_1 and dense_2 masked (first layer masked too)');

    // The compact model loads in onnxruntime-node and answers like the pruned model (converted in memory).
    const ort = require('onnxruntime-node') as typeof import('onnxruntime-node');
    const { openModel } = await import('../../../src/formats');
    const { layersToOnnx } = await import('../../../src/formats/onnx/fromLayers');
    const { encodeModel } = await import('../../../src/formats/onnx/compactModel');
    const { quietContext } = await import('../../../src/core/job');
    const m = await openModel(path.join(pruned.outputPath, 'model.json'), { signal: quietContext.signal });
    const masked = encodeModel(layersToOnnx(m.graph, (w) => {
      const { bytes, byteOffset } = m.weightBytes(w);
      const a = new Float32Array(w.bytes / 4);
      new Uint8Array(a.buffer).set(bytes.subarray(byteOffset, byteOffset + w.bytes));
      return a;
    }).model);
    const x = Float32Array.from({ length: 2 * 784 }, (_, i) => ((i * 7919) % 255) / 255);
    const outputs: Float32Array[] = [];
    for (const model of [await ort.InferenceSession.create(file), await ort.InferenceSession.create(masked)]) {
      const r = await model.run({ [model.inputNames[0]]: new ort.Tensor('float32', x, [2, 784]) });
      outputs.push(r[model.outputNames[0]].data as Float32Array);
      await model.release();
    }
    assert.equal(outputs[0].length, 20);
    for (let i = 0; i < 20; i++) assert.ok(Math.abs(outputs[0][i] - outputs[1][i]) <= 1e-4 * Math.max(1, Math.abs(outputs[1][i])), `output ${i}: ${outputs[0][i]} vs ${outputs[1][i]}`);

    // The RGP view of the run: the three file sizes, each with its figure.
    const view = await drawn;
    readySub.dispose();
    assert.deepEqual(readies, [], 'the view was not reloaded by hiding and showing it');
    assert.equal(view.items, 3);
    assert.deepEqual(view.labels.slice(0, 3), ['dense model', 'pruned (zeros stored)', 'compact ONNX']);
    assert.match(view.labels[5], /^[\d.]+ (B|KiB|MiB) · [\d.]+ %$/, view.labels.join(' | '));
    const message = await shown;
    assert.match(message.text, /^RGP: compact model written: compact-run\/model\.compact\.onnx, [\d.]+ (kB|MB) \([\d.]+ % of the dense file\), [\d,]+ weights stored\.$/);
    assert.deepEqual(message.actions, ['Measure Speed', 'Reveal in Explorer']);
    assert.doesNotMatch(message.text, /--[a-z]/);
  });

  it('Measure Speed times the pruned and the compact model in the worker and the view shows it', async () => {
    const api = await rgpApi();
    const drawn = rendered(api, exampleModel(), 'bench');
    const shown = nextEvent(api.onDidShowMessage, (m) => /the compact model runs at/.test(m.text), 120_000, 'the speed message');
    const b = await vscode.commands.executeCommand<BenchSummary | undefined>('rgp.measureSpeed', vscode.Uri.file(pruned.outputPath), { batches: [1, 8], repeats: 2, warmup: 1 });
    assert.ok(b, 'measured');
    assert.equal(b.compact, path.join(pruned.outputPath, 'model.compact.onnx'));
    assert.deepEqual(b.runs.map((r) => [r.batch, r.threads]), [[1, 1], [8, 1]]);
    for (const r of b.runs) assert.ok(r.denseMs > 0 && (r.compactMs ?? 0) > 0 && r.compactSamplesMs?.length === 2);
    assert.equal((await drawn).items, 2);
    assert.match((await shown).text, /^RGP: the compact model runs at [\d.]+× the speed of the pruned one at batch 8, 1 thread: [\d.]+ ms vs [\d.]+ ms/);
  });

  it('on a folder that no pruning wrote, says so in the editor’s words', async () => {
    const api = await rgpApi();
    const shown = nextEvent(api.onDidShowMessage, (m) => m.severity === 'error', 30_000, 'an error');
    assert.equal(await vscode.commands.executeCommand('rgp.exportCompact', vscode.Uri.file(workspacePath('examples', 'mnist-mlp', 'model'))), undefined);
    const m = await shown;
    assert.match(m.text, /^RGP: .*is not a folder written by Prune Model/);
    assert.doesNotMatch(m.text, /--[a-z]|rgp prune/);
  });
});
