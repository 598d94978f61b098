import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { parseEdgeListBytes } from '../../src/core/data/edgeList';
import { linkPredictionTask } from '../../src/core/gnn/taskFromGraph';
import { Random } from '../../src/core/random';
import { SparseNet } from '../../src/core/sparse/sparseNet';

/** A growing temporal graph: node i joins at time i and messages a few earlier nodes; 40 late nodes join after the cut. */
function growingGraph(): Uint8Array {
  const rng = new Random(9);
  const lines: string[] = [];
  for (let v = 1; v < 200; v++) for (let j = 0; j < 3; j++) lines.push(`${v} ${rng.int(v)} ${v * 10 + j}`);
  return new TextEncoder().encode(lines.join('\n'));
}

test('link task: test metrics for seen and unseen endpoints apart; the refit trains on train + validation pairs', async () => {
  await tf.setBackend('cpu');
  const edges = parseEdgeListBytes(growingGraph());
  const embedding = { dim: 4, walksPerNode: 2, walkLength: 6 };
  const p = linkPredictionTask(edges, { seed: 1, embedding });
  const s = p.linkStats!;
  assert.equal(s.linkModel, 'undirected');
  assert.equal(s.testFeatures, 'train');
  // Nodes join over time, so every test-window edge has an endpoint unseen by the training window.
  assert.ok(s.testUnseenPairs > 0);
  assert.equal(s.testSeenPairs + s.testUnseenPairs, p.sizes.test);
  const params = SparseNet.initial(p.task.arch, new Random(2)).params();
  const m = p.task.evaluate(params, 'test');
  const g = m.byEndpoints!;
  assert.equal(g.seen.pairs, s.testSeenPairs);
  assert.equal(g.unseen.pairs, s.testUnseenPairs);
  assert.equal(g.unseen.positives, s.testUnseenPositives);
  assert.equal(g.unseen.positives, g.unseen.pairs, "with negatives between seen nodes, every unseen pair is a positive");
  assert.equal(g.unseen.auc, undefined, 'one class only: no AUC');
  // The overall accuracy is the pair-weighted mean of the two groups.
  const weighted = (g.seen.pairs * (g.seen.accuracy || 0) + g.unseen.pairs * g.unseen.accuracy) / (g.seen.pairs + g.unseen.pairs);
  assert.ok(Math.abs(weighted - m.accuracy) < 1e-12);
  tf.dispose([...params.weights, ...params.biases]);
  p.task.dispose();

  const refit = linkPredictionTask(edges, { seed: 1, embedding, testFeatures: 'train+val' });
  const r = refit.linkStats!;
  assert.equal(r.testFeatures, 'train+val');
  assert.equal(refit.sizes.train, 2 * (r.trainPositives + r.valPositives));
  // More nodes are seen before the test cut than in the training window alone.
  assert.ok(r.earlierSeenNodes > r.trainSeenNodes);
  assert.ok(r.testUnseenPairs <= s.testUnseenPairs);
  refit.task.dispose();
});
