import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isRgpError } from '../../src/core/errors';
import { AsplEvaluator } from '../../src/core/graph/aspl';
import { fromAdjacency, fromEdges } from '../../src/core/graph/graph';
import { SwapState } from '../../src/core/graph/proxyObjective';
import { circulant, randomRegularGraph } from '../../src/core/graph/regularGraph';
import { searchRegularGraph } from '../../src/core/graph/swapSearch';
import { equivariantForm, isSlotEquivariant, OrbitSwapper, randomSymmetricRegularGraph } from '../../src/core/graph/symmetry';
import { Random } from '../../src/core/random';
import { checkSimpleRegular, plainBfs } from './graphHelpers';

const divisors = (n: number) => Array.from({ length: n }, (_, i) => i + 1).filter((d) => n % d === 0);

/** The Petersen graph labelled so that i ↦ i + 2 (mod 10) is an automorphism: outer u_j = 2j, inner v_j = 2j+1. */
function petersenRotational() {
  const e: Array<[number, number]> = [];
  for (let j = 0; j < 5; j++) {
    e.push([2 * j, (2 * j + 2) % 10]); // outer 5-cycle
    e.push([2 * j, 2 * j + 1]); // spoke
    e.push([2 * j + 1, (2 * j + 5) % 10]); // inner pentagram v_j – v_{j+2}
  }
  return fromEdges(10, e);
}

test('a circulant is slot-equivariant under every rotation; a random graph is not', () => {
  for (const [n, k] of [[12, 4], [20, 5], [24, 6], [9, 2]]) {
    const adj = circulant(n, k);
    for (const g of divisors(n)) assert.ok(isSlotEquivariant(n, k, g, adj), `C(${n},${k}) under order ${g}`);
  }
  const r = randomRegularGraph(24, 4, 1).neighbors;
  assert.ok(!isSlotEquivariant(24, 4, 4, r));
  assert.equal(equivariantForm(24, 4, 4, r), null);
});

test('equivariantForm recognises invariance as a set (any slot order) and rebuilds the slot-equivariant rows', () => {
  // The circulant with the rows of odd nodes reversed: still invariant under i ↦ i + 1, no longer slot-equivariant.
  const n = 12, k = 4;
  const scrambled = circulant(n, k);
  for (let v = 1; v < n; v += 2) scrambled.subarray(v * k, v * k + k).reverse();
  assert.ok(!isSlotEquivariant(n, k, 12, scrambled));
  const eq = equivariantForm(n, k, 12, scrambled);
  assert.ok(eq && isSlotEquivariant(n, k, 12, eq));
  for (let v = 0; v < n; v++) assert.deepEqual([...eq!.subarray(v * k, v * k + k)].sort((a, b) => a - b), [...scrambled.subarray(v * k, v * k + k)].sort((a, b) => a - b));
  // The Petersen graph labelled for i ↦ i + 2; i ↦ i + 1 is not an automorphism (it maps the spoke 0–1 to 1–2).
  const adj = Int32Array.from(petersenRotational().neighbors);
  assert.ok(equivariantForm(10, 3, 5, adj));
  assert.equal(equivariantForm(10, 3, 10, adj), null);
});

test('the ASPL from the n/g representatives equals the full ASPL on hand-known graphs', () => {
  const ev = new AsplEvaluator();
  // Cycle C_n (n even): every source has distance sum n²/4, diameter n/2.
  for (const n of [8, 12, 40]) {
    const ring = fromAdjacency(n, 2, circulant(n, 2));
    for (const g of divisors(n)) {
      const r = ev.evaluate(ring, Infinity, 2, Infinity, g);
      assert.equal(r.distanceSum, (n * n * n) / 4, `C_${n}, order ${g}`);
      assert.equal(r.diameter, n / 2);
    }
  }
  // Petersen: 3 neighbours at 1 and 6 nodes at 2 from every node, ASPL 15/9.
  const pet = fromAdjacency(10, 3, equivariantForm(10, 3, 5, Int32Array.from(petersenRotational().neighbors))!);
  const r = ev.evaluate(pet, Infinity, 3, Infinity, 5);
  assert.equal(r.distanceSum, 10 * 15);
  assert.equal(r.diameter, 2);
});

test('symmetric evaluation matches textbook BFS on random invariant graphs, for both kernels, with exact early abort', () => {
  for (const [n, k, g] of [[64, 4, 8], [60, 6, 5], [96, 5, 4], [90, 3, 3], [256, 8, 16], [300, 6, 3]]) {
    const adj = randomSymmetricRegularGraph(n, k, g, 7);
    assert.ok(isSlotEquivariant(n, k, g, adj));
    assert.equal(checkSimpleRegular(n, k, adj), null);
    const G = fromAdjacency(n, k, adj);
    const truth = plainBfs(G);
    for (const kernel of ['wasm', 'ts'] as const) {
      const ev = new AsplEvaluator({ kernel });
      const r = ev.evaluate(G, Infinity, k, Infinity, g);
      assert.deepEqual([r.distanceSum, r.diameter, r.connected], [truth.sum, truth.diameter, true], `(${n},${k}) order ${g}, ${kernel}`);
      for (const limit of [truth.sum - 1, truth.sum, truth.sum + g]) {
        const a = ev.evaluate(G, limit, k, Infinity, g);
        assert.equal(a.aborted, truth.sum > limit, `limit ${limit} vs ${truth.sum}`);
        if (a.aborted) assert.ok(a.distanceSum > limit);
      }
      assert.equal(ev.evaluate(G, Infinity, k, truth.diameter - 1, g).aborted, true);
      assert.equal(ev.evaluate(G, Infinity, k, truth.diameter, g).aborted, false);
    }
  }
});

test('orbit swaps keep the graph simple, k-regular and invariant, and undo restores it exactly', () => {
  // Even and odd degree, even and odd order (odd k with even g: the antipodal edges stay put).
  for (const [n, k, g] of [[40, 6, 4], [48, 5, 8], [30, 3, 3], [36, 4, 36], [64, 8, 2]]) {
    const st = new SwapState(n, k, circulant(n, k), true);
    const sw = new OrbitSwapper(st, g);
    const rng = new Random(n + k + g);
    let applied = 0;
    for (let t = 0; t < 3000 && applied < 150; t++) {
      if (!sw.propose(rng)) continue;
      const before = Int32Array.from(st.adj);
      const coveredBefore = st.covered;
      sw.apply();
      applied++;
      assert.equal(checkSimpleRegular(n, k, st.adj), null, `(${n},${k},${g}) after ${applied}`);
      assert.ok(isSlotEquivariant(n, k, g, st.adj), `(${n},${k},${g}) invariant after ${applied}`);
      if (applied % 5 === 0) {
        sw.undo();
        assert.deepEqual(st.adj, before);
        assert.equal(st.covered, coveredBefore);
        sw.apply();
      }
    }
    assert.ok(applied >= 50, `(${n},${k},${g}): only ${applied} orbit swaps applied`);
    const incremental = st.covered;
    st.rebuild();
    assert.equal(incremental, st.covered, 'the proxy count stays exact through orbit swaps');
    assert.notDeepEqual(st.adj, circulant(n, k), 'the swaps changed the graph');
  }
});

test('a symmetric search returns a valid invariant graph with its true ASPL, deterministically', () => {
  for (const objective of ['exact', 'proxy'] as const) {
    const opts = { n: 96, k: 6, seed: 3, maxSwaps: 3000, symmetry: 8, objective, proxyFraction: 0.7 };
    const r = searchRegularGraph(opts);
    assert.equal(r.symmetry, 8);
    assert.equal(checkSimpleRegular(96, 6, r.adjacency), null);
    assert.ok(equivariantForm(96, 6, 8, r.adjacency), 'the result keeps the symmetry');
    const truth = plainBfs(fromAdjacency(96, 6, r.adjacency));
    assert.deepEqual([r.distanceSum, r.diameter], [truth.sum, truth.diameter]);
    assert.ok(r.aspl < r.initialAspl, `${objective}: ${r.aspl} ≥ ${r.initialAspl}`);
    assert.deepEqual(searchRegularGraph(opts).adjacency, r.adjacency);
    assert.notDeepEqual(searchRegularGraph({ ...opts, seed: 4 }).adjacency, r.adjacency);
  }
});

test('a symmetric search from the ring lattice improves it and stays invariant', () => {
  const r = searchRegularGraph({ n: 64, k: 4, seed: 1, maxSwaps: 4000, symmetry: 16, initial: circulant(64, 4), method: 'hill' });
  assert.ok(r.initialAspl > 8, `${r.initialAspl}`); // C(64; 1, 2): ASPL 528/63 ≈ 8.38
  assert.ok(r.aspl < 3.6, `${r.aspl}`);
  assert.ok(isSlotEquivariant(64, 4, 16, r.adjacency));
});

test('bad symmetry orders and non-invariant starting graphs are refused with typed errors', () => {
  const bad = (e: unknown) => isRgpError(e) && e.code === 'BAD_ARGUMENT';
  assert.throws(() => searchRegularGraph({ n: 64, k: 4, seed: 1, maxSwaps: 10, symmetry: 3 }), bad);
  assert.throws(() => searchRegularGraph({ n: 64, k: 4, seed: 1, maxSwaps: 10, symmetry: 0 }), bad);
  assert.throws(() => searchRegularGraph({ n: 64, k: 4, seed: 1, maxSwaps: 10, symmetry: 2.5 }), bad);
  assert.throws(
    () => searchRegularGraph({ n: 24, k: 4, seed: 1, maxSwaps: 10, symmetry: 4, initial: randomRegularGraph(24, 4, 1).neighbors }),
    (e: unknown) => isRgpError(e) && e.code === 'BAD_GRAPH',
  );
});
