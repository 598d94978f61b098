import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sparsifyOptions, sparsifyReport } from '../../src/cli/sparsifyCommand';
import { isRgpError } from '../../src/core/errors';
import type { SparsifyResult } from '../../src/core/sparse/results';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

test('sparsify link options: parsed, checked with a one-line error, and the protocol is printed with the table', async () => {
  const o = sparsifyOptions({ dataset: 'collegemsg', linkModel: 'directed', testFeatures: 'train+val', negativeNodes: 'all', methods: 'slr,rigl' });
  assert.equal(o.linkModel, 'directed');
  assert.equal(o.testFeatures, 'train+val');
  assert.equal(o.negativeNodes, 'all');
  assert.deepEqual(o.methods, ['slr', 'rigl']);
  for (const bad of [{ linkModel: 'sideways' }, { testFeatures: 'test' }, { negativeNodes: 'some' }]) {
    assert.throws(() => sparsifyOptions({ dataset: 'collegemsg', ...bad }), (e: unknown) => isRgpError(e) && e.code === 'BAD_ARGUMENT' && !e.message.includes('\n'));
  }
  // The kept CollegeMsg result prints its protocol, self-loop rule and seen/unseen counts.
  const result = JSON.parse(await readFile(join(__dirname, '..', '..', 'docs', 'experiments', 'data', 'gnn-sparsification', 'collegemsg-link-mlp.json'), 'utf8')) as SparsifyResult;
  const text = sparsifyReport(result);
  assert.match(text, /link model undirected; test features from the training window; negatives from seen nodes; self-loops kept in the walks/);
  assert.match(text, /seed 1: 0 self-loops; test pairs 3141 with seen endpoints, 1311 with an unseen one \(1311 positives\)/);
  assert.match(text, /slr/);
});
