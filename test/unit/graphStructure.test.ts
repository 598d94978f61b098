/**
 * The graph behind "RGP: Show Graph Structure": the worker's `graph` job (a real worker thread running
 * dist/worker.js) and the graph a pruning run wrote to its folder, read back as the view's n×k lists.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { isRgpError } from '../../src/core/errors';
import { aspl, defaultSwapBudget, fromAdjacency } from '../../src/core/graph';
import { quietContext } from '../../src/core/job';
import { isPrunedFolder, readRunGraph, searchGraphStructure } from '../../src/jobs/graphStructure';
import { pruneModel } from '../../src/jobs/pruneModel';
import { startJob } from '../../src/host/jobRunner';

const ROOT = path.join(__dirname, '..', '..');
const WORKER = path.join(ROOT, 'dist', 'worker.js');

before(() => assert.ok(existsSync(WORKER), 'build first: node esbuild.js'));

function checkRegular(n: number, k: number, adjacency: number[]): void {
  assert.equal(adjacency.length, n * k);
  for (let v = 0; v < n; v++) {
    const row = adjacency.slice(v * k, v * k + k);
    assert.equal(new Set(row).size, k, `node ${v} has ${k} distinct neighbours`);
    for (const w of row) {
      assert.notEqual(w, v);
      assert.ok(adjacency.slice(w * k, w * k + k).includes(v), `edge ${v}–${w} is in both rows`);
    }
  }
}

test('the graph job searches in the worker and streams the search for the live chart', async () => {
  const starts: unknown[] = [];
  let samples = 0;
  const job = startJob(WORKER, { kind: 'graph', n: 32, k: 4, seed: 3, searchSeconds: 0.3 }, { onSearchStart: (s) => starts.push(s), onSearchSample: () => samples++ });
  const result = await job.result;
  assert.equal(result.kind, 'graph');
  if (result.kind !== 'graph') return;
  const g = result.graph;
  checkRegular(32, 4, g.adjacency);
  assert.ok(Math.abs(aspl(fromAdjacency(32, 4, Int32Array.from(g.adjacency))).aspl - g.aspl) < 1e-12, 'the reported ASPL is the graph’s');
  assert.ok(g.aspl <= g.initialAspl!, 'the search never makes the graph worse');
  assert.ok(g.aspl >= g.mooreBound);
  assert.equal(starts.length, 1);
  assert.ok(samples >= 1);
  await job.exited;
});

test('the same seed with no search time gives the same graph; an impossible (n, k) is a user error', () => {
  const a = searchGraphStructure({ n: 20, k: 3, seed: 7, searchSeconds: 0 }, quietContext);
  const b = searchGraphStructure({ n: 20, k: 3, seed: 7, searchSeconds: 0 }, quietContext);
  assert.deepEqual(a.adjacency, b.adjacency);
  assert.throws(() => searchGraphStructure({ n: 5, k: 3, seed: 1, searchSeconds: 0 }, quietContext), (e) => isRgpError(e) && e.code === 'BAD_ARGUMENT' && /n·k odd/.test(e.message));
});

test('Show Graph searches a swap budget by default: the same seed gives the same graph; seconds only cap it', () => {
  // (40, 4): no graph reaches its Moore bound, so the search runs its whole budget (at (20, 3) it stops
  // early at the bound, which a test of the budget must avoid).
  const a = searchGraphStructure({ n: 40, k: 4, seed: 7 }, quietContext);
  assert.equal(a.swapBudget, defaultSwapBudget(40, 4));
  assert.equal(a.stoppedBy, 'swaps');
  assert.equal(a.swapsTried, a.swapBudget);
  const b = searchGraphStructure({ n: 40, k: 4, seed: 7, searchSeconds: 3600 }, quietContext);
  assert.deepEqual(a.adjacency, b.adjacency);
  const c = searchGraphStructure({ n: 40, k: 4, seed: 7, searchSwaps: 500 }, quietContext);
  assert.equal(c.swapsTried, 500);
  assert.equal(searchGraphStructure({ n: 64, k: 8, seed: 1, searchSwaps: 0 }, quietContext).bestKnownAspl, 1.927);
  assert.throws(() => searchGraphStructure({ n: 20, k: 3, seed: 1, searchSwaps: 2.5 }, quietContext), (e) => isRgpError(e) && e.code === 'BAD_ARGUMENT' && /whole number of swaps/.test(e.message));
});

test('a pruning run’s folder is recognised and its graph read back as the run used it', async () => {
  const out = path.join(mkdtempSync(path.join(tmpdir(), 'rgp-graph-')), 'pruned');
  const summary = await pruneModel(path.join(ROOT, 'examples', 'mnist-mlp', 'model', 'model.json'), { ratio: 0.9375, searchSwaps: 200, keepFirst: false, out }, quietContext);
  assert.ok(await isPrunedFolder(out));
  assert.equal(await isPrunedFolder(path.join(ROOT, 'examples', 'mnist-mlp', 'model')), false);
  const g = await readRunGraph(out);
  assert.deepEqual([g.n, g.k, g.aspl, g.seed], [summary.graph.n, summary.graph.k, summary.graph.aspl, summary.graph.seed]);
  checkRegular(g.n, g.k, g.adjacency);
  assert.ok(Math.abs(aspl(fromAdjacency(g.n, g.k, Int32Array.from(g.adjacency))).aspl - g.aspl) < 1e-12);
});

test('a graph.json that is not a regular graph is refused with a clear message', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'rgp-graph-bad-'));
  writeFileSync(path.join(dir, 'graph.json'), JSON.stringify({ nodes: 4, edges: [[0, 1], [1, 2], [2, 3]], aspl: 1.6 }));
  await assert.rejects(readRunGraph(dir), (e) => isRgpError(e) && e.code === 'BAD_GRAPH' && /not regular/.test(e.message));
  await assert.rejects(readRunGraph(path.join(dir, 'nowhere')), (e) => isRgpError(e) && e.code === 'UNREADABLE_FILE');
});
