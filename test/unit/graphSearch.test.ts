import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CancelSource } from '../../src/core/job';
import { isRgpError } from '../../src/core/errors';
import { AsplEvaluator } from '../../src/core/graph/aspl';
import { fromAdjacency } from '../../src/core/graph/graph';
import { SwapState } from '../../src/core/graph/proxyObjective';
import { randomRegularGraph } from '../../src/core/graph/regularGraph';
import { ringLattice } from '../../src/core/graph/ringLattice';
import { defaultSwapBudget, searchRegularGraph, type SearchSample } from '../../src/core/graph/swapSearch';
import { Random } from '../../src/core/random';
import { checkSimpleRegular, plainBfs } from './graphHelpers';

/** Random valid swaps on a SwapState, checking invariants after each. */
function randomValidSwaps(st: SwapState, count: number, seed: number, onEach: () => void) {
  const { n, k, adj } = st;
  const r = new Random(seed);
  let done = 0;
  while (done < count) {
    const i = r.int(n * k), j = r.int(n * k);
    const a = (i / k) | 0, b = adj[i], c = (j / k) | 0, d = adj[j];
    if (a === c || a === d || b === c || b === d || st.hasEdge(a, d) || st.hasEdge(c, b)) continue;
    const sb = st.slotOf(b, a), sd = st.slotOf(d, c);
    st.rewire(i, sb, j, sd);
    done++;
    onEach();
    if (done % 3 === 0) {
      // Undo and redo: the inverse must restore the exact same rows.
      const before = Int32Array.from(adj);
      st.rewire(i, sd, j, sb);
      st.rewire(i, sb, j, sd);
      assert.deepEqual(adj, before);
    }
  }
}

test('every swap keeps all degrees and simplicity, and the proxy count stays exact', () => {
  for (const [n, k] of [[30, 4], [64, 6], [50, 5 + 1]]) {
    const g = randomRegularGraph(n, k, 3);
    const st = new SwapState(n, k, Int32Array.from(g.neighbors));
    assert.ok(st.hasProxy);
    randomValidSwaps(st, 200, 11, () => {
      assert.equal(checkSimpleRegular(n, k, st.adj), null);
    });
    const incremental = st.covered;
    st.rebuild();
    assert.equal(incremental, st.covered, 'incremental covered = recomputed');
  }
});

test('the proxy sum is a lower bound, exact when the diameter is ≤ 3', () => {
  const ev = new AsplEvaluator();
  for (const [n, k, seed] of [[64, 6, 1], [64, 8, 2], [100, 10, 3], [200, 4, 4], [64, 4, 5]]) {
    const g = randomRegularGraph(n, k, seed);
    const st = new SwapState(n, k, Int32Array.from(g.neighbors));
    const r = ev.evaluate(g);
    if (r.diameter <= 3) assert.equal(st.proxySum(), r.distanceSum);
    else assert.ok(st.proxySum() < r.distanceSum);
  }
});

test('search keeps the graph simple, regular and connected, and never ends worse than it started', () => {
  for (const objective of ['exact', 'proxy'] as const) {
    const r = searchRegularGraph({ n: 64, k: 6, seed: 5, maxSwaps: 3000, objective, proxyFraction: 0.7 });
    assert.equal(checkSimpleRegular(64, 6, r.adjacency), null);
    assert.ok(r.connected);
    assert.ok(r.aspl <= r.initialAspl, `${objective}: ${r.aspl} > ${r.initialAspl}`);
    assert.equal(r.distanceSum, plainBfs(fromAdjacency(64, 6, r.adjacency)).sum, 'reported ASPL is the true one');
    assert.equal(r.objective, objective);
    assert.ok(r.swapsTried <= 3000 && r.swapsAccepted <= r.swapsTried);
  }
});

test('search improves a ring lattice a lot', () => {
  const ring = ringLattice(40, 4);
  const r = searchRegularGraph({ n: 40, k: 4, seed: 1, maxSwaps: 4000, initial: ring.neighbors, method: 'hill' });
  assert.ok(r.initialAspl > 5);
  assert.ok(r.aspl < 3.2, `${r.aspl}`);
  assert.equal(checkSimpleRegular(40, 4, r.adjacency), null);
  assert.equal(ring.neighbors[0], 39, 'the initial adjacency handed in is not modified');
});

test('same seed and swap budget give the same result, for both kernels; another seed differs', () => {
  const run = (seed: number, kernel: 'ts' | 'wasm', objective: 'exact' | 'proxy') =>
    searchRegularGraph({ n: 48, k: 4 + 2, seed, maxSwaps: 2500, kernel, objective, proxyFraction: 0.5 });
  for (const objective of ['exact', 'proxy'] as const) {
    const a = run(9, 'wasm', objective), b = run(9, 'wasm', objective), c = run(9, 'ts', objective), d = run(10, 'wasm', objective);
    assert.deepEqual(a.adjacency, b.adjacency);
    assert.deepEqual(a.adjacency, c.adjacency);
    assert.equal(a.swapsAccepted, c.swapsAccepted);
    assert.notDeepEqual(a.adjacency, d.adjacency);
  }
});

test('search reports progress, keeps a history and can be cancelled', () => {
  const samples: SearchSample[] = [];
  const messages: string[] = [];
  const r = searchRegularGraph(
    { n: 64, k: 4, seed: 2, maxSwaps: 20000, reportEveryMs: 0, onSample: (s) => samples.push(s) },
    { signal: new CancelSource(), progress: { report: (u) => messages.push(u.message) } },
  );
  assert.ok(samples.length > 2);
  assert.ok(messages.some((m) => /swaps tried/.test(m)));
  assert.ok(r.history.length >= 2);
  for (let i = 1; i < r.history.length; i++) {
    assert.ok(r.history[i].bestAspl <= r.history[i - 1].bestAspl + 1e-12, 'best ASPL never rises');
    assert.ok(r.history[i].swapsTried >= r.history[i - 1].swapsTried);
  }
  const cancel = new CancelSource();
  let calls = 0;
  assert.throws(
    () => searchRegularGraph({ n: 64, k: 4, seed: 2, maxSwaps: 10_000_000, reportEveryMs: 0, onSample: () => { if (++calls === 3) cancel.cancel(); } }, { signal: cancel, progress: { report() {} } }),
    (e: unknown) => isRgpError(e) && e.code === 'CANCELLED',
  );
});

test('search rejects bad budgets and mismatched starting graphs', () => {
  assert.throws(() => searchRegularGraph({ n: 64, k: 4, seed: 1, seconds: -1 }), /seconds/);
  assert.throws(() => searchRegularGraph({ n: 64, k: 4, seed: 1, maxSwaps: 1.5 }), /maxSwaps/);
  assert.throws(() => searchRegularGraph({ n: 64, k: 4, seed: 1, maxSwaps: 5, initial: new Int32Array(10) }), /n·k/);
  assert.throws(() => searchRegularGraph({ n: 63, k: 5, seed: 1, maxSwaps: 5 }), /odd/);
});

test('a swap budget is the default, sized by (n, k) alone, and reported', () => {
  // A function of the size only: same inputs, same budget; bigger graphs get fewer (costlier) exact moves.
  assert.equal(defaultSwapBudget(256, 8), defaultSwapBudget(256, 8));
  assert.ok(defaultSwapBudget(2000, 4) < defaultSwapBudget(256, 8));
  assert.ok(defaultSwapBudget(256, 8) <= defaultSwapBudget(64, 4));
  for (const [n, k] of [[10, 3], [64, 8], [1024, 16], [4096, 32]]) assert.ok(Number.isInteger(defaultSwapBudget(n, k)) && defaultSwapBudget(n, k) >= 100);
  // (40, 4) cannot reach its Moore bound, so the whole budget runs ((16, 3) stops early at the bound).
  const r = searchRegularGraph({ n: 40, k: 4, seed: 1 });
  assert.equal(r.swapBudget, defaultSwapBudget(40, 4));
  assert.equal(r.secondsLimit, null);
  assert.equal(r.stoppedBy, 'swaps');
  assert.equal(r.swapsTried, r.swapBudget);
});

test('time never steers a swap-budget search: a slow machine and a generous cap give the same graph', () => {
  const opts = { n: 64, k: 6, seed: 4, maxSwaps: 6000 };
  const plain = searchRegularGraph(opts);
  const capped = searchRegularGraph({ ...opts, seconds: 3600 });
  // A much slower machine: every progress report (as often as possible: every 8th move) burns 0.3 ms.
  const burn = () => { const t = performance.now(); while (performance.now() - t < 0.3); };
  const slow = searchRegularGraph({ ...opts, seconds: 3600, reportEveryMs: 0, onSample: burn });
  assert.deepEqual(capped.adjacency, plain.adjacency);
  assert.deepEqual(slow.adjacency, plain.adjacency);
  assert.equal(slow.swapsAccepted, plain.swapsAccepted);
  assert.equal(slow.stoppedBy, 'swaps');
  assert.equal(slow.secondsLimit, 3600);
  // The same holds through the proxy phase and its exact polish.
  const p = { n: 520, k: 6, seed: 2, maxSwaps: 8000, objective: 'proxy' as const, proxyFraction: 0.9 };
  assert.deepEqual(searchRegularGraph({ ...p, reportEveryMs: 0, onSample: burn }).adjacency, searchRegularGraph(p).adjacency);
});

test('a time cap that bites is reported, and the best graph so far is still valid', () => {
  // 10⁹ proposed swaps cannot finish in 0.2 s on any machine (≈ 10⁵–10⁶ per second here).
  const r = searchRegularGraph({ n: 64, k: 4, seed: 1, maxSwaps: 1_000_000_000, seconds: 0.2 });
  assert.equal(r.stoppedBy, 'time-cap');
  assert.ok(r.swapsTried < r.swapBudget!);
  assert.equal(checkSimpleRegular(64, 4, r.adjacency), null);
  assert.equal(r.distanceSum, plainBfs(fromAdjacency(64, 4, r.adjacency)).sum);
  // A pure time budget (seconds alone) is reported as such.
  const t = searchRegularGraph({ n: 40, k: 4, seed: 1, seconds: 0.05 });
  assert.equal(t.stoppedBy, 'seconds');
  assert.equal(t.swapBudget, null);
});

test('diameter first: the diameter never rises, the result is a true (diameter, ASPL) and deterministic', () => {
  const opts = { n: 64, k: 4, seed: 3, maxSwaps: 4000, diameterFirst: true };
  const a = searchRegularGraph(opts);
  const start = plainBfs(fromAdjacency(64, 4, randomRegularGraph(64, 4, new Random(3).nextUint32()).neighbors));
  assert.equal(a.initialAspl, start.sum / (64 * 63), 'the start is the seed’s random graph');
  assert.ok(a.diameter <= start.diameter, `diameter ${a.diameter} > start ${start.diameter}`);
  assert.equal(checkSimpleRegular(64, 4, a.adjacency), null);
  const truth = plainBfs(fromAdjacency(64, 4, a.adjacency));
  assert.deepEqual([a.distanceSum, a.diameter], [truth.sum, truth.diameter]);
  assert.deepEqual(searchRegularGraph(opts).adjacency, a.adjacency);
});
