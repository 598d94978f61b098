import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AsplEvaluator, aspl, limitToSum } from '../../src/core/graph/aspl';
import { wasmKernelAvailable, buildLevelModule } from '../../src/core/graph/asplKernelWasm';
import { popcount32 } from '../../src/core/graph/asplKernelTs';
import { fromEdges, type Graph } from '../../src/core/graph/graph';
import { randomRegularGraph } from '../../src/core/graph/regularGraph';
import { ringLattice, ringLatticeAspl } from '../../src/core/graph/ringLattice';
import { mooreBound } from '../../src/core/graph/mooreBound';
import { complete, cycle, gnp, hypercube, petersen, plainBfs } from './graphHelpers';

const kernelNames: Array<'ts' | 'wasm'> = wasmKernelAvailable() ? ['ts', 'wasm'] : ['ts'];
const kernels = kernelNames.map((kernel) => ({ kernel, ev: new AsplEvaluator({ kernel }) }));
const close = (a: number, b: number, msg?: string) => assert.ok(Math.abs(a - b) < 1e-12, `${msg ?? ''} ${a} ≠ ${b}`);

test('the WebAssembly SIMD kernel is available in this Node and its module validates', () => {
  assert.equal(wasmKernelAvailable(), true);
  for (const lanes of [1, 2, 4, 8]) assert.equal(WebAssembly.validate(buildLevelModule(lanes)), true);
});

test('popcount32 counts bits', () => {
  assert.equal(popcount32(0), 0);
  assert.equal(popcount32(-1), 32);
  assert.equal(popcount32(0x80000001), 2);
  assert.equal(popcount32(0x12345678), 13);
});

for (const { kernel, ev } of kernels) {
  test(`${kernel}: graphs with known ASPL`, () => {
    const p = ev.evaluate(petersen());
    close(p.aspl, 5 / 3, 'Petersen');
    assert.equal(p.diameter, 2);
    for (const n of [2, 3, 7, 40]) {
      const r = ev.evaluate(complete(n));
      close(r.aspl, 1, `K_${n}`);
      assert.equal(r.diameter, 1);
    }
    for (const n of [3, 4, 5, 10, 11, 129, 200, 301]) {
      const r = ev.evaluate(cycle(n));
      const expected = n % 2 === 1 ? (n + 1) / 4 : (n * n) / (4 * (n - 1));
      close(r.aspl, expected, `C_${n}`);
      assert.equal(r.diameter, Math.floor(n / 2));
    }
    for (const d of [1, 2, 3, 5, 8]) {
      const r = ev.evaluate(hypercube(d));
      close(r.aspl, (d * 2 ** (d - 1)) / (2 ** d - 1), `Q_${d}`);
      assert.equal(r.diameter, d);
    }
  });

  test(`${kernel}: ring lattice matches its closed form`, () => {
    for (const [n, k] of [[10, 2], [11, 4], [64, 4], [64, 8], [200, 6], [257, 16], [300, 10]]) {
      const r = ev.evaluate(ringLattice(n, k));
      const f = ringLatticeAspl(n, k);
      close(r.aspl, f.aspl, `ring(${n},${k})`);
      assert.equal(r.diameter, f.diameter);
    }
  });

  test(`${kernel}: disconnected graphs have infinite ASPL and diameter`, () => {
    const two = fromEdges(6, [[0, 1], [1, 2], [2, 0], [3, 4], [4, 5], [5, 3]]);
    const r = ev.evaluate(two);
    assert.equal(r.connected, false);
    assert.equal(r.aspl, Infinity);
    assert.equal(r.diameter, Infinity);
    const isolated = fromEdges(300, Array.from({ length: 298 }, (_, i) => [i, i + 1] as [number, number]));
    assert.equal(ev.evaluate(isolated).connected, false);
  });
}

test('kernels agree with each other and with textbook BFS on many random graphs', () => {
  const graphs: Graph[] = [];
  for (const [n, k] of [[10, 3], [33, 4], [65, 6], [127, 6], [130, 7], [200, 3], [257, 8], [300, 5], [513, 10]]) {
    for (const seed of [1, 2]) graphs.push(randomRegularGraph(n, k, seed));
  }
  for (const [n, p, seed] of [[17, 0.3, 1], [100, 0.05, 2], [150, 0.04, 3], [260, 0.03, 4], [77, 0.02, 5]] as const) graphs.push(gnp(n, p, seed));
  for (const g of graphs) {
    const ref = plainBfs(g);
    for (const { kernel, ev } of kernels) {
      const r = ev.evaluate(g);
      assert.equal(r.distanceSum, ref.sum, `${kernel} sum n=${g.n}`);
      assert.equal(r.diameter, ref.diameter, `${kernel} diameter n=${g.n}`);
    }
    // Wider WASM rows (more sources per block) give the same answer.
    if (wasmKernelAvailable()) for (const lanes of [1, 2, 8]) assert.equal(new AsplEvaluator({ kernel: 'wasm', lanes }).evaluate(g).distanceSum, ref.sum);
  }
});

test('one evaluator handles graphs of different sizes in turn', () => {
  for (const { ev } of kernels) {
    for (const n of [300, 20, 700, 50]) {
      const g = randomRegularGraph(n, 4, n);
      assert.equal(ev.evaluate(g).distanceSum, plainBfs(g).sum);
    }
  }
});

test('early abort says "worse" exactly when the true value exceeds the limit', () => {
  const cases: Array<{ g: Graph; k?: number }> = [];
  for (const [n, k, s] of [[64, 4, 1], [200, 6, 2], [300, 3, 3], [130, 10, 4]]) cases.push({ g: randomRegularGraph(n, k, s), k });
  cases.push({ g: gnp(150, 0.05, 9) });
  for (const { g, k } of cases) {
    const truth = plainBfs(g).sum;
    for (const { kernel, ev } of kernels) {
      for (const delta of [-1000, -50, -1, 0, 1, 50]) {
        const limit = truth + delta;
        const r = ev.evaluate(g, limit, k);
        assert.equal(r.aborted, truth > limit, `${kernel} n=${g.n} delta=${delta}`);
        if (!r.aborted) assert.equal(r.distanceSum, truth);
        else assert.ok(r.distanceSum > limit && r.distanceSum <= truth);
      }
    }
    // The ASPL-valued limit: a limit equal to the true ASPL is not "worse".
    const n = g.n;
    const trueAspl = truth / (n * (n - 1));
    assert.equal(aspl(g, { limit: trueAspl }).aborted, false);
    assert.equal(aspl(g, { limit: trueAspl - 1e-9 }).aborted, true);
    assert.equal(limitToSum(trueAspl, n), truth);
  }
});

test('regular graphs are never below the Moore bound', () => {
  for (const [n, k] of [[64, 4], [64, 6], [100, 3], [256, 8]]) {
    const r = aspl(randomRegularGraph(n, k, 5));
    assert.ok(r.aspl >= mooreBound(n, k).aspl);
    assert.ok(r.diameter >= mooreBound(n, k).diameter);
  }
});

test('the kernel unrolled for the degree matches the loop kernel on known and random regular graphs', () => {
  if (!wasmKernelAvailable()) return;
  for (const k of [1, 3, 8, 32, 64]) assert.equal(WebAssembly.validate(buildLevelModule(2, k)), true, `k=${k}`);
  const cases: Array<{ g: Graph; k: number; name: string }> = [
    { g: petersen(), k: 3, name: 'Petersen' },
    { g: hypercube(7), k: 7, name: 'Q7' },
    { g: cycle(301), k: 2, name: 'C301' },
  ];
  for (const [n, k, s] of [[64, 8, 1], [256, 8, 2], [300, 5 + 1, 3], [130, 10, 4], [520, 16, 5]]) cases.push({ g: randomRegularGraph(n, k, s), k, name: `random (${n}, ${k})` });
  for (const { g, k, name } of cases) {
    const ref = plainBfs(g);
    for (const lanes of [1, 2]) {
      const unrolled = new AsplEvaluator({ kernel: 'wasm', lanes, unroll: true }).evaluate(g, Infinity, k);
      const loop = new AsplEvaluator({ kernel: 'wasm', lanes, unroll: false }).evaluate(g, Infinity, k);
      assert.equal(unrolled.distanceSum, ref.sum, `${name} lanes=${lanes}`);
      assert.equal(unrolled.diameter, ref.diameter, `${name} lanes=${lanes}`);
      assert.equal(loop.distanceSum, ref.sum, `${name} lanes=${lanes} (loop)`);
    }
  }
  // Q_d: ASPL d·2^(d−1)/(2^d − 1), through the unrolled kernel.
  close(new AsplEvaluator({ kernel: 'wasm', lanes: 1 }).evaluate(hypercube(6), Infinity, 6).aspl, (6 * 32) / 63, 'Q6');
  // One evaluator switching between degrees and sizes keeps every answer right.
  const ev = new AsplEvaluator({ kernel: 'wasm', lanes: 2 });
  for (const [n, k] of [[100, 4], [60, 6], [200, 4], [40, 3 + 1]]) {
    const g = randomRegularGraph(n, k, n + k);
    assert.equal(ev.evaluate(g, Infinity, k).distanceSum, plainBfs(g).sum, `(${n}, ${k})`);
  }
});

test('a diameter limit aborts exactly when the true diameter exceeds it', () => {
  const cases: Array<{ g: Graph; k?: number }> = [{ g: petersen(), k: 3 }, { g: cycle(40), k: 2 }, { g: hypercube(5), k: 5 }, { g: gnp(120, 0.05, 3) }];
  for (const [n, k, s] of [[64, 4, 1], [200, 6, 2]]) cases.push({ g: randomRegularGraph(n, k, s), k });
  for (const { g, k } of cases) {
    const ref = plainBfs(g);
    for (const { kernel, ev } of kernels) {
      for (const lim of [ref.diameter - 2, ref.diameter - 1, ref.diameter, ref.diameter + 1]) {
        if (lim < 1) continue;
        const r = ev.evaluate(g, Infinity, k, lim);
        assert.equal(r.aborted, ref.diameter > lim, `${kernel} n=${g.n} limit ${lim} (diameter ${ref.diameter})`);
        if (!r.aborted) assert.deepEqual([r.distanceSum, r.diameter], [ref.sum, ref.diameter]);
        else assert.ok(r.distanceSum <= ref.sum, 'an aborted sum is a lower bound');
      }
    }
  }
});
