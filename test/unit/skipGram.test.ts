import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parseEdgeListBytes } from '../../src/core/data/edgeList';
import { nodeSplit } from '../../src/core/data/nodeSplit';
import { trainSkipGram } from '../../src/core/data/skipGram';
import { temporalRandomWalks, walkArrays } from '../../src/core/data/temporalWalk';
import { isRgpError } from '../../src/core/errors';
import { CancelSource } from '../../src/core/job';
import { Random } from '../../src/core/random';
import { readEdgeList, readNodeLabels } from '../../src/io/edgeListFile';

const SNAP = join(__dirname, '..', '..', 'data', 'snap');

function cosine(e: Float32Array, dim: number, a: number, b: number): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let k = 0; k < dim; k++) {
    ab += e[a * dim + k] * e[b * dim + k];
    aa += e[a * dim + k] ** 2;
    bb += e[b * dim + k] ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

/** Nearest class centroid of unit-length training embeddings, by cosine; accuracy on `test`. */
function nearestCentroidAccuracy(emb: Float32Array, dim: number, labels: Int32Array, classes: number, train: Int32Array, test: Int32Array): number {
  const unit = (i: number): number[] => {
    const v = Array.from(emb.subarray(i * dim, (i + 1) * dim));
    const n = Math.hypot(...v) || 1;
    return v.map((x) => x / n);
  };
  const centroids = Array.from({ length: classes }, () => new Array<number>(dim).fill(0));
  for (const i of train) unit(i).forEach((x, k) => (centroids[labels[i]][k] += x));
  let correct = 0;
  for (const i of test) {
    const v = unit(i);
    let best = -1;
    let bestScore = -Infinity;
    centroids.forEach((c, cls) => {
      const norm = Math.hypot(...c);
      if (norm === 0) return;
      const score = c.reduce((s, x, k) => s + x * v[k], 0) / norm;
      if (score > bestScore) {
        bestScore = score;
        best = cls;
      }
    });
    if (best === labels[i]) correct++;
  }
  return correct / test.length;
}

test('email-Eu-core: walk + skip-gram embeddings place nodes of a department together (nearest centroid ≫ chance)', async () => {
  const edges = await readEdgeList(join(SNAP, 'email-Eu-core.txt.gz'));
  const { labels, classes } = await readNodeLabels(join(SNAP, 'email-Eu-core-department-labels.txt.gz'), edges);
  const walks = temporalRandomWalks(edges, { walksPerNode: 10, walkLength: 20, seed: 1 });
  const dim = 16;
  const emb = trainSkipGram(walks, edges.nodeCount, { dim, window: 5, negatives: 5, epochs: 1, learningRate: 0.05, seed: 1 });
  assert.equal(emb.length, edges.nodeCount * dim);
  assert.ok(emb.every(Number.isFinite));
  const { train, test: testNodes } = nodeSplit(labels, { seed: 1 });
  const accuracy = nearestCentroidAccuracy(emb, dim, labels, classes, train, testNodes);
  // Majority class over the test nodes: the accuracy of guessing the largest department.
  const counts = new Array(classes).fill(0);
  for (const i of train) counts[labels[i]]++;
  const majority = counts.indexOf(Math.max(...counts));
  const majorityRate = Array.from(testNodes).filter((i) => labels[i] === majority).length / testNodes.length;
  assert.ok(majorityRate < 0.15);
  assert.ok(accuracy > 0.45 && accuracy > 3 * majorityRate, `nearest-centroid accuracy ${accuracy.toFixed(3)} vs majority ${majorityRate.toFixed(3)}`);

  // Control: the same classifier on embeddings with the node rows shuffled falls to chance level.
  const perm = new Random(9).shuffle(Int32Array.from({ length: edges.nodeCount }, (_, i) => i));
  const shuffled = new Float32Array(emb.length);
  for (let i = 0; i < edges.nodeCount; i++) shuffled.set(emb.subarray(perm[i] * dim, (perm[i] + 1) * dim), i * dim);
  const control = nearestCentroidAccuracy(shuffled, dim, labels, classes, train, testNodes);
  assert.ok(control < 0.2, `shuffled control ${control.toFixed(3)}`);
});

test('two cliques joined by one edge: same-clique nodes end up closer than cross-clique nodes', () => {
  const lines: string[] = [];
  for (const base of [0, 10]) for (let a = 0; a < 10; a++) for (let b = a + 1; b < 10; b++) lines.push(`${base + a} ${base + b}`);
  lines.push('0 10');
  const edges = parseEdgeListBytes(new TextEncoder().encode(lines.join('\n')));
  const walks = temporalRandomWalks(edges, { walksPerNode: 20, walkLength: 20, seed: 2 });
  const dim = 8;
  const emb = trainSkipGram(walks, edges.nodeCount, { dim, window: 3, negatives: 5, epochs: 2, seed: 2 });
  const clique = (x: number): number => (edges.originalIds[x] < 10 ? 0 : 1);
  let same = 0;
  let sameN = 0;
  let cross = 0;
  let crossN = 0;
  for (let a = 0; a < 20; a++) {
    for (let b = a + 1; b < 20; b++) {
      const c = cosine(emb, dim, a, b);
      if (clique(a) === clique(b)) (same += c), sameN++;
      else (cross += c), crossN++;
    }
  }
  assert.ok(same / sameN > cross / crossN + 0.5, `mean cosine same ${(same / sameN).toFixed(3)}, cross ${(cross / crossN).toFixed(3)}`);
});

test('seeded and deterministic; flat walks and per-walk arrays train the same; unseen nodes get zeros', () => {
  const edges = parseEdgeListBytes(new TextEncoder().encode('0 1 1\n1 2 2\n2 3 3\n3 0 4\n0 2 5\n'));
  const walks = temporalRandomWalks(edges, { walksPerNode: 5, walkLength: 6, seed: 1 });
  const opts = { dim: 4, window: 2, negatives: 3, epochs: 3, seed: 5 };
  const a = trainSkipGram(walks, 6, opts);
  const b = trainSkipGram(walkArrays(walks), 6, opts);
  assert.deepEqual(Array.from(a), Array.from(b));
  assert.notDeepEqual(Array.from(trainSkipGram(walks, 6, { ...opts, seed: 6 })), Array.from(a));
  // Nodes 4 and 5 appear in no walk.
  assert.deepEqual(Array.from(a.subarray(16)), new Array(8).fill(0));
  assert.ok(a.subarray(0, 16).some((x) => x !== 0));
});

test('bad options, out-of-range walk nodes and cancellation are reported', () => {
  const walks = [Int32Array.from([0, 1, 2]), Int32Array.from([2, 1])];
  const isBadArg = (e: unknown): boolean => isRgpError(e) && e.code === 'BAD_ARGUMENT';
  const ok = { dim: 4, window: 2, negatives: 2, epochs: 1, seed: 1 };
  assert.throws(() => trainSkipGram(walks, 3, { ...ok, dim: 0 }), isBadArg);
  assert.throws(() => trainSkipGram(walks, 3, { ...ok, window: 1.5 }), isBadArg);
  assert.throws(() => trainSkipGram(walks, 3, { ...ok, learningRate: -1 }), isBadArg);
  assert.throws(() => trainSkipGram(walks, 2, ok), (e: unknown) => isBadArg(e) && /outside 0\.\.1/.test((e as Error).message));
  const signal = new CancelSource();
  signal.cancel();
  assert.throws(() => trainSkipGram(walks, 3, { ...ok, ctx: { signal, progress: { report() {} } } }), (e: unknown) => isRgpError(e) && e.code === 'CANCELLED');
});
