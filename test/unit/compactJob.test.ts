/**
 * `rgp compact` / `rgp bench` jobs (issue 13) on a real prune: the bundled MNIST MLP pruned by the prune
 * job (TF.js), compacted (converted to ONNX, autotuned), checked against the masked model in
 * onnxruntime-node; the pruned folder is only read; bad folders and existing outputs are refused with
 * nothing written.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { quietContext } from '../../src/core/job';
import { Random } from '../../src/core/random';
import { benchModel } from '../../src/jobs/benchModel';
import { compactPrunedModel } from '../../src/jobs/compactModel';
import { pruneModel } from '../../src/jobs/pruneModel';
import { layersFolderToOnnx } from '../../src/formats/onnx/fromLayers';
import { copyModel, hashFolder, MNIST_MODEL } from '../fixtures/makePruneFixtures';
import { rejectsRgp } from './rgpAssert';
import { SHARED_DATA } from '../fixtures/sharedData';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rgp-compact-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function run(bytes: Uint8Array, x: Float32Array, dims: number[]): Promise<Float32Array> {
  const s = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
  try {
    return (await s.run({ [s.inputNames[0]]: new ort.Tensor('float32', x, dims) }))[s.outputNames[0]].data as Float32Array;
  } finally {
    await s.release();
  }
}

async function pruneMlp(): Promise<string> {
  const modelPath = copyModel(MNIST_MODEL, dir, 'mlp');
  const out = join(dir, 'mlp-rgp');
  await pruneModel(modelPath, { ratio: 0.9375, keepFirst: false, searchSwaps: 100, seed: 2, out }, quietContext);
  return out;
}

test('compact a pruned TF.js MLP: kept weights only, outputs equal the masked model, the folder only read', async () => {
  const pruned = await pruneMlp();
  const before = hashFolder(pruned);
  const r = await compactPrunedModel(pruned, { batch: 8, threads: 1 }, quietContext);
  assert.equal(r.sourceFormat, 'tfjs');
  assert.equal(r.layers.length, 2, 'dense_1 and dense_2 (--mask-first); the classifier stays dense');
  const masks = JSON.parse(readFileSync(join(pruned, 'masks.json'), 'utf8')) as { layers: Array<{ kept: number }> };
  assert.equal(r.parameters.keptInMaskedLayers, masks.layers.reduce((a, l) => a + l.kept, 0));
  // 784 = 64·12.25: dense_1's uneven input groups are padded to 13 channels with zero weights; dense_2 is even.
  const d1 = r.layers.find((l) => l.layer === 'dense_1')!;
  const d2 = r.layers.find((l) => l.layer === 'dense_2')!;
  assert.equal(d1.storedWeights, 64 * 4 * 4 * 13);
  assert.equal(d1.paddingWeights, d1.storedWeights - 4 * (784 * 256) / 64);
  assert.equal(d2.paddingWeights, 0);
  assert.equal(r.parameters.paddingWeights, d1.paddingWeights);
  for (const l of r.layers) {
    assert.ok(l.timing, `${l.layer} was timed`);
    assert.deepEqual(Object.keys(l.timing.formsMs).sort(), ['expand-dense', 'gather-matmul', 'matmul-gather-sum'], 'every Gemm realization was timed');
    // The fastest one alone, unless the whole model was faster with every layer at dense speed (the report says so).
    if (r.tuning?.denseNote) assert.equal(l.form, 'expand-dense');
    else assert.ok(l.timing.formsMs[l.form]! <= Math.min(...Object.values(l.timing.formsMs).map(Number)), 'the fastest one is used');
  }
  assert.equal(r.outputPath, join(pruned, 'model.compact.onnx'));
  const compactBytes = readFileSync(r.outputPath);
  assert.equal(compactBytes.length, r.bytes.compact);
  assert.ok(r.bytes.compact < r.bytes.masked / 2, `compact ${r.bytes.compact} vs masked ${r.bytes.masked}`);
  const report = JSON.parse(readFileSync(r.reportPath, 'utf8'));
  assert.equal(report.bytes.compact, r.bytes.compact);
  assert.equal(r.bytes.dense, r.bytes.masked, 'a TF.js prune keeps the files\' sizes');
  // Same outputs as the masked model (converted to ONNX) on seeded inputs.
  const dims = [5, 784];
  const rng = new Random(4);
  const x = Float32Array.from({ length: 5 * 784 }, () => rng.float());
  const masked = await run(await layersFolderToOnnx(join(pruned, 'model.json')), x, dims);
  const compact = await run(compactBytes, x, dims);
  for (let i = 0; i < masked.length; i++) assert.ok(Math.abs(compact[i] - masked[i]) <= 1e-4 * Math.max(1e-6, Math.abs(masked[i])) + 1e-7, `output ${i}`);
  // Only the two new files appeared; nothing else in the folder changed.
  rmSync(r.outputPath);
  rmSync(r.reportPath);
  assert.equal(hashFolder(pruned), before);
});

test('compact refuses a folder without masks.json, and an existing output without --overwrite', async () => {
  const plain = join(dir, 'plain');
  mkdirSync(plain);
  writeFileSync(join(plain, 'model.json'), '{}');
  await rejectsRgp(compactPrunedModel(plain, { form: 'gather-matmul' }, quietContext), 'NOT_A_MODEL', /masks\.json/);
  assert.deepEqual(readdirSync(plain), ['model.json']);
  const pruned = await pruneMlp();
  await compactPrunedModel(pruned, { form: 'matmul-gather-sum' }, quietContext);
  const first = readFileSync(join(pruned, 'model.compact.onnx'));
  await rejectsRgp(compactPrunedModel(pruned, { form: 'gather-matmul' }, quietContext), 'BAD_ARGUMENT', /already exists/);
  assert.ok(readFileSync(join(pruned, 'model.compact.onnx')).equals(first));
  await rejectsRgp(compactPrunedModel(pruned, { form: 'nonsense' as 'auto' }, quietContext), 'BAD_ARGUMENT', /Unknown realization/);
  const r = await compactPrunedModel(pruned, { form: 'gather-matmul', overwrite: true }, quietContext);
  assert.ok(r.layers.every((l) => l.form === 'gather-matmul'));
  assert.ok(!readdirSync(pruned).some((f) => f.startsWith('.rgp-tmp')), 'no temporary file left');
});

test('compact never writes over a file it reads, nor replaces a file rgp did not write, even with --overwrite', async () => {
  const pruned = await pruneMlp();
  const before = hashFolder(pruned);
  // The pruned folder's own files: masks.json, report.json, model.json and its shard.
  for (const name of ['masks.json', 'report.json', 'model.json']) {
    await rejectsRgp(compactPrunedModel(pruned, { form: 'gather-matmul', out: join(pruned, name), overwrite: true }, quietContext), name === 'model.json' ? 'BAD_ARGUMENT' : 'UNSAFE_PATH', name === 'model.json' ? /would overwrite the pruned model/ : /is an input of this job/);
  }
  assert.equal(hashFolder(pruned), before, 'the pruned folder is unchanged');
  // Someone else's file at --out: never replaced, --overwrite or not.
  const theirs = join(dir, 'theirs.onnx');
  writeFileSync(theirs, 'not a compact model');
  await rejectsRgp(compactPrunedModel(pruned, { form: 'gather-matmul', out: theirs, overwrite: true }, quietContext), 'UNSAFE_PATH', /was not written by rgp compact/);
  assert.equal(readFileSync(theirs, 'utf8'), 'not a compact model');
  assert.ok(!readdirSync(dir).some((f) => f.startsWith('.rgp-tmp')), 'no temporary file left');
});

test('bench times the model and its compact form for each batch and thread count', async () => {
  const pruned = await pruneMlp();
  await compactPrunedModel(pruned, { form: 'gather-matmul' }, quietContext);
  const r = await benchModel(join(pruned, 'model.json'), { compact: join(pruned, 'model.compact.onnx'), batches: [1, 4], threads: [1], repeats: 3, warmup: 1 }, quietContext);
  assert.equal(r.runs.length, 2);
  for (const run of r.runs) {
    assert.equal(run.denseSamplesMs.length, 3);
    assert.equal(run.compactSamplesMs!.length, 3);
    assert.ok(run.denseMs > 0 && run.compactMs! > 0);
    assert.equal(run.speedup, run.denseMs / run.compactMs!);
  }
  assert.ok(existsSync(r.compact!));
  await rejectsRgp(benchModel(join(pruned, 'model.json'), { batches: [0] }, quietContext), 'BAD_ARGUMENT', /Batch sizes/);
});

// The real ONNX prune (issue 11) then compact, on the shared exports: n = 64 where the narrowest masked
// layer allows, else its channel count; every realization equals the masked model.
const shared = `${SHARED_DATA}/models`;
const onnxCases = [
  { file: 'vgg_small.onnx', groups: 32, ratio: 0.9375 },
  { file: 'resnet18_w16_cifar.onnx', groups: 16, ratio: 0.875 },
  { file: 'mnist-8.onnx', groups: 8, ratio: 0.75, dims: [1, 1, 28, 28], keepLast: false }, // CNTK, opset 8: its second conv (8 → 16)
];
for (const c of onnxCases) {
  test(`rgp prune ${c.file} then compact: every realization equals the masked model`, async () => {
    const out = join(dir, 'pruned');
    const summary = await pruneModel(join(shared, c.file), { ratio: c.ratio, groups: c.groups, searchSwaps: 100, seed: 5, out, ...(c.keepLast === false ? { keepLast: false } : {}) }, quietContext);
    assert.ok(summary.maskedLayers.length > 0);
    const maskedBytes = readFileSync(join(out, 'model.onnx'));
    const dims = c.dims ?? [2, 3, 32, 32];
    const rng = new Random(8);
    const x = Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => rng.normal());
    const expected = await run(maskedBytes, x, dims);
    let scale = 0;
    for (const v of expected) scale = Math.max(scale, Math.abs(v));
    for (const form of ['gather-conv', 'conv-gather-sum', 'conv-gather-reducesum', 'gather-depthwise', 'expand-dense'] as const) {
      if (form === 'expand-dense' && c.file === 'mnist-8.onnx') {
        // Opset 8 has no OneHot: refused by name, the previous compact file left as it was.
        const previous = readFileSync(join(out, 'model.compact.onnx'));
        await assert.rejects(compactPrunedModel(out, { form, overwrite: true }, quietContext), (e: Error & { code?: string }) => e.code === 'UNSUPPORTED' && /needs ONNX opset 9/.test(e.message));
        assert.ok(readFileSync(join(out, 'model.compact.onnx')).equals(previous));
        continue;
      }
      const r = await compactPrunedModel(out, { form, overwrite: true }, quietContext);
      assert.equal(r.layers.length, summary.maskedLayers.length);
      const masks = JSON.parse(readFileSync(join(out, 'masks.json'), 'utf8')) as { layers: Array<{ kept: number }> };
      assert.equal(r.parameters.keptInMaskedLayers, masks.layers.reduce((a, l) => a + l.kept, 0));
      assert.equal(r.bytes.dense, readFileSync(join(shared, c.file)).length);
      const got = await run(readFileSync(r.outputPath), x, dims);
      for (let i = 0; i < got.length; i++) assert.ok(Math.abs(got[i] - expected[i]) <= 1e-4 * scale, `${form} output ${i}: ${got[i]} vs ${expected[i]}`);
    }
    assert.ok(readFileSync(join(out, 'model.onnx')).equals(maskedBytes), 'the pruned model is only read');
  });
}
