import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isRgpError } from '../../src/core/errors';
import { parseEdgeList, parseGraph, parseGraphJson, toEdgeListText, toGraphJson } from '../../src/core/graph/graphIO';
import { averageClustering, degreeCheck, graphMetrics } from '../../src/core/graph/metrics';
import { randomRegularGraph } from '../../src/core/graph/regularGraph';
import { ringLattice } from '../../src/core/graph/ringLattice';
import { complete, cycle, gnp, petersen } from './graphHelpers';

const badGraph = (re: RegExp) => (e: unknown) => {
  assert.ok(isRgpError(e), 'RgpError');
  assert.equal(e.code, 'BAD_GRAPH');
  assert.match(e.message, re);
  assert.ok(e.hint);
  return true;
};

test('edge-list text: comments, separators, extra columns', () => {
  const { graph, base } = parseEdgeList('# a triangle plus a tail\n% another comment\n0 1\n1,2\n\n2 0 5.0 1700000000\n  2\t3  \n');
  assert.equal(base, 0);
  assert.equal(graph.n, 4);
  assert.equal(graph.neighbors.length, 8);
  assert.deepEqual(degreeCheck(graph), { regular: false, k: null, minDegree: 1, maxDegree: 3 });
});

test('edge-list text: 1-based files are detected', () => {
  const { graph, base } = parseEdgeList('1 2\n2 3\n3 1\n');
  assert.equal(base, 1);
  assert.equal(graph.n, 3);
  assert.equal(graphMetrics(graph).aspl, 1);
  assert.equal(parseEdgeList('1 2\n2 3\n', { base: 0 }).graph.n, 4);
});

test('edge-list parsing errors name the line and say what to do', () => {
  assert.throws(() => parseEdgeList('0 1\n2 2\n'), badGraph(/line 2: self-loop on node 2/));
  assert.throws(() => parseEdgeList('0 1\n1 2\n# x\n2 1\n'), badGraph(/line 4: duplicate edge 2–1 \(first seen at line 2\)/));
  assert.throws(() => parseEdgeList('0 1\n1 -2\n'), badGraph(/line 2: "-2" is not a node id/));
  assert.throws(() => parseEdgeList('0 1\na b\n'), badGraph(/line 2: "a" is not a node id/));
  assert.throws(() => parseEdgeList('0 1\n7\n'), badGraph(/line 2: expected two node ids/));
  assert.throws(() => parseEdgeList('# nothing\n'), badGraph(/no edges/));
  assert.throws(() => parseEdgeList('0 1\n1 2\n', { base: 1 }), badGraph(/uses node id 0/));
});

test('JSON graphs and round trips', () => {
  const g = randomRegularGraph(30, 4, 1);
  const back = parseGraph(JSON.stringify({ ...toGraphJson(g), aspl: 2.5, history: [] }));
  assert.equal(back.n, 30);
  assert.deepEqual(toGraphJson(back).edges, toGraphJson(g).edges);
  const text = toEdgeListText(g, 'n=30 k=4\nseed=1');
  assert.ok(text.startsWith('# n=30 k=4\n# seed=1\n'));
  assert.deepEqual(toGraphJson(parseGraph(text)).edges, toGraphJson(g).edges);
  assert.equal(parseGraphJson('{"nodes": 5, "edges": [[0,1]]}').n, 5);
  assert.throws(() => parseGraphJson('{"nodes": 3, "edges": [[0,3]]}'), badGraph(/edges\[0\]: node id 3 is not an integer in \[0, 2\]/));
  assert.throws(() => parseGraphJson('{"edges": [[0,1],[1,0]]}'), badGraph(/duplicate edge/));
  assert.throws(() => parseGraphJson('{"edges": [[0,"x"]]}'), badGraph(/not a pair/));
  assert.throws(() => parseGraphJson('{"nodes": 0, "edges": []}'), badGraph(/"nodes" must be a positive integer/));
  assert.throws(() => parseGraphJson('{nope'), badGraph(/not valid JSON/));
  assert.throws(() => parseGraphJson('[1,2]'), badGraph(/no "edges"/));
});

test('metrics: degree check, clustering, ASPL, Moore gap; irregular graphs still get ASPL', () => {
  assert.equal(averageClustering(complete(6)), 1);
  assert.equal(averageClustering(petersen()), 0);
  assert.equal(averageClustering(cycle(9)), 0);
  // Ring lattice clustering (Watts–Strogatz): 3(k−2) / (4(k−1)) for n large enough.
  for (const k of [4, 6, 10]) assert.ok(Math.abs(averageClustering(ringLattice(100, k)) - (3 * (k - 2)) / (4 * (k - 1))) < 1e-12);
  const m = graphMetrics(petersen());
  assert.equal(m.regular, true);
  assert.equal(m.k, 3);
  assert.equal(m.aspl, 5 / 3);
  assert.equal(m.gapPct, 0);
  const irr = gnp(80, 0.1, 4);
  const mi = graphMetrics(irr);
  assert.equal(mi.regular, false);
  assert.equal(mi.mooreBound, null);
  assert.ok(mi.minDegree < mi.maxDegree);
  assert.ok(Number.isFinite(mi.aspl) || mi.connected === false);
  const disc = parseEdgeList('0 1\n2 3\n').graph;
  const md = graphMetrics(disc);
  assert.equal(md.connected, false);
  assert.equal(md.aspl, Infinity);
  assert.equal(md.diameter, Infinity);
});
