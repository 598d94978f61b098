import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRgpError } from '../../src/core/errors';
import { randomRegularGraph } from '../../src/core/graph';
import { buildLayerGraph } from '../../src/core/model/layerGraph';
import { parseModelJson } from '../../src/core/model/modelJson';
import { applyBlockMask, blockAdjacency, groupOf, groupStarts, inputGroupRanges, kernelMask, keptConnections, neighbourLists } from '../../src/core/prune/blockMask';
import { degreeForRatio } from '../../src/core/prune/degree';
import { buildMaskFile, MASK_MAPPING, parseMaskFile } from '../../src/core/prune/maskFile';
import { planPruning } from '../../src/core/prune/plan';
import { MNIST_MODEL } from '../fixtures/makePruneFixtures';

const ring = (n: number): number[][] => Array.from({ length: n }, (_, u) => [(u + 1) % n, (u + n - 1) % n]);

function expectRgp(fn: () => unknown, code: string, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isRgpError(e), `expected an RgpError, got ${String(e)}`);
    assert.equal(e.code, code);
    assert.match(e.message, pattern);
    return true;
  });
}

test('groups are contiguous with sizes ⌊C/n⌋ or ⌈C/n⌉ and group(c) = ⌊c·n/C⌋', () => {
  for (const [c, n] of [[64, 64], [100, 64], [784, 64], [10, 3], [7, 7], [1000, 13]]) {
    const s = groupStarts(c, n);
    assert.equal(s[0], 0);
    assert.equal(s[n], c);
    for (let g = 0; g < n; g++) {
      const size = s[g + 1] - s[g];
      assert.ok(size === Math.floor(c / n) || size === Math.ceil(c / n), `C=${c} n=${n} group ${g} has ${size}`);
      for (let ch = s[g]; ch < s[g + 1]; ch++) assert.equal(groupOf(ch, c, n), g);
    }
  }
  assert.throws(() => groupStarts(3, 4));
});

test('kernelMask is Mask[…, i, o] = A[group(i), group(o)] in Keras layout, for uneven groups and spatial taps', () => {
  const n = 6;
  const lists = neighbourLists(n, 2, Int32Array.from(ring(n).flat()));
  for (const selfLoops of [false, true]) {
    const adj = blockAdjacency(lists, selfLoops);
    const shape = [3, 2, 13, 9]; // kh, kw, C_in, C_out — neither divisible by 6
    const m = kernelMask(shape, adj);
    let kept = 0;
    for (let t = 0; t < 6; t++)
      for (let i = 0; i < 13; i++)
        for (let o = 0; o < 9; o++) {
          const gi = groupOf(i, 13, n), go = groupOf(o, 9, n);
          const want = gi === go ? (selfLoops ? 1 : 0) : Math.abs(gi - go) === 1 || Math.abs(gi - go) === n - 1 ? 1 : 0;
          assert.equal(m[(t * 13 + i) * 9 + o], want, `t=${t} i=${i} o=${o}`);
          kept += want;
        }
    assert.equal(keptConnections(adj, 13, 9) * 6, kept);
  }
});

test('applyBlockMask zeroes exactly the pruned bytes, at an unaligned offset, and leaves the rest alone', () => {
  const g = randomRegularGraph(8, 3, 5);
  const adj = blockAdjacency(neighbourLists(8, 3, g.neighbors), false);
  const shape = [16, 24];
  const bytes = new Uint8Array(3 + 16 * 24 * 4 + 5);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 37 + 11) & 0xff || 1;
  const before = bytes.slice();
  const kept = applyBlockMask(bytes, 3, shape, adj);
  assert.equal(kept, (16 * 24 * 3) / 8, 'density is exactly k/n when channels divide by n');
  const mask = kernelMask(shape, adj);
  for (let b = 0; b < bytes.length; b++) {
    const e = b - 3;
    const inKernel = e >= 0 && e < 16 * 24 * 4;
    if (inKernel && mask[Math.floor(e / 4)] === 0) assert.equal(bytes[b], 0, `byte ${b}`);
    else assert.equal(bytes[b], before[b], `byte ${b} must be unchanged`);
  }
});

test('blockAdjacency refuses graphs that cannot be a mask', () => {
  expectRgp(() => blockAdjacency([[1], [0], [0]], false), 'BAD_GRAPH', /node 1 has 1|not listed from both ends|neighbours/);
  expectRgp(() => blockAdjacency([[0, 1], [0, 1]], false), 'BAD_GRAPH', /self-loop/);
  expectRgp(() => blockAdjacency([[1, 1], [0, 0]], false), 'BAD_GRAPH', /twice/);
  expectRgp(() => blockAdjacency([[5], [0]], false), 'BAD_GRAPH', /outside/);
});

test('degree from ratio: RGP table at n = 64, nearest feasible k, self-loop variant, bad ratios', () => {
  assert.equal(degreeForRatio(0.9375, 64).k, 4);
  assert.equal(degreeForRatio(0.906, 64).k, 6);
  assert.equal(degreeForRatio(0.875, 64).k, 8);
  assert.equal(degreeForRatio(0.75, 64).k, 16);
  assert.equal(degreeForRatio(0.9, 64).k, 6); // 0.90625 is nearer than 0.921875
  const sl = degreeForRatio(0.9375, 64, true);
  assert.equal(sl.k, 3);
  assert.equal(sl.achievedRatio, 1 - 4 / 64);
  const odd = degreeForRatio(0.5, 7); // n odd: k must be even → 4 (0.43) or 2 (0.71)... nearest 4
  assert.equal(odd.k % 2, 0);
  assert.equal(odd.k, 4);
  assert.equal(degreeForRatio(0.999, 64).k, 2, 'k = 1 never: it cannot be connected');
  for (const bad of [0, 1, -0.5, 1.5, NaN, Infinity]) expectRgp(() => degreeForRatio(bad, 64), 'BAD_ARGUMENT', /strictly between 0 and 1/);
});

const mnist = () => buildLayerGraph(parseModelJson(JSON.parse(readFileSync(join(MNIST_MODEL, 'model.json'), 'utf8'))));

test('plan: first and last maskable layers dense by default; options mask them; keepDense', () => {
  const g = mnist();
  const base = { groups: 64, keepFirst: true, keepLast: true, keepDense: [] as string[] };
  const p = planPruning(g, base);
  assert.deepEqual(p.targets.map((t) => t.layer), ['dense_2']);
  assert.deepEqual(p.decisions.map((d) => d.role), ['first', 'masked', 'last']);
  assert.deepEqual(planPruning(g, { ...base, keepFirst: false }).targets.map((t) => [t.layer, t.cIn, t.cOut]), [['dense_1', 784, 256], ['dense_2', 256, 128]]);
  expectRgp(() => planPruning(g, { ...base, keepDense: ['dense_2'] }), 'BAD_ARGUMENT', /No layer of this model would be masked/);
  expectRgp(() => planPruning(g, { ...base, keepDense: ['nope'] }), 'BAD_ARGUMENT', /no layer named "nope"/);
});

test('plan: n larger than a masked layer\'s channels names the layer and the largest usable n', () => {
  const g = mnist();
  expectRgp(() => planPruning(g, { groups: 200, keepFirst: true, keepLast: true, keepDense: [] }), 'BAD_ARGUMENT', /n = 200 .*"dense_2".*C_out = 128/);
  expectRgp(() => planPruning(g, { groups: 64, keepFirst: true, keepLast: false, keepDense: [] }), 'BAD_ARGUMENT', /"dense_3".*C_out = 10/);
  assert.throws(() => planPruning(g, { groups: 64, keepFirst: true, keepLast: false, keepDense: [] }), (e: unknown) => isRgpError(e) && /--groups 10/.test(e.hint ?? ''));
});

test('plan: per-layer n overrides a layer\'s groups; distinct n listed with the main one first', () => {
  const g = mnist();
  const base = { groups: 64, keepFirst: false, keepLast: false, keepDense: [] as string[] };
  const p = planPruning(g, { ...base, groupsPerLayer: { dense_3: 10 } });
  assert.deepEqual(p.targets.map((t) => [t.layer, t.n]), [['dense_1', 64], ['dense_2', 64], ['dense_3', 10]]);
  assert.equal(p.n, 64);
  assert.deepEqual(p.groupCounts, [64, 10]);
  // An override equal to the global n shares the main graph.
  assert.deepEqual(planPruning(g, { ...base, groupsPerLayer: { dense_2: 64, dense_3: 8 } }).groupCounts, [64, 8]);
  // When no masked layer uses the global n, the first masked layer's n is the main one.
  const only = planPruning(g, { ...base, keepFirst: true, keepDense: ['dense_2'], groupsPerLayer: { dense_3: 5 } });
  assert.equal(only.n, 5);
  assert.deepEqual(only.groupCounts, [5]);
  // No override: exactly one n, as before.
  assert.deepEqual(planPruning(g, { ...base, keepLast: true }).groupCounts, [64]);
  // An empty override map changes nothing.
  assert.deepEqual(planPruning(g, { ...base, keepLast: true, groupsPerLayer: {} }).targets.map((t) => t.n), [64, 64]);
});

test('plan: per-layer n errors name the layer, its role or the largest usable n', () => {
  const g = mnist();
  const base = { groups: 64, keepFirst: true, keepLast: true, keepDense: [] as string[] };
  expectRgp(() => planPruning(g, { ...base, groupsPerLayer: { nope: 8 } }), 'BAD_ARGUMENT', /no layer named "nope"/);
  expectRgp(() => planPruning(g, { ...base, groupsPerLayer: { toString: 8 } }), 'BAD_ARGUMENT', /no layer named "toString"/);
  expectRgp(() => planPruning(g, { ...base, groupsPerLayer: { dense_1: 8 } }), 'BAD_ARGUMENT', /"dense_1" is not masked \(first maskable layer/);
  expectRgp(() => planPruning(g, { ...base, groupsPerLayer: { dense_3: 8 } }), 'BAD_ARGUMENT', /"dense_3" is not masked \(last maskable layer/);
  expectRgp(() => planPruning(g, { ...base, groupsPerLayer: { dense_2: 129 } }), 'BAD_ARGUMENT', /n = 129 for layer "dense_2" must be an integer from 2 to 128/);
  expectRgp(() => planPruning(g, { ...base, groupsPerLayer: { dense_2: 1 } }), 'BAD_ARGUMENT', /from 2 to 128/);
  assert.throws(() => planPruning(g, { ...base, groupsPerLayer: { dense_2: 129 } }), (e: unknown) => isRgpError(e) && /--layer-groups dense_2=128/.test(e.hint ?? ''));
  assert.throws(() => planPruning(g, { ...base, groupsPerLayer: { nope: 8 } }), (e: unknown) => isRgpError(e) && /Layers this pruning masks: dense_2\./.test(e.hint ?? ''));
  // n too large for a layer without an override: the hint offers --layer-groups as well as --keep-dense.
  assert.throws(
    () => planPruning(g, { ...base, keepLast: false }),
    (e: unknown) => isRgpError(e) && /--layer-groups dense_3=10/.test(e.hint ?? '') && /--keep-dense/.test(e.hint ?? '') && /--groups 10/.test(e.hint ?? ''),
  );
});

test('masks.json: version 1 for one graph (as before), version 2 for several; both rebuild every mask', () => {
  const ring8 = ring(8), ring4 = ring(4);
  const layers = [
    { layer: 'a', n: 8, weight: 'a/kernel', variable: 'kernel', shape: [16, 24], kept: (16 * 24 * 2) / 8, total: 16 * 24 },
    { layer: 'b', n: 4, weight: 'b/kernel', variable: 'kernel', shape: [3, 3, 4, 8], kept: (9 * 4 * 8 * 2) / 4, total: 9 * 4 * 8 },
  ];
  const v1 = buildMaskFile(false, [{ n: 8, k: 2, neighbours: ring8 }], [layers[0]]);
  assert.deepEqual(v1, { format: 'rgp-masks', version: 1, n: 8, k: 2, selfLoops: false, mapping: MASK_MAPPING, neighbours: ring8, layers: [{ layer: 'a', weight: 'a/kernel', variable: 'kernel', shape: [16, 24], kept: 96, total: 384 }] });
  const one = parseMaskFile(JSON.parse(JSON.stringify(v1)));
  assert.deepEqual(one.maskFor(one.file.layers[0]), kernelMask([16, 24], blockAdjacency(ring8, false)));

  const v2 = buildMaskFile(true, [{ n: 8, k: 2, neighbours: ring8 }, { n: 4, k: 2, neighbours: ring4 }], layers);
  assert.equal(v2.version, 2);
  const two = parseMaskFile(JSON.parse(JSON.stringify(v2)));
  assert.equal(two.adjacency.n, 8);
  assert.deepEqual(two.maskFor(two.file.layers[0]), kernelMask([16, 24], blockAdjacency(ring8, true)));
  assert.deepEqual(two.maskFor(two.file.layers[1]), kernelMask([3, 3, 4, 8], blockAdjacency(ring4, true)));

  const broken = (patch: (f: Record<string, unknown>) => void) => {
    const f = JSON.parse(JSON.stringify(v2));
    patch(f);
    return () => parseMaskFile(f);
  };
  expectRgp(broken((f) => { (f.layers as Array<{ n: number }>)[1].n = 5; }), 'BAD_MODEL', /"b" names no graph.*n = 5/);
  expectRgp(broken((f) => { (f.layers as Array<{ shape: number[] }>)[0].shape = [4, 4]; }), 'BAD_MODEL', /"a" has fewer channels than n = 8/);
  expectRgp(broken((f) => { f.graphs = []; }), 'BAD_MODEL', /no graphs/);
  expectRgp(broken((f) => { (f.graphs as unknown[]).push({ n: 4, k: 2, neighbours: ring4 }); }), 'BAD_MODEL', /two graphs have n = 4/);
  expectRgp(broken((f) => { f.version = 3; }), 'BAD_MODEL', /version 3/);
});

test("'out-in-taps' (ONNX/PyTorch) masks are Mask[o, i, …] = A[group(i), group(o)]: the Keras mask transposed, with the same kept count", () => {
  const g = randomRegularGraph(8, 3, 5);
  for (const selfLoops of [false, true]) {
    const adj = blockAdjacency(neighbourLists(8, 3, g.neighbors), selfLoops);
    const [cOut, cIn, kh, kw] = [20, 13, 3, 2];
    const onnx = kernelMask([cOut, cIn, kh, kw], adj, 'out-in-taps');
    const keras = kernelMask([kh, kw, cIn, cOut], adj);
    for (let o = 0; o < cOut; o++)
      for (let i = 0; i < cIn; i++)
        for (let t = 0; t < kh * kw; t++) {
          const want = adj.matrix[groupOf(i, cIn, 8) * 8 + groupOf(o, cOut, 8)];
          assert.equal(onnx[(o * cIn + i) * kh * kw + t], want, `o=${o} i=${i} t=${t}`);
          assert.equal(keras[(t * cIn + i) * cOut + o], want);
        }
    const bytes = new Uint8Array(cOut * cIn * kh * kw * 4).fill(0x3f);
    assert.equal(applyBlockMask(bytes, 0, [cOut, cIn, kh, kw], adj, 'out-in-taps'), keptConnections(adj, cIn, cOut) * kh * kw);
  }
});

test('input parts (a Concat, a Flatten): each part is grouped on its own, in both layouts; masks.json carries them and refuses parts that do not fit', () => {
  const g = randomRegularGraph(6, 2, 9);
  const adj = blockAdjacency(neighbourLists(6, 2, g.neighbors), false);
  // A Concat of 7 and 13 channels (neither divisible by 6), then a Flatten of 8 channels × 3 positions.
  for (const parts of [[{ channels: 7, taps: 1 }, { channels: 13, taps: 1 }], [{ channels: 8, taps: 3 }], [{ channels: 6, taps: 2 }, { channels: 9, taps: 2 }]]) {
    const cIn = parts.reduce((a, p) => a + p.channels * p.taps, 0);
    const cOut = 11;
    // group of input i, from the definition: its channel within its part, grouped within that part.
    const inGroup = (i: number) => {
      for (const p of parts) {
        if (i < p.channels * p.taps) return groupOf(Math.floor(i / p.taps), p.channels, 6);
        i -= p.channels * p.taps;
      }
      throw new Error('outside');
    };
    const ranges = inputGroupRanges(cIn, 6, parts);
    assert.deepEqual(ranges.flatMap((r, grp) => { const out: number[][] = []; for (let j = 0; j < r.length; j += 2) for (let i = r[j]; i < r[j + 1]; i++) out.push([i, grp]); return out; }).sort((a, b) => a[0] - b[0]), Array.from({ length: cIn }, (_, i) => [i, inGroup(i)]));
    const onnx = kernelMask([cOut, cIn, 2, 2], adj, 'out-in-taps', parts);
    const keras = kernelMask([2, 2, cIn, cOut], adj, 'taps-in-out', parts);
    let kept = 0;
    for (let o = 0; o < cOut; o++)
      for (let i = 0; i < cIn; i++) {
        const want = adj.matrix[inGroup(i) * 6 + groupOf(o, cOut, 6)];
        for (let t = 0; t < 4; t++) {
          assert.equal(onnx[(o * cIn + i) * 4 + t], want, `parts ${JSON.stringify(parts)} o=${o} i=${i}`);
          assert.equal(keras[(t * cIn + i) * cOut + o], want);
        }
        kept += want * 4;
      }
    assert.equal(keptConnections(adj, cIn, cOut, parts) * 4, kept);
    const bytes = new Uint8Array(cOut * cIn * 4 * 4 + 1).fill(0x3f);
    assert.equal(applyBlockMask(bytes, 1, [cOut, cIn, 2, 2], adj, 'out-in-taps', parts), kept);
    assert.equal(bytes[0], 0x3f, 'nothing before the kernel is touched');
  }
  assert.throws(() => inputGroupRanges(20, 6, [{ channels: 7, taps: 1 }, { channels: 12, taps: 1 }]), /do not make 20 inputs/);
  assert.throws(() => inputGroupRanges(21, 6, [{ channels: 3, taps: 7 }]), RangeError, 'a part narrower than n');

  const parts = [{ channels: 8, taps: 1 }, { channels: 12, taps: 1 }];
  const file = buildMaskFile(false, [{ n: 4, k: 2, neighbours: ring(4) }], [{ layer: 'c', n: 4, weight: 'c/W', variable: 'W', shape: [8, 20, 3, 3], layout: 'out-in-taps', inputParts: parts, kept: 720, total: 1440 }]);
  assert.deepEqual(file.layers[0].inputParts, parts);
  const loaded = parseMaskFile(JSON.parse(JSON.stringify(file)));
  assert.deepEqual(loaded.maskFor(loaded.file.layers[0]), kernelMask([8, 20, 3, 3], blockAdjacency(ring(4), false), 'out-in-taps', parts));
  assert.notDeepEqual(loaded.maskFor(loaded.file.layers[0]), kernelMask([8, 20, 3, 3], blockAdjacency(ring(4), false), 'out-in-taps'), 'the parts change the mask');
  const bad = JSON.parse(JSON.stringify(file));
  bad.layers[0].inputParts = [{ channels: 2, taps: 1 }, { channels: 18, taps: 1 }];
  expectRgp(() => parseMaskFile(bad), 'BAD_MODEL', /"c": its inputParts do not split its 20 inputs into n = 4 groups/);
  bad.layers[0].inputParts = [{ channels: 'x' }];
  expectRgp(() => parseMaskFile(bad), 'BAD_MODEL', /malformed inputParts/);
});
