import { test, before, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { pruneCommand } from '../../src/cli/pruneCommand';
import { isRgpError } from '../../src/core/errors';
import { CancelSource, quietContext } from '../../src/core/job';
import { parseModelJson, storedBytes } from '../../src/core/model/modelJson';
import { parseGraphJson } from '../../src/core/graph';
import { degreeForRatio } from '../../src/core/prune/degree';
import { parseMaskFile } from '../../src/core/prune/maskFile';
import { selectBackend } from '../../src/core/train/backend';
import { pruneModel } from '../../src/jobs/pruneModel';
import { loadLayersModelFromFolder } from '../../src/io/tfjsModelFolder';
import { copyModel, hashFolder, MNIST_MODEL, ROOT, writeConverterMlp, writeNarrowMlp, writeResidualCnn } from '../fixtures/makePruneFixtures';

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
  assert.deepEqual(readdirSync(r.outputPath).sort(), ['.rgp-output.json', 'graph.json', 'masks.json', 'model.json', 'report.json', 'report.md', 'weights.bin']);
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
  await rejectsCleanly(() => pruneModel(modelPath, { ratio: 0.9, ...FAST, out: join(dir, 'model'), overwrite: true }, quietContext), 'UNSAFE_PATH', /contains an input of this job/, join(dir, 'model'));
  await rejectsCleanly(() => pruneModel(modelPath, { ratio: 0.9, ...FAST, out: dir, overwrite: true }, quietContext), 'UNSAFE_PATH', /contains an input of this job/, join(dir, 'model'));
  mkdirSync(join(dir, 'taken'));
  writeFileSync(join(dir, 'taken', 'keep.txt'), 'x');
  await rejectsCleanly(() => pruneModel(modelPath, { ratio: 0.9, ...FAST, out: join(dir, 'taken') }, quietContext), 'BAD_ARGUMENT', /already exists/, join(dir, 'model'));
  // A folder rgp did not write (no .rgp-output.json) is never replaced, even with overwrite (issue 14).
  await rejectsCleanly(() => pruneModel(modelPath, { ratio: 0.9, ...FAST, out: join(dir, 'taken'), overwrite: true }, quietContext), 'UNSAFE_PATH', /not written by rgp/, join(dir, 'model'));
  assert.ok(existsSync(join(dir, 'taken', 'keep.txt')));
  // One that rgp wrote is replaced with overwrite.
  const first = await pruneModel(modelPath, { ratio: 0.9, ...FAST, out: join(dir, 'mine') }, quietContext);
  writeFileSync(join(first.outputPath, 'stale.txt'), 'x');
  const r = await pruneModel(modelPath, { ratio: 0.9, ...FAST, out: join(dir, 'mine'), overwrite: true }, quietContext);
  assert.ok(existsSync(join(r.outputPath, 'masks.json')));
  assert.ok(!existsSync(join(r.outputPath, 'stale.txt')));
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

test('per-layer n: narrow layers get their own graph, exact densities k_n/n, masks.json v2 rebuilds every mask, predictions', async () => {
  const { modelPath, model } = await writeNarrowMlp(dir);
  const hash = hashFolder(join(dir, 'narrow'));
  const ratio = 0.9375;
  const k64 = degreeForRatio(ratio, 64).k, k16 = degreeForRatio(ratio, 16).k, k32 = degreeForRatio(ratio, 32).k;
  assert.deepEqual([k64, k16, k32], [4, 2, 2]);
  const starts: number[] = [];
  const opts = { ratio, groupsPerLayer: { narrow: 16, back: 32 }, ...FAST };
  const r = await pruneModel(modelPath, { ...opts, out: join(dir, 'a'), onSearchStart: (x) => starts.push(x.n) }, quietContext);
  assert.equal(hashFolder(join(dir, 'narrow')), hash, 'input untouched');
  assert.deepEqual(starts, [64], 'the live chart follows the main graph only');
  assert.deepEqual(r.maskedLayers, ['wide', 'narrow', 'back']);
  assert.equal(r.graph.n, 64);
  assert.equal(r.graph.k, k64);
  assert.equal(r.ratio.achieved, 1 - k64 / 64, 'the achieved ratio stays the main graph\'s');
  assert.deepEqual(r.graphs.map((g) => [g.n, g.k, g.layers]), [[64, k64, ['wide']], [16, k16, ['narrow']], [32, k32, ['back']]]);
  assert.deepEqual(r.graphs[0], { ...r.graph, achievedRatio: 1 - k64 / 64, layers: ['wide'] });
  for (const g of r.graphs) {
    assert.equal(g.seed, 3);
    assert.ok(g.aspl >= g.mooreBound - 1e-12, `n=${g.n}: ASPL ${g.aspl} ≥ Moore ${g.mooreBound}`);
    assert.equal(g.gapPct, (100 * (g.aspl - g.mooreBound)) / g.mooreBound);
  }
  assert.deepEqual(r.options.groupsPerLayer, { narrow: 16, back: 32 });
  const rows = Object.fromEntries(r.layers.map((l) => [l.name, l]));
  assert.equal(rows.wide.density, k64 / 64);
  assert.equal(rows.narrow.density, k16 / 16);
  assert.equal(rows.back.density, k32 / 32);
  assert.deepEqual([rows.wide.masked!.n, rows.narrow.masked!.n, rows.back.masked!.n], [64, 16, 32]);
  assert.equal(rows.narrow.prunedParams, (128 * 32 * k16) / 16 + 32);
  assert.equal(rows.back.prunedMacs, (32 * 128 * k32) / 32);
  assert.equal(rows.first.role, 'first');
  assert.equal(rows.classifier.role, 'last');
  const maskedTotal = 128 * 128 + 128 * 32 + 32 * 128;
  const maskedKept = (128 * 128 * k64) / 64 + (128 * 32 * k16) / 16 + (32 * 128 * k32) / 32;
  assert.equal(r.ratio.maskedKernels, 1 - maskedKept / maskedTotal, 'the counted ratio tells the truth');

  assert.deepEqual(readdirSync(r.outputPath).sort(), ['.rgp-output.json', 'graph-n16.json', 'graph-n32.json', 'graph.json', 'masks.json', 'model.json', 'report.json', 'report.md', 'weights.bin']);
  assert.deepEqual(r.files.filter((f) => f.startsWith('graph')), ['graph.json', 'graph-n16.json', 'graph-n32.json']);
  assert.deepEqual(JSON.parse(readFileSync(join(r.outputPath, 'report.json'), 'utf8')), JSON.parse(JSON.stringify(r)));
  const md = readFileSync(join(r.outputPath, 'report.md'), 'utf8');
  assert.match(md, /- Graph for narrow: n = 16, k = 2 /);
  assert.match(md, /- Graph for back: n = 32, k = 2 /);
  assert.match(md, /\| narrow \| Dense \| masked \|.*\| 12\.50 % \(n = 16\) \|/);

  const raw = JSON.parse(readFileSync(join(r.outputPath, 'masks.json'), 'utf8'));
  assert.equal(raw.version, 2);
  assert.deepEqual(raw.graphs.map((g: { n: number; k: number }) => [g.n, g.k]), [[64, k64], [16, k16], [32, k32]]);
  assert.deepEqual(raw.layers.map((l: { layer: string; n: number }) => [l.layer, l.n]), [['wide', 64], ['narrow', 16], ['back', 32]]);
  const masks = parseMaskFile(raw);
  assert.deepEqual([...masks.adjacencies.keys()], [64, 16, 32]);
  assert.equal(masks.adjacency.n, 64);
  for (const e of masks.file.layers) {
    const m = masks.maskFor(e);
    assert.equal(m.reduce((a, b) => a + b, 0), e.kept, `${e.layer}: the rebuilt mask keeps what was counted`);
  }
  // Each graph file is readable by `rgp graph --in` and is the graph masks.json uses.
  for (const [file, n] of [['graph.json', 64], ['graph-n16.json', 16], ['graph-n32.json', 32]] as const) {
    const g = parseGraphJson(readFileSync(join(r.outputPath, file), 'utf8'));
    const adj = masks.adjacencies.get(n)!;
    assert.equal(g.n, n);
    const fromFile = new Uint8Array(n * n);
    for (let u = 0; u < n; u++) for (let j = g.offsets[u]; j < g.offsets[u + 1]; j++) fromFile[u * n + g.neighbors[j]] = 1;
    assert.deepEqual(fromFile, adj.matrix, file);
  }
  checkBytes(join(dir, 'narrow'), r.outputPath);
  await checkPredictions(model, r.outputPath, tf.randomNormal([3, 32], 0, 1, 'float32', 9));

  // Same seed and swap budget: the same graphs, masks and weights.
  const again = await pruneModel(modelPath, { ...opts, out: join(dir, 'b') }, quietContext);
  assert.deepEqual(again.graphs.map((g) => g.aspl), r.graphs.map((g) => g.aspl));
  for (const f of ['masks.json', 'weights.bin', 'graph-n16.json']) {
    if (f === 'graph-n16.json') {
      const strip = (p: string) => { const j = JSON.parse(readFileSync(p, 'utf8')); return { edges: j.edges, aspl: j.aspl }; };
      assert.deepEqual(strip(join(dir, 'b', f)), strip(join(dir, 'a', f)));
    } else assert.deepEqual(readFileSync(join(dir, 'b', f)), readFileSync(join(dir, 'a', f)), f);
  }
});

test('per-layer n: without an override a narrow layer is an error whose hint offers --layer-groups', async () => {
  const { modelPath } = await writeNarrowMlp(dir);
  // n given as 64 explicitly: without it, n is now chosen to fit the narrowest layer (issue 15 item 14, next test).
  await assert.rejects(pruneModel(modelPath, { ratio: 0.9375, groups: 64, ...FAST }, quietContext), (e: unknown) => {
    assert.ok(isRgpError(e));
    assert.match(e.message, /n = 64 groups is more than layer "narrow"/);
    assert.match(e.hint ?? '', /--layer-groups narrow=32,back=32/);
    assert.match(e.hint ?? '', /--keep-dense/);
    return true;
  });
  // Overriding only one of the two narrow layers still names the other.
  await assert.rejects(pruneModel(modelPath, { ratio: 0.9375, groups: 64, groupsPerLayer: { narrow: 16 }, ...FAST }, quietContext), /more than layer "back"/);
});

test('n left out: chosen as min(64, the narrowest masked layer), reported; a given n still wins', async () => {
  const { modelPath } = await writeNarrowMlp(dir);
  const s = await pruneModel(modelPath, { ratio: 0.75, ...FAST, out: join(dir, 'auto-n') }, quietContext);
  assert.equal(s.graph.n, 32, 'the narrowest masked layer has 32 channels');
  assert.equal(s.options.groups, 32);
  assert.equal(s.options.groupsChosen, true);
  const given = await pruneModel(modelPath, { ratio: 0.75, groups: 16, ...FAST, out: join(dir, 'given-n') }, quietContext);
  assert.deepEqual([given.graph.n, given.options.groupsChosen], [16, false]);
});

test('per-layer n: unknown, non-masked and out-of-range overrides are clear errors, nothing written', async () => {
  const { modelPath } = await writeNarrowMlp(dir);
  const input = join(dir, 'narrow');
  const run = (groupsPerLayer: Record<string, number>) => () => pruneModel(modelPath, { ratio: 0.9375, groupsPerLayer: { narrow: 16, back: 32, ...groupsPerLayer }, ...FAST }, quietContext);
  await rejectsCleanly(run({ nope: 8 }), 'BAD_ARGUMENT', /no layer named "nope"/, input);
  await rejectsCleanly(run({ first: 8 }), 'BAD_ARGUMENT', /Layer "first" is not masked \(first maskable layer/, input);
  await rejectsCleanly(run({ classifier: 8 }), 'BAD_ARGUMENT', /Layer "classifier" is not masked \(last maskable layer/, input);
  await rejectsCleanly(run({ narrow: 64 }), 'BAD_ARGUMENT', /n = 64 for layer "narrow" must be an integer from 2 to 32/, input);
  await rejectsCleanly(run({ narrow: 1 }), 'BAD_ARGUMENT', /n = 1 for layer "narrow" must be an integer from 2 to 32/, input);
  await rejectsCleanly(run({ back: 2.5 }), 'BAD_ARGUMENT', /n = 2\.5 for layer "back"/, input);
  await rejectsCleanly(() => pruneModel(modelPath, { ratio: 0.9375, groupsPerLayer: { narrow: 16, back: 32 }, keepDense: ['back'], ...FAST }, quietContext), 'BAD_ARGUMENT', /"back" is not masked \(kept dense by option\)/, input);
  // The hint lists the layers that are masked, so the user can pick one.
  await assert.rejects(run({ nope: 8 })(), (e: unknown) => isRgpError(e) && /wide, narrow, back/.test(e.hint ?? ''));
});

test('CLI --layer-groups: parsed into per-layer n, syntax errors name the flag, nothing written', async () => {
  const { modelPath } = await writeNarrowMlp(dir);
  const r = await pruneCommand(modelPath, { ratio: '0.9375', layerGroups: 'narrow=16, back=32', searchSwaps: '50', out: join(dir, 'cli') });
  assert.deepEqual(r.graphs.map((g) => g.n), [64, 16, 32]);
  assert.deepEqual(r.options.groupsPerLayer, { narrow: 16, back: 32 });
  const input = join(dir, 'narrow');
  const cli = (layerGroups: string | string[]) => () => pruneCommand(modelPath, { ratio: 0.9375, layerGroups, searchSwaps: 10, out: join(dir, 'bad') });
  await rejectsCleanly(cli('narrow'), 'BAD_ARGUMENT', /--layer-groups expects name=n, got "narrow"/, input);
  await rejectsCleanly(cli('=16'), 'BAD_ARGUMENT', /expects name=n/, input);
  await rejectsCleanly(cli('narrow=x'), 'BAD_ARGUMENT', /node count for "narrow" must be an integer, got "x"/, input);
  await rejectsCleanly(cli('narrow=16,narrow=8'), 'BAD_ARGUMENT', /names layer "narrow" twice/, input);
  await rejectsCleanly(cli(' , '), 'BAD_ARGUMENT', /needs at least one name=n/, input);
  await rejectsCleanly(cli('narrow=16,back=32,missing=4'), 'BAD_ARGUMENT', /no layer named "missing"/, input);
  await rejectsCleanly(cli(['narrow=16', 'back=-3']), 'BAD_ARGUMENT', /n = -3 for layer "back" must be an integer from 2 to 32/, input);
});

test('search chains: the same graph and masks on worker threads and on one thread; the report says how many', async () => {
  const modelPath = copyModel(MNIST_MODEL, dir, 'model');
  const workerTs = { script: resolve(__dirname, '../../src/worker/searchChain.ts'), execArgv: ['--require', 'tsx/cjs'] };
  const opts = { ratio: 0.875, groups: 32, searchSwaps: 1500, seed: 3, searchChains: 3 };
  const threads = await pruneModel(modelPath, { ...opts, out: join(dir, 't') }, quietContext, { chainWorker: workerTs });
  const oneThread = await pruneModel(modelPath, { ...opts, out: join(dir, 's') }, quietContext);
  const single = await pruneModel(modelPath, { ...opts, searchChains: 1, out: join(dir, 'one') }, quietContext);
  assert.equal(threads.graph.chains, 3);
  assert.equal(threads.options.searchChains, 3);
  assert.equal(single.graph.chains, undefined);
  assert.equal(threads.graph.aspl, oneThread.graph.aspl);
  assert.deepEqual(readFileSync(join(dir, 't', 'masks.json')), readFileSync(join(dir, 's', 'masks.json')));
  // Chain 0 is the single search with the same seed, so the best of three is never worse.
  assert.ok(threads.graph.aspl <= single.graph.aspl);
  assert.ok(threads.graph.swapsTried > single.graph.swapsTried, 'swapsTried is the total over the chains');
  await assert.rejects(pruneModel(modelPath, { ...opts, searchChains: 0 }, quietContext), (e: unknown) => isRgpError(e) && e.code === 'BAD_ARGUMENT');
  const cli = await pruneCommand(modelPath, { ratio: '0.875', groups: '32', seed: '3', searchSwaps: '1500', searchChains: '3', out: join(dir, 'cli') });
  assert.equal(cli.graph.aspl, threads.graph.aspl);
  await assert.rejects(pruneCommand(modelPath, { ratio: 0.875, searchChains: 'two' }), /--search-chains must be an integer/);
});
