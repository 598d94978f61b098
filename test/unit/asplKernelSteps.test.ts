/**
 * The WASM kernel's extra steps against its plain level step, on the same memory: the late step (early
 * exit per complete row), the scattered first level, the block start and the prescaled neighbours. Each
 * must produce the very rows and counts the plain step does, since the evaluator switches between them
 * per level.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AsplEvaluator } from '../../src/core/graph/aspl';
import { instantiateKernel, wasmKernelAvailable } from '../../src/core/graph/asplKernelWasm';
import { randomRegularGraph } from '../../src/core/graph/regularGraph';
import { fromAdjacency, fromEdges, type Graph } from '../../src/core/graph/graph';
import { randomSymmetricRegularGraph } from '../../src/core/graph/symmetry';
import { gnp, plainBfs } from './graphHelpers';
import { Random } from '../../src/core/random';

const skip = !wasmKernelAvailable();

/**
 * Memory layout for one test: CSR offsets at 0, the neighbours, the neighbours prescaled to row addresses
 * in A and in B, then rows A and B (64-byte aligned). The prescaled arrays come from the kernel's own
 * `scaleAdj` and are checked against the definition here.
 */
function setup(g: Graph, lanes: number, k: number) {
  const n = g.n;
  const row = 16 * lanes;
  const entries = g.neighbors.length;
  const vectors = Math.ceil(entries / 4) * 16;
  const adj = Math.ceil(((n + 1) * 4) / 16) * 16;
  const adjA = adj + vectors;
  const adjB = adjA + vectors;
  const a = Math.ceil((adjB + vectors) / 64) * 64;
  const b = a + n * row;
  const pad = b + n * row;
  const w = instantiateKernel(lanes, pad + row, k)!;
  const mem32 = new Int32Array(w.memory.buffer);
  mem32.set(g.offsets, 0);
  mem32.set(g.neighbors, adj >> 2);
  w.scaleAdj(adj, entries, adjA, a, adjB, b);
  for (let j = 0; j < entries; j++) {
    assert.equal(mem32[(adjA >> 2) + j], a + g.neighbors[j] * row, `prescaled A entry ${j}`);
    assert.equal(mem32[(adjB >> 2) + j], b + g.neighbors[j] * row, `prescaled B entry ${j}`);
  }
  return { w, n, row, adj, adjA, adjB, a, b, pad, mem32, bytes: new Uint8Array(w.memory.buffer) };
}

/** Random rows where each bit is one with probability `density` (some rows all ones). */
function randomRows(bytes: Uint8Array, at: number, len: number, density: number, rng: Random): void {
  for (let i = 0; i < len; i++) {
    let x = 0;
    for (let bit = 0; bit < 8; bit++) if (rng.float() < density) x |= 1 << bit;
    bytes[at + i] = x;
  }
}

test('the late step (early exit on a complete row) gives the rows and count of the plain step', { skip }, () => {
  const rng = new Random(7);
  for (const [n, k, lanes] of [[64, 8, 1], [130, 7, 2], [300, 6, 4], [520, 16, 4], [200, 3, 8]]) {
    const g = randomRegularGraph(n, k, n);
    for (const unrolled of [false, true]) {
      const s = setup(g, lanes, unrolled ? k : 0);
      const plain = unrolled ? s.w.levelReg! : s.w.level;
      const late = unrolled ? s.w.levelExitReg! : s.w.levelExit;
      // Densities from sparse (no row completes) to nearly full (most rows complete after one neighbour).
      for (const density of [0.1, 0.9, 0.99, 0.999, 1]) {
        randomRows(s.bytes, s.a, n * s.row, density, rng);
        const c1 = plain(0, s.adjA, s.a, s.b, n);
        const rowsPlain = s.bytes.slice(s.b, s.b + n * s.row);
        assert.deepEqual(rowsPlain, orRows(g, s.bytes.slice(s.a, s.a + n * s.row), s.row), `plain rows (${n}, ${k}) lanes ${lanes} unrolled ${unrolled}`);
        assert.equal(c1, popcount(rowsPlain));
        s.bytes.fill(0x5a, s.b, s.b + n * s.row);
        const c2 = late(0, s.adjA, s.a, s.b, n);
        assert.equal(c2, c1, `count (${n}, ${k}) lanes ${lanes} unrolled ${unrolled} density ${density}`);
        assert.deepEqual(s.bytes.slice(s.b, s.b + n * s.row), rowsPlain, `rows (${n}, ${k}) density ${density}`);
        // The other direction, B → A through the array prescaled for B.
        const c3 = plain(0, s.adjB, s.b, s.a, n);
        assert.deepEqual(s.bytes.slice(s.a, s.a + n * s.row), orRows(g, rowsPlain, s.row), `B → A rows (${n}, ${k})`);
        assert.equal(c3, popcount(s.bytes.slice(s.a, s.a + n * s.row)));
      }
    }
  }
});

test('the block start and the scattered first level equal the plain step from the start', { skip }, () => {
  const cases = [[64, 8, 1, 0, 64], [300, 6, 4, 0, 300], [520, 16, 4, 512, 8], [520, 16, 4, 0, 512], [1030, 5, 2, 256, 256], [97, 4, 1, 90, 7], [130, 3, 1, 0, 128]];
  for (const [n, k, lanes, s0, cnt] of cases) for (const unrolled of [false, true]) {
    const g = randomRegularGraph(n, k, n + cnt);
    const s = setup(g, lanes, unrolled ? k : 0);
    // Pad row: ones for the bits ≥ cnt, as the evaluator writes it.
    for (let bit = 0; bit < 128 * lanes; bit++) if (bit >= cnt) s.bytes[s.pad + (bit >> 3)] |= 1 << (bit & 7);
    s.bytes.fill(0x33, s.a, s.a + n * s.row);
    s.w.startBlock(s.pad, s.a, n, s0, cnt);
    for (let v = 0; v < n; v++) {
      for (let bit = 0; bit < 128 * lanes; bit++) {
        const got = (s.bytes[s.a + v * s.row + (bit >> 3)] >> (bit & 7)) & 1;
        assert.equal(got, bit >= cnt || v === s0 + bit ? 1 : 0, `start row ${v} bit ${bit}`);
      }
    }
    const start = s.bytes.slice(s.a, s.a + n * s.row);
    let before = 0;
    for (const x of start) for (let bit = 0; bit < 8; bit++) before += (x >> bit) & 1;
    const c1 = s.w.level(0, s.adjA, s.a, s.b, n);
    const rowsPlain = s.bytes.slice(s.b, s.b + n * s.row);
    const one = unrolled ? s.w.levelOneReg! : s.w.levelOne;
    const added = one(0, s.adjA, s0, cnt); // in place, on the start in A
    assert.equal(before + added, c1, `first-level count (${n}, ${k}) block ${s0}+${cnt} unrolled ${unrolled}`);
    assert.deepEqual(s.bytes.slice(s.a, s.a + n * s.row), rowsPlain, `first-level rows (${n}, ${k})`);
  }
});

test('from the second level on, the neighbours-only step gives the rows and count of the plain step', { skip }, () => {
  // After one level every row holds what its neighbours' rows hold (and the block's own bits): the lemma
  // behind levelNb. Both the CSR loop and the unrolled form, on random regular graphs and a G(n, p) graph
  // without isolated vertices, with partial and full blocks.
  const graphs: Array<[Graph, number, number]> = [[randomRegularGraph(64, 8, 5), 1, 8], [randomRegularGraph(200, 3, 5), 2, 3], [randomRegularGraph(520, 16, 5), 4, 16]];
  const gp = gnp(150, 0.08, 11);
  for (let v = 0; v < gp.n; v++) assert.ok(gp.offsets[v + 1] > gp.offsets[v], 'the G(n, p) test graph has no isolated vertex');
  graphs.push([gp, 2, 0]);
  for (const [g, lanes, k] of graphs) {
    const n = g.n;
    const bits = 128 * lanes;
    for (const [s0, cnt] of [[0, Math.min(bits, n)], [Math.max(0, n - 5), Math.min(5, n)]]) {
      for (const unrolled of k > 0 ? [false, true] : [false]) {
        const s = setup(g, lanes, unrolled ? k : 0);
        for (let bit = cnt; bit < bits; bit++) s.bytes[s.pad + (bit >> 3)] |= 1 << (bit & 7);
        s.w.startBlock(s.pad, s.a, n, s0, cnt);
        const plain = unrolled ? s.w.levelReg! : s.w.level;
        const nb = unrolled ? s.w.levelRegNb! : s.w.levelNb;
        plain(0, s.adjA, s.a, s.b, n); // level 1: B
        for (let level = 2; level <= 4; level++) {
          const [from, to, adj] = level % 2 === 0 ? [s.b, s.a, s.adjB] : [s.a, s.b, s.adjA];
          const c1 = plain(0, adj, from, to, n);
          const rowsPlain = s.bytes.slice(to, to + n * s.row);
          s.bytes.fill(0xa5, to, to + n * s.row);
          const c2 = nb(0, adj, from, to, n);
          assert.equal(c2, c1, `count n=${n} lanes ${lanes} block ${s0}+${cnt} level ${level} unrolled ${unrolled}`);
          assert.deepEqual(s.bytes.slice(to, to + n * s.row), rowsPlain, `rows n=${n} level ${level}`);
        }
      }
    }
  }
});

test('a graph with an isolated vertex is reported disconnected', { skip }, () => {
  // Vertex 9 has no neighbour: the lemma behind the neighbours-only step does not hold for its row (the
  // evaluator then keeps the plain step).
  const edges: Array<[number, number]> = [];
  for (let v = 0; v < 9; v++) edges.push([v, (v + 1) % 9]);
  const g = fromEdges(10, edges);
  for (const lateFrom of [0, 2]) {
    const r = new AsplEvaluator({ kernel: 'wasm', lateFrom }).evaluate(g);
    assert.equal(r.connected, false);
    assert.equal(r.aspl, Infinity);
  }
});

test('self-loops and repeated neighbours: the scattered first level counts each pair once, sums exact', { skip }, () => {
  // The scatter counts a bit only when it turns on, so a self-loop or a neighbour listed twice adds nothing.
  // CSR graphs with such entries, symmetric as the Graph invariant wants, at sizes where the scatter runs.
  const withExtras = (g: Graph, extra: (v: number) => number[]): Graph => {
    const offsets = new Int32Array(g.n + 1);
    const nb: number[] = [];
    for (let v = 0; v < g.n; v++) {
      nb.push(...g.neighbors.subarray(g.offsets[v], g.offsets[v + 1]), ...extra(v));
      offsets[v + 1] = nb.length;
    }
    return { n: g.n, offsets, neighbors: Int32Array.from(nb) };
  };
  const base = randomRegularGraph(300, 6, 4);
  const loops = withExtras(base, (v) => [v]); // 7 entries a row: regular CSR with a self-loop everywhere
  // Vertex 0's first edge listed twice on both sides; a self-loop on vertex 299 (not in the first block's sources).
  const u = base.neighbors[0];
  const multi = withExtras(base, (v) => (v === 0 ? [u] : v === u ? [0] : v === 299 ? [299] : []));
  for (const [g, k] of [[loops, 7], [loops, undefined], [multi, undefined]] as const) {
    const ref = plainBfs(g);
    for (const lanes of [2, 4]) {
      const r = new AsplEvaluator({ kernel: 'wasm', lanes }).evaluate(g, Infinity, k);
      assert.equal(r.distanceSum, ref.sum, `lanes ${lanes} k ${k}`);
      assert.equal(r.diameter, ref.diameter);
    }
  }
  // The simple graph itself, for contrast (the scatter's own count).
  assert.equal(new AsplEvaluator({ kernel: 'wasm', lanes: 4 }).evaluate(base, Infinity, 6).distanceSum, plainBfs(base).sum);
});

/** One level by definition: row v of the result is the OR of the rows of v and its neighbours. */
function orRows(g: Graph, rows: Uint8Array, row: number): Uint8Array {
  const out = rows.slice();
  for (let v = 0; v < g.n; v++) {
    for (let p = g.offsets[v]; p < g.offsets[v + 1]; p++) {
      const u = g.neighbors[p];
      for (let i = 0; i < row; i++) out[v * row + i] |= rows[u * row + i];
    }
  }
  return out;
}

function popcount(bytes: Uint8Array): number {
  let c = 0;
  for (const x of bytes) for (let bit = 0; bit < 8; bit++) c += (x >> bit) & 1;
  return c;
}

test('the evaluator gives the same exact sums whichever level takes the late step', { skip }, () => {
  const graphs: Array<{ g: Graph; k?: number; sym?: number }> = [];
  for (const [n, k] of [[64, 4], [64, 8], [200, 3], [520, 16], [1024, 16]]) graphs.push({ g: randomRegularGraph(n, k, 3), k });
  for (const [n, k, sym] of [[64, 8, 8], [256, 8, 64], [1024, 16, 16]]) graphs.push({ g: fromAdjacency(n, k, randomSymmetricRegularGraph(n, k, sym, 2)), k, sym });
  graphs.push({ g: gnp(150, 0.04, 3) });
  for (const { g, k, sym } of graphs) {
    const ref = plainBfs(g);
    for (const lateFrom of [0, 0.5, 2]) {
      const r = new AsplEvaluator({ kernel: 'wasm', lateFrom }).evaluate(g, Infinity, k, Infinity, sym ?? 1);
      assert.equal(r.distanceSum, ref.sum, `n=${g.n} sym=${sym ?? 1} lateFrom=${lateFrom}`);
      assert.equal(r.diameter, ref.diameter);
    }
  }
});
