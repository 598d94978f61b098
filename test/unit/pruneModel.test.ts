import { test, before, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { pruneCommand } from '../../src/cli/pruneCommand';
import { isRgpError } from '../../src/core/errors';
import { CancelSource, quietContext } from '../../src/core/job';
import { parseModelJson, storedBytes } from '../../src/core/model/modelJson';
import { parseMaskFile } from '../../src/core/prune/maskFile';
import { selectBackend } from '../../src/core/train/backend';
import { pruneModel } from '../../src/jobs/pruneModel';
import { loadLayersModelFromFolder } from '../../src/io/tfjsModelFolder';
import { copyModel, hashFolder, MNIST_MODEL, ROOT, writeConverterMlp, writeResidualCnn } from '../fixtures/makePruneFixtures';

let dir: string;
before(async () => {
  await selectBackend({ prefer: 'cpu' });
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rgp-prune-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const FAST = { searchSwaps: 200, seed: 3 };

/** Checks every byte of the output shards: masked kernels are input·mask (zeros where pruned), all else identical. */
function checkBytes(inputDir: string, outputDir: string): void {
  const json = parseModelJson(JSON.parse(readFileSync(join(inputDir, 'model.json'), 'utf8')));
  const masks = parseMaskFile(JSON.parse(readFileSync(join(outputDir, 'masks.json'), 'utf8')));
  const masked = new Map(masks.file.layers.map((l) => [l.weight, l]));
  for (const group of json.weightGroups) {
    const cat = (d: string) => Buffer.concat(group.paths.map((p) => readFileSync(join(d, p))));
    const a = cat(inputDir), b = cat(outputDir);
    assert.equal(b.length, a.length);
    let at = 0;
    for (const w of group.weights) {
      const size = storedBytes(w);
      const entry = masked.get(w.name);
      if (!entry) assert.ok(a.subarray(at, at + size).equals(b.subarray(at, at + size)), `${w.name} must be byte-identical`);
      else {
        const m = masks.maskFor(entry);
        let kept = 0;
        for (let i = 0; i < m.length; i++) {
          const src = a.subarray(at + 4 * i, at + 4 * i + 4), dst = b.subarray(at + 4 * i, at + 4 * i + 4);
          if (m[i] === 1) { assert.ok(src.equals(dst), `${w.name}[${i}] kept`); kept++; }
          else assert.equal(dst.readUInt32LE(0), 0, `${w.name}[${i}] is +0`);
        }
        assert.equal(kept, entry.kept);
      }
      at += size;
    }
    for (const p of group.paths) assert.equal(readFileSync(join(outputDir, p)).length, readFileSync(join(inputDir, p)).length, `shard ${p} keeps its size`);
  }
}

/** Predictions of the pruned folder vs the original model with kernels multiplied by their masks. */
async function checkPredictions(original: tf.LayersModel, outputDir: string, input: tf.Tensor): Promise<void> {
  const masks = parseMaskFile(JSON.parse(readFileSync(join(outputDir, 'masks.json'), 'utf8')));
  const byWeight = new Map(masks.file.layers.map((l) => [l.weight, l]));
  const weights = original.weights.map((w, i) => {
    const v = original.getWeights()[i];
    const e = byWeight.get(w.originalName);
    return e ? tf.mul(v, tf.tensor(masks.maskFor(e), e.shape)) : v;
  });
  assert.equal(weights.filter((_, i) => byWeight.has(original.weights[i].originalName)).length, masks.file.layers.length, 'every mask found its weight');
  original.setWeights(weights);
  const pruned = await loadLayersModelFromFolder(outputDir);
  const want = (original.predict(input) as tf.Tensor).dataSync();
  const got = (pruned.predict(input) as tf.Tensor).dataSync();
  assert.equal(got.length, want.length);
  for (let i = 0; i < got.length; i++) assert.ok(Math.abs(got[i] - want[i]) <= 1e-6, `prediction ${i}: ${got[i]} vs ${want[i]}`);
}

test('Sequential MLP (MNIST example): report counts by hand, exact density, bytes, predictions, files', async () => {
  const modelPath = copyModel(MNIST_MODEL, dir, 'model');
  const hash = hashFolder(join(dir, 'model'));
  const samples: number[] = [];
  const r = await pruneModel(modelPath, { ratio: 0.9375, keepFirst: false, ...FAST, onSearchSample: (s) => samples.push(s.bestAspl) }, quietContext);
  assert.equal(r.outputPath, join(dir, 'model-rgp-0.9375'));
  assert.deepEqual(readdirSync(r.outputPath).sort(), ['graph.json', 'masks.json', 'model.json', 'report.json', 'report.md', 'weights.bin']);
  assert.deepEqual(readdirSync(dir).sort(), ['model', 'model-rgp-0.9375'], 'no temporary folder left');
  assert.equal(hashFolder(join(dir, 'model')), hash, 'input untouched');
  assert.ok(samples.length >= 1, 'search samples are forwarded');
  assert.equal(r.graph.k, 4);
  assert.equal(r.ratio.achieved, 0.9375);
  const rows = Object.fromEntries(r.layers.map((l) => [l.name, l]));
  assert.equal(rows.dense_1.prunedParams, 784 * 256 * 4 / 64 + 256);
  assert.equal(rows.dense_1.prunedMacs, 784 * 16);
  assert.equal(rows.dense_2.prunedParams, 256 * 128 / 16 + 128);
  assert.equal(rows.dense_2.prunedMacs, 256 * 128 / 16);
  assert.equal(rows.dense_3.prunedParams, 1290);
  assert.equal(rows.dense_1.density, 4 / 64);
  assert.equal(rows.dense_2.density, 4 / 64);
  assert.equal(r.totals.denseParams, 235146);
  assert.equal(r.totals.prunedParams, 12544 + 256 + 2048 + 128 + 1290);
  assert.equal(r.totals.prunedMacs, 12544 + 2048 + 1280);
  assert.deepEqual(readFileSync(join(r.outputPath, 'model.json')), readFileSync(modelPath), 'model.json copied verbatim');
  assert.deepEqual(JSON.parse(readFileSync(join(r.outputPath, 'report.json'), 'utf8')), JSON.parse(JSON.stringify(r)));
  const graph = JSON.parse(readFileSync(join(r.outputPath, 'graph.json'), 'utf8'));
  assert.equal(graph.nodes, 64);
  assert.equal(graph.edges.length, 64 * 4 / 2);
  assert.ok(graph.aspl >= graph.mooreBound);
  assert.match(readFileSync(join(r.outputPath, 'report.md'), 'utf8'), /\| dense_2 \| Dense \| masked \|/);
  checkBytes(join(dir, 'model'), r.outputPath);

  const original = await loadLayersModelFromFolder(modelPath);
  await checkPredictions(original, r.outputPath, tf.randomUniform([4, 784], 0, 1, 'float32', 11));
});

test('same seed and swap budget give the same graph and masks', async () => {
  const modelPath = copyModel(MNIST_MODEL, dir, 'model');
  const a = await pruneModel(modelPath, { ratio: 0.875, ...FAST, out: join(dir, 'a') }, quietContext);
  const b = await pruneModel(modelPath, { ratio: 0.875, ...FAST, out: join(dir, 'b') }, quietContext);
  assert.equal(a.graph.aspl, b.graph.aspl);
  assert.deepEqual(readFileSync(join(dir, 'a', 'masks.json')), readFileSync(join(dir, 'b', 'masks.json')));
  assert.deepEqual(readFileSync(join(dir, 'a', 'weights.bin')), readFileSync(join(dir, 'b', 'weights.bin')));
});

test('Functional CNN with residual Add and 1×1 shortcut: masked convs, dense stem/classifier, predictions', async () => {
  const { modelPath, model } = await writeResidualCnn(dir);
  const r = await pruneModel(modelPath, { ratio: 0.5, groups: 4, ...FAST }, quietContext);
  assert.equal(r.graph.k, 2);
  assert.deepEqual(r.maskedLayers, ['block_conv1', 'block_conv2', 'shortcut', 'sep', 'hidden']);
  const rows = Object.fromEntries(r.layers.map((l) => [l.name, l]));
  assert.equal(rows.stem.role, 'first');
  assert.equal(rows.classifier.role, 'last');
  assert.equal(rows.dw.role, 'not-maskable');
  assert.equal(rows.block_bn1.role, 'not-maskable');
  for (const name of r.maskedLayers) assert.equal(rows[name].density, 0.5, name);
  assert.equal(rows.block_conv1.prunedMacs, (3 * 3 * 8 * 16 * 4 * 4) / 2);
  assert.equal(rows.shortcut.prunedParams, (8 * 16) / 2 + 16);
  assert.equal(rows.sep.prunedMacs, 3 * 3 * 16 * 16 + (16 * 16 * 16) / 2, 'depthwise part of the separable conv stays dense');
  assert.equal(rows.sep.masked!.variable, 'pointwise_kernel');
  assert.equal(rows.stem.prunedMacs, rows.stem.denseMacs);
  checkBytes(join(dir, 'cnn'), r.outputPath);
  await checkPredictions(model, r.outputPath, tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 5));
});

test('converter-style model.json with two shards: shard names and sizes kept, bytes exact, loads in tfjs', async () => {
  const modelPath = writeConverterMlp(dir);
  const r = await pruneModel(modelPath, { ratio: 0.75, groups: 8, ...FAST, out: join(dir, 'out') }, quietContext);
  assert.deepEqual(r.maskedLayers, ['dense_1']);
  assert.equal(r.graph.k, 2);
  assert.deepEqual(readdirSync(join(dir, 'out')).filter((f) => f.endsWith('.bin')).sort(), ['group1-shard1of2.bin', 'group1-shard2of2.bin']);
  assert.equal(r.layers.find((l) => l.name === 'dense_1')!.prunedParams, 32 * 32 / 4 + 32);
  checkBytes(join(dir, 'converted'), r.outputPath);
  const original = await loadLayersModelFromFolder(modelPath);
  await checkPredictions(original, r.outputPath, tf.randomNormal([3, 16], 0, 1, 'float32', 2));
});

test('self-loop variant keeps (k+1)/n', async () => {
  const modelPath = copyModel(MNIST_MODEL, dir, 'model');
  const r = await pruneModel(modelPath, { ratio: 0.9375, selfLoops: true, ...FAST }, quietContext);
  assert.equal(r.graph.k, 3);
  assert.equal(r.layers.find((l) => l.name === 'dense_2')!.density, 4 / 64);
});

/** An error of the given code, no new entries in `dir`, and the input folder unchanged. */
async function rejectsCleanly(run: () => Promise<unknown>, code: string, pattern: RegExp, inputDir: string): Promise<void> {
  const before = readdirSync(dir).sort();
  const hash = hashFolder(inputDir);
  await assert.rejects(run(), (e: unknown) => {
    assert.ok(isRgpError(e), `expected an RgpError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assert.match(e.message, pattern);
    return true;
  });
  assert.deepEqual(readdirSync(dir).sort(), before, 'nothing written');
  assert.equal(hashFolder(inputDir), hash, 'input untouched');
}

test('hostile and broken inputs: clear errors, nothing written, input untouched', async () => {
  const fixtures = join(ROOT, 'test', 'fixtures');
  // A shard path climbing out of the folder.
  mkdirSync(join(dir, 'hostile'));
  writeFileSync(join(dir, 'hostile', 'model.json'), readFileSync(join(fixtures, 'hostile', 'model.json')));
  writeFileSync(join(dir, 'secret.bin'), readFileSync(join(fixtures, 'secret.bin')));
  await rejectsCleanly(() => pruneModel(join(dir, 'hostile', 'model.json'), { ratio: 0.5, ...FAST }, quietContext), 'UNSAFE_PATH', /climbs out/, join(dir, 'hostile'));
  // A truncated shard.
  const truncated = copyModel(join(fixtures, 'truncated'), dir, 'truncated');
  await rejectsCleanly(() => pruneModel(truncated, { ratio: 0.5, ...FAST }, quietContext), 'BAD_MODEL', /truncated/, join(dir, 'truncated'));
  // Manifest shape vs layer config (same byte count, so only the shape check can catch it).
  const mism = writeConverterMlp(join(dir, 'm1'), { kernelShape: [32, 16] });
  await rejectsCleanly(() => pruneModel(mism, { ratio: 0.5, groups: 8, ...FAST }, quietContext), 'BAD_MODEL', /"dense".*\[32, 16\].*implies \[16, 32\]/, join(dir, 'm1'));
  // Unknown dtype.
  const dt = writeConverterMlp(join(dir, 'm2'), { dtype: 'complex64' });
  await rejectsCleanly(() => pruneModel(dt, { ratio: 0.5, groups: 8, ...FAST }, quietContext), 'BAD_MODEL', /unknown dtype "complex64"/, join(dir, 'm2'));
  // Ratios out of range, and n larger than a masked layer's channels.
  const mnist = copyModel(MNIST_MODEL, dir, 'mnist');
  for (const ratio of [0, -0.1, 1, 1.2, NaN]) {
    await rejectsCleanly(() => pruneModel(mnist, { ratio, ...FAST }, quietContext), 'BAD_ARGUMENT', /strictly between 0 and 1/, join(dir, 'mnist'));
  }
  await rejectsCleanly(() => pruneModel(mnist, { ratio: 0.9, groups: 200, ...FAST }, quietContext), 'BAD_ARGUMENT', /n = 200.*"dense_2"/, join(dir, 'mnist'));
  // A quantized kernel in a masked layer is refused rather than approximately zeroed.
  const q = JSON.parse(readFileSync(mnist, 'utf8'));
  q.weightsManifest[0].weights[2].quantization = { dtype: 'float16' };
  mkdirSync(join(dir, 'q'));
  writeFileSync(join(dir, 'q', 'model.json'), JSON.stringify(q));
  const w = readFileSync(join(dir, 'mnist', 'weights.bin'));
  const k2 = 784 * 256 * 4 + 256 * 4;
  writeFileSync(join(dir, 'q', 'weights.bin'), Buffer.concat([w.subarray(0, k2 + 256 * 128 * 2), w.subarray(k2 + 256 * 128 * 4)]));
  await rejectsCleanly(() => pruneModel(join(dir, 'q', 'model.json'), { ratio: 0.9, ...FAST }, quietContext), 'UNSUPPORTED', /dense_2.*quantized/, join(dir, 'q'));
});

test('the output never replaces the input and an existing folder needs overwrite', async () => {
  const modelPath = copyModel(MNIST_MODEL, dir, 'model');
  await rejectsCleanly(() => pruneModel(modelPath, { ratio: 0.9, ...FAST, out: join(dir, 'model'), overwrite: true }, quietContext), 'UNSAFE_PATH', /replace the input/, join(dir, 'model'));
  await rejectsCleanly(() => pruneModel(modelPath, { ratio: 0.9, ...FAST, out: dir, overwrite: true }, quietContext), 'UNSAFE_PATH', /replace the input/, join(dir, 'model'));
  mkdirSync(join(dir, 'taken'));
  writeFileSync(join(dir, 'taken', 'keep.txt'), 'x');
  await rejectsCleanly(() => pruneModel(modelPath, { ratio: 0.9, ...FAST, out: join(dir, 'taken') }, quietContext), 'BAD_ARGUMENT', /already exists/, join(dir, 'model'));
  const r = await pruneModel(modelPath, { ratio: 0.9, ...FAST, out: join(dir, 'taken'), overwrite: true }, quietContext);
  assert.ok(existsSync(join(r.outputPath, 'masks.json')));
  assert.ok(!existsSync(join(dir, 'taken', 'keep.txt')));
});

for (const phase of ['graph search', 'writing shard']) {
  test(`cancelling during ${phase} leaves no output and no temporary folder`, async () => {
    const modelPath = copyModel(MNIST_MODEL, dir, 'model');
    const cancel = new CancelSource();
    const ctx = { signal: cancel, progress: { report: (p: { message: string }) => { if (p.message.startsWith(phase)) cancel.cancel(); } } };
    await assert.rejects(pruneModel(modelPath, { ratio: 0.9, searchSeconds: 0.3, seed: 1 }, ctx), (e: unknown) => isRgpError(e) && e.code === 'CANCELLED');
    assert.deepEqual(readdirSync(dir), ['model']);
  });
}

test('CLI function: flags, --mask-first/--keep-first conflict, string numbers', async () => {
  const modelPath = copyModel(MNIST_MODEL, dir, 'model');
  const r = await pruneCommand(modelPath, { ratio: '0.875', groups: '32', seed: '2', searchSwaps: '100', maskFirst: true, out: join(dir, 'cli') });
  assert.equal(r.graph.n, 32);
  assert.equal(r.graph.k, 4);
  assert.deepEqual(r.maskedLayers, ['dense_1', 'dense_2']);
  assert.doesNotThrow(() => JSON.stringify(r));
  await assert.rejects(pruneCommand(modelPath, { ratio: 0.9, keepFirst: true, maskFirst: true }), /contradict/);
  await assert.rejects(pruneCommand(modelPath, { ratio: 'lots' }), /--ratio must be a number/);
  await assert.rejects(pruneCommand(modelPath, {}), /needs --ratio/);
  const kd = await pruneCommand(modelPath, { ratio: 0.875, searchSwaps: 10, maskFirst: true, keepDense: 'dense_1', out: join(dir, 'kd') });
  assert.deepEqual(kd.maskedLayers, ['dense_2']);
});
