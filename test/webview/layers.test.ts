/**
 * The webview bundle in a real browser: it draws a real model's summary (the bundled MNIST example,
 * read by the same core the worker uses) in light and dark themes, reports what it drew, restores
 * itself from saved state after a reload, and shows job states — without console errors or CSP
 * violations. Screenshots go to test-artifacts/.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { quietContext } from '../../src/core/job';
import type { ModelSummary } from '../../src/core/model/layerSummary';
import { inspectModel } from '../../src/jobs/inspectModel';
import { WEBVIEW_PROTOCOL_VERSION } from '../../src/protocol/webview';
import { REPO, inkFraction, launch, openWebview } from './webviewPage';

const ARTIFACTS = path.join(REPO, 'test-artifacts');
const MODEL = path.join(REPO, 'examples', 'mnist-mlp', 'model', 'model.json');

describe('webview: layers view', () => {
  let browser: Browser;
  let summary: ModelSummary;
  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launch();
    summary = await inspectModel(MODEL, quietContext);
  });
  after(async () => browser?.close());

  for (const theme of ['light', 'dark'] as const) {
    test(`draws the example model's layers (${theme} theme)`, async () => {
      const w = await openWebview(browser, theme);
      const [ready] = await w.waitForPosted('ready');
      assert.deepEqual(ready, { type: 'ready', version: WEBVIEW_PROTOCOL_VERSION });
      await w.send({ type: 'job', title: 'Prune model/model.json', state: 'running' });
      await w.send({ type: 'modelSummary', modelPath: MODEL, summary });
      await w.send({ type: 'job', title: 'Prune model/model.json', state: 'done' });
      const [rendered] = await w.waitForPosted('rendered');
      assert.equal(rendered.type === 'rendered' && rendered.items, 3);

      const bars = await w.page.$$eval('#params-chart svg .bars rect', (rs) => rs.map((r) => Number(r.getAttribute('width'))));
      assert.equal(bars.length, 3);
      // Bar lengths follow the parameter counts: dense_1 has 200,960 of 235,146.
      const ratio = bars[1] / bars[0];
      assert.ok(Math.abs(ratio - summary.layers[1].params / summary.layers[0].params) < 0.01, `bar ratio ${ratio}`);
      const axisLabel = await w.page.textContent('#params-chart svg .axis-label');
      assert.equal(axisLabel, 'parameters');
      const yTicks = await w.page.$$eval('#params-chart svg .axis.y .tick text', (ts) => ts.map((t) => t.textContent));
      assert.deepEqual(yTicks, summary.layers.map((l) => l.name));
      const xTicks = await w.page.$$eval('#params-chart svg .axis.x .tick text', (ts) => ts.map((t) => t.textContent));
      assert.ok(xTicks.length >= 2 && xTicks.some((t) => /k$/.test(t ?? '')), `x ticks ${xTicks.join(',')}`);
      const rows = await w.page.$$eval('table.layers tbody tr', (trs) => trs.map((tr) => tr.textContent));
      assert.equal(rows.length, 3);
      assert.match(rows[0] ?? '', /\[784×256\].*200,960/);
      assert.equal(await w.page.textContent('#job-state'), 'done');

      // Colours come from the theme, not from the page.
      const colours = await w.page.evaluate(() => ({
        bar: getComputedStyle(document.querySelector('#params-chart svg .bars rect')!).fill,
        text: getComputedStyle(document.querySelector('#params-chart svg .axis-label')!).fill,
        background: getComputedStyle(document.body).backgroundColor,
      }));
      assert.deepEqual(colours, theme === 'light'
        ? { bar: 'rgb(26, 133, 255)', text: 'rgb(59, 59, 59)', background: 'rgb(255, 255, 255)' }
        : { bar: 'rgb(55, 148, 255)', text: 'rgb(204, 204, 204)', background: 'rgb(31, 31, 31)' });

      const chartPng = await w.page.locator('#params-chart').screenshot();
      const ink = await inkFraction(w.page, chartPng);
      assert.ok(ink > 0.05 && ink < 0.9, `the chart has visible content (${(ink * 100).toFixed(1)} % ink)`);
      await w.page.screenshot({ path: path.join(ARTIFACTS, `webview-layers-${theme}.png`), fullPage: true });
      assert.deepEqual(w.problems, []);
      await w.page.context().close();
    });
  }

  test('redraws from its saved state after a reload, without asking the host', async () => {
    const w = await openWebview(browser, 'light');
    await w.waitForPosted('ready');
    await w.send({ type: 'modelSummary', modelPath: MODEL, summary });
    await w.waitForPosted('rendered');
    await w.page.reload();
    await w.waitForPosted('rendered');
    assert.equal(await w.page.$$eval('#params-chart svg .bars rect', (rs) => rs.length), 3);
    assert.equal(await w.page.textContent('#title'), summary.modelName);
    assert.deepEqual(w.problems, []);
    await w.page.context().close();
  });

  test('shows progress, then a failure with its message', async () => {
    const w = await openWebview(browser, 'dark');
    await w.waitForPosted('ready');
    await w.send({ type: 'job', title: 'Prune big/model.json', state: 'running' });
    await w.send({ type: 'progress', fraction: 0.25, message: 'read shard 1 of 4' });
    assert.equal(await w.page.$eval('#job-progress', (p) => (p as HTMLProgressElement).value), 0.25);
    assert.equal(await w.page.textContent('#job-message'), 'read shard 1 of 4');
    await w.send({ type: 'job', title: 'Prune big/model.json', state: 'failed', message: 'A shard is truncated.' });
    assert.equal(await w.page.textContent('#job-state'), 'failed');
    assert.equal(await w.page.textContent('#job-message'), 'A shard is truncated.');
    assert.equal(await w.page.$eval('#job-progress', (p) => (p as HTMLElement).hidden), true);
    assert.deepEqual(w.problems, []);
    await w.page.context().close();
  });

  test('a model without layers still draws an empty chart and says so', async () => {
    const w = await openWebview(browser, 'light');
    await w.waitForPosted('ready');
    const empty: ModelSummary = { ...summary, layers: [], totalParams: 0, weightBytes: 0, shards: [] };
    await w.send({ type: 'modelSummary', modelPath: MODEL, summary: empty });
    const [r] = await w.waitForPosted('rendered');
    assert.equal(r.type === 'rendered' && r.items, 0);
    assert.deepEqual(w.problems, []);
    await w.page.context().close();
  });
});
