import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Random } from '../../src/core/random';

test('the same seed gives the same stream, another seed another', () => {
  const a = new Random(42), b = new Random(42), c = new Random(43);
  const sa = Array.from({ length: 8 }, () => a.nextUint32());
  const sb = Array.from({ length: 8 }, () => b.nextUint32());
  const sc = Array.from({ length: 8 }, () => c.nextUint32());
  assert.deepEqual(sa, sb);
  assert.notDeepEqual(sa, sc);
});

test('int(n) is uniform enough and stays in range', () => {
  const r = new Random(7);
  const counts = new Array(6).fill(0);
  for (let i = 0; i < 60000; i++) counts[r.int(6)]++;
  for (const c of counts) assert.ok(Math.abs(c - 10000) < 400, `bucket ${c}`);
});

test('shuffle is a permutation', () => {
  const xs = Array.from({ length: 100 }, (_, i) => i);
  new Random(1).shuffle(xs);
  assert.deepEqual([...xs].sort((p, q) => p - q), Array.from({ length: 100 }, (_, i) => i));
  assert.notDeepEqual(xs, Array.from({ length: 100 }, (_, i) => i));
});
