import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupStarts } from '../../src/core/prune/blockMask';
import { countNonZero } from '../../src/core/sparse/masks';
import { rgpMasks } from '../../src/core/sparse/rgpMasks';

// The weight layers of the study's models: node MLP 64→256→128→42 and link MLP 16→128→1.
const layers = [
  { cIn: 64, cOut: 256 },
  { cIn: 256, cOut: 128 },
  { cIn: 128, cOut: 42 },
  { cIn: 16, cOut: 128 },
  { cIn: 128, cOut: 1 },
];

test('RGP masks: every group row keeps exactly k whole blocks; narrow layers get n ≤ min(C_in, C_out)', () => {
  const plan = rgpMasks(layers, 0.9375, { seed: 1, searchSwaps: 300 });
  const ns = plan.layers.map((l) => l.n);
  const ks = plan.layers.map((l) => l.k);
  assert.deepEqual(ns, [64, 64, 42, 16, undefined]);
  // 1 − k/n nearest 0.9375: n = 64 → k = 4; n = 42 → k = 3 (0.929; k = 2 gives 0.952); n = 16 → k = 2 (k = 1 is no connected graph).
  assert.deepEqual(ks, [4, 4, 3, 2, undefined]);
  assert.equal(plan.layers[4].mask, null, 'a 128→1 layer cannot be grouped: dense');
  plan.layers.forEach((l, li) => {
    if (!l.mask) return;
    const { cIn, cOut } = layers[li];
    const si = groupStarts(cIn, l.n!);
    const so = groupStarts(cOut, l.n!);
    const n = l.n!;
    const kept = new Uint8Array(n * n);
    for (let gi = 0; gi < n; gi++) {
      for (let go = 0; go < n; go++) {
        let ones = 0;
        for (let i = si[gi]; i < si[gi + 1]; i++) for (let o = so[go]; o < so[go + 1]; o++) ones += l.mask[i * cOut + o];
        const size = (si[gi + 1] - si[gi]) * (so[go + 1] - so[go]);
        assert.ok(ones === 0 || ones === size, `layer ${li} block (${gi},${go}) is partly kept`);
        kept[gi * n + go] = ones ? 1 : 0;
      }
      assert.equal(kept.subarray(gi * n, (gi + 1) * n).reduce((a, b) => a + b, 0), l.k, `layer ${li} group row ${gi}`);
      assert.equal(kept[gi * n + gi], 0, 'no self-loop block');
    }
    for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) assert.equal(kept[a * n + b], kept[b * n + a], 'the graph is undirected');
  });
  // Layers whose widths divide by n keep exactly k/n.
  assert.equal(countNonZero(plan.layers[0].mask!), (64 * 256 * 4) / 64);
  assert.equal(countNonZero(plan.layers[1].mask!), (256 * 128 * 4) / 64);
  assert.deepEqual(plan.graphs.map((g) => `${g.n}/${g.k}`).sort(), ['16/2', '42/3', '64/4']);
});

test('RGP masks are a function of the seed', () => {
  const a = rgpMasks(layers.slice(0, 2), 0.875, { seed: 5, searchSwaps: 200 });
  const b = rgpMasks(layers.slice(0, 2), 0.875, { seed: 5, searchSwaps: 200 });
  const c = rgpMasks(layers.slice(0, 2), 0.875, { seed: 6, searchSwaps: 200 });
  assert.deepEqual(a.layers[0].mask, b.layers[0].mask);
  assert.notDeepEqual(a.layers[0].mask, c.layers[0].mask);
  // The same graph masks both layers with the same n (RGP's one adjacency).
  assert.equal(a.graphs.length, 1);
  assert.equal(a.layers[0].k, 8);
});
