/**
 * The compact ONNX section (issue 13) and the view restore of issue 15 item 4, in a real browser, fed by
 * real jobs: the bundled MNIST model pruned, its compact model written and timed by the same core the
 * worker runs. The section lists file sizes dense → pruned → compact with labels clear of each other in
 * light, dark and high-contrast themes; Export / Measure Speed buttons ask the host for the shown folder;
 * a follow-up job on the shown run keeps its sections, any other job starts empty; and a reloaded view
 * (VS Code restoring a panel) comes back with the same job, scroll position, ASPL chart, compact figures
 * and experiment section.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { SearchSample } from '../../src/core/graph';
import { quietContext } from '../../src/core/job';
import type { PruneSummary } from '../../src/core/prune/report';
import { benchModel, type BenchSummary } from '../../src/jobs/benchModel';
import { compactPrunedModel, type CompactSummary } from '../../src/jobs/compactModel';
import { pruneModel, type SearchStart } from '../../src/jobs/pruneModel';
import { sweepResult } from './experimentFixtures';
import { REPO, launch, openWebview, type WebviewHarness } from './webviewPage';

const MODEL = path.join(REPO, 'examples', 'mnist-mlp', 'model', 'model.json');

type Box = { x: number; y: number; width: number; height: number };
const overlap = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

async function boxes(page: Page, selector: string): Promise<{ text: string; box: Box }[]> {
  const out: { text: string; box: Box }[] = [];
  for (const l of await page.locator(selector).all()) {
    const b = await l.boundingBox();
    assert.ok(b, `${selector} "${await l.textContent()}" is drawn`);
    out.push({ text: (await l.textContent()) ?? '', box: b });
  }
  return out;
}

/** What the page shows now, compared before and after a reload. */
async function snapshot(w: WebviewHarness) {
  const p = w.page;
  // No helper functions inside: tsx would wrap them in `__name`, which the page does not have.
  return p.evaluate(() => ({
    visible: Array.from(document.querySelectorAll('section')).filter((s) => !s.hidden).map((s) => s.id),
    title: document.getElementById('title')?.textContent ?? '',
    subtitle: document.getElementById('subtitle')?.textContent ?? '',
    job: `${document.getElementById('job-title')?.textContent ?? ''} · ${document.getElementById('job-state')?.textContent ?? ''}`,
    asplPath: document.querySelector('#aspl-chart path.aspl-line')?.getAttribute('d') ?? null,
    asplHeading: document.getElementById('aspl-heading')?.textContent ?? '',
    compactLabels: Array.from(document.querySelectorAll('#compact-chart text')).map((t) => t.textContent),
    benchRows: Array.from(document.querySelectorAll('#bench-table tbody tr')).map((r) => r.textContent),
    experimentSubtitle: document.getElementById('experiment-subtitle')?.textContent ?? '',
    experimentRows: document.querySelectorAll('#experiment-ratio-table tbody tr').length,
    topology: document.getElementById('topology-heading')?.textContent ?? '',
  }));
}

describe('webview: compact ONNX section and view restore', () => {
  let browser: Browser;
  let dir: string;
  let prune: PruneSummary;
  let compact: CompactSummary;
  let bench: BenchSummary;
  let start: SearchStart | undefined;
  const samples: SearchSample[] = [];
  before(async () => {
    browser = await launch();
    dir = mkdtempSync(path.join(tmpdir(), 'rgp-webview-compact-'));
    prune = await pruneModel(
      MODEL,
      { ratio: 0.9375, keepFirst: false, searchSwaps: 2000, out: path.join(dir, 'pruned'), onSearchStart: (s) => (start = s), onSearchSample: (s) => samples.push(s) },
      quietContext,
    );
    compact = await compactPrunedModel(prune.outputPath, { form: 'matmul-gather-sum' }, quietContext);
    bench = await benchModel(path.join(prune.outputPath, 'model.json'), { batches: [1, 8], repeats: 2, warmup: 1 }, quietContext);
  });
  after(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** The pruning run as the host posts it, then the compact export and the measurement as follow-ups. */
  async function pruneThenCompact(w: WebviewHarness): Promise<void> {
    await w.send({ type: 'job', title: 'Prune model/model.json to 93.75 %', state: 'running' });
    if (start) await w.send({ type: 'searchStart', start });
    for (const sample of samples) await w.send({ type: 'searchSample', sample });
    await w.send({ type: 'job', title: 'Prune model/model.json to 93.75 %', state: 'done' });
    await w.send({ type: 'pruneResult', summary: prune });
    await w.send({ type: 'job', title: 'Export compact ONNX of pruned', state: 'running', continues: prune.outputPath });
    await w.send({ type: 'job', title: 'Export compact ONNX of pruned', state: 'done' });
    await w.send({ type: 'compactResult', summary: compact });
    await w.waitForPosted('rendered');
    await w.page.waitForFunction(() => (window as unknown as { __posted: { type: string; view?: string }[] }).__posted.some((m) => m.view === 'compact'));
  }

  for (const theme of ['light', 'dark', 'high contrast'] as const) {
    test(`the compact section lists dense → pruned → compact sizes, labels clear of each other (${theme})`, async () => {
      const w = await openWebview(browser, theme === 'light' ? 'light' : 'dark');
      await w.waitForPosted('ready');
      if (theme === 'high contrast') {
        await w.page.evaluate(() => {
          document.body.classList.add('vscode-high-contrast');
          document.documentElement.style.setProperty('--vscode-editor-background', '#000000');
          document.documentElement.style.setProperty('--vscode-contrastBorder', '#6fc3df');
          document.documentElement.style.setProperty('--vscode-contrastActiveBorder', '#f38518');
        });
      }
      await pruneThenCompact(w);
      const drawn = (await w.posted()).find((m) => m.type === 'rendered' && m.view === 'compact');
      assert.ok(drawn && drawn.type === 'rendered');
      assert.equal(drawn.items, 3, 'dense, pruned and compact files');
      assert.deepEqual(drawn.labels.slice(0, 3), ['dense model', 'pruned (zeros stored)', 'compact ONNX']);
      assert.equal(await w.page.isVisible('#prune-section'), true, 'the export kept the pruning run it belongs to');
      // The figures are the real files': the compact one is smaller than the pruned one, both are printed.
      assert.ok(compact.bytes.compact < compact.bytes.masked);
      const stats = (await w.page.textContent('#compact-stats')) ?? '';
      assert.match(stats, /[\d.]+ [KM]?i?B → [\d.]+ [KM]?i?B → [\d.]+ [KM]?i?B/);
      assert.match(stats, /weights stored/);
      // How the compact model runs the batch (a fixed form here: nothing was timed to choose it).
      assert.match(stats, /batched\s*execution \(not timed\)/);
      // Every label of the chart is drawn and none covers another or a bar it does not belong to.
      const labels = await boxes(w.page, '#compact-chart text');
      assert.equal(labels.length, 6);
      for (let i = 0; i < labels.length; i++) {
        for (let j = i + 1; j < labels.length; j++) assert.ok(!overlap(labels[i].box, labels[j].box), `"${labels[i].text}" overlaps "${labels[j].text}"`);
      }
      const bars = await boxes(w.page, '#compact-chart rect');
      for (const l of labels) for (const b of bars) assert.ok(!overlap(l.box, b.box), `"${l.text}" lies on a bar`);
      // Inside the panel: nothing is cut off on the right.
      const svg = (await w.page.locator('#compact-chart svg').boundingBox())!;
      for (const l of labels) assert.ok(l.box.x + l.box.width <= svg.x + svg.width + 0.5, `"${l.text}" runs past the chart`);
      // Theme colours: label text in the foreground colour, bars visible against the background.
      const colors = await w.page.evaluate(() => ({
        label: getComputedStyle(document.querySelector('#compact-chart text.value-label')!).fill,
        fg: getComputedStyle(document.body).color,
        bg: getComputedStyle(document.body).backgroundColor,
        compact: getComputedStyle(document.querySelector('#compact-chart rect.size.compact')!).fill,
        denseStroke: getComputedStyle(document.querySelector('#compact-chart rect.dense')!).stroke,
      }));
      assert.equal(colors.label, colors.fg);
      assert.notEqual(colors.compact, colors.bg);
      if (theme === 'high contrast') assert.equal(colors.denseStroke, 'rgb(111, 195, 223)', 'the dense file outlined with the contrast border');
      assert.deepEqual(w.problems, []);
      await w.page.context().close();
    });
  }

  test('the measured latency shows per batch with the speed-up, and the buttons ask for the shown folder', async () => {
    const w = await openWebview(browser, 'light');
    await w.waitForPosted('ready');
    await pruneThenCompact(w);
    await w.send({ type: 'job', title: 'Measure speed of pruned', state: 'running', continues: prune.outputPath });
    await w.send({ type: 'job', title: 'Measure speed of pruned', state: 'done' });
    await w.send({ type: 'benchResult', summary: bench });
    await w.page.waitForFunction(() => (window as unknown as { __posted: { view?: string }[] }).__posted.some((m) => m.view === 'bench'));
    const [r] = (await w.posted()).filter((m) => m.type === 'rendered' && m.view === 'bench');
    assert.ok(r && r.type === 'rendered' && r.items === 2, 'batch 1 and batch 8');
    const rows = await w.page.$$eval('#bench-table tbody tr', (trs) => trs.map((tr) => Array.from(tr.children).map((c) => c.textContent)));
    assert.deepEqual(rows.map((row) => row[0]), ['1', '8']);
    for (const row of rows) assert.match(row[4] ?? '', /^×\d+\.\d\d$/);
    assert.match((await w.page.textContent('#bench-summary')) ?? '', /median/);
    assert.equal(await w.page.isVisible('#prune-section'), true);
    await w.page.click('#measure-speed');
    await w.page.click('#export-compact');
    const runs = (await w.posted()).filter((m) => m.type === 'run');
    assert.deepEqual(runs, [
      { type: 'run', command: 'rgp.measureSpeed', folder: compact.prunedFolder },
      { type: 'run', command: 'rgp.exportCompact', folder: compact.prunedFolder },
    ]);
    assert.equal(compact.prunedFolder, prune.outputPath);
    assert.deepEqual(w.problems, []);
    await w.page.context().close();
  });

  test('a layer left at dense speed (expand-dense) says in its tooltip that only its kept weights are stored', async () => {
    const expanded = await compactPrunedModel(prune.outputPath, { form: 'expand-dense', out: path.join(dir, 'expanded.onnx') }, quietContext);
    assert.ok(expanded.bytes.compact < expanded.bytes.masked / 2, 'the file stays compact');
    const w = await openWebview(browser, 'light');
    await w.waitForPosted('ready');
    await w.send({ type: 'job', title: 'Prune model/model.json to 93.75 %', state: 'done' });
    await w.send({ type: 'pruneResult', summary: prune });
    await w.send({ type: 'job', title: 'Export compact ONNX of pruned', state: 'done', continues: prune.outputPath });
    await w.send({ type: 'compactResult', summary: expanded });
    await w.page.waitForFunction(() => (window as unknown as { __posted: { view?: string }[] }).__posted.some((m) => m.view === 'compact'));
    const cells = await w.page.$$eval('#compact-layers tbody tr td:nth-child(3)', (tds) => tds.map((td) => ({ text: td.textContent, title: td.getAttribute('title') })));
    assert.equal(cells.length, expanded.layers.length);
    for (const c of cells) {
      assert.equal(c.text, 'expand-dense');
      assert.match(c.title ?? '', /^kept weights stored; rebuilt into the dense kernel when the model loads/);
    }
    assert.deepEqual(w.problems, []);
    await w.page.context().close();
  });

  test('4 · a follow-up job on another pruning run, or any other job, starts an empty view', async () => {
    const w = await openWebview(browser, 'light');
    await w.waitForPosted('ready');
    await pruneThenCompact(w);
    await w.send({ type: 'job', title: 'Export compact ONNX of other', state: 'running', continues: path.join(dir, 'other') });
    await w.page.waitForFunction(() => (document.getElementById('prune-section') as HTMLElement).hidden);
    assert.equal(await w.page.isVisible('#compact-section'), false, 'the compact figures of the earlier run are gone');
    await w.page.reload();
    await w.waitForPosted('ready');
    assert.equal(await w.page.isVisible('#compact-section'), false, 'and they are not restored either');
    await w.page.context().close();
  });

  test('4 · reloaded (VS Code restoring the panel), the view comes back as it was: job, scroll, ASPL chart, compact figures', async () => {
    const w = await openWebview(browser, 'dark');
    await w.page.setViewportSize({ width: 900, height: 500 });
    await w.waitForPosted('ready');
    await pruneThenCompact(w);
    await w.send({ type: 'benchResult', summary: bench });
    await w.send({ type: 'topology', graph: { n: prune.graph.n, k: prune.graph.k, adjacency: Array.from({ length: prune.graph.n }, (_, i) => Array.from({ length: prune.graph.k }, (_, j) => (i + j + 1) % prune.graph.n)).flat(), aspl: prune.graph.aspl, label: 'pruned with this graph' } });
    await w.page.waitForFunction(() => (window as unknown as { __posted: { view?: string }[] }).__posted.some((m) => m.view === 'topology'));
    await w.page.waitForFunction(() => (document.getElementById('bench-table')?.querySelectorAll('tbody tr').length ?? 0) > 0);
    const before = await snapshot(w);
    assert.ok(before.visible.includes('compact-section') && before.visible.includes('aspl-section') && before.visible.includes('prune-section'), before.visible.join(', '));
    assert.ok(before.asplPath, 'the ASPL history is drawn');
    // A browser would put the scroll back by itself on reload; VS Code's restored webview does not.
    await w.page.addInitScript('history.scrollRestoration = "manual";');
    const target = Math.round((await w.page.evaluate(() => document.documentElement.scrollHeight - window.innerHeight)) * 0.6);
    assert.ok(target > 300, `the page is long enough to scroll (${target})`);
    await w.page.evaluate((y) => window.scrollTo(0, y), target);
    await w.page.waitForFunction((y) => JSON.parse(sessionStorage.getItem('rgp-state') ?? '{}').scrollY === y, target);
    await w.page.reload();
    await w.waitForPosted('ready');
    const after = await snapshot(w);
    assert.deepEqual(after, before);
    assert.equal(await w.page.evaluate(() => Math.round(window.scrollY)), target, 'scrolled where the reader was');
    assert.deepEqual(w.problems, []);
    await w.page.context().close();
  });

  test('4 · reloaded after a ratio experiment, the experiment section and its job come back', async () => {
    const w = await openWebview(browser, 'light');
    await w.waitForPosted('ready');
    const result = sweepResult();
    await w.send({ type: 'job', title: 'Ratio experiment on model/model.json', state: 'running' });
    await w.send({ type: 'sweepStart', ratios: result.ratios, graphs: result.graphs, seeds: result.seeds });
    await w.send({ type: 'job', title: 'Ratio experiment on model/model.json', state: 'done' });
    await w.send({ type: 'sweepResult', result });
    await w.page.waitForFunction(() => !/^running/.test(document.getElementById('experiment-subtitle')?.textContent ?? 'running'));
    const before = await snapshot(w);
    assert.ok(before.visible.includes('experiment-section'));
    await w.page.reload();
    await w.waitForPosted('ready');
    assert.deepEqual(await snapshot(w), before);
    assert.deepEqual(w.problems, []);
    await w.page.context().close();
  });
});
