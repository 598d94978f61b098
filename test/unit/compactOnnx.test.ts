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
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compactModel, encodeModel, findMaskedSites, formsFor, modelOpset, readFloatTensor, realizeSite } from '../../src/formats/onnx/compactModel';
import { perImageCompact } from '../../src/formats/onnx/perImage';
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
    const kinds = [...new Set(sites.flatMap((s) => formsFor(s, modelOpset(masked))))];
    const K = c.k + (c.selfLoops ? 1 : 0);
    for (const form of kinds) {
      const result = compactModel(masked, sites, (s) => (formsFor(s, modelOpset(masked)).includes(form) ? form : formsFor(s, modelOpset(masked))[0]) as CompactForm);
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

/** The op types of the graph onnxruntime runs after its load-time optimizations (constant folding among them). */
async function optimizedOps(bytes: Uint8Array, file: string): Promise<{ ops: string[]; model: onnx.ModelProto }> {
  await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'basic', optimizedModelFilePath: file });
  const model = onnx.ModelProto.decode(readFileSync(file));
  const ops = (g: onnx.IGraphProto): string[] => (g.node ?? []).flatMap((nd) => [nd.opType ?? '', ...(nd.attribute ?? []).filter((a) => a.g).flatMap((a) => ops(a.g!))]);
  return { ops: ops(model.graph!), model };
}

test('expand-dense: onnxruntime folds the expansion at load, to exactly the masked kernels, batched and per image', async () => {
  const pruned = pruneOnnxForTest(`${MODELS}/vgg_small.onnx`, { n: 24, k: 3, seed: 4 }); // uneven groups: padding rows and columns
  const masked = onnx.ModelProto.decode(pruned.bytes);
  const sites = findMaskedSites(masked, parseMaskFile(JSON.parse(JSON.stringify(pruned.masks))));
  const result = compactModel(masked, sites, () => 'expand-dense');
  const dir = mkdtempSync(join(tmpdir(), 'rgp-expand-'));
  try {
    const reference = await optimizedOps(pruned.bytes, join(dir, 'masked.onnx'));
    for (const [what, model] of [['batched', result.model], ['per image', perImageCompact(result)]] as const) {
      const bytes = encodeModel(model);
      const got = await optimizedOps(bytes, join(dir, 'compact.onnx'));
      // Nothing of the expansion runs per inference: the same operators as the masked model (plus the Scan's own).
      assert.deepEqual(got.ops.filter((op) => !['Scan', 'Unsqueeze', 'Squeeze'].includes(op)), reference.ops, what);
      // The folded kernels are the masked kernels, bit for bit (the ones in the Scan body included).
      const inits = (g: onnx.IGraphProto): onnx.ITensorProto[] => [...(g.initializer ?? []), ...(g.node ?? []).flatMap((nd) => (nd.attribute ?? []).filter((a) => a.g).flatMap((a) => inits(a.g!)))];
      const folded = inits(got.model.graph!);
      for (const site of sites) {
        const conv = [...(got.model.graph!.node ?? []), ...(got.model.graph!.node ?? []).flatMap((nd) => (nd.attribute ?? []).filter((a) => a.g).flatMap((a) => a.g!.node ?? []))]
          .find((nd) => nd.opType === site.op && ((nd.output ?? [])[0] === site.node.output![0] || (nd.output ?? [])[0] === `${site.node.output![0]}::rgp-batch-of-one`));
        assert.ok(conv, `${what}: the node writing ${site.node.output![0]}`);
        const kernel = folded.find((t) => t.name === conv.input![1]);
        assert.ok(kernel, `${what}: ${site.entry.layer}'s kernel is an initializer after loading`);
        assert.deepEqual(readFloatTensor(kernel, 'folded'), site.kernel.data, `${what}: ${site.entry.layer}`);
      }
      const y = await run(bytes, randomInput(2 * 3 * 32 * 32, 5), [2, 3, 32, 32]);
      assert.deepEqual(y, await run(pruned.bytes, randomInput(2 * 3 * 32 * 32, 5), [2, 3, 32, 32]), `${what}: the same outputs as the masked model`);
    }
    assert.ok(result.layers.every((l) => l.form === 'expand-dense' && l.storedWeights < l.denseWeights));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('expand-dense needs opset 9 (OneHot): not offered below it, and refused by name', () => {
  const pruned = pruneOnnxForTest(`${MODELS}/vgg_small.onnx`, { n: 32, k: 4, seed: 3 });
  const masked = onnx.ModelProto.decode(pruned.bytes);
  const [site] = findMaskedSites(masked, parseMaskFile(JSON.parse(JSON.stringify(pruned.masks))));
  assert.ok(formsFor(site, 9).includes('expand-dense'));
  assert.ok(!formsFor(site, 8).includes('expand-dense'));
  throwsRgp(() => realizeSite(site, 'expand-dense', 8, 'p'), 'UNSUPPORTED', /opset 9/);
});
