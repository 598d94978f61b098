/**
 * The sparsification view in a real browser: a comparison of dense, RGP, RigL, SET, ADMM and magnitude
 * pruning (fixture shaped like the job's output, see experimentFixtures.ts) in light and dark themes —
 * accuracy vs sparsity per method with mean ± std and the dense line, accuracy vs training FLOPs on a log
 * axis, the table behind both (with AUC for link prediction), live runs, and a restore after reload.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import type { SparsifyResult } from '../../src/core/sparse/results';
import { METHODS, SPARSITIES, sparsifyResult } from './experimentFixtures';
import { THEMES } from './themes';
import { REPO, inkFraction, launch, openWebview } from './webviewPage';

const ARTIFACTS = path.join(REPO, 'test-artifacts');
const SPARSITY_X = 'model sparsity (log scale of the kept fraction)';
const FLOPS_X = 'training FLOPs (log scale)';

const rgb = (hex: string) => `rgb(${parseInt(hex.slice(1, 3), 16)}, ${parseInt(hex.slice(3, 5), 16)}, ${parseInt(hex.slice(5, 7), 16)})`;

describe('webview: sparsify view', () => {
  let browser: Browser;
  let result: SparsifyResult;
  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launch();
    result = sparsifyResult('node');
  });
  after(async () => browser?.close());

  for (const theme of ['light', 'dark'] as const) {
    test(`draws accuracy vs sparsity and vs training FLOPs with the table (${theme} theme)`, async () => {
      const w = await openWebview(browser, theme);
      await w.waitForPosted('ready');
      await w.send({ type: 'sparsifyResult', result });
      const [r] = await w.waitForPosted('rendered');
      assert.ok(r.type === 'rendered' && r.view === 'sparsify' && r.items === result.runs.length, JSON.stringify(r));
      for (const label of [SPARSITY_X, FLOPS_X, 'test accuracy', 'RGP (regular-graph mask)', 'RigL (sparse training)', 'ADMM (train, prune)']) assert.ok(r.labels.includes(label), label);

      const sp = '#sparsify-sparsity-chart svg';
      const fl = '#sparsify-flops-chart svg';
      assert.deepEqual(await w.page.$$eval(`${sp} .axis-label`, (ts) => ts.map((t) => t.textContent)), [SPARSITY_X, 'test accuracy']);
      assert.deepEqual(await w.page.$$eval(`${fl} .axis-label`, (ts) => ts.map((t) => t.textContent)), [FLOPS_X, 'test accuracy']);
      assert.deepEqual(await w.page.$$eval(`${sp} .axis.x .tick text`, (ts) => ts.map((t) => t.textContent)), ['50.0 %', '75.0 %', '87.5 %', '93.75 %']);
      const flopTicks = await w.page.$$eval(`${fl} .axis.x .tick text`, (ts) => ts.map((t) => t.textContent ?? ''));
      assert.ok(flopTicks.length >= 2 && flopTicks.every((t) => /^\d+(\.\d+)? [kMGT]$/.test(t)), flopTicks.join(', '));

      const masked = METHODS.filter((m) => m !== 'dense');
      // Mean over seeds per (method, sparsity), each with an error bar; the FLOPs chart adds the dense point.
      assert.equal(await w.page.$$eval(`${sp} .plot .pt`, (c) => c.length), masked.length * SPARSITIES.length);
      assert.equal(await w.page.$$eval(`${sp} .plot .err`, (c) => c.length), masked.length * SPARSITIES.length);
      assert.equal(await w.page.$$eval(`${sp} > g.baseline.c-dense > line`, (c) => c.length), 1);
      assert.equal(await w.page.$$eval(`${fl} .plot .pt`, (c) => c.length), masked.length * SPARSITIES.length + 1);
      // Log x: RGP at 93.75 % spends 1/16 of dense training; ADMM trains dense throughout (further right).
      const cx = (cls: string) => w.page.$$eval(`${fl} .series.${cls} .pt`, (cs) => cs.map((c) => Number(c.getAttribute('data-x'))));
      const [rgp, admm, dense] = [await cx('c-rgp'), await cx('c-admm'), await cx('c-dense')];
      assert.ok(Math.max(...rgp) < dense[0] && dense[0] < Math.min(...admm), `rgp ${rgp} < dense ${dense} < admm ${admm}`);
      // Equal ratios are equal distances on a log axis: 50 % → 75 % → 87.5 % → 93.75 % halve RGP's FLOPs each step.
      const sorted = [...rgp].sort((a, b) => a - b);
      const steps = sorted.slice(1).map((x, i) => x - sorted[i]);
      assert.ok(steps.every((s) => Math.abs(s - steps[0]) < 0.5), `even steps ${steps.join(', ')}`);

      const rows = await w.page.$$eval('#sparsify-table tbody tr', (trs) => trs.map((tr) => Array.from(tr.children).map((c) => c.textContent)));
      assert.equal(rows.length, masked.length * SPARSITIES.length + 1);
      assert.equal(rows[0][0], 'RGP (regular-graph mask)');
      assert.deepEqual(rows[rows.length - 1].slice(0, 2), ['dense', '0.0 %']);
      assert.equal(rows[0].length, 7, 'no AUC column for node classification');
      const caption = await w.page.textContent('#sparsify-table caption');
      assert.equal(caption, 'cora, node prediction, GCN (mean ± std over seeds)');

      const t = THEMES[theme];
      const fills = await w.page.evaluate(() => ['c-rgp', 'c-admm', 'c-set'].map((c) => getComputedStyle(document.querySelector(`#sparsify-sparsity-chart .series.${c} .pt`)!).fill));
      assert.deepEqual(fills, [rgb(t['--vscode-charts-blue']), rgb(t['--vscode-charts-red']), rgb(t['--vscode-charts-purple'])]);

      for (const id of ['#sparsify-sparsity-chart', '#sparsify-flops-chart']) {
        const ink = await inkFraction(w.page, await w.page.locator(id).screenshot());
        assert.ok(ink > 0.01 && ink < 0.9, `${id} has visible content (${(ink * 100).toFixed(1)} % ink)`);
      }
      await w.page.screenshot({ path: path.join(ARTIFACTS, `webview-sparsify-${theme}.png`), fullPage: true });
      assert.deepEqual(w.problems, []);
      await w.page.context().close();
    });
  }

  test('link prediction adds the AUC column and labels accuracy at threshold 0.5', async () => {
    const link = sparsifyResult('link', [1, 2, 3]);
    const w = await openWebview(browser, 'light');
    await w.waitForPosted('ready');
    await w.send({ type: 'sparsifyResult', result: link });
    const [r] = await w.waitForPosted('rendered');
    assert.ok(r.type === 'rendered' && r.labels.includes('test accuracy (link, threshold 0.5)'));
    const head = await w.page.$$eval('#sparsify-table thead th', (ths) => ths.map((th) => th.textContent));
    assert.equal(head[head.length - 1], 'AUC');
    const first = await w.page.$$eval('#sparsify-table tbody tr:first-child td', (tds) => tds.map((td) => td.textContent));
    assert.match(first[first.length - 1] ?? '', /^0\.\d{4} ± 0\.\d{4}$/);
    assert.match(first[4] ?? '', /^3 \/ 3$/);
    assert.deepEqual(w.problems, []);
    await w.page.context().close();
  });

  test('live runs draw as they arrive; a run after a finished comparison starts a new one; restored after reload', async () => {
    const w = await openWebview(browser, 'dark');
    await w.waitForPosted('ready');
    const live = result.runs.slice(0, 5);
    for (const run of live) await w.send({ type: 'sparsifyRun', run });
    const drawn = await w.waitForPosted('rendered', live.length);
    assert.deepEqual(drawn.map((d) => d.type === 'rendered' && d.items), [1, 2, 3, 4, 5]);
    assert.match((await w.page.textContent('#sparsify-subtitle')) ?? '', /^running: cora, node prediction, GCN$/);

    await w.send({ type: 'sparsifyResult', result });
    await w.waitForPosted('rendered', live.length + 1);
    await w.send({ type: 'sparsifyRun', run: result.runs[0] });
    const fresh = (await w.waitForPosted('rendered', live.length + 2)).at(-1)!;
    assert.ok(fresh.type === 'rendered' && fresh.items === 1, 'a new comparison starts from its first run');

    await w.page.reload();
    const [restored] = await w.waitForPosted('rendered');
    assert.ok(restored.type === 'rendered' && restored.view === 'sparsify' && restored.items === result.runs.length);
    assert.deepEqual(w.problems, []);
    await w.page.context().close();
  });
});
