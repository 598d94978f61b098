import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isRgpError } from '../../src/core/errors';
import { mooreBound } from '../../src/core/graph/mooreBound';
import { randomRegularGraph, validateRegularParams, isConnectedAdj } from '../../src/core/graph/regularGraph';
import { ringLattice, ringLatticeAspl } from '../../src/core/graph/ringLattice';
import { checkSimpleRegular } from './graphHelpers';

test('Moore bound values (Cerf et al.)', () => {
  const near = (a: number, b: number) => assert.ok(Math.abs(a - b) < 5e-4, `${a} vs ${b}`);
  near(mooreBound(64, 4).aspl, 2.857);
  near(mooreBound(64, 6).aspl, 2.333);
  near(mooreBound(64, 8).aspl, 1.873);
  assert.equal(mooreBound(64, 4).diameter, 4);
  assert.equal(mooreBound(64, 6).diameter, 3);
  assert.equal(mooreBound(64, 8).diameter, 2);
  // Petersen graph attains the bound: n = 10, k = 3 → 5/3, diameter 2.
  assert.equal(mooreBound(10, 3).aspl, 5 / 3);
  assert.equal(mooreBound(10, 3).diameter, 2);
  // Complete graph K_n: k = n − 1 → 1.
  assert.equal(mooreBound(9, 8).aspl, 1);
  // Exact fraction for (1024, 16): [16 + 2·240 + 3·(1024 − 257)] / 1023.
  assert.equal(mooreBound(1024, 16).aspl, 2797 / 1023);
  assert.equal(mooreBound(1024, 16).sourceSum, 2797);
});

test('random regular graphs are simple, k-regular and connected', () => {
  for (const [n, k] of [[2, 1], [3, 2], [10, 2], [10, 3], [64, 4], [64, 6], [64, 8], [65, 4], [100, 7 + 1], [128, 31], [50, 49], [20, 17 + 1], [256, 8]]) {
    for (const seed of [1, 2, 3]) {
      const g = randomRegularGraph(n, k, seed);
      assert.equal(g.n, n);
      assert.equal(g.k, k);
      assert.equal(checkSimpleRegular(n, k, g.neighbors), null, `(${n},${k}) seed ${seed}`);
      assert.ok(isConnectedAdj(n, k, g.neighbors), `(${n},${k}) seed ${seed} connected`);
    }
  }
  for (const [n, k] of [[10, 3], [100, 5], [30, 29 - 2]]) {
    if ((n * k) % 2 === 0) assert.equal(checkSimpleRegular(n, k, randomRegularGraph(n, k, 7).neighbors), null);
  }
});

test('the same seed gives the same graph, another seed another', () => {
  const a = randomRegularGraph(100, 6, 42), b = randomRegularGraph(100, 6, 42), c = randomRegularGraph(100, 6, 43);
  assert.deepEqual(a.neighbors, b.neighbors);
  assert.notDeepEqual(a.neighbors, c.neighbors);
});

test('impossible (n, k) give clear BAD_ARGUMENT errors', () => {
  const cases: Array<[number, number, RegExp]> = [
    [7, 3, /n·k odd/],
    [5, 5, /smaller than the node count/],
    [5, 9, /smaller than the node count/],
    [10, 0, /degree must be an integer ≥ 1/],
    [10, -2, /degree must be an integer ≥ 1/],
    [1, 0, /node count must be an integer ≥ 2/],
    [10.5, 2, /node count/],
    [6, 1, /never be connected/],
    [1 << 22, 32, /memory/],
  ];
  for (const [n, k, re] of cases) {
    assert.throws(() => randomRegularGraph(n, k, 1), (e: unknown) => {
      assert.ok(isRgpError(e), 'is an RgpError');
      assert.equal(e.code, 'BAD_ARGUMENT');
      assert.match(e.message, re);
      assert.ok(e.hint && e.hint.length > 0, 'has a hint');
      return true;
    });
  }
  assert.doesNotThrow(() => validateRegularParams(64, 4));
});

test('ring lattice: structure and closed form (spot values)', () => {
  const g = ringLattice(10, 4);
  assert.equal(checkSimpleRegular(10, 4, g.neighbors), null);
  // n=10, k=4: offsets 1,2 → d=1 (×4), offsets 3,4 → 2 (×4), 5 → 3 (×1): (4 + 8 + 3)/9.
  assert.equal(ringLatticeAspl(10, 4).aspl, 15 / 9);
  assert.equal(ringLatticeAspl(10, 4).diameter, 3);
  // The cycle is the ring lattice with k=2.
  assert.equal(ringLatticeAspl(11, 2).aspl, 3);
  assert.throws(() => ringLattice(10, 3), /even degree/);
});
