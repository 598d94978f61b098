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
