/**
 * The compact RGP model (issue 13): on the shared PyTorch exports, every realization of every masked layer
 * computes what the masked dense model computes (onnxruntime-node, 1e-4 relative), stores exactly the
 * kept weights (+ reported padding), and leaves every other node alone.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { onnx } from 'onnx-proto';
import { parseMaskFile } from '../../src/core/prune/maskFile';
import { Random } from '../../src/core/random';
import { compactModel, encodeModel, findMaskedSites, formsFor } from '../../src/formats/onnx/compactModel';
import type { CompactForm } from '../../src/formats/onnx/compactLayer';
import { pruneOnnxForTest, type LooseGraph } from '../fixtures/onnxPruned';
import { throwsRgp } from './rgpAssert';
import { SHARED_DATA } from '../fixtures/sharedData';

const MODELS = `${SHARED_DATA}/models`;

async function run(bytes: Uint8Array, input: Float32Array, dims: number[]): Promise<Float32Array> {
  const s = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, graphOptimizationLevel: 'all' });
  try {
    const out = await s.run({ [s.inputNames[0]]: new ort.Tensor('float32', input, dims) });
    return out[s.outputNames[0]].data as Float32Array;
  } finally {
    await s.release();
  }
}

function randomInput(count: number, seed: number): Float32Array {
  const r = new Random(seed);
  return Float32Array.from({ length: count }, () => r.normal());
}

function assertClose(actual: Float32Array, expected: Float32Array, what: string): void {
  assert.equal(actual.length, expected.length, what);
  let scale = 0;
  for (const v of expected) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  assert.ok(worst <= 1e-4 * scale, `${what}: max |diff| ${worst} > 1e-4 × ${scale}`);
}

const cases = [
  { file: 'resnet18_w16_cifar.onnx', n: 16, k: 2 }, // 87.5 % (n = 16: the narrowest masked layer has 16 channels)
  { file: 'resnet18_w16_cifar.onnx', n: 16, k: 2, selfLoops: true }, // graph2nn's variant: K = 3
  { file: 'vgg_small.onnx', n: 32, k: 4 }, // 87.5 %
  { file: 'vgg_small.onnx', n: 32, k: 2 }, // 93.75 %
  { file: 'vgg_small.onnx', n: 24, k: 3 }, // uneven groups: 32, 64, 128, 256 channels over 24 groups
];

for (const c of cases) {
  test(`compact ${c.file} n=${c.n} k=${c.k}${c.selfLoops ? ' with self-loops' : ''}: every form equals the masked model`, async () => {
    const pruned = pruneOnnxForTest(`${MODELS}/${c.file}`, { n: c.n, k: c.k, seed: 7, selfLoops: c.selfLoops ?? false });
    const masks = parseMaskFile(JSON.parse(JSON.stringify(pruned.masks)));
    const masked = onnx.ModelProto.decode(pruned.bytes);
    const before = Buffer.from(pruned.bytes);
    const sites = findMaskedSites(masked, masks);
    assert.equal(sites.length, pruned.layers.length);
    const batch = 3;
    const dims = [batch, 3, 32, 32];
    const x = randomInput(batch * 3 * 32 * 32, 11);
    const expected = await run(pruned.bytes, x, dims);
    const kinds = [...new Set(sites.flatMap((s) => formsFor(s)))];
    const K = c.k + (c.selfLoops ? 1 : 0);
    for (const form of kinds) {
      const result = compactModel(masked, sites, (s) => (formsFor(s).includes(form) ? form : formsFor(s)[0]) as CompactForm);
      const bytes = encodeModel(result.model);
      assertClose(await run(bytes, x, dims), expected, `${c.file} ${form}`);
      // Only the kept weights (+ padding) are stored.
      const kept = result.layers.reduce((a, l) => a + l.keptWeights, 0);
      assert.equal(kept, pruned.kept, 'kept weights = the mask file kept count');
      for (const l of result.layers) assert.equal(l.storedWeights, l.n * Math.ceil(l.cOut / l.n) * K * Math.ceil(l.cIn / l.n) * l.kernel.reduce((a, b) => a * b, 1));
      const dense = result.layers.reduce((a, l) => a + l.denseWeights, 0);
      const padding = result.layers.reduce((a, l) => a + l.paddingWeights, 0);
      assert.equal(result.paddingWeights, padding);
      assert.equal(result.storedParameters, result.inputParameters - dense + kept + padding);
      if (c.n === 24) assert.ok(padding > 0, 'uneven groups are padded');
      else assert.equal(padding, 0);
      // Unmasked nodes are carried over as they were.
      const compactNames = new Set((result.model.graph!.node ?? []).map((nd) => nd.name));
      for (const nd of (masked.graph as unknown as LooseGraph).node) if (!pruned.layers.includes(nd.name)) assert.ok(compactNames.has(nd.name), nd.name);
      for (const l of pruned.layers) assert.ok(!compactNames.has(l), `${l} was replaced`);
    }
    assert.ok(Buffer.from(pruned.bytes).equals(before), 'the masked model is not modified');
  });
}

test('compact refuses a kernel with weights outside its mask', () => {
  const pruned = pruneOnnxForTest(`${MODELS}/vgg_small.onnx`, { n: 32, k: 4, seed: 3 });
  const masks = parseMaskFile(JSON.parse(JSON.stringify(pruned.masks)));
  const model = onnx.ModelProto.decode(pruned.bytes);
  const t = (model.graph as unknown as LooseGraph).initializer.find((x) => x.name === pruned.masks.layers[0].weight)!;
  const data = new Float32Array(t.dims.map(Number).reduce((a, b) => a * b, 1));
  new Uint8Array(data.buffer).set(t.rawData);
  data.fill(0.5); // dense again
  t.rawData = new Uint8Array(data.buffer);
  throwsRgp(() => findMaskedSites(model, masks), 'BAD_MODEL', /outside its RGP mask/);
});

test('compact refuses a mask file for another model', () => {
  const pruned = pruneOnnxForTest(`${MODELS}/vgg_small.onnx`, { n: 32, k: 4, seed: 3 });
  const other = onnx.ModelProto.decode(pruneOnnxForTest(`${MODELS}/resnet18_w16_cifar.onnx`, { n: 16, k: 2, seed: 3 }).bytes);
  throwsRgp(() => findMaskedSites(other, parseMaskFile(JSON.parse(JSON.stringify(pruned.masks)))), 'BAD_MODEL', /no Conv or Gemm/);
});
