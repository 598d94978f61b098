/**
 * The ratio-experiment view in a real browser: a sweep (real ASPLs, plausible accuracies; see
 * experimentFixtures.ts) drawn live run by run and then as a finished result, in light and dark themes —
 * accuracy vs pruning ratio with mean ± std error bars and the dense line, accuracy vs ASPL per run,
 * labelled axes, the tables behind both, theme colours, and a restore after reload.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import type { SweepResult } from '../../src/core/train/results';
import { sweepResult } from './experimentFixtures';
import { THEMES } from './themes';
import { REPO, inkFraction, launch, openWebview } from './webviewPage';

const ARTIFACTS = path.join(REPO, 'test-artifacts');
const RATIO_X = 'pruning ratio (log scale of the kept fraction k/n)';

function meanStd(xs: number[]): { mean: number; std: number } {
  const mean = xs.reduce((s, v) => s + v, 0) / xs.length;
  return { mean, std: Math.sqrt(xs.reduce((s, v) => s + (v - mean) ** 2, 0) / (xs.length - 1)) };
}

const rgb = (hex: string) => `rgb(${parseInt(hex.slice(1, 3), 16)}, ${parseInt(hex.slice(3, 5), 16)}, ${parseInt(hex.slice(5, 7), 16)})`;

describe('webview: experiment view', () => {
  let browser: Browser;
  let result: SweepResult;
  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launch();
    result = sweepResult();
  });
  after(async () => browser?.close());

  for (const theme of ['light', 'dark'] as const) {
    test(`draws a finished sweep: accuracy vs ratio and vs ASPL with their tables (${theme} theme)`, async () => {
      const w = await openWebview(browser, theme);
      await w.waitForPosted('ready');
      await w.send({ type: 'sweepResult', result });
      const [r] = await w.waitForPosted('rendered');
      assert.ok(r.type === 'rendered' && r.view === 'experiment' && r.items === result.runs.length, JSON.stringify(r));
      for (const label of [RATIO_X, 'test accuracy', 'ASPL of the graph', 'searched (low ASPL)', 'random regular', 'ring lattice']) assert.ok(r.labels.includes(label), label);
      const dense = meanStd(result.runs.filter((x) => x.graph === 'dense').map((x) => x.testAccuracy));
      assert.ok(r.labels.includes(`dense ${(dense.mean * 100).toFixed(2)} %`), r.labels.join(' | '));

      const ratioChart = '#experiment-ratio-chart svg';
      assert.deepEqual(await w.page.$$eval(`${ratioChart} .axis-label`, (ts) => ts.map((t) => t.textContent)), [RATIO_X, 'test accuracy']);
      assert.deepEqual(await w.page.$$eval(`${ratioChart} .axis.x .tick text`, (ts) => ts.map((t) => t.textContent)), ['50.0 %', '75.0 %', '87.5 %', '93.75 %']);
      assert.deepEqual(await w.page.$$eval('#experiment-aspl-chart svg .axis-label', (ts) => ts.map((t) => t.textContent)), ['ASPL of the graph', 'test accuracy']);
      // One point (mean over 3 seeds) and one error bar per graph kind and ratio; every run in the ASPL chart.
      assert.equal(await w.page.$$eval(`${ratioChart} .plot .pt`, (c) => c.length), 3 * 4);
      assert.equal(await w.page.$$eval(`${ratioChart} .plot .err`, (c) => c.length), 3 * 4);
      assert.equal(await w.page.$$eval('#experiment-aspl-chart svg .plot .pt', (c) => c.length), 3 * 4 * 3);
      assert.equal(await w.page.$$eval(`${ratioChart} > g.baseline.c-dense > line`, (c) => c.length), 1);
      // At 93.75 % the searched graphs sit above the ring lattices: the points follow the data.
      const cy = (cls: string) => w.page.$$eval(`${ratioChart} .series.${cls} .pt`, (cs) => cs.map((c) => Number(c.getAttribute('data-y'))));
      const [searched, ring] = [await cy('c-searched'), await cy('c-ring')];
      assert.ok(searched[3] < ring[3], `searched ${searched[3]} above ring ${ring[3]}`);
      // A wider spread over seeds draws a longer error bar than a tight one would: check one against the data.
      const s9375 = meanStd(result.runs.filter((x) => x.graph === 'searched' && x.ratio === 0.9375).map((x) => x.testAccuracy));
      const title = await w.page.$$eval(`${ratioChart} .series.c-searched .pt title`, (ts) => ts.map((t) => t.textContent));
      assert.equal(title[3], `searched (low ASPL), ratio 93.75 %: ${(s9375.mean * 100).toFixed(2)} % ± ${(s9375.std * 100).toFixed(2)} over 3 seeds`);

      const rows = await w.page.$$eval('#experiment-ratio-table tbody tr', (trs) => trs.map((tr) => Array.from(tr.children).map((c) => c.textContent)));
      assert.equal(rows.length, 3 * 4 + 1);
      assert.deepEqual(rows[3].slice(0, 6), ['searched (low ASPL)', '93.75 %', '4 / 64', rows[3][3], '3 / 3', `${(s9375.mean * 100).toFixed(2)} % ± ${(s9375.std * 100).toFixed(2)}`]);
      assert.equal(rows[12][0], 'dense');
      assert.equal(await w.page.$$eval('#experiment-aspl-table tbody tr', (trs) => trs.length), 36);
      assert.match((await w.page.textContent('#experiment-subtitle')) ?? '', /mnist-mlp\/model\/model\.json on mnist · n = 64 groups · trained from scratch, 3 epochs, adam/);

      const colours = await w.page.evaluate(() => ({
        searched: getComputedStyle(document.querySelector('#experiment-ratio-chart .series.c-searched .pt')!).fill,
        ring: getComputedStyle(document.querySelector('#experiment-ratio-chart .series.c-ring .pt')!).fill,
        dense: getComputedStyle(document.querySelector('#experiment-ratio-chart svg > g.baseline.c-dense > line')!).stroke,
      }));
      const t = THEMES[theme];
      assert.deepEqual(colours, { searched: rgb(t['--vscode-charts-blue']), ring: rgb(t['--vscode-charts-purple']), dense: rgb(t['--vscode-charts-green']) });

      for (const id of ['#experiment-ratio-chart', '#experiment-aspl-chart']) {
        const ink = await inkFraction(w.page, await w.page.locator(id).screenshot());
        assert.ok(ink > 0.01 && ink < 0.9, `${id} has visible content (${(ink * 100).toFixed(1)} % ink)`);
      }
      await w.page.screenshot({ path: path.join(ARTIFACTS, `webview-experiment-${theme}.png`), fullPage: true });
      assert.deepEqual(w.problems, []);
      await w.page.context().close();
    });
  }

  test('a live sweep draws each run as it arrives, from empty axes on', async () => {
    const w = await openWebview(browser, 'light');
    await w.waitForPosted('ready');
    await w.send({ type: 'sweepStart', ratios: result.ratios, graphs: result.graphs, seeds: result.seeds });
    const [first] = await w.waitForPosted('rendered');
    assert.ok(first.type === 'rendered' && first.view === 'experiment' && first.items === 0);
    assert.ok(first.labels.includes(RATIO_X) && first.labels.includes('test accuracy'));
    assert.deepEqual(await w.page.$$eval('#experiment-ratio-chart svg .axis.x .tick text', (ts) => ts.map((t) => t.textContent)), ['50.0 %', '75.0 %', '87.5 %', '93.75 %']);
    const live = result.runs.slice(0, 7);
    for (const run of live) await w.send({ type: 'sweepRun', run });
    const all = await w.waitForPosted('rendered', 1 + live.length);
    const last = all[all.length - 1];
    assert.ok(last.type === 'rendered' && last.items === live.length);
    assert.equal(await w.page.$$eval('#experiment-aspl-chart svg .plot .pt', (c) => c.length), live.filter((r) => r.graph !== 'dense').length);
    assert.match((await w.page.textContent('#experiment-subtitle')) ?? '', /^running: 4 ratios × 4 graph kinds × 3 seeds$/);
    assert.deepEqual(w.problems, []);
    await w.page.context().close();
  });

  test('redraws the finished sweep after a reload, and a new sweep replaces it', async () => {
    const w = await openWebview(browser, 'dark');
    await w.waitForPosted('ready');
    await w.send({ type: 'sweepResult', result });
    await w.waitForPosted('rendered');
    await w.page.reload();
    const [r] = await w.waitForPosted('rendered');
    assert.ok(r.type === 'rendered' && r.view === 'experiment' && r.items === result.runs.length);
    assert.equal(await w.page.$$eval('#experiment-ratio-table tbody tr', (trs) => trs.length), 13);
    await w.send({ type: 'sweepStart', ratios: [0.5], graphs: ['searched'], seeds: [1] });
    await w.page.reload();
    await w.waitForPosted('ready');
    assert.equal(await w.page.isHidden('#experiment-section'), true, 'the finished sweep is no longer restored once a new one started');
    assert.deepEqual(w.problems, []);
    await w.page.context().close();
  });
});
