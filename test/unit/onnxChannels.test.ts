/**
 * Channel groups carried across layers in ONNX models (issue 11): a layer that reads a Concat groups each
 * concatenated part by the groups of the layer that produced it (each channel at its offset in the
 * concatenation), a Gemm after a Flatten gives every channel group its block of flattened features even
 * when n does not divide C, and where the parts cannot line up with n groups exactly that layer stays
 * dense, named. Tiny graphs built in code plus the shared vgg_small export; every pruned model runs in
 * onnxruntime-node and equals the original with masks.json applied by the definition
 * (test/fixtures/onnxModels.ts), and its compact realization equals the masked model.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { onnx } from 'onnx-proto';
import { encode, floatTensor, int64Tensor, maskedReference, maskFromDefinition, readMasks, runOnnx, seededFloats, sharedModel, type MaskEntry } from '../fixtures/onnxModels';
import { pruneModel } from '../../src/jobs/pruneModel';
import { quietContext } from '../../src/core/job';
import { parseMaskFile } from '../../src/core/prune/maskFile';
import { compactModel, encodeModel, findMaskedSites, formsFor, modelOpset } from '../../src/formats/onnx/compactModel';
import type { CompactForm } from '../../src/formats/onnx/compactLayer';
import type { PruneSummary } from '../../src/core/prune/report';

let dir: string;
before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'rgp-onnx-channels-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const attrInts = (name: string, ints: number[]) => onnx.AttributeProto.create({ name, ints, type: onnx.AttributeProto.AttributeType.INTS });
const attrInt = (name: string, i: number) => onnx.AttributeProto.create({ name, i, type: onnx.AttributeProto.AttributeType.INT });
/** A float tensor's value info; without dims, of unknown shape (as an output the runtime infers). */
const valueInfo = (name: string, dims?: (number | string)[]) =>
  onnx.ValueInfoProto.create({
    name,
    type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, ...(dims ? { shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } : {}) } },
  });

/** A graph in code: `layers` are [op, inputs, output, attributes?]; weights [name, dims] get seeded values. */
function model(input: number[], output: string, weights: [string, number[]][], layers: [string, string[], string, onnx.IAttributeProto[]?][], extra: onnx.ITensorProto[] = []): Uint8Array {
  const graph = onnx.GraphProto.create({
    name: 'channels',
    input: [valueInfo('x', ['batch', ...input])],
    output: [valueInfo(output)],
    initializer: [...weights.map(([name, dims], i) => floatTensor(name, dims, seededFloats(dims.reduce((a, b) => a * b, 1), 31 + i))), ...extra],
    node: layers.map(([op, inputs, out, attribute]) => onnx.NodeProto.create({ opType: op, name: out, input: inputs, output: [out], attribute: attribute ?? [] })),
  });
  return encode(onnx.ModelProto.create({ irVersion: 7, producerName: 'rgp-tests', opsetImport: [{ domain: '', version: 13 }], graph }));
}
const conv3 = [attrInts('kernel_shape', [3, 3]), attrInts('pads', [1, 1, 1, 1])];

/** Prunes `bytes` (written to `<name>.onnx`) with n = 4, k = 2, every maskable layer masked (the first too unless kept). */
async function prune(name: string, bytes: Uint8Array, extra: { keepFirst?: boolean } = {}): Promise<{ out: string; s: PruneSummary; file: string }> {
  const file = path.join(dir, `${name}.onnx`);
  writeFileSync(file, bytes);
  const out = path.join(dir, `${name}-pruned`);
  const s = await pruneModel(file, { ratio: 0.5, groups: 4, keepFirst: extra.keepFirst ?? false, keepLast: false, searchSwaps: 50, seed: 5, out }, quietContext);
  return { out, s, file };
}

function weightValues(m: onnx.IModelProto, name: string): Float32Array {
  const t = m.graph!.initializer!.find((x) => x.name === name)!;
  return t.rawData && t.rawData.length > 0 ? new Float32Array(Uint8Array.from(t.rawData).buffer) : Float32Array.from(t.floatData ?? []);
}

/**
 * The masked weights of `out` are the input's times the definition's mask, the outputs in onnxruntime equal
 * the independently masked model's, and every compact form equals the masked model. Returns the entries
 * with their masks.
 */
async function checkPruned(file: string, out: string, input: number[], compact = true): Promise<{ entry: MaskEntry; mask: Uint8Array; k: number }[]> {
  const masks = readMasks(path.join(out, 'masks.json'));
  const inModel = onnx.ModelProto.decode(readFileSync(file));
  const outModel = onnx.ModelProto.decode(readFileSync(path.join(out, 'model.onnx')));
  const result = masks.entries.map((entry) => {
    const mask = maskFromDefinition(entry, masks.neighbours.get(entry.n)!, masks.selfLoops);
    const a = weightValues(inModel, entry.weight), b = weightValues(outModel, entry.weight);
    let kept = 0;
    for (let i = 0; i < mask.length; i++) {
      if (mask[i]) {
        kept++;
        assert.ok(Object.is(a[i], b[i]), `${entry.weight}[${i}] kept`);
      } else assert.ok(Object.is(b[i], 0), `${entry.weight}[${i}] is +0`);
    }
    assert.equal(kept, entry.kept, `${entry.layer}: kept count`);
    return { entry, mask, k: masks.neighbours.get(entry.n)![0].length };
  });
  const batch = 2;
  const dims = [batch, ...input];
  const x = seededFloats(dims.reduce((p, d) => p * d, 1), 9);
  const got = await runOnnx(path.join(out, 'model.onnx'), x, dims);
  const want = await runOnnx(maskedReference(readFileSync(file), path.join(out, 'masks.json')), x, dims);
  const dense = await runOnnx(file, x, dims);
  let diff = 0, fromDense = 0, scale = 0;
  for (let i = 0; i < got.data.length; i++) {
    diff = Math.max(diff, Math.abs(got.data[i] - want.data[i]));
    fromDense = Math.max(fromDense, Math.abs(got.data[i] - dense.data[i]));
    scale = Math.max(scale, Math.abs(want.data[i]));
  }
  assert.ok(diff <= 1e-5 * Math.max(1, scale), `the pruned model differs from the independently masked one by ${diff}`);
  assert.ok(fromDense > 0, 'masking changed the outputs');

  // Compact: every form of every masked layer computes the masked model.
  if (!compact) return result;
  const masked = onnx.ModelProto.decode(readFileSync(path.join(out, 'model.onnx')));
  const sites = findMaskedSites(masked, parseMaskFile(JSON.parse(readFileSync(path.join(out, 'masks.json'), 'utf8'))));
  assert.equal(sites.length, masks.entries.length);
  for (const form of [...new Set(sites.flatMap((s) => formsFor(s, modelOpset(masked))))]) {
    const c = compactModel(masked, sites, (s) => (formsFor(s, modelOpset(masked)).includes(form) ? form : formsFor(s, modelOpset(masked))[0]) as CompactForm);
    assert.equal(c.layers.reduce((a, l) => a + l.keptWeights, 0), masks.entries.reduce((a, e) => a + e.kept, 0), `${form}: stores exactly the kept weights (+ padding)`);
    const y = await runOnnx(encodeModel(c.model), x, dims);
    let worst = 0;
    for (let i = 0; i < y.data.length; i++) worst = Math.max(worst, Math.abs(y.data[i] - got.data[i]));
    assert.ok(worst <= 1e-4 * Math.max(1, scale), `compact ${form} differs from the masked model by ${worst}`);
  }
  return result;
}

/** Kept entries per output channel (fan-in) of a mask in its layout. */
function fanIns(e: MaskEntry, m: Uint8Array): number[] {
  const cOut = e.layout === 'out-in-taps' ? e.shape[0] : e.shape[e.shape.length - 1];
  const per = m.length / cOut;
  return Array.from({ length: cOut }, (_, o) => {
    let f = 0;
    if (e.layout === 'out-in-taps') for (let j = 0; j < per; j++) f += m[o * per + j];
    else for (let j = 0; j < per; j++) f += m[j * cOut + o];
    return f;
  });
}

test('Conv → Conv and Conv → Concat → Conv: the Concat reader groups each part by its producer, at its offset; density k/n, equal fan-in; runs and compacts', async () => {
  // x[8] → c0 (8→16) → relu → c1 (16→12), c2 (16→20) → Concat [12 | 20] → c3 (32→16) → relu → GAP → Flatten → fc (16→4)
  const bytes = model([8, 6, 6], 'y', [['w0', [16, 8, 3, 3]], ['w1', [12, 16, 3, 3]], ['w2', [20, 16, 1, 1]], ['w3', [16, 32, 3, 3]], ['b3', [16]], ['wf', [4, 16]]], [
    ['Conv', ['x', 'w0'], 'c0', conv3],
    ['Relu', ['c0'], 'r0'],
    ['Conv', ['r0', 'w1'], 'c1', conv3],
    ['Conv', ['r0', 'w2'], 'c2', [attrInts('kernel_shape', [1, 1])]],
    ['Concat', ['c1', 'c2'], 'cat', [attrInt('axis', 1)]],
    ['Conv', ['cat', 'w3', 'b3'], 'c3', conv3],
    ['Relu', ['c3'], 'r3'],
    ['GlobalAveragePool', ['r3'], 'gap'],
    ['Flatten', ['gap'], 'flat', [attrInt('axis', 1)]],
    ['Gemm', ['flat', 'wf'], 'y', [attrInt('transB', 1)]],
  ]);
  const { out, s, file } = await prune('concat', bytes);
  assert.deepEqual(s.maskedLayers, ['c0', 'c1', 'c2', 'c3', 'y']);
  const json = JSON.parse(readFileSync(path.join(out, 'masks.json'), 'utf8')) as { layers: MaskEntry[] };
  const parts = Object.fromEntries(json.layers.map((l) => [l.layer, l.inputParts ?? null]));
  assert.deepEqual(parts, { c0: null, c1: null, c2: null, c3: [{ channels: 12, taps: 1 }, { channels: 20, taps: 1 }], y: null });

  const checked = await checkPruned(file, out, [8, 6, 6]);
  for (const { entry, mask, k } of checked) {
    // n = 4 divides every channel count: density k/n and fan-in k·C_in·taps/n for every output channel.
    assert.equal(mask.reduce((a, b) => a + b, 0) * entry.n, mask.length * k, `${entry.layer}: density k/n`);
    const cOut = entry.shape[0];
    for (const f of fanIns(entry, mask)) assert.equal(f * entry.n, (k * mask.length) / cOut, `${entry.layer}: equal fan-in`);
  }
  // c3's input channel 12 is c2's channel 0 (group 0 of c2), not channel 12 of a plain 32-channel split
  // (group 1): the mask follows the producer's groups.
  const c3 = checked.find((c) => c.entry.layer === 'c3')!;
  const neighbours = readMasks(path.join(out, 'masks.json')).neighbours.get(4)!;
  const adj = (a: number, b: number) => neighbours[a].includes(b);
  for (let o = 0; o < 16; o++) {
    const go = Math.floor((o * 4) / 16);
    for (let c = 0; c < 20; c++) assert.equal(c3.mask[(o * 32 + 12 + c) * 9] === 1, adj(go, Math.floor((c * 4) / 20)), `c3[${o}, 12 + ${c}]`);
    for (let c = 0; c < 12; c++) assert.equal(c3.mask[(o * 32 + c) * 9] === 1, adj(go, Math.floor((c * 4) / 12)), `c3[${o}, ${c}]`);
  }
  const plain = maskFromDefinition({ ...c3.entry, inputParts: undefined }, neighbours, false);
  assert.notDeepEqual(c3.mask, plain, 'the concatenated order differs from a plain split of 32 channels');
});

test('a Concat part narrower than n, and an Add of a Concat with a plain map, leave exactly their reader dense, named', async () => {
  // cat1 = Concat(x [3 ch], c0 [16]) → c1 (19→16): the 3-channel part cannot be split into 4 groups.
  // add = c2 (16) + Concat(c3 [8], c4 [8]) → c5: no one grouping fits both operands.
  const bytes = model([3, 5, 5], 'y', [['w0', [16, 3, 3, 3]], ['w1', [16, 19, 3, 3]], ['w2', [16, 16, 1, 1]], ['w3', [8, 16, 1, 1]], ['w4', [8, 16, 1, 1]], ['w5', [16, 16, 1, 1]], ['w6', [8, 16, 1, 1]]], [
    ['Conv', ['x', 'w0'], 'c0', conv3],
    ['Concat', ['x', 'c0'], 'cat1', [attrInt('axis', 1)]],
    ['Conv', ['cat1', 'w1'], 'c1', conv3],
    ['Relu', ['c1'], 'r1'],
    ['Conv', ['r1', 'w2'], 'c2', [attrInts('kernel_shape', [1, 1])]],
    ['Conv', ['r1', 'w3'], 'c3', [attrInts('kernel_shape', [1, 1])]],
    ['Conv', ['r1', 'w4'], 'c4', [attrInts('kernel_shape', [1, 1])]],
    ['Concat', ['c3', 'c4'], 'cat2', [attrInt('axis', 1)]],
    ['Add', ['c2', 'cat2'], 'add'],
    ['Conv', ['add', 'w5'], 'c5', [attrInts('kernel_shape', [1, 1])]],
    ['Conv', ['c5', 'w6'], 'y', [attrInts('kernel_shape', [1, 1])]],
  ]);
  const { out, s, file } = await prune('narrow', bytes, { keepFirst: true }); // c0 reads 3 channels: n = 4 does not fit it
  const row = (name: string) => s.layers.find((l) => l.name === name)!;
  assert.equal(row('c1').role, 'not-maskable');
  assert.match(row('c1').reason!, /Concat of 3 \+ 16 channels; the part of 3 channels cannot be split into n = 4 groups/);
  assert.equal(row('c5').role, 'not-maskable');
  assert.match(row('c5').reason!, /Add "add", which combines differently grouped channels/);
  assert.deepEqual(s.maskedLayers, ['c2', 'c3', 'c4', 'y']);
  assert.equal(weightValues(onnx.ModelProto.decode(readFileSync(path.join(out, 'model.onnx'))), 'w1').filter((v) => v === 0).length, 0, 'c1 is left dense');
  await checkPruned(file, out, [3, 5, 5]);
});

test('Flatten → Gemm with n not dividing C: every channel group gets its block of flattened features (the same uneven groups as the conv)', async () => {
  // c1 has 10 channels: n = 4 splits them 3, 2, 3, 2 (blockMask.groupStarts). Flatten of [10, 4, 4] → fc (160 → 16).
  const bytes = model([4, 4, 4], 'y', [['w0', [12, 4, 3, 3]], ['w1', [10, 12, 3, 3]], ['wf', [16, 160]], ['bf', [16]], ['wo', [4, 16]]], [
    ['Conv', ['x', 'w0'], 'c0', conv3],
    ['Relu', ['c0'], 'r0'],
    ['Conv', ['r0', 'w1'], 'c1', conv3],
    ['Relu', ['c1'], 'r1'],
    ['Flatten', ['r1'], 'flat', [attrInt('axis', 1)]],
    ['Gemm', ['flat', 'wf', 'bf'], 'fc', [attrInt('transB', 1)]],
    ['Relu', ['fc'], 'rf'],
    ['Gemm', ['rf', 'wo'], 'y', [attrInt('transB', 1)]],
  ]);
  const { out, s, file } = await prune('flatten', bytes);
  assert.deepEqual(s.maskedLayers, ['c0', 'c1', 'fc', 'y']);
  const checked = await checkPruned(file, out, [4, 4, 4]);
  const fc = checked.find((c) => c.entry.layer === 'fc')!;
  assert.deepEqual(fc.entry.inputParts, [{ channels: 10, taps: 16 }]);
  const neighbours = readMasks(path.join(out, 'masks.json')).neighbours.get(4)!;
  const starts = [0, 3, 5, 8, 10]; // ⌈g·10/4⌉: c1's output groups
  const groupOfChannel = (c: number) => starts.findIndex((s0, g) => c >= s0 && c < starts[g + 1]);
  for (let o = 0; o < 16; o++) {
    const go = Math.floor((o * 4) / 16);
    let fanIn = 0;
    for (let c = 0; c < 10; c++) {
      const keep = neighbours[go].includes(groupOfChannel(c));
      for (let p = 0; p < 16; p++) assert.equal(fc.mask[o * 160 + c * 16 + p] === 1, keep, `fc[${o}, channel ${c} position ${p}]: the whole channel block is kept or pruned`);
      if (keep) fanIn += 16;
    }
    assert.equal(fanIns(fc.entry, fc.mask)[o], fanIn);
  }
  // A plain split of 160 features into 4 groups (40 each) cuts channel 2 (features 32…47) in two.
  assert.notDeepEqual(fc.mask, maskFromDefinition({ ...fc.entry, inputParts: undefined }, neighbours, false));
});

test('Reshape to [batch, C·H·W] → MatMul ([K, N] kernel) with n not dividing C: the same channel blocks as a Flatten', async () => {
  const bytes = model([4, 3, 3], 'y', [['w0', [12, 4, 3, 3]], ['w1', [10, 12, 3, 3]], ['wm', [90, 12]], ['wo', [4, 12]]], [
    ['Conv', ['x', 'w0'], 'c0', conv3],
    ['Conv', ['c0', 'w1'], 'c1', conv3],
    ['Relu', ['c1'], 'r1'],
    ['Reshape', ['r1', 'to2d'], 'flat'],
    ['MatMul', ['flat', 'wm'], 'mm'],
    ['Relu', ['mm'], 'rm'],
    ['Gemm', ['rm', 'wo'], 'y', [attrInt('transB', 1)]],
  ], [int64Tensor('to2d', [-1, 90])]);
  const { out, s, file } = await prune('reshape', bytes);
  assert.deepEqual(s.maskedLayers, ['c0', 'c1', 'mm', 'y']);
  const checked = await checkPruned(file, out, [4, 3, 3], false); // compact realizes Conv and Gemm, not MatMul
  const mm = checked.find((c) => c.entry.layer === 'mm')!;
  assert.deepEqual(mm.entry.inputParts, [{ channels: 10, taps: 9 }]);
  assert.equal(mm.entry.layout, undefined, 'a MatMul kernel is [K, N] (Keras order)');
  // Input i = channel ⌊i/9⌋: all 9 positions of a channel share its column of the mask.
  for (let c = 0; c < 10; c++) for (let p = 1; p < 9; p++) for (let o = 0; o < 12; o++) assert.equal(mm.mask[(c * 9 + p) * 12 + o], mm.mask[c * 9 * 12 + o]);
  assert.notDeepEqual(mm.mask, maskFromDefinition({ ...mm.entry, inputParts: undefined }, readMasks(path.join(out, 'masks.json')).neighbours.get(4)!, false));
});

test('shared vgg_small with n = 24 (not dividing 256): the classifier after Flatten masks whole channel blocks, runs and compacts', async () => {
  const file = sharedModel('vgg_small.onnx');
  const out = path.join(dir, 'vgg-24');
  const s = await pruneModel(file, { ratio: 0.875, groups: 24, searchSwaps: 50, seed: 2, out }, quietContext);
  const json = JSON.parse(readFileSync(path.join(out, 'masks.json'), 'utf8')) as { layers: MaskEntry[] };
  const gemm = json.layers.filter((l) => l.inputParts);
  assert.equal(gemm.length, 1);
  assert.deepEqual(gemm[0].inputParts, [{ channels: 256, taps: 4 }]);
  assert.equal(s.layers.find((l) => l.name === gemm[0].layer)!.className, 'Gemm');
  const checked = await checkPruned(file, out, [3, 32, 32]);
  const fc = checked.find((c) => c.entry.layer === gemm[0].layer)!;
  for (let o = 0; o < 256; o++) for (let c = 0; c < 256; c++) {
    const block = fc.mask.subarray(o * 1024 + c * 4, o * 1024 + c * 4 + 4);
    assert.ok(block.every((v) => v === block[0]), `output ${o}, channel ${c}: its 4 positions share one group`);
  }
});
