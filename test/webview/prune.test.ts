/**
 * The prune views in a real browser, fed by a real pruning run of the bundled MNIST model (same core
 * the worker uses, deterministic swap budget): the live ASPL history with the Moore bound, the stat
 * tiles, and dense-vs-pruned parameters per layer, in light and dark themes.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import type { SearchSample } from '../../src/core/graph';
import { quietContext } from '../../src/core/job';
import type { PruneSummary } from '../../src/core/prune/report';
import { pruneModel, type SearchStart } from '../../src/jobs/pruneModel';
import { REPO, inkFraction, launch, openWebview } from './webviewPage';

const ARTIFACTS = path.join(REPO, 'test-artifacts');
const MODEL = path.join(REPO, 'examples', 'mnist-mlp', 'model', 'model.json');

describe('webview: prune views', () => {
  let browser: Browser;
  let summary: PruneSummary;
  let start: SearchStart | undefined;
  const samples: SearchSample[] = [];
  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launch();
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'rgp-webview-')), 'pruned');
    summary = await pruneModel(
      MODEL,
      { ratio: 0.9375, keepFirst: false, searchSwaps: 20_000, out, onSearchStart: (s) => (start = s), onSearchSample: (s) => samples.push(s) },
      quietContext,
    );
  });
  after(async () => browser?.close());

  test('the ASPL history grows live and draws the Moore bound from the start', async () => {
    assert.ok(start, 'the search announced its n, k and Moore bound');
    const w = await openWebview(browser, 'light');
    await w.waitForPosted('ready');
    await w.send({ type: 'searchStart', start: start! });
    const [first] = await w.waitForPosted('rendered');
    assert.ok(first.type === 'rendered' && first.view === 'aspl' && first.items === 0);
    assert.ok(first.labels.includes('Moore bound 2.857'), first.labels.join(', '));
    const live = samples.length > 0 ? samples : [];
    for (const s of live) await w.send({ type: 'searchSample', sample: s });
    const rendered = await w.waitForPosted('rendered', 1 + live.length);
    const last = rendered[rendered.length - 1];
    assert.ok(last.type === 'rendered' && last.items === live.length);
    assert.deepEqual(w.problems, []);
    await w.page.context().close();
  });

  for (const theme of ['light', 'dark'] as const) {
    test(`the finished run: stats, ASPL history and per-layer sparsity (${theme} theme)`, async () => {
      const w = await openWebview(browser, theme);
      await w.waitForPosted('ready');
      await w.send({ type: 'pruneResult', summary });
      const views = await w.waitForPosted('rendered', 2);
      const aspl = views.find((v) => v.type === 'rendered' && v.view === 'aspl');
      const sparsity = views.find((v) => v.type === 'rendered' && v.view === 'sparsity');
      assert.ok(aspl && aspl.type === 'rendered' && aspl.items === summary.history.length);
      assert.ok(aspl.labels.includes('seconds') && aspl.labels.includes('ASPL'));
      assert.ok(aspl.labels.includes(`best ${summary.graph.aspl.toFixed(3)}`), aspl.labels.join(', '));
      assert.ok(sparsity && sparsity.type === 'rendered' && sparsity.items === 3);

      const tiles = await w.page.$$eval('#prune-stats .stat .value', (els) => els.map((e) => e.textContent));
      // Issue 15 item 3: the whole model first (parameters, MACs), then the masked layers' ratio and the degree.
      assert.match(tiles[0] ?? '', /^235\.1 k → \d+(\.\d+)? k$/);
      assert.match(tiles[1] ?? '', /^234\.8 k → \d+(\.\d+)? k$/);
      assert.equal(tiles[2], '93.75 %');
      assert.equal(tiles[3], 'k = 4 of n = 64');
      // dense_1 and dense_2 are masked (first layer masked on purpose), dense_3 kept: kept bars are k/n of dense ones.
      const kept = await w.page.$$eval('#sparsity-chart .bars rect.kept', (rs) => rs.map((r) => Number(r.getAttribute('width'))));
      const dense = await w.page.$$eval('#sparsity-chart .bars rect.dense', (rs) => rs.map((r) => Number(r.getAttribute('width'))));
      assert.equal(kept.length, 3);
      assert.ok(Math.abs(kept[0] / dense[0] - summary.layers[0].prunedParams / summary.layers[0].denseParams) < 0.01);
      assert.equal(kept[2], dense[2], 'the classifier stays dense');
      const footer = await w.page.textContent('#prune-table tfoot');
      assert.match(footer ?? '', new RegExp(summary.totals.prunedParams.toLocaleString('en-US')));

      for (const id of ['#aspl-chart', '#sparsity-chart']) {
        const ink = await inkFraction(w.page, await w.page.locator(id).screenshot());
        assert.ok(ink > 0.02 && ink < 0.9, `${id} has visible content (${(ink * 100).toFixed(1)} % ink)`);
      }
      await w.page.screenshot({ path: path.join(ARTIFACTS, `webview-prune-${theme}.png`), fullPage: true });
      assert.deepEqual(w.problems, []);
      await w.page.context().close();
    });
  }
});
