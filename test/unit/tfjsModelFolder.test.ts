import { test, before, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { pairImagesLabels, parseIdx, splitFirstLast, toFloatPixels } from '../../src/core/data/idx';
import { CancelledError } from '../../src/core/errors';
import type { CancelSignal } from '../../src/core/job';
import { selectBackend } from '../../src/core/train/backend';
import { readMaybeGzip } from '../../src/io/readBytes';
import {
  folderLoadHandler,
  folderSaveHandler,
  loadLayersModelFromFolder,
  saveLayersModelToFolder,
} from '../../src/io/tfjsModelFolder';
import { rejectsRgp } from './rgpAssert';

const ROOT = join(__dirname, '..', '..');
let dir: string;

before(async () => {
  await selectBackend();
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rgp-folder-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function smallModel(seed = 1): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.dense({ name: 'd1', inputShape: [5], units: 8, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed }), biasInitializer: tf.initializers.randomNormal({ seed: seed + 1 }) }));
  m.add(tf.layers.dense({ name: 'd2', units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 2 }) }));
  return m;
}

function weightBytes(m: tf.LayersModel): Buffer[] {
  return m.getWeights().map((w) => Buffer.from((w.dataSync() as Float32Array).buffer.slice(0)));
}

test('save writes exactly what tfjs-node writes; load gives bit-identical weights and equal predictions', async () => {
  const model = smallModel();
  const out = join(dir, 'nested', 'model');
  const res = await saveLayersModelToFolder(model, out);
  assert.equal(res.modelArtifactsInfo.weightDataBytes, (5 * 8 + 8 + 8 * 3 + 3) * 4);
  assert.deepEqual(readdirSync(out).sort(), ['model.json', 'weights.bin']);
  assert.deepEqual(readdirSync(join(dir, 'nested')), ['model'], 'no temporary folder is left beside it');

  const json = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'));
  assert.deepEqual(Object.keys(json), ['modelTopology', 'format', 'generatedBy', 'convertedBy', 'weightsManifest']);
  assert.equal(json.format, 'layers-model');
  assert.match(json.generatedBy, /^TensorFlow\.js tfjs-layers v4\./);
  assert.equal(json.convertedBy, null);
  assert.equal(json.modelTopology.class_name, 'Sequential');
  assert.deepEqual(json.weightsManifest.length, 1);
  assert.deepEqual(json.weightsManifest[0].paths, ['weights.bin']);
  assert.deepEqual(json.weightsManifest[0].weights.map((w: { name: string }) => w.name), ['d1/kernel', 'd1/bias', 'd2/kernel', 'd2/bias']);
  assert.equal(readFileSync(join(out, 'weights.bin')).length, res.modelArtifactsInfo.weightDataBytes);

  const loaded = await tf.loadLayersModel(folderLoadHandler(out));
  assert.deepEqual(weightBytes(loaded), weightBytes(model));
  const x = tf.tensor2d([0.1, -0.2, 0.3, 0.4, -0.5, 1, 2, 3, 4, 5], [2, 5]);
  const p1 = (model.predict(x) as tf.Tensor).dataSync();
  const p2 = (loaded.predict(x) as tf.Tensor).dataSync();
  assert.deepEqual(Array.from(p2), Array.from(p1));
  // The path of model.json works as well as the folder.
  const viaJson = await loadLayersModelFromFolder(join(out, 'model.json'));
  assert.deepEqual(weightBytes(viaJson), weightBytes(model));
});

test('the converter shard name can be chosen, and multi-shard folders load', async () => {
  const model = smallModel(5);
  const out = join(dir, 'm');
  await model.save(folderSaveHandler(out, { weightsFileName: 'group1-shard1of1.bin' }));
  assert.deepEqual(readdirSync(out).sort(), ['group1-shard1of1.bin', 'model.json']);

  // Split the one shard in two, as the converter does for big models.
  const bin = readFileSync(join(out, 'group1-shard1of1.bin'));
  const multi = join(dir, 'multi');
  mkdirSync(multi);
  writeFileSync(join(multi, 'group1-shard1of2.bin'), bin.subarray(0, 100));
  writeFileSync(join(multi, 'group1-shard2of2.bin'), bin.subarray(100));
  const json = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'));
  json.weightsManifest[0].paths = ['group1-shard1of2.bin', 'group1-shard2of2.bin'];
  writeFileSync(join(multi, 'model.json'), JSON.stringify(json));
  const loaded = await loadLayersModelFromFolder(multi);
  assert.deepEqual(weightBytes(loaded), weightBytes(model));
});

test('an existing non-empty folder is refused unless overwriting is allowed', async () => {
  const out = join(dir, 'm');
  mkdirSync(out);
  writeFileSync(join(out, 'keep.txt'), 'mine');
  await rejectsRgp(saveLayersModelToFolder(smallModel(), out), 'BAD_ARGUMENT', /already exists and is not empty/);
  assert.deepEqual(readdirSync(out), ['keep.txt']);

  await saveLayersModelToFolder(smallModel(), out, { overwrite: true });
  assert.deepEqual(readdirSync(out).sort(), ['model.json', 'weights.bin']);
  assert.deepEqual(readdirSync(dir), ['m'], 'the replaced folder and the temporary one are gone');

  const empty = join(dir, 'empty');
  mkdirSync(empty);
  await saveLayersModelToFolder(smallModel(), empty);
  assert.deepEqual(readdirSync(empty).sort(), ['model.json', 'weights.bin']);

  writeFileSync(join(dir, 'file'), 'x');
  await rejectsRgp(saveLayersModelToFolder(smallModel(), join(dir, 'file'), { overwrite: true }), 'BAD_ARGUMENT', /is a file/);
});

/** A signal that cancels on its `n`th poll. */
function cancelOnPoll(n: number): CancelSignal & { polls: number } {
  return {
    polls: 0,
    get cancelled() {
      return this.polls >= n;
    },
    throwIfCancelled() {
      this.polls++;
      if (this.polls >= n) throw new CancelledError();
    },
  };
}

test('an interrupted save leaves no target folder and no temporary files', async () => {
  const out = join(dir, 'm');
  for (let n = 1; n <= 3; n++) {
    const signal = cancelOnPoll(n);
    await assert.rejects(saveLayersModelToFolder(smallModel(), out, { signal }), CancelledError);
    assert.equal(existsSync(out), false, `cancel at poll ${n}`);
    assert.deepEqual(readdirSync(dir), [], `nothing left after a cancel at poll ${n}`);
  }
  // Interrupting an overwrite keeps the old folder as it was.
  mkdirSync(out);
  writeFileSync(join(out, 'old.txt'), 'old');
  await assert.rejects(saveLayersModelToFolder(smallModel(), out, { overwrite: true, signal: cancelOnPoll(3) }), CancelledError);
  assert.deepEqual(readdirSync(dir), ['m']);
  assert.deepEqual(readdirSync(out), ['old.txt']);
});

test('extra files land in the same folder in the same rename; names that are not plain, or collide, are refused', async () => {
  const out = join(dir, 'm');
  await saveLayersModelToFolder(smallModel(), out, { extraFiles: { 'masks.json': '{}\n', 'report.bin': new Uint8Array([1, 2, 3]) } });
  assert.deepEqual(readdirSync(out).sort(), ['masks.json', 'model.json', 'report.bin', 'weights.bin']);
  assert.deepEqual([...readFileSync(join(out, 'report.bin'))], [1, 2, 3]);
  for (const name of ['../escape.json', 'model.json', 'weights.bin', 'a/b']) {
    await rejectsRgp(saveLayersModelToFolder(smallModel(), join(dir, 'n'), { extraFiles: { [name]: 'x' } }), 'BAD_ARGUMENT', /cannot be an extra file/);
  }
  assert.deepEqual(readdirSync(dir), ['m'], 'a refused name writes nothing');
});

async function savedFolder(): Promise<{ out: string; json: { weightsManifest: { paths: string[] }[] } }> {
  const out = join(dir, 'm');
  await saveLayersModelToFolder(smallModel(), out);
  return { out, json: JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')) };
}

test("a shard path with '..', an absolute path or a URL is refused", async () => {
  const { out, json } = await savedFolder();
  // A real file outside the folder, so a refusal cannot be a "not found" in disguise.
  writeFileSync(join(dir, 'outside.bin'), readFileSync(join(out, 'weights.bin')));
  for (const bad of ['../outside.bin', 'sub/../../outside.bin', join(dir, 'outside.bin'), '/etc/passwd', 'C:\\Windows\\x.bin', '..\\outside.bin', 'file:///etc/passwd', 'http://example.invalid/w.bin']) {
    json.weightsManifest[0]!.paths = [bad];
    writeFileSync(join(out, 'model.json'), JSON.stringify(json));
    await rejectsRgp(loadLayersModelFromFolder(out), 'UNSAFE_PATH', /weights manifest names/);
  }
});

test('a shard that is a symlink to a file outside the folder is refused; one inside is fine', async () => {
  const { out, json } = await savedFolder();
  writeFileSync(join(dir, 'outside.bin'), readFileSync(join(out, 'weights.bin')));
  symlinkSync(join(dir, 'outside.bin'), join(out, 'link.bin'));
  json.weightsManifest[0]!.paths = ['link.bin'];
  writeFileSync(join(out, 'model.json'), JSON.stringify(json));
  await rejectsRgp(loadLayersModelFromFolder(out), 'UNSAFE_PATH', /link that leads out of the model folder/);

  mkdirSync(join(out, 'sub'));
  symlinkSync(join(out, 'weights.bin'), join(out, 'sub', 'inner.bin'));
  json.weightsManifest[0]!.paths = ['sub/inner.bin'];
  writeFileSync(join(out, 'model.json'), JSON.stringify(json));
  await loadLayersModelFromFolder(out);

  // A linked model folder is fine: containment is checked against the folder's real path.
  symlinkSync(out, join(dir, 'alias'));
  await loadLayersModelFromFolder(join(dir, 'alias'));
});

test('missing, truncated or malformed model files give clear errors', async () => {
  const { out, json } = await savedFolder();
  const bin = readFileSync(join(out, 'weights.bin'));
  writeFileSync(join(out, 'weights.bin'), bin.subarray(0, bin.length - 4));
  await rejectsRgp(loadLayersModelFromFolder(out), 'BAD_MODEL', /holds 296 bytes but its manifest describes 300 — a shard is truncated/);
  rmSync(join(out, 'weights.bin'));
  await rejectsRgp(loadLayersModelFromFolder(out), 'BAD_MODEL', /shard "weights\.bin" is missing/);
  writeFileSync(join(out, 'model.json'), '{"modelTopology": ');
  await rejectsRgp(loadLayersModelFromFolder(out), 'NOT_A_MODEL', /not valid JSON/);
  writeFileSync(join(out, 'model.json'), JSON.stringify({ weightsManifest: json.weightsManifest }));
  await rejectsRgp(loadLayersModelFromFolder(out), 'NOT_A_MODEL', /no "modelTopology"/);
  await rejectsRgp(loadLayersModelFromFolder(join(dir, 'nothing-here')), 'UNREADABLE_FILE', /does not exist/);
  mkdirSync(join(dir, 'empty'));
  await rejectsRgp(loadLayersModelFromFolder(join(dir, 'empty')), 'UNREADABLE_FILE', /model\.json: no such file/);
});

test('the committed example model loads and scores > 90 % on the last 2,000 MNIST digits', async () => {
  const model = await loadLayersModelFromFolder(join(ROOT, 'examples', 'mnist-mlp', 'model'));
  assert.deepEqual(model.layers.map((l) => l.name), ['dense_1', 'dense_2', 'dense_3']);
  assert.deepEqual(model.layers.map((l) => (l.getConfig() as { units: number }).units), [256, 128, 10]);
  assert.ok(readFileSync(join(ROOT, 'examples', 'mnist-mlp', 'model', 'weights.bin')).length < 1 << 20, 'the bundled model stays under 1 MB');

  const mnist = join(ROOT, 'data', 'mnist');
  const ds = pairImagesLabels(
    parseIdx(await readMaybeGzip(join(mnist, 't10k-images-idx3-ubyte.gz'))),
    parseIdx(await readMaybeGzip(join(mnist, 't10k-labels-idx1-ubyte.gz'))),
  );
  const { test: testIdx } = splitFirstLast(ds.count, 8000);
  const pred = tf.tidy(() => {
    const x = tf.tensor2d(toFloatPixels(ds, testIdx), [testIdx.length, 784]);
    return (model.predict(x, { batchSize: 500 }) as tf.Tensor).argMax(-1).dataSync();
  });
  let right = 0;
  for (let j = 0; j < testIdx.length; j++) if (pred[j] === ds.labels[testIdx[j]!]) right++;
  const acc = right / testIdx.length;
  assert.ok(acc > 0.9, `test accuracy ${acc}`);
});
