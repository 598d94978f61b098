import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { graphCommand, type GraphSearchOutput } from '../../src/cli/graphCommand';
import { isRgpError } from '../../src/core/errors';
import { CancelSource } from '../../src/core/job';
import { fromAdjacency } from '../../src/core/graph/graph';
import { parseGraph } from '../../src/core/graph/graphIO';
import { searchRegularGraph, type SearchSample } from '../../src/core/graph/swapSearch';
import { isSlotEquivariant } from '../../src/core/graph/symmetry';
import { DESCENT_RESTARTS, descentOrders, descentShares } from '../../src/core/graph/symmetryDescent';
import { assertRunsForward, checkSimpleRegular, plainBfs } from './graphHelpers';

test('descent orders divide by the smallest prime factor down to 1', () => {
  assert.deepEqual(descentOrders(8), [8, 4, 2, 1]);
  assert.deepEqual(descentOrders(12), [12, 6, 3, 1]);
  assert.deepEqual(descentOrders(9), [9, 3, 1]);
  assert.deepEqual(descentOrders(7), [7, 1]);
  assert.deepEqual(descentOrders(1), [1]);
  for (const levels of [1, 2, 4, 7]) {
    const s = descentShares(levels);
    assert.equal(s.length, levels);
    assert.ok(Math.abs(s.reduce((a, b) => a + b, 0) - 1) < 1e-12);
  }
});

test('a descent returns a valid graph with its true ASPL, never worse than its symmetric top level, deterministically', () => {
  const opts = { n: 64, k: 8, seed: 2, maxSwaps: 24_000, symmetry: 8, descend: true };
  const samples: SearchSample[] = [];
  const r = searchRegularGraph({ ...opts, onSample: (s) => samples.push(s), reportEveryMs: 0 });
  assert.equal(checkSimpleRegular(64, 8, r.adjacency), null);
  const truth = plainBfs(fromAdjacency(64, 8, r.adjacency));
  assert.deepEqual([r.distanceSum, r.diameter], [truth.sum, truth.diameter]);
  assert.equal(r.symmetry, 8);
  assert.deepEqual(r.descent!.map((l) => l.symmetry), [8, 4, 2, 1]);
  assert.deepEqual(r.descent!.map((l) => l.restarts), [DESCENT_RESTARTS, 1, 1, 1]);
  assert.equal(r.descent!.reduce((a, l) => a + l.swaps, 0), r.swapsTried);
  assert.ok(r.swapsTried <= opts.maxSwaps + 4, `${r.swapsTried} swaps for a budget of ${opts.maxSwaps}`);
  assert.equal(r.stoppedBy, 'swaps');
  // Each level starts from the best so far and keeps its best: the ASPL never rises.
  for (let i = 1; i < r.descent!.length; i++) assert.ok(r.descent![i].aspl <= r.descent![i - 1].aspl, JSON.stringify(r.descent));
  assert.equal(r.descent!.at(-1)!.aspl, r.aspl);
  // The top level is an ordinary symmetric search: its best is invariant and is what the descent started from.
  const top = searchRegularGraph({ n: 64, k: 8, seed: 2, maxSwaps: r.descent![0].swaps / DESCENT_RESTARTS, symmetry: 8 });
  assert.ok(isSlotEquivariant(64, 8, 8, top.adjacency));
  assert.ok(r.aspl <= top.aspl, `${r.aspl} > ${top.aspl}`);
  // The live chart's samples run forward through the levels.
  assert.ok(samples.length > 4);
  assertRunsForward(samples, r.history);
  assert.deepEqual(searchRegularGraph(opts).adjacency, r.adjacency);
  assert.notDeepEqual(searchRegularGraph({ ...opts, seed: 3 }).adjacency, r.adjacency);
});

test('a descent under a wall-clock cap that bites says so and returns a valid graph; a cancelled one throws', () => {
  const r = searchRegularGraph({ n: 64, k: 4, seed: 1, maxSwaps: 1e6, seconds: 0, symmetry: 4, descend: true });
  assert.equal(r.stoppedBy, 'time-cap');
  assert.equal(checkSimpleRegular(64, 4, r.adjacency), null);
  assert.ok(r.descent!.length >= 1);
  const cancel = new CancelSource();
  let n = 0;
  assert.throws(
    () => searchRegularGraph({ n: 64, k: 4, seed: 1, maxSwaps: 1e6, symmetry: 4, descend: true, reportEveryMs: 0, onSample: () => { if (++n === 3) cancel.cancel(); } }, { signal: cancel, progress: { report() {} } }),
    (e: unknown) => isRgpError(e) && e.code === 'CANCELLED',
  );
});

test('rgp graph --symmetry G --descend writes the relaxed graph and the levels; --descend alone is refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rgp-graph-descent-'));
  try {
    const out = join(dir, 'g.json');
    const r = (await graphCommand({ nodes: '64', degree: '8', swaps: '8000', seed: '1', symmetry: '8', descend: true, out })) as GraphSearchOutput;
    assert.equal(r.symmetry, 8);
    assert.deepEqual(r.descent!.map((l) => l.symmetry), [8, 4, 2, 1]);
    const g = parseGraph(readFileSync(out, 'utf8'));
    assert.equal(plainBfs(g).sum / (64 * 63), r.aspl);
    const plain = (await graphCommand({ nodes: 64, degree: 8, swaps: 8000, seed: 1, symmetry: 8 })) as GraphSearchOutput;
    assert.equal(plain.descent, null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await assert.rejects(graphCommand({ nodes: 64, degree: 4, swaps: 10, descend: true }), (e: unknown) => isRgpError(e) && e.code === 'BAD_ARGUMENT' && /--symmetry/.test(e.message));
});
