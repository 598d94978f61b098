import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parseEdgeListBytes, type TemporalEdges } from '../../src/core/data/edgeList';
import { temporalLinkSplit, type LinkSet } from '../../src/core/data/linkSplit';
import { nodeSplit } from '../../src/core/data/nodeSplit';
import { isRgpError } from '../../src/core/errors';
import { readEdgeList, readNodeLabels } from '../../src/io/edgeListFile';

const SNAP = join(__dirname, '..', '..', 'data', 'snap');
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

function pairs(set: LinkSet, label: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < set.label.length; i++) if (set.label[i] === label) out.push(`${set.src[i]},${set.dst[i]}`);
  return out;
}

function edgePairs(e: TemporalEdges): Set<string> {
  const s = new Set<string>();
  for (let i = 0; i < e.edgeCount; i++) s.add(`${e.src[i]},${e.dst[i]}`);
  return s;
}

test('CollegeMsg, directed: test positives are the pairs new in the latest 20 % by time, none of them in training', async () => {
  const edges = await readEdgeList(join(SNAP, 'CollegeMsg.txt.gz'));
  const split = temporalLinkSplit(edges, { seed: 1, linkModel: 'directed' });
  const m = edges.edgeCount;
  const time = edges.time as Float64Array;
  // The cut is by time: the edge at the 80 % quantile and every edge sharing its timestamp are test edges.
  let cut = m - Math.round(0.2 * m);
  while (cut > 0 && time[cut - 1] === time[cut]) cut--;
  const { stats, trainEdges, earlierEdges } = split;
  assert.equal(stats.testWindowEdges, m - cut);
  assert.equal(stats.orderedBy, 'time');
  assert.equal(stats.linkModel, 'directed');
  assert.equal(earlierEdges.edgeCount, cut);
  assert.equal(trainEdges.edgeCount + stats.valWindowEdges, cut);

  // The file is in time order, so the test window is its last lines; compute the expected test positives
  // independently: pairs of that window that occur nowhere before it.
  const before = new Set<string>();
  for (let i = 0; i < cut; i++) before.add(`${edges.src[i]},${edges.dst[i]}`);
  const expected = new Set<string>();
  for (let i = cut; i < m; i++) {
    const p = `${edges.src[i]},${edges.dst[i]}`;
    if (!before.has(p) && edges.src[i] !== edges.dst[i]) expected.add(p);
  }
  const testPos = pairs(split.test, 1);
  assert.equal(testPos.length, expected.size);
  assert.deepEqual(new Set(testPos), expected);
  assert.equal(stats.testPositives, expected.size);

  // No test pair among the training or validation positives, nor anywhere in the edges the walks see.
  const trainPos = new Set(pairs(split.train, 1));
  const valPos = new Set(pairs(split.val, 1));
  const seen = edgePairs(earlierEdges);
  for (const p of testPos) assert.ok(!trainPos.has(p) && !valPos.has(p) && !seen.has(p), `test pair ${p} leaks into training`);
  // No validation pair in the training window's edges (the train/val walk graph).
  const trainSeen = edgePairs(trainEdges);
  for (const p of valPos) assert.ok(!trainPos.has(p) && !trainSeen.has(p), `validation pair ${p} is in the training window`);
  const cutTime = stats.testCutTime;
  assert.equal(cutTime, time[cut]);
  const et = earlierEdges.time as Float64Array;
  for (let i = 0; i < earlierEdges.edgeCount; i++) assert.ok(et[i] < cutTime && (i === 0 || et[i] >= et[i - 1]));
  const tt = trainEdges.time as Float64Array;
  for (let i = 0; i < trainEdges.edgeCount; i++) assert.ok(tt[i] < stats.valCutTime);
  // Every edge is accounted for.
  assert.equal(
    stats.trainPositives + stats.valPositives + stats.testPositives + stats.valDroppedSeenBefore + stats.testDroppedSeenBefore + stats.repeatsMerged + stats.selfLoopsDropped,
    m,
  );
  assert.ok(stats.testDroppedSeenBefore > 0, 'CollegeMsg repeats pairs, so some test-window edges are dropped');

  // Negatives: balanced, never an edge known up to the end of their own window, no self pairs, no pair drawn
  // twice, endpoints among the nodes the set's features have seen (the training window's nodes).
  const trainNodes = new Set([...trainEdges.src, ...trainEdges.dst]);
  const known = [trainSeen, edgePairs(earlierEdges), edgePairs(edges)];
  const negatives = new Set<string>();
  [split.train, split.val, split.test].forEach((set, w) => {
    const pos = pairs(set, 1);
    const neg = pairs(set, 0);
    assert.equal(neg.length, pos.length);
    assert.equal(new Set(pos).size, pos.length, 'positives are distinct pairs');
    for (const p of neg) {
      const [u, v] = p.split(',').map(Number);
      assert.notEqual(u, v);
      assert.ok(trainNodes.has(u) && trainNodes.has(v), `negative ${p} has an endpoint the features never saw`);
      assert.ok(!known[w].has(p), `negative ${p} is an edge`);
      assert.ok(!negatives.has(p), `negative ${p} drawn twice`);
      negatives.add(p);
    }
    // Shuffled: both classes appear in the first 20 rows.
    const head = Array.from(set.label.subarray(0, 20));
    assert.ok(head.includes(0) && head.includes(1));
  });
  // Training pairs are all seen; some later positives have a node new after the training window.
  assert.ok(split.train.seen.every((x) => x === 1));
  assert.ok(stats.testUnseenPairs > 0 && stats.testUnseenPairs === stats.testUnseenPositives);
  assert.equal(stats.testSeenPairs + stats.testUnseenPairs, split.test.label.length);

  // Seeded: the same seed gives the same split, another seed other negatives but the same positives.
  const again = temporalLinkSplit(edges, { seed: 1, linkModel: 'directed' });
  assert.deepEqual(Array.from(again.test.src), Array.from(split.test.src));
  assert.deepEqual(Array.from(again.train.dst), Array.from(split.train.dst));
  const other = temporalLinkSplit(edges, { seed: 2, linkModel: 'directed' });
  assert.deepEqual(new Set(pairs(other.test, 1)), expected);
  assert.notDeepEqual(pairs(other.test, 0), pairs(split.test, 0));
});

test('undirected (the default): no test positive has its reverse anywhere before the cut; negatives are unordered', async () => {
  const edges = await readEdgeList(join(SNAP, 'CollegeMsg.txt.gz'));
  const split = temporalLinkSplit(edges, { seed: 3 });
  assert.equal(split.stats.linkModel, 'undirected');
  const before = new Set<string>();
  for (let i = 0; i < split.earlierEdges.edgeCount; i++) {
    const u = split.earlierEdges.src[i];
    const v = split.earlierEdges.dst[i];
    before.add(`${u},${v}`).add(`${v},${u}`);
  }
  for (const set of [split.train, split.val, split.test]) for (let i = 0; i < set.label.length; i++) assert.ok(set.src[i] < set.dst[i], 'pairs are stored (min, max)');
  for (const p of pairs(split.test, 1)) assert.ok(!before.has(p), `test pair ${p} (or its reverse) occurs before the cut`);
  const all = new Set<string>();
  for (let i = 0; i < edges.edgeCount; i++) all.add(`${edges.src[i]},${edges.dst[i]}`).add(`${edges.dst[i]},${edges.src[i]}`);
  for (const p of pairs(split.test, 0)) assert.ok(!all.has(p), `test negative ${p} is an edge in some direction`);
});

test('equal timestamps never straddle a cut; refit and all-node options', () => {
  // Ten edges; the 80 % cut falls inside the block of four edges at t=7, which all go to the test window.
  const text = ['0 1 1', '1 2 2', '2 3 3', '3 4 4', '4 5 5', '5 6 6', '6 7 7', '7 8 7', '8 9 7', '9 10 7', '20 21 0', '22 23 0', '24 25 0', '26 27 0'].join('\n');
  const edges = parseEdgeListBytes(bytes(text));
  const split = temporalLinkSplit(edges, { seed: 1, testFraction: 0.2, valFraction: 0 });
  assert.equal(split.stats.testWindowEdges, 4);
  assert.equal(split.stats.testCutTime, 7);
  assert.ok(Array.from(split.earlierEdges.time ?? []).every((t) => t < 7));
  // Nodes 7..10 first appear in the test window: those positives are unseen; with 'seen' negatives every
  // unseen pair is a positive.
  assert.equal(split.stats.testUnseenPositives, split.stats.testUnseenPairs);
  assert.ok(split.stats.testUnseenPairs >= 3);
  const everyNode = temporalLinkSplit(edges, { seed: 1, testFraction: 0.2, valFraction: 0, negativeNodes: 'all' });
  assert.equal(everyNode.stats.negativeNodes, 'all');
  // A cut that would leave no training edge is refused.
  const tied = parseEdgeListBytes(bytes('0 1 5\n1 2 5\n2 3 5\n3 4 5\n'));
  assert.throws(() => temporalLinkSplit(tied, { seed: 1 }), (e: unknown) => isRgpError(e) && e.code === 'BAD_GRAPH');
});

test('unsorted times are sorted stably; repeats and self-loops are never positives twice', () => {
  // Edges in file order with times; ties at t=5 must keep file order.
  const text = ['0 1 9', '1 2 5', '2 3 5', '3 4 1', '4 4 2', '1 2 7', '0 4 8', '4 0 10', '2 0 3', '3 1 6'].join('\n');
  const edges = parseEdgeListBytes(bytes(text));
  const split = temporalLinkSplit(edges, { testFraction: 0.3, valFraction: 0, seed: 4, linkModel: 'directed' });
  // Time order: 3-4@1, 4-4@2, 2-0@3, 1-2@5, 2-3@5, 3-1@6, 1-2@7 | 0-4@8, 0-1@9, 4-0@10.
  const id = (x: number): number => Array.from(edges.originalIds).indexOf(x);
  const p = (u: number, v: number): string => `${id(u)},${id(v)}`;
  assert.deepEqual(Array.from(split.trainEdges.time ?? []), [1, 2, 3, 5, 5, 6, 7]);
  assert.deepEqual(
    Array.from(split.trainEdges.src).map((s, i) => `${s},${split.trainEdges.dst[i]}`),
    [p(3, 4), p(4, 4), p(2, 0), p(1, 2), p(2, 3), p(3, 1), p(1, 2)],
  );
  assert.deepEqual(new Set(pairs(split.test, 1)), new Set([p(0, 4), p(0, 1), p(4, 0)]));
  assert.deepEqual(new Set(pairs(split.train, 1)), new Set([p(3, 4), p(2, 0), p(1, 2), p(2, 3), p(3, 1)]));
  assert.equal(split.stats.selfLoopsDropped, 1);
  assert.equal(split.stats.repeatsMerged, 1);
  assert.equal(split.val.label.length, 0);

  // Undirected: 4-0 repeats 0-4 inside the test window and is merged (four early edges make room for negatives).
  const wider = parseEdgeListBytes(bytes(`${text}\n5 6 0\n7 8 0\n9 10 0\n11 12 0`));
  assert.deepEqual(Array.from(wider.originalIds.subarray(0, 5)), Array.from(edges.originalIds));
  const und = temporalLinkSplit(wider, { testFraction: 0.22, valFraction: 0, seed: 4 });
  assert.deepEqual(new Set(pairs(und.test, 1)), new Set([p(0, 4), p(0, 1)].map((q) => q.split(',').map(Number).sort((a, b) => a - b).join(','))));
  assert.equal(und.stats.repeatsMerged, 2);
});

test('without a time column the file order stands in for time; bad fractions and dense graphs are refused', async () => {
  const email = await readEdgeList(join(SNAP, 'email-Eu-core.txt.gz'));
  const split = temporalLinkSplit(email, { seed: 1, valMode: 'random', linkModel: 'directed' });
  assert.equal(split.stats.orderedBy, 'file');
  assert.equal(split.trainEdges.time, null);
  assert.equal(split.stats.selfLoopsDropped, 642);
  // email-Eu-core has no repeated edges: every non-self edge of the last 20 % of lines is a test positive.
  let expected = 0;
  for (let i = email.edgeCount - split.stats.testWindowEdges; i < email.edgeCount; i++) if (email.src[i] !== email.dst[i]) expected++;
  assert.equal(split.stats.testPositives, expected);
  assert.equal(split.val.label.length, 2 * split.stats.valPositives);

  const isBadArg = (e: unknown): boolean => isRgpError(e) && e.code === 'BAD_ARGUMENT';
  assert.throws(() => temporalLinkSplit(email, { seed: 1, testFraction: 1 }), isBadArg);
  assert.throws(() => temporalLinkSplit(email, { seed: 1, valFraction: -0.1 }), isBadArg);
  // A complete directed graph on 3 nodes has no non-edges to draw.
  const complete = parseEdgeListBytes(bytes('0 1 1\n1 0 2\n0 2 3\n2 0 4\n1 2 5\n2 1 6\n'));
  assert.throws(() => temporalLinkSplit(complete, { seed: 1 }), (e: unknown) => isRgpError(e) && e.code === 'BAD_GRAPH' && /too dense/.test(e.message));
});

test('node split: seeded 60/20/20 over the labelled email-Eu-core nodes, disjoint and complete', async () => {
  const email = await readEdgeList(join(SNAP, 'email-Eu-core.txt.gz'));
  const { labels } = await readNodeLabels(join(SNAP, 'email-Eu-core-department-labels.txt.gz'), email);
  const s = nodeSplit(labels, { seed: 1 });
  assert.deepEqual([s.train.length, s.val.length, s.test.length], [603, 201, 201]);
  const all = [...s.train, ...s.val, ...s.test].sort((a, b) => a - b);
  assert.deepEqual(all, Array.from({ length: 1005 }, (_, i) => i));
  assert.deepEqual(Array.from(nodeSplit(labels, { seed: 1 }).test), Array.from(s.test));
  assert.notDeepEqual(Array.from(nodeSplit(labels, { seed: 2 }).test), Array.from(s.test));

  // Unlabelled nodes are left out; stratified cuts every class.
  const partial = Int32Array.from([0, -1, 1, 0, -1, 1, 0, 1, 0, 1]);
  const p = nodeSplit(partial, { seed: 3, fractions: [0.5, 0.25, 0.25], stratified: true });
  const used = [...p.train, ...p.val, ...p.test];
  assert.equal(used.length, 8);
  assert.ok(!used.includes(1) && !used.includes(4));
  for (const set of [p.train, p.val, p.test]) {
    const classes = new Set(Array.from(set).map((i) => partial[i]));
    assert.deepEqual(classes, new Set([0, 1]), 'every class in every set');
  }
  assert.throws(() => nodeSplit(partial, { seed: 1, fractions: [0.6, 0.3, 0.3] }), (e: unknown) => isRgpError(e) && e.code === 'BAD_ARGUMENT');
});
