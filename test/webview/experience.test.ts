/**
 * The view's share of issue 15, in a real browser: one job's view at a time (a new job clears the last
 * one's sections; a cancelled experiment says so and how many runs it kept), chart labels that never sit
 * on each other (best ASPL at the Moore bound; the y-axis label beside its ticks), dense bars outlined in
 * a high-contrast theme, and a mouse wheel that scrolls the page over the graph canvas.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { quietContext } from '../../src/core/job';
import type { PruneSummary } from '../../src/core/prune/report';
import { Random } from '../../src/core/random';
import { pruneModel } from '../../src/jobs/pruneModel';
import { REPO, launch, openWebview } from './webviewPage';
import { sweepResult, sweepRun } from './experimentFixtures';

const MODEL = path.join(REPO, 'examples', 'mnist-mlp', 'model', 'model.json');

type Box = { x: number; y: number; width: number; height: number };
const overlap = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

async function box(page: Page, selector: string): Promise<Box> {
  const b = await page.locator(selector).first().boundingBox();
  assert.ok(b, `${selector} is drawn`);
  return b;
}

describe('webview: one job at a time, readable charts (issue 15)', () => {
  let browser: Browser;
  let summary: PruneSummary;
  before(async () => {
    browser = await launch();
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'rgp-webview-')), 'pruned');
    summary = await pruneModel(MODEL, { ratio: 0.9375, searchSwaps: 2000, out }, quietContext);
  });
  after(async () => browser?.close());

  test('4 · a new job starts from an empty view: no earlier prune under its bar, no "pruned" title', async () => {
    const w = await openWebview(browser, 'light');
    await w.waitForPosted('ready');
    await w.send({ type: 'pruneResult', summary });
    await w.waitForPosted('rendered', 2);
    assert.equal(await w.page.isVisible('#prune-section'), true);
    assert.match((await w.page.textContent('#subtitle')) ?? '', /^pruned with RGP · n = 64, k = 4/);
    await w.send({ type: 'job', title: 'Graph for model/model.json: n = 64, k = 6', state: 'running' });
    await w.page.waitForFunction(() => (document.getElementById('prune-section') as HTMLElement).hidden);
    for (const id of ['prune-section', 'sparsity-section', 'aspl-section', 'topology-section']) assert.equal(await w.page.isVisible(`#${id}`), false, `${id} is gone`);
    assert.doesNotMatch((await w.page.textContent('#subtitle')) ?? '', /pruned/);
    assert.deepEqual(w.problems, []);
    await w.page.context().close();
  });

  test('5 · a cancelled experiment says it was cancelled and what it kept', async () => {
    const w = await openWebview(browser, 'light');
    await w.waitForPosted('ready');
    await w.send({ type: 'job', title: 'Ratio experiment', state: 'running' });
    await w.send({ type: 'sweepStart', ratios: [0.875], graphs: ['ring'], seeds: [1, 2, 3] });
    assert.equal(await w.page.textContent('#experiment-subtitle'), 'running: 1 ratio × 1 graph kind × 3 seeds');
    await w.send({ type: 'sweepRun', run: sweepRun('ring', 0.875, 1, new Random(1)) });
    await w.send({ type: 'job', title: 'Ratio experiment', state: 'cancelled', message: 'Cancelled after 1 of 3 runs; the finished runs are kept in /x (marked partial).' });
    await w.page.waitForFunction(() => /^cancelled/.test(document.getElementById('experiment-subtitle')!.textContent ?? ''));
    assert.match((await w.page.textContent('#experiment-subtitle')) ?? '', /^cancelled after 1 run · Cancelled after 1 of 3 runs/);
    assert.equal(await w.page.textContent('#job-state'), 'cancelled');
    await w.page.context().close();
  });

  test('10 · "best" and "Moore bound" labels never overlap when the search reaches the bound', async () => {
    const w = await openWebview(browser, 'light');
    await w.waitForPosted('ready');
    await w.send({ type: 'searchStart', start: { n: 64, k: 6, mooreBound: 2.3333, mooreDiameter: 3 } });
    for (const [t, a] of [[0, 2.6], [0.5, 2.4], [1, 2.3333]] as const) {
      await w.send({ type: 'searchSample', sample: { elapsed: t, swapsTried: 100 * t, swapsAccepted: 10, currentAspl: a, bestAspl: a, estimate: false, fraction: t, phase: 'exact' } });
    }
    await w.waitForPosted('rendered', 4);
    const best = await box(w.page, 'text.aspl-label');
    const moore = await box(w.page, 'text.moore-label');
    assert.ok(!overlap(best, moore), `best ${JSON.stringify(best)} vs bound ${JSON.stringify(moore)}`);
    assert.match((await w.page.textContent('text.aspl-label')) ?? '', /best 2\.333 \(bound\)/);
    await w.page.context().close();
  });

  test('issue 18 · the ASPL chart shows the best-known value beside the Moore bound, labels apart', async () => {
    const w = await openWebview(browser, 'light');
    await w.waitForPosted('ready');
    // (64, 8): Moore bound 1.8889, best known 1.927 (Graph Golf); the search ends just above the record.
    await w.send({ type: 'searchStart', start: { n: 64, k: 8, mooreBound: 1.8889, mooreDiameter: 2 } });
    for (const [t, a] of [[0, 2.2], [0.5, 2.0], [1, 1.9286]] as const) {
      await w.send({ type: 'searchSample', sample: { elapsed: t, swapsTried: 100 * t, swapsAccepted: 10, currentAspl: a, bestAspl: a, estimate: false, fraction: t, phase: 'exact' } });
    }
    await w.waitForPosted('rendered', 4);
    assert.equal(await w.page.textContent('text.reference-label'), 'best known 1.927');
    const best = await box(w.page, 'text.aspl-label');
    const known = await box(w.page, 'text.reference-label');
    const moore = await box(w.page, 'text.moore-label');
    assert.ok(!overlap(best, known), `best ${JSON.stringify(best)} vs best known ${JSON.stringify(known)}`);
    assert.ok(!overlap(known, moore) && !overlap(best, moore), 'no label on the bound\'s');
    // An (n, k) with no value to cite draws no reference line.
    await w.send({ type: 'searchStart', start: { n: 64, k: 4, mooreBound: 2.5556, mooreDiameter: 3 } });
    await w.waitForPosted('rendered', 5);
    assert.equal(await w.page.locator('text.reference-label').count(), 0);
    await w.page.context().close();
  });

  test('10 · the y-axis label of an experiment chart stays clear of its tick labels', async () => {
    const w = await openWebview(browser, 'light');
    await w.waitForPosted('ready');
    await w.send({ type: 'sweepResult', result: sweepResult() });
    await w.waitForPosted('rendered');
    const label = await box(w.page, '#experiment-ratio-chart text.axis-label[transform]');
    const ticks = await w.page.locator('#experiment-ratio-chart .axis.y text').all();
    assert.ok(ticks.length > 2);
    for (const t of ticks) {
      const b = (await t.boundingBox())!;
      assert.ok(!overlap(label, b), `"${await t.textContent()}" ${JSON.stringify(b)} overlaps the axis label ${JSON.stringify(label)}`);
    }
    await w.page.context().close();
  });

  test('10 · dense bars are outlined with the contrast border in Dark High Contrast', async () => {
    const w = await openWebview(browser, 'dark');
    await w.waitForPosted('ready');
    await w.page.evaluate(() => {
      document.body.classList.add('vscode-high-contrast');
      document.documentElement.style.setProperty('--vscode-editor-background', '#000000');
      document.documentElement.style.setProperty('--vscode-contrastBorder', '#6fc3df');
      document.documentElement.style.setProperty('--vscode-charts-blue', '#3794ff');
    });
    await w.send({ type: 'pruneResult', summary });
    await w.waitForPosted('rendered', 2);
    const style = await w.page.$eval('svg.chart rect.dense', (r) => {
      const s = getComputedStyle(r);
      return { stroke: s.stroke, fillOpacity: s.fillOpacity, fill: s.fill };
    });
    assert.equal(style.stroke, 'rgb(111, 195, 223)', 'outlined with the contrast border');
    assert.equal(style.fillOpacity, '1', 'no translucent navy fill');
    assert.equal(style.fill, 'rgb(0, 0, 0)');
    await w.page.context().close();
  });

  test('10 · the wheel over the graph canvas scrolls the page; Ctrl + wheel zooms', async () => {
    const w = await openWebview(browser, 'light', 900);
    await w.page.setViewportSize({ width: 900, height: 400 });
    await w.waitForPosted('ready');
    await w.send({ type: 'pruneResult', summary });
    const n = 16;
    const adjacency = Array.from({ length: n }, (_, i) => [(i + 1) % n, (i + n - 1) % n]).flat();
    await w.send({ type: 'topology', graph: { n, k: 2, adjacency, aspl: 4.27, label: 'ring' } });
    await w.page.locator('canvas.topology-canvas').scrollIntoViewIfNeeded();
    const zoomK = () => w.page.$eval('canvas.topology-canvas', (c) => Number((c as HTMLElement).dataset.zoomK ?? 1));
    const b = await box(w.page, 'canvas.topology-canvas');
    // The pointer goes over the canvas's visible part: a canvas taller than the viewport starts above it.
    const top = Math.max(b.y, 0);
    await w.page.mouse.move(b.x + b.width / 2, top + Math.min((b.y + b.height - top) / 2, 100));
    const before = await w.page.evaluate(() => window.scrollY);
    await w.page.mouse.wheel(0, 200);
    await w.page.waitForFunction((y) => window.scrollY !== y, before);
    assert.equal(await zoomK(), 1, 'the plain wheel did not zoom');
    await w.page.keyboard.down('Control');
    await w.page.mouse.wheel(0, -300);
    await w.page.keyboard.up('Control');
    await w.page.waitForFunction(() => Number((document.querySelector('canvas.topology-canvas') as HTMLElement).dataset.zoomK ?? 1) > 1.1);
    await w.page.context().close();
  });
});
