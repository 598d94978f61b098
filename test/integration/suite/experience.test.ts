/**
 * What a new user trips over (issue 15), each checked in a real VS Code: prompts that just work with
 * Enter, re-running a pruning without dead ends, a headline that says what the model gained, broken and
 * already-pruned models reported before any prompt, n chosen for narrow models, a deterministic graph
 * search that stops at the Moore bound, commands on model files only, one RGP column, and a cancelled
 * experiment that keeps its finished runs.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { errorShown, nextEvent, openInEditor, rgpApi, workspacePath } from './helpers';
import type { PruneSummary } from '../../../src/core/prune/report';
import type { TopologyGraph } from '../../../src/protocol/webview';
import type { ShownPrompt } from '../../../src/vscode/promptLog';
import type { UserMessage } from '../../../src/vscode/userMessages';

const exampleModel = () => workspacePath('examples', 'mnist-mlp', 'model', 'model.json');

/** Presses Enter on whatever quick pick or input box is open until the command settles. */
async function answeringDefaults<T>(run: Thenable<unknown>): Promise<T> {
  let settled = false;
  const result = Promise.resolve(run).finally(() => (settled = true));
  while (!settled) {
    await new Promise((r) => setTimeout(r, 250));
    if (!settled) await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
  }
  return (await result) as T;
}

/** The RGP CodeLens titles of a file opened in an editor, polled until `want` holds (or 5 s). */
async function lensTitles(file: string, want: (titles: string[]) => boolean): Promise<string[]> {
  await openInEditor(file);
  let titles: string[] = [];
  for (let i = 0; i < 50; i++) {
    const all = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', vscode.Uri.file(file), 10)) ?? [];
    titles = all.filter((l) => l.command?.command.startsWith('rgp.')).map((l) => l.command!.title);
    if (want(titles)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return titles;
}

/** Every message shown while `run` runs. */
async function messagesDuring<T>(run: () => Thenable<T>): Promise<{ result: T; messages: UserMessage[] }> {
  const api = await rgpApi();
  const messages: UserMessage[] = [];
  const sub = api.onDidShowMessage((m) => messages.push(m));
  try {
    return { result: await run(), messages };
  } finally {
    sub.dispose();
  }
}

/** A copy of the tiny fixture model under generated/, edited by `edit` (model.json as an object). */
function tinyCopy(name: string, edit: (model: { weightsManifest: { weights: { shape: number[] }[] }[] }) => void = () => {}): string {
  const dir = workspacePath('generated', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.dirname(dir), { recursive: true });
  cpSync(workspacePath('fixtures', 'tiny'), dir, { recursive: true });
  const file = path.join(dir, 'model.json');
  const model = JSON.parse(readFileSync(file, 'utf8'));
  edit(model);
  writeFileSync(file, JSON.stringify(model, null, 1));
  return file;
}

describe('The first-run experience (issue 15)', function () {
  this.timeout(180_000);
  beforeEach(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('2 · the ratio prompt preselects 93.75 %, so Enter prunes at RGP’s setting', async () => {
    const out = workspacePath('generated', 'enter-prunes');
    rmSync(out, { recursive: true, force: true });
    const summary = await answeringDefaults<PruneSummary | undefined>(vscode.commands.executeCommand('rgp.pruneModel', vscode.Uri.file(exampleModel()), { out, searchSwaps: 2000 }));
    assert.ok(summary, 'Enter on the ratio prompt pruned the model');
    assert.equal(summary.ratio.requested, 0.9375);
  });

  it('1, 3, 12 · re-running with other settings gets its own folder, and the headline leads with the whole model', async () => {
    const first = await messagesDuring(() => vscode.commands.executeCommand<PruneSummary | undefined>('rgp.pruneModel', vscode.Uri.file(exampleModel()), { ratio: 0.9375, seed: 11, searchSwaps: 2000 }));
    const second = await messagesDuring(() => vscode.commands.executeCommand<PruneSummary | undefined>('rgp.pruneModel', vscode.Uri.file(exampleModel()), { ratio: 0.9375, seed: 12, searchSwaps: 2000 }));
    assert.ok(first.result && second.result, `both runs finished: ${[...first.messages, ...second.messages].map((m) => m.text).join(' | ')}`);
    assert.notEqual(first.result.outputPath, second.result.outputPath, 'different seeds write different folders');
    assert.match(path.basename(first.result.outputPath), /^model-rgp-0\.9375-seed11-swaps2000$/);
    const info = first.messages.find((m) => m.severity === 'info');
    assert.ok(info, 'a closing notification');
    assert.match(info.text, /^RGP: parameters −\d+(\.\d+)? % \(.* nonzero\), MACs −/, info.text);
    assert.match(info.text, /masked layers 93\.75 % pruned/);
    assert.match(info.text, /dense_1 \(first layer, 85\.\d+ % of the weights\) and dense_3 \(last layer, 0\.\d+ % of the weights\) stay dense, as RGP does/);
    assert.ok(info.actions?.includes('Mask First Layer Too'), `actions: ${info.actions?.join(', ')}`);
    const api = await rgpApi();
    assert.match(api.statusBarText(), /^\$\(graph\) RGP: params −\d+(\.\d+)? % · MACs −\d+(\.\d+)? % · masked layers 93\.75 %$/);
    // The same settings again, overwriting, succeeds (the experiment commands' Overwrite).
    const again = await vscode.commands.executeCommand<PruneSummary | undefined>('rgp.pruneModel', vscode.Uri.file(exampleModel()), { ratio: 0.9375, seed: 11, searchSwaps: 2000, out: first.result.outputPath, overwrite: true });
    assert.equal(again?.outputPath, first.result.outputPath);
  });

  it('1 · an occupied folder given by the caller is refused without a CLI flag in the message', async () => {
    const api = await rgpApi();
    const out = workspacePath('generated', 'occupied');
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, 'keep.txt'), 'mine');
    const shown = errorShown(api);
    await vscode.commands.executeCommand('rgp.pruneModel', vscode.Uri.file(exampleModel()), { ratio: 0.9375, searchSwaps: 100, out });
    const m = await shown;
    assert.match(m.text, /^RGP: /);
    assert.doesNotMatch(m.text, /--[a-z]/, `no CLI flag: ${m.text}`);
    assert.equal(readFileSync(path.join(out, 'keep.txt'), 'utf8'), 'mine');
  });

  it('8 · a model.json whose shape was edited is reported before any prompt, as model.json disagreeing with itself', async () => {
    const api = await rgpApi();
    const broken = tinyCopy('broken-shape', (m) => (m.weightsManifest[0].weights[0].shape = [4, 4]));
    const shown = errorShown(api);
    // No ratio given: had it prompted, the command would wait for an answer.
    const result = await vscode.commands.executeCommand('rgp.pruneModel', vscode.Uri.file(broken));
    assert.equal(result, undefined);
    const m = await shown;
    assert.match(m.text, /^RGP: model\.json disagrees with itself: layer "dense_a" \(Dense\) has kernel of shape \[4, 4\]/);
    assert.doesNotMatch(m.text, /restore the missing shard/);
    assert.ok(m.actions?.includes('Open model.json'), `actions: ${m.actions?.join(', ')}`);
    const problems = vscode.languages.getDiagnostics(vscode.Uri.file(broken)).filter((d) => d.source === 'RGP');
    assert.equal(problems.length, 1, 'one problem in the Problems panel');
    assert.equal(problems[0].severity, vscode.DiagnosticSeverity.Error);
    const text = readFileSync(broken, 'utf8').split('\n');
    assert.match(text[problems[0].range.start.line], /dense_a/, 'on the line naming the culprit');
    const titles = await lensTitles(broken, (t) => t.some((x) => /broken/.test(x)));
    assert.ok(titles.some((t) => /^\$\(error\) broken: /.test(t)), `the CodeLens says so: ${titles.join(' | ')}`);
  });

  it('14 · n is chosen for a narrow model and reported', async () => {
    const tiny = tinyCopy('tiny-auto-n');
    const summary = await vscode.commands.executeCommand<PruneSummary | undefined>('rgp.pruneModel', vscode.Uri.file(tiny), { ratio: 0.5, keepFirst: false, searchSwaps: 100 });
    assert.ok(summary, 'a model narrower than 64 channels prunes without setting n');
    assert.equal(summary.graph.n, 3, 'n = the narrowest masked layer (dense_a: C_out = 3)');
    assert.equal(summary.options.groupsChosen, true);
    assert.match(readFileSync(path.join(summary.outputPath, 'report.md'), 'utf8'), /n chosen as min\(64, the narrowest masked layer's channels\)/);
  });

  it('11 · pruning an already-pruned model says so and counts what is really there, CodeLens too', async () => {
    const first = await vscode.commands.executeCommand<PruneSummary | undefined>('rgp.pruneModel', vscode.Uri.file(exampleModel()), { ratio: 0.75, searchSwaps: 500, out: workspacePath('generated', 'pruned-once'), overwrite: true });
    assert.ok(first);
    const prunedModel = path.join(first.outputPath, 'model.json');
    const again = await messagesDuring(() => vscode.commands.executeCommand<PruneSummary | undefined>('rgp.pruneModel', vscode.Uri.file(prunedModel), { ratio: 0.75, searchSwaps: 500 }));
    assert.ok(again.result);
    const info = again.messages.find((m) => m.severity === 'info');
    assert.ok(info);
    assert.match(info.text, /already \d+(\.\d+)? % zeros \(pruned before\)/, info.text);
    const titles = await lensTitles(prunedModel, (t) => t.some((x) => /nonzero/.test(x)));
    assert.ok(titles.some((t) => /params · .* MACs · pruned by RGP: [\d.]+ k nonzero$/.test(t)), titles.join(' | '));
  });

  it('7, 15 · the graph search is deterministic by default and stops at the Moore bound', async () => {
    const api = await rgpApi();
    const graphs: TopologyGraph[] = [];
    for (let i = 0; i < 2; i++) {
      const shown = nextEvent(api.onDidShowTopology, () => true, 60_000, 'a topology');
      await vscode.commands.executeCommand('rgp.showGraph', vscode.Uri.file(exampleModel()), { ratio: 0.9375, groups: 64, seed: 3 });
      graphs.push((await shown).graph);
    }
    assert.deepEqual(graphs[0].adjacency, graphs[1].adjacency, 'same seed, same graph');
    assert.match(graphs[0].label, /^not pruned/, 'a graph of an unpruned model is not titled as pruned');
    // n = 10, k = 2 is a ring: at the bound from the start, so a huge swap budget ends at once.
    const ring = await vscode.commands.executeCommand<TopologyGraph | undefined>('rgp.showGraph', vscode.Uri.file(exampleModel()), { ratio: 0.8, groups: 10, seed: 1, searchSwaps: 1e9, searchSeconds: 600 });
    assert.ok(ring);
    assert.match(ring.label, /search stopped at the Moore bound/);
  });

  it('9 · Show Graph on an unpruned model asks under its own title, not Prune Model’s', async () => {
    const api = await rgpApi();
    const asked = nextEvent(api.onDidShowPrompt, (p) => p.kind === 'quickPick', 30_000, 'the ratio prompt');
    const running = vscode.commands.executeCommand('rgp.showGraph', vscode.Uri.file(exampleModel()));
    const prompt = await asked;
    assert.match(prompt.title, /^RGP: Show Graph Structure — /);
    assert.doesNotMatch(prompt.title, /Prune Model/);
    assert.match(prompt.text ?? '', /nothing is written/);
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.equal(await running, undefined, 'backing out of the prompt draws nothing');
    // Prune Model's own prompt keeps its title.
    const pruneAsked = nextEvent(api.onDidShowPrompt, (p) => p.kind === 'quickPick', 30_000, 'the prune prompt');
    const pruning = vscode.commands.executeCommand('rgp.pruneModel', vscode.Uri.file(exampleModel()));
    assert.match((await pruneAsked).title, /^RGP: Prune Model — pruning ratio/);
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.equal(await pruning, undefined);
  });

  it('the walkthrough is contributed, its step commands exist, its media ship, and its first step opens the example', async () => {
    const ext = vscode.extensions.getExtension('rgp-tools.rgp-vscode')!;
    const pkg = ext.packageJSON as { contributes: { walkthroughs: { id: string; steps: { id: string; description: string; media: { markdown?: string; image?: string }; completionEvents?: string[] }[] }[] } };
    const [walkthrough] = pkg.contributes.walkthroughs;
    assert.equal(walkthrough?.id, 'rgp.gettingStarted');
    assert.deepEqual(walkthrough.steps.map((s) => s.id), ['open', 'prune', 'view']);
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const step of walkthrough.steps) {
      const linked = [...step.description.matchAll(/\(command:([\w.]+)\)/g)].map((m) => m[1]);
      const completed = (step.completionEvents ?? []).map((e) => e.replace(/^onCommand:/, ''));
      assert.ok(linked.length > 0, `step ${step.id} links a command`);
      for (const c of [...linked, ...completed]) assert.ok(registered.has(c), `step ${step.id}: ${c} is a registered command`);
      const media = step.media.markdown ?? step.media.image;
      assert.ok(media && existsSync(path.join(ext.extensionPath, media)), `step ${step.id}: ${media} is in the extension`);
    }
    // Its first step opens the example model in a text editor, where the CodeLens and hovers work.
    const opened = await vscode.commands.executeCommand<vscode.Uri>('rgp.openExample');
    assert.equal(opened?.fsPath, exampleModel());
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, exampleModel());
    assert.equal(JSON.parse(vscode.window.activeTextEditor!.document.getText()).format, 'layers-model');
  });

  it('12 · a ratio experiment offers a quick look (the dataset size) in its prompts, each in its own words, none cut off', async () => {
    const api = await rgpApi();
    const prompts: ShownPrompt[] = [];
    const sub = api.onDidShowPrompt((p) => prompts.push(p));
    try {
      const running = vscode.commands.executeCommand('rgp.runExperiment', vscode.Uri.file(exampleModel()), { ratios: [0.875], graphs: ['ring'], dense: false, seeds: [1], epochs: 1 });
      const sizeAsked = () => prompts.some((p) => /— examples$/.test(p.title));
      await nextEvent(api.onDidShowPrompt, (p) => /— dataset$/.test(p.title), 30_000, 'the dataset prompt');
      // Enter on the dataset (whichever the workspace offers first), until the size prompt opens.
      for (let i = 0; i < 60 && !sizeAsked(); i++) {
        await new Promise((r) => setTimeout(r, 250));
        if (!sizeAsked()) await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      }
      const size = prompts.find((p) => /— examples$/.test(p.title));
      assert.ok(size, `asked: ${prompts.map((p) => p.title).join(' | ')}`);
      assert.deepEqual(size.items?.slice(0, 2), ['All examples', '1,000 per part']);
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      assert.equal(await running, undefined, 'backing out runs nothing');
    } finally {
      sub.dispose();
    }
    for (const p of prompts) {
      assert.match(p.title, /^RGP: Run Ratio Experiment — /);
      // The quick input is about 80 characters wide at its default size: a longer placeholder is cut off.
      assert.ok((p.text ?? '').length <= 80, `"${p.text}" fits its prompt`);
    }
  });

  it('13 · commands and the inspector are offered on model files only', async () => {
    const api = await rgpApi();
    const models = await api.modelFiles();
    assert.ok(models.includes(exampleModel()), `the example model is found by content: ${models.join(', ')}`);
    assert.ok(!models.some((m) => m.includes('not-a-model')), 'a JSON file that is no model is not');
    const pkg = vscode.extensions.getExtension('rgp-tools.rgp-vscode')!.packageJSON as {
      contributes: { customEditors: { viewType: string; priority: string; selector: { filenamePattern: string }[] }[]; menus: Record<string, { command: string; when?: string }[]> };
    };
    const patterns = pkg.contributes.customEditors.flatMap((e) => e.selector.map((s) => `${s.filenamePattern}:${e.priority}`));
    assert.ok(!patterns.some((p) => p.startsWith('*.json')), `not every *.json: ${patterns.join(', ')}`);
    for (const ext of ['onnx', 'keras', 'h5']) assert.ok(patterns.includes(`*.${ext}:default`), `the inspector opens .${ext} files by default`);
    const prune = pkg.contributes.menus.commandPalette.find((m) => m.command === 'rgp.pruneModel');
    assert.match(prune?.when ?? '', /rgp\.activeIsModel/);
  });

  it('6 · RGP views share one column', async () => {
    await vscode.commands.executeCommand('rgp.inspectModel', vscode.Uri.file(exampleModel()));
    await vscode.commands.executeCommand('rgp.inspectModel', vscode.Uri.file(workspacePath('fixtures', 'tiny', 'model.json')));
    const columns = new Set<number>();
    for (const g of vscode.window.tabGroups.all) {
      for (const t of g.tabs) if (t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('rgp.modelView')) columns.add(g.viewColumn);
    }
    assert.equal(columns.size, 1, `RGP views in columns ${[...columns].join(', ')}`);
  });

  it('5 · a ratio experiment cancelled after a finished run keeps it, marked partial', async () => {
    const api = await rgpApi();
    const out = workspacePath('generated', 'experiment-partial');
    rmSync(out, { recursive: true, force: true });
    const shown = nextEvent(api.onDidShowMessage, (m) => /cancelled after/.test(m.text), 150_000, 'the partial result message');
    // One cell at a time, so "run 2 started" means exactly one run has finished (a pool would run 1 and 2 together).
    const cfg = vscode.workspace.getConfiguration('rgp');
    await cfg.update('workers', 1, vscode.ConfigurationTarget.Workspace);
    try {
      const secondRun = nextEvent(api.onDidProgress, (p) => /^run 2\/\d+/.test(p.message), 150_000, 'the second run to start');
      const running = vscode.commands.executeCommand('rgp.runExperiment', vscode.Uri.file(exampleModel()), {
        dataset: workspacePath('examples', 'mnist-mlp', 'mnist.dataset.json'),
        datasetLimit: 300,
        epochs: 30,
        ratios: [0.875],
        graphs: ['ring'],
        dense: false,
        seeds: [1, 2, 3],
        searchSwaps: 200,
        out,
      });
      await secondRun;
      await vscode.commands.executeCommand('rgp.cancel');
      assert.equal(await running, undefined);
    } finally {
      await cfg.update('workers', undefined, vscode.ConfigurationTarget.Workspace);
    }
    const m = await shown;
    assert.match(m.text, /^RGP: the ratio experiment was cancelled after 1 of 3 runs; the finished runs are kept in experiment-partial \(marked partial/);
    assert.ok(existsSync(path.join(out, 'PARTIAL.txt')));
    const json = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8'));
    assert.deepEqual(json.partial, { cancelled: true, runsDone: 1, runsPlanned: 3 });
    assert.equal(json.runs.length, 1);
  });
});
