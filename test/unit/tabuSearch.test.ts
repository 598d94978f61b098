import { test } from 'node:test';
import assert from 'node:assert/strict';
import { graphCommand, type GraphSearchOutput } from '../../src/cli/graphCommand';
import { graphText } from '../../src/cli/humanOutput';
import { CancelledError, isRgpError } from '../../src/core/errors';
import { quietContext } from '../../src/core/job';
import { fromAdjacency } from '../../src/core/graph/graph';
import { randomRegularGraph } from '../../src/core/graph/regularGraph';
import { restartSeed } from '../../src/core/graph/searchRestarts';
import { searchRegularGraph, type SearchSample } from '../../src/core/graph/swapSearch';
import { MAX_TABU_MOVES, TABU, tabuMoves, tabuSearch } from '../../src/core/graph/tabuSearch';
import { SwapState } from '../../src/core/graph/proxyObjective';
import { equivariantForm, isSlotEquivariant, OrbitSwapper, randomSymmetricRegularGraph } from '../../src/core/graph/symmetry';
import { assertRunsForward, checkSimpleRegular, plainBfs } from './graphHelpers';

/** Every double-edge swap of a k-regular graph, by brute force over its edge list: the resulting adjacencies. */
function allSwaps(n: number, k: number, adj: Int32Array): Int32Array[] {
  const edges: Array<[number, number]> = [];
  for (let v = 0; v < n; v++) for (let i = 0; i < k; i++) if (v < adj[v * k + i]) edges.push([v, adj[v * k + i]]);
  const has = (u: number, w: number) => adj.subarray(u * k, u * k + k).includes(w);
  const out: Int32Array[] = [];
  for (let e = 0; e < edges.length; e++) {
    for (let f = e + 1; f < edges.length; f++) {
      const [a, b] = edges[e];
      const [c, d] = edges[f];
      if (new Set([a, b, c, d]).size < 4) continue;
      for (const [x, y] of [[c, d], [d, c]]) {
        if (has(a, x) || has(b, y)) continue;
        const next = adj.slice();
        const put = (u: number, from: number, to: number) => (next[u * k + adj.subarray(u * k, u * k + k).indexOf(from)] = to);
        put(a, b, x);
        put(b, a, y);
        put(x, y, a);
        put(y, x, b);
        out.push(next);
      }
    }
  }
  return out;
}

test('one tabu step scans every swap exactly once and takes the best (known by brute force)', () => {
  for (const [n, k, seed] of [[12, 3, 1], [16, 4, 2], [20, 3, 3]]) {
    const start = randomRegularGraph(n, k, seed).neighbors;
    const swaps = allSwaps(n, k, start);
    const sums = swaps.map((a) => plainBfs(fromAdjacency(n, k, a)).sum);
    const bestNeighbour = Math.min(...sums);
    // A budget of exactly one neighbourhood: one full scan, then the step.
    const r = tabuSearch({ n, k, seed, initial: start, maxSwaps: swaps.length }, quietContext);
    assert.equal(r.swapsTried, swaps.length, `(${n}, ${k}): every swap evaluated once`);
    assert.equal(r.swapsAccepted, 1);
    const startSum = plainBfs(fromAdjacency(n, k, start)).sum;
    assert.equal(r.distanceSum, Math.min(startSum, bestNeighbour));
    assert.equal(checkSimpleRegular(n, k, r.adjacency), null);
    assert.equal(plainBfs(fromAdjacency(n, k, r.adjacency)).sum, r.distanceSum);
    // The start is never modified.
    assert.deepEqual(start, randomRegularGraph(n, k, seed).neighbors);
  }
});

test('under a symmetry a tabu step scans every orbit swap and voltage move, takes the best (brute force) and keeps the graph invariant', () => {
  // Order 4 at (32, 4) runs the BFS over the whole graph; order 16 at (64, 4) on the quotient, with each
  // candidate written into the representatives' rows only (asplQuotient.ts, OrbitSwapper.applyToRepresentatives).
  for (const [n, k, g] of [[32, 4, 4], [64, 4, 16]] as const) {
    const start = randomSymmetricRegularGraph(n, k, g, 9);
    // The candidates, independently: every (representative slot, slot) pair the orbit swapper accepts,
    // applied to a copy and measured by a plain BFS from all n sources.
    const sums: number[] = [];
    let valid = 0;
    let voltages = 0;
    for (let i = 0; i < (n / g) * k; i++) {
      for (let j = 0; j < n * k; j++) {
        const copy = start.slice();
        const swapper = new OrbitSwapper(new SwapState(n, k, copy, false), g);
        if (!swapper.proposeAt(i, j)) continue;
        valid++;
        swapper.apply();
        assert.ok(isSlotEquivariant(n, k, g, copy));
        const truth = plainBfs(fromAdjacency(n, k, copy));
        if (Number.isFinite(truth.sum)) sums.push(truth.sum);
      }
      // And every voltage move of the orbit of that slot (`OrbitSwapper.proposeVoltageAt`), each distinct
      // move once (`scansVoltage`: the orbit's other end reaches the same moves).
      for (let t = 1; t < g; t++) {
        const copy = start.slice();
        const swapper = new OrbitSwapper(new SwapState(n, k, copy, false), g);
        if (!swapper.scansVoltage(i, t) || !swapper.proposeVoltageAt(i, t)) continue;
        valid++;
        voltages++;
        swapper.apply();
        assert.ok(isSlotEquivariant(n, k, g, copy));
        const truth = plainBfs(fromAdjacency(n, k, copy));
        if (Number.isFinite(truth.sum)) sums.push(truth.sum);
      }
    }
    assert.ok(voltages > 0);
    // A budget of exactly one scan: every candidate evaluated once, then the step.
    const r = tabuSearch({ n, k, seed: 9, symmetry: g, initial: start, maxSwaps: valid }, quietContext);
    assert.equal(r.swapsTried, valid);
    assert.equal(r.swapsAccepted, 1);
    assert.equal(r.distanceSum, Math.min(plainBfs(fromAdjacency(n, k, start)).sum, ...sums));
    assert.ok(isSlotEquivariant(n, k, g, r.adjacency));
    assert.equal(checkSimpleRegular(n, k, r.adjacency), null);
  }
  // The iterated search polishes a symmetric search's graph under the same symmetry.
  const it = searchRegularGraph({ n: 64, k: 4, seed: 2, maxSwaps: 200_000, symmetry: 8, tabu: true, tabuSchedule: { startShare: 0.05, stall: 10 } });
  assert.equal(it.swapsTried, 200_000);
  assert.notEqual(equivariantForm(64, 4, 8, it.adjacency), null, 'the result is invariant under i ↦ i + 8');
  assert.ok(it.tabuStarts!.every((t) => t.aspl <= t.startAspl));
});

test('tabu search walks on from a local minimum, stops when it stalls, and finds the Petersen graph (Moore bound)', () => {
  // (10, 3): the Petersen graph is the unique graph at the Moore bound (ASPL 5/3); the search stops there.
  const p = tabuSearch({ n: 10, k: 3, seed: 4 }, quietContext);
  assert.equal(p.stoppedBy, 'bound');
  assert.equal(p.distanceSum, 10 * 3 + 10 * 6 * 2);
  assert.equal(p.aspl, p.mooreBound);
  // (40, 3) has no graph at the Moore bound (3.1538) that this search finds: it ends by stalling, after `stall` steps without a new best, having
  // taken worse steps (a hill-climb would stop at the first local minimum).
  const samples: SearchSample[] = [];
  const r = tabuSearch({ n: 40, k: 3, seed: 3, onSample: (s) => samples.push(s), reportEveryMs: 0, tabuSchedule: { stall: 15 } }, quietContext);
  assert.equal(r.stoppedBy, 'swaps');
  assert.ok(r.swapsAccepted >= 15);
  assert.ok(samples.some((s) => s.currentAspl > s.bestAspl), 'took a step to a worse graph');
  assert.ok(r.aspl < r.initialAspl);
  assertRunsForward(samples, r.history);
  // Deterministic.
  assert.deepEqual(tabuSearch({ n: 40, k: 3, seed: 3, tabuSchedule: { stall: 15 } }, quietContext).adjacency, r.adjacency);
  // The tabu list is what leaves a local minimum: from this one (stall 1 stops at the first step that does
  // not improve), without it (tenure 0) the walk steps to the best neighbour and straight back, 20 times
  // over; with it, the walk goes on and finds a lower graph.
  const localMin = tabuSearch({ n: 40, k: 3, seed: 1, tabuSchedule: { stall: 1 } }, quietContext);
  const cycling = tabuSearch({ n: 40, k: 3, seed: 1, initial: localMin.adjacency, tabuSchedule: { stall: 20, tenure: 0 } }, quietContext);
  assert.equal(cycling.swapsAccepted, 20);
  assert.equal(cycling.distanceSum, localMin.distanceSum);
  const walking = tabuSearch({ n: 40, k: 3, seed: 1, initial: localMin.adjacency, tabuSchedule: { stall: 20 } }, quietContext);
  assert.ok(walking.distanceSum < localMin.distanceSum, `${walking.distanceSum} < ${localMin.distanceSum}`);
});

test('iterated tabu search: starts and tabu searches share the budget exactly; each start is the plain search with its seed', () => {
  const opts = { n: 40, k: 3, seed: 7, maxSwaps: 60_000, tabu: true, tabuSchedule: { startShare: 0.05, stall: 10 } };
  const samples: SearchSample[] = [];
  const r = searchRegularGraph({ ...opts, onSample: (s) => samples.push(s), reportEveryMs: 0 });
  assert.equal(r.swapsTried, 60_000);
  assert.equal(r.stoppedBy, 'swaps');
  const starts = r.tabuStarts!;
  assert.ok(starts.length >= 2, `${starts.length} starts`);
  assert.equal(starts[0].seed, 7);
  starts.forEach((s, i) => assert.equal(s.seed, restartSeed(7, i)));
  // Each start's search is the annealing search with that seed and 5 % of the budget; its tabu search only improves it.
  for (const s of starts.slice(0, 2)) {
    assert.equal(searchRegularGraph({ n: 40, k: 3, seed: s.seed, maxSwaps: 3_000 }).aspl, s.startAspl);
    assert.ok(s.aspl <= s.startAspl);
  }
  assert.equal(starts.reduce((a, s) => a + s.startSwaps + s.swaps, 0), 60_000);
  assert.ok(starts.every((s) => s.startSwaps <= 3_000));
  assert.equal(r.aspl, Math.min(...starts.map((s) => s.aspl)));
  assert.equal(checkSimpleRegular(40, 3, r.adjacency), null);
  const truth = plainBfs(fromAdjacency(40, 3, r.adjacency));
  assert.deepEqual([r.distanceSum, r.diameter], [truth.sum, truth.diameter]);
  assertRunsForward(samples, r.history);
  assert.deepEqual(searchRegularGraph(opts).adjacency, r.adjacency);
  // With a descent as each start's search.
  const d = searchRegularGraph({ n: 32, k: 4, seed: 1, maxSwaps: 40_000, symmetry: 4, descend: true, tabu: true, tabuSchedule: { startShare: 0.25 } });
  assert.equal(d.tabuStarts![0].startAspl, searchRegularGraph({ n: 32, k: 4, seed: 1, maxSwaps: 10_000, symmetry: 4, descend: true }).aspl);
  assert.equal(d.symmetry, 4);
});

test('tabu search: a clear error for large graphs and clashing options; cancellable; the CLI reports each start', async () => {
  assert.ok(TABU.stall > 0 && TABU.tenure > 0 && TABU.startShare > 0 && TABU.startShare < 1);
  // Plain (256, 8) has 1024 edges, 1 047 552 moves a step: the largest plain size taken; (264, 8) is not.
  assert.equal(tabuMoves(256, 8), 1024 * 1023);
  assert.ok(tabuMoves(256, 8) <= MAX_TABU_MOVES && tabuMoves(264, 8) > MAX_TABU_MOVES);
  const big = 264;
  assert.throws(() => searchRegularGraph({ n: big, k: 8, seed: 1, maxSwaps: 100, tabu: true }), (e: unknown) => isRgpError(e) && e.code === 'BAD_ARGUMENT' && /scans about 1\.1·10⁶ moves/.test(e.message) && /--symmetry/.test(e.hint ?? ''));
  // Under a symmetry a step scans orbit moves: (1024, 16) at order 128 is too many, at order 512 not.
  assert.throws(() => searchRegularGraph({ n: 1024, k: 16, seed: 1, maxSwaps: 100, symmetry: 128, tabu: true }), (e: unknown) => isRgpError(e) && /under symmetry 128/.test(e.message));
  assert.throws(() => searchRegularGraph({ n: 64, k: 4, seed: 1, maxSwaps: 100, tabu: true, restarts: 2 }), (e: unknown) => isRgpError(e) && /restarts by itself/.test(e.message));
  assert.throws(() => searchRegularGraph({ n: 64, k: 4, seed: 1, seconds: 1, tabu: true }), (e: unknown) => isRgpError(e) && /needs a swap budget/.test(e.message));
  assert.throws(() => searchRegularGraph({ n: 64, k: 4, seed: 1, maxSwaps: 100, tabu: true, diameterFirst: true }), (e: unknown) => isRgpError(e) && /ASPL alone/.test(e.message));
  await assert.rejects(graphCommand({ nodes: 64, degree: 4, swaps: 100, tabu: true, restarts: 2 }), (e: unknown) => isRgpError(e) && /--tabu restarts by itself/.test(e.message));
  await assert.rejects(graphCommand({ nodes: big, degree: 8, swaps: 100, tabu: true }), (e: unknown) => isRgpError(e) && /scans about/.test(e.message));
  // Cancelled mid-scan: the signal is checked every 1024 evaluations.
  let polls = 0;
  const signal = {
    get cancelled() {
      return polls > 3;
    },
    throwIfCancelled() {
      if (++polls > 3) throw new CancelledError();
    },
  };
  assert.throws(() => tabuSearch({ n: 64, k: 4, seed: 1 }, { ...quietContext, signal }), CancelledError);
  // A wall-clock cap of 0 stops at once with the start graph.
  const capped = tabuSearch({ n: 64, k: 4, seed: 1, maxSwaps: 1e6, seconds: 0 }, quietContext);
  assert.equal(capped.stoppedBy, 'time-cap');
  assert.equal(capped.aspl, capped.initialAspl);
  const out = (await graphCommand({ nodes: 40, degree: 3, swaps: 30_000, seed: 2, tabu: true })) as GraphSearchOutput;
  assert.ok(out.tabuStarts!.length >= 1);
  assert.equal(out.aspl, Math.min(...out.tabuStarts!.map((s) => s.aspl)));
  assert.equal(out.swapsTried, 30_000);
  assert.match(graphText(out), /polished by tabu search \(ASPL \d\.\d{4}–\d\.\d{4}\)/);
  const plain = (await graphCommand({ nodes: 40, degree: 3, swaps: 3_000, seed: 2 })) as GraphSearchOutput;
  assert.equal(plain.tabuStarts, null);
  // --start-swaps sets each start's search exactly (here 2 000 of 30 000 swaps, not the default 1/48).
  const long = (await graphCommand({ nodes: 40, degree: 3, swaps: 30_000, seed: 2, tabu: true, startSwaps: '2000' })) as GraphSearchOutput;
  assert.equal(long.tabuStarts![0].startSwaps, 2_000);
  assert.equal(long.tabuStarts![0].startAspl, searchRegularGraph({ n: 40, k: 3, seed: 2, maxSwaps: 2_000 }).aspl);
  await assert.rejects(graphCommand({ nodes: 40, degree: 3, swaps: 30_000, startSwaps: 2_000 }), (e: unknown) => isRgpError(e) && /--tabu was not given/.test(e.message));
  await assert.rejects(graphCommand({ nodes: 40, degree: 3, swaps: 30_000, tabu: true, startSwaps: 30_000 }), (e: unknown) => isRgpError(e) && /leaves nothing/.test(e.message));
  await assert.rejects(graphCommand({ nodes: 40, degree: 3, swaps: 30_000, tabu: true, startSwaps: 'many' }), (e: unknown) => isRgpError(e) && /--start-swaps must be an integer ≥ 1/.test(e.message));
});
