import { test } from 'node:test';
import assert from 'node:assert/strict';
import { graphCommand, type GraphSearchOutput } from '../../src/cli/graphCommand';
import { isRgpError } from '../../src/core/errors';
import { fromAdjacency } from '../../src/core/graph/graph';
import { restartSeed } from '../../src/core/graph/searchRestarts';
import { searchRegularGraph, type SearchSample } from '../../src/core/graph/swapSearch';
import { assertRunsForward, checkSimpleRegular, plainBfs } from './graphHelpers';

test('restarts: each is the plain search with its own seed and share of the budget; the best wins, deterministically', () => {
  const opts = { n: 64, k: 4, seed: 5, maxSwaps: 30_001, restarts: 3 };
  const samples: SearchSample[] = [];
  const r = searchRegularGraph({ ...opts, onSample: (s) => samples.push(s), reportEveryMs: 0 });
  assert.equal(checkSimpleRegular(64, 4, r.adjacency), null);
  const truth = plainBfs(fromAdjacency(64, 4, r.adjacency));
  assert.deepEqual([r.distanceSum, r.diameter], [truth.sum, truth.diameter]);
  const outcomes = r.restarts!;
  assert.equal(outcomes.length, 3);
  assert.equal(outcomes[0].seed, 5);
  assert.equal(new Set(outcomes.map((o) => o.seed)).size, 3);
  // Budget parts add up exactly: 10 000, 10 001, 10 000.
  assert.equal(r.swapsTried, 30_001);
  assert.deepEqual(outcomes.map((o) => o.swaps), [10_000, 10_001, 10_000]);
  assert.equal(r.stoppedBy, 'swaps');
  assert.equal(r.seed, 5);
  // Each restart is exactly the plain search with that seed and budget, and the result is the best of them.
  const singles = outcomes.map((o) => searchRegularGraph({ n: 64, k: 4, seed: o.seed, maxSwaps: o.swaps }));
  singles.forEach((s, i) => assert.equal(s.aspl, outcomes[i].aspl));
  const best = singles.reduce((a, b) => (b.distanceSum < a.distanceSum ? b : a));
  assert.deepEqual(r.adjacency, best.adjacency);
  assert.equal(r.aspl, Math.min(...outcomes.map((o) => o.aspl)));
  // The live chart and the history run forward across restarts.
  assertRunsForward(samples, r.history);
  assert.deepEqual(searchRegularGraph(opts).adjacency, r.adjacency);
  // One restart is the plain search itself.
  assert.deepEqual(searchRegularGraph({ ...opts, restarts: 1 }).adjacency, searchRegularGraph({ n: 64, k: 4, seed: 5, maxSwaps: 30_001 }).adjacency);
  assert.equal(restartSeed(5, 0), 5);
  // A restart that reaches the Moore bound ends the search: no graph is better.
  const moore = searchRegularGraph({ n: 32, k: 4, seed: 5, maxSwaps: 30_001, restarts: 3 });
  assert.equal(moore.stoppedBy, 'bound');
  assert.equal(moore.aspl, moore.mooreBound);
  assert.equal(moore.restarts!.length, 1);
});

test('restarts of a descent: every restart is a whole descent, the winner keeps its levels', () => {
  const r = searchRegularGraph({ n: 64, k: 4, seed: 1, maxSwaps: 40_000, symmetry: 4, descend: true, restarts: 2 });
  assert.equal(r.restarts!.length, 2);
  assert.deepEqual(r.descent!.map((l) => l.symmetry), [4, 2, 1]);
  assert.equal(r.descent!.at(-1)!.aspl, r.aspl);
  const alone = searchRegularGraph({ n: 64, k: 4, seed: r.restarts![1].seed, maxSwaps: 20_000, symmetry: 4, descend: true });
  assert.equal(alone.aspl, r.restarts![1].aspl);
});

test('a bad restart count is a clear error; the CLI reports each restart', async () => {
  for (const restarts of [0, 1.5, 5000]) {
    assert.throws(() => searchRegularGraph({ n: 64, k: 4, seed: 1, maxSwaps: 100, restarts }), (e: unknown) => isRgpError(e) && e.code === 'BAD_ARGUMENT' && /restarts/.test(e.message));
  }
  await assert.rejects(graphCommand({ nodes: 64, degree: 4, swaps: 100, restarts: 5000 }), (e: unknown) => isRgpError(e) && /--restarts 5000 is too many/.test(e.message));
  const out = (await graphCommand({ nodes: 64, degree: 4, swaps: 9_000, seed: 2, restarts: '3' })) as GraphSearchOutput;
  assert.equal(out.restarts, 3);
  assert.equal(out.restartOutcomes!.length, 3);
  assert.equal(out.aspl, Math.min(...out.restartOutcomes!.map((o) => o.aspl)));
  const one = (await graphCommand({ nodes: 64, degree: 4, swaps: 9_000, seed: 2 })) as GraphSearchOutput;
  assert.equal(one.restarts, 1);
  assert.equal(one.restartOutcomes, null);
});
