import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AsplEvaluator, usesQuotient } from '../../src/core/graph/aspl';
import { fromAdjacency } from '../../src/core/graph/graph';
import { SwapState } from '../../src/core/graph/proxyObjective';
import { circulant } from '../../src/core/graph/regularGraph';
import { isSlotEquivariant, OrbitSwapper, randomSymmetricRegularGraph, shiftNode } from '../../src/core/graph/symmetry';
import { Random } from '../../src/core/random';
import { checkSimpleRegular, plainBfs } from './graphHelpers';

const kernels = ['wasm', 'ts'] as const;

/**
 * After `sw.apply()` turned `before` into `after` (st.adj = after): undo restores `before`; the move in the
 * representatives' rows alone gives exactly `after`'s rows there and, where the evaluator reads only those,
 * the whole move's sum; then either `apply` completes it or `undoRepresentatives` restores `before`.
 */
function checkRepresentativesTrial(sw: OrbitSwapper, st: SwapState, ev: AsplEvaluator, g: number, before: Int32Array, after: Int32Array, complete: boolean): void {
  const { n, k } = st;
  const m = n / g;
  const afterSum = ev.evaluate(fromAdjacency(n, k, after), Infinity, k).distanceSum;
  sw.undo();
  assert.deepEqual(st.adj, before);
  sw.applyToRepresentatives();
  assert.deepEqual(st.adj.subarray(0, m * k), after.subarray(0, m * k), `(${n}, ${k}) order ${g}: representatives' rows`);
  if (ev.readsRepresentativesOnly(n, g)) assert.equal(ev.evaluate(fromAdjacency(n, k, st.adj), Infinity, k, Infinity, g).distanceSum, afterSum);
  if (complete) {
    sw.apply();
    assert.deepEqual(st.adj, after);
  } else {
    sw.undoRepresentatives();
    assert.deepEqual(st.adj, before);
  }
}

test('the quotient BFS gives hand-known sums: cycles under every order, the complete graph, and a disconnected lift', () => {
  for (const kernel of kernels) {
    const ev = new AsplEvaluator({ kernel, quotient: 'always' });
    // C_n (n even): each source's sum is n²/4, diameter n/2 — for every order g dividing n that the form takes.
    for (const n of [8, 12, 32, 64]) {
      const ring = fromAdjacency(n, 2, circulant(n, 2));
      for (let g = 2; g <= Math.min(kernel === 'wasm' ? 64 : 32, n); g++) {
        if (n % g !== 0) continue;
        assert.ok(ev.readsRepresentativesOnly(n, g));
        const r = ev.evaluate(ring, Infinity, 2, Infinity, g);
        assert.deepEqual([r.distanceSum, r.diameter], [(n * n * n) / 4, n / 2], `C_${n}, order ${g}, ${kernel}`);
      }
    }
    // K_8 is the circulant of degree 7 (i ± 1, 2, 3 and the antipode): every pair at distance 1.
    const k8 = fromAdjacency(8, 7, circulant(8, 7));
    assert.deepEqual(ev.evaluate(k8, Infinity, 7, Infinity, 8), { connected: true, aborted: false, distanceSum: 56, aspl: 1, diameter: 1 });
    // i ~ i ± 2 on 12 nodes: two 6-cycles, invariant under i ↦ i + 1 (it swaps them). On the quotient of order
    // 12 (one class, voltages ±2) the shifts reached from 0 never include odd ones.
    const twoCycles = new Int32Array(24);
    for (let i = 0; i < 12; i++) twoCycles.set([(i + 2) % 12, (i + 10) % 12], 2 * i);
    const r = ev.evaluate(fromAdjacency(12, 2, twoCycles), Infinity, 2, Infinity, 12);
    assert.equal(r.connected, false, kernel);
    assert.equal(r.distanceSum, Infinity);
  }
});

test('the quotient BFS agrees with the BFS over the whole graph, limits and diameter limits included', () => {
  const lifted = new AsplEvaluator({ kernel: 'wasm', quotient: 'never' });
  // Odd and even degree (odd k: frozen antipodal edges), classes not a multiple of 4, a full 32-bit word.
  // 64-bit shift sets from order 33 up: orders 33, 48, 64, odd k under order 64.
  for (const [n, k, g] of [[64, 4, 4], [90, 5, 6], [100, 4, 25], [128, 3, 32], [256, 8, 32], [1024, 16, 16], [132, 6, 33], [96, 4, 48], [256, 8, 64], [192, 5, 64]] as const) {
    for (let seed = 1; seed <= 2; seed++) {
      const G = fromAdjacency(n, k, randomSymmetricRegularGraph(n, k, g, seed));
      const full = lifted.evaluate(G, Infinity, k, Infinity, g);
      if (n <= 256) {
        const truth = plainBfs(G);
        assert.deepEqual([full.distanceSum, full.diameter], [truth.sum, truth.diameter]);
      }
      for (const kernel of kernels) {
        const q = new AsplEvaluator({ kernel, quotient: 'always' });
        // The TypeScript form has 32-bit sets only; above order 32 it takes the whole-graph BFS.
        assert.equal(q.readsRepresentativesOnly(n, g), kernel === 'wasm' || g <= 32);
        for (const limit of [Infinity, full.distanceSum, full.distanceSum - 1, Math.floor(full.distanceSum * 0.98)]) {
          for (const regular of [k, undefined]) {
            for (const maxDiameter of [Infinity, full.diameter, full.diameter - 1]) {
              const a = q.evaluate(G, limit, regular, maxDiameter, g);
              const b = lifted.evaluate(G, limit, regular, maxDiameter, g);
              assert.deepEqual(a, b, `(${n}, ${k}) order ${g} seed ${seed}, ${kernel}, limit ${limit}, regular ${regular}, diameter ≤ ${maxDiameter}`);
            }
          }
        }
      }
    }
  }
  // By default the quotient runs where it pays: g ≤ 64 (one word) and g ≥ 4·(n/g).
  const auto = [[256, 32], [64, 16], [256, 64], [1024, 64], [256, 16], [64, 4], [4096, 32], [4096, 64], [256, 128]].map(([n, g]) => usesQuotient(n, g));
  assert.deepEqual(auto, [true, true, true, true, false, false, false, false, false]);
  assert.equal(new AsplEvaluator({ kernel: 'wasm' }).readsRepresentativesOnly(256, 64), true);
  assert.equal(new AsplEvaluator({ kernel: 'ts' }).readsRepresentativesOnly(256, 64), false);
  assert.equal(new AsplEvaluator({ kernel: 'ts' }).readsRepresentativesOnly(256, 32), true);
  assert.equal(new AsplEvaluator().readsRepresentativesOnly(64, 4), false);
  assert.equal(new AsplEvaluator({ quotient: 'always' }).readsRepresentativesOnly(64, 4), true);
  assert.equal(new AsplEvaluator({ quotient: 'always' }).readsRepresentativesOnly(256, 128), false);
  assert.equal(new AsplEvaluator({ quotient: 'never' }).readsRepresentativesOnly(256, 32), false);
});

test('an orbit swap in the representatives\' rows is what the quotient needs; apply completes it, undo restores it', () => {
  for (const [n, k, g] of [[64, 4, 4], [48, 5, 8], [256, 8, 32], [36, 4, 36], [256, 4, 128]] as const) {
    const st = new SwapState(n, k, randomSymmetricRegularGraph(n, k, g, 3), false);
    const sw = new OrbitSwapper(st, g);
    const rng = new Random(n + g);
    const ev = new AsplEvaluator({ quotient: 'always' });
    let moves = 0;
    for (let t = 0; t < 5000 && moves < 60; t++) {
      if (!sw.propose(rng)) continue;
      moves++;
      const before = Int32Array.from(st.adj);
      sw.apply();
      const after = Int32Array.from(st.adj);
      // Where the evaluator reads only those rows the trial evaluates as the whole move (order 128 > 64 does not).
      if (!ev.readsRepresentativesOnly(n, g)) assert.equal(g, 128);
      checkRepresentativesTrial(sw, st, ev, g, before, after, moves % 2 === 0);
    }
    assert.ok(moves >= 30, `(${n}, ${k}) order ${g}: ${moves} moves`);
  }
});

test('a voltage move shifts one edge orbit and keeps the graph simple, regular and symmetric; representatives first, then apply or undo', () => {
  for (const [n, k, g] of [[64, 4, 4], [48, 5, 8], [256, 8, 32], [36, 4, 36], [64, 6, 64]] as const) {
    const m = n / g;
    const st = new SwapState(n, k, randomSymmetricRegularGraph(n, k, g, 5), false);
    const sw = new OrbitSwapper(st, g);
    const rng = new Random(n * g);
    const ev = new AsplEvaluator({ quotient: 'always' });
    let moves = 0;
    let loops = 0;
    for (let t = 0; t < 5000 && moves < 60; t++) {
      const i = rng.int(m * k);
      const shift = 1 + rng.int(g - 1);
      const a = Math.floor(i / k), b = st.adj[i];
      if (!sw.proposeVoltageAt(i, shift)) continue;
      moves++;
      if (a % m === b % m) loops++;
      const before = Int32Array.from(st.adj);
      sw.apply();
      const after = Int32Array.from(st.adj);
      assert.equal(checkSimpleRegular(n, k, after), null, `(${n}, ${k}) order ${g}`);
      assert.ok(isSlotEquivariant(n, k, g, after));
      // Exactly the orbit of {a, b} left and the orbit of {a, b + shift·m} came in.
      const edges = (adj: Int32Array) => {
        const set = new Set<number>();
        for (let u = 0; u < n; u++) for (let p = 0; p < k; p++) if (u < adj[u * k + p]) set.add(u * n + adj[u * k + p]);
        return set;
      };
      const [was, is] = [edges(before), edges(after)];
      const gone = [...was].filter((e) => !is.has(e));
      const came = [...is].filter((e) => !was.has(e));
      assert.equal(gone.length, g);
      assert.equal(came.length, g);
      const b2 = (b + shift * m) % n;
      assert.ok(came.includes(Math.min(a, b2) * n + Math.max(a, b2)));
      assert.ok(gone.includes(Math.min(a, b) * n + Math.max(a, b)));
      assert.ok(ev.readsRepresentativesOnly(n, g));
      checkRepresentativesTrial(sw, st, ev, g, before, after, moves % 2 === 0);
    }
    assert.ok(moves >= 30, `(${n}, ${k}) order ${g}: ${moves} moves`);
    if (m === 1) assert.equal(loops, moves);
  }
});

test('each edge orbit is reached from two representative slots (one for a half-turn orbit) whose voltage moves by t and −t are the same move; the scan takes each distinct move once', () => {
  for (const [n, k, g] of [[64, 4, 4], [48, 5, 8], [36, 4, 36], [64, 6, 64], [24, 3, 4]] as const) {
    const m = n / g;
    const start = randomSymmetricRegularGraph(n, k, g, 7);
    const sw = new OrbitSwapper(new SwapState(n, k, start.slice(), false), g);
    const edgeKey = (adj: Int32Array) => {
      const list: number[] = [];
      for (let u = 0; u < n; u++) for (let p = 0; p < k; p++) if (u < adj[u * k + p]) list.push(u * n + adj[u * k + p]);
      return list.sort((x, y) => x - y).join(',');
    };
    const moved = (i: number, t: number): string | null => {
      const copy = start.slice();
      const s = new OrbitSwapper(new SwapState(n, k, copy, false), g);
      if (!s.proposeVoltageAt(i, t)) return null;
      s.apply();
      return edgeKey(copy);
    };
    const all = new Set<string>();
    const once = new Set<string>();
    let onceCount = 0;
    let selfTwins = 0;
    for (let i = 0; i < m * k; i++) {
      const twin = sw.voltageTwin(i);
      assert.equal(sw.voltageTwin(twin), i, `(${n}, ${k}) order ${g}: twin of the twin of slot ${i}`);
      // The twin holds the same edge orbit, seen from b's representative.
      const a = Math.floor(i / k), b = start[i];
      const ta = Math.floor(twin / k), tb = start[twin];
      assert.equal(ta, b % m);
      const j = ((ta - b + n) % n) / m;
      assert.equal(shiftNode(a, j, m, n), tb, 'σʲ(b) = the twin\'s row, σʲ(a) its neighbour');
      if (twin === i) selfTwins++;
      for (let t = 1; t < g; t++) {
        const r = moved(i, t);
        assert.equal(r, moved(twin, g - t), `(${n}, ${k}) order ${g}: slot ${i} by ${t} and slot ${twin} by ${g - t}`);
        if (r === null) continue;
        all.add(r);
        if (sw.scansVoltage(i, t)) {
          once.add(r);
          onceCount++;
        }
      }
    }
    // The scan reaches every distinct voltage move exactly once.
    assert.equal(once.size, all.size);
    assert.equal(onceCount, all.size);
    if (k % 2 === 1) assert.ok(selfTwins > 0, 'odd k: the half-turn orbits are their own twins');
  }
});
