/**
 * The train job end to end on the bundled MNIST model and real digits: the written folder (weights with
 * +0 at every pruned position, masks.json, the report), agreement with `rgp prune`, fine-tuning a pruned
 * folder, seeded reproducibility, cancellation (after a checkpoint and before one), and user errors that
 * must write nothing.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { isRgpError } from '../../src/core/errors';
import { CancelSource, quietContext, type JobContext } from '../../src/core/job';
import { parseModelJson, storedBytes } from '../../src/core/model/modelJson';
import { parseMaskFile } from '../../src/core/prune/maskFile';
import { selectBackend } from '../../src/core/train/backend';
import type { TrainSummary } from '../../src/core/train/results';
import { pruneModel } from '../../src/jobs/pruneModel';
import { trainCommand, trainTable } from '../../src/cli/trainCommand';
import { sweepCommand } from '../../src/cli/sweepCommand';
import { trainModel, type TrainOptions } from '../../src/jobs/trainModel';
import { loadLayersModelFromFolder, saveLayersModelToFolder } from '../../src/io/tfjsModelFolder';
import { loadDataset } from '../../src/io/dataset';
import { evaluateClassifier } from '../../src/core/train/evaluate';
import { checkDatasetFits, uploadSplit } from '../../src/core/train/tensorData';
import { copyModel, hashFolder, MNIST_MODEL, ROOT } from '../fixtures/makePruneFixtures';

const DATA = join(ROOT, 'data', 'mnist');
let dir: string;
let model: string;

before(async () => {
  await selectBackend();
  dir = mkdtempSync(join(tmpdir(), 'rgp-train-'));
  model = copyModel(MNIST_MODEL, dir, 'mlp');
});
after(() => rmSync(dir, { recursive: true, force: true }));

const FAST: Partial<TrainOptions> = { datasetLimit: 1000, searchSwaps: 2000, seed: 3 };

/** Every masked kernel of a written model folder, read back from its bytes: the pruned positions must be +0. */
function checkMaskedZeros(folder: string): number {
  const json = parseModelJson(JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8')));
  const masks = parseMaskFile(JSON.parse(readFileSync(join(folder, 'masks.json'), 'utf8')));
  const byName = new Map(masks.file.layers.map((l) => [l.weight, l]));
  let checked = 0;
  for (const group of json.weightGroups) {
    const bytes = Buffer.concat(group.paths.map((p) => readFileSync(join(folder, p))));
    let at = 0;
    for (const w of group.weights) {
      const entry = byName.get(w.name);
      if (entry) {
        const mask = masks.maskFor(entry);
        for (let i = 0; i < mask.length; i++) {
          if (mask[i] === 0) assert.equal(bytes.readUInt32LE(at + 4 * i), 0, `${w.name}[${i}] is +0`);
        }
        checked++;
      }
      at += storedBytes(w);
    }
  }
  return checked;
}

const tempLeftovers = (d: string) => readdirSync(d).filter((f) => f.startsWith('.rgp-tmp'));

test('a masked run writes the best model with +0 at every pruned weight, and counts like rgp prune', async () => {
  const out = join(dir, 'masked');
  const epochs: number[] = [];
  const s = await trainModel(model, { ...FAST, dataset: DATA, ratio: 0.9375, keepFirst: false, epochs: 2, out, onEpoch: (r) => void epochs.push(r.epoch) }, quietContext);
  assert.deepEqual(epochs, [1, 2]);
  assert.deepEqual(readdirSync(out).sort(), ['.rgp-output.json', 'masks.json', 'model.json', 'train-report.json', 'weights.bin']);
  assert.equal(checkMaskedZeros(out), 2, 'dense_1 and dense_2 are masked');
  assert.equal(s.maskedMaxAbs, 0);
  assert.equal(s.graph, 'searched');
  assert.equal(s.k, 4);
  assert.equal(s.curve.length, 2);
  // Both hidden layers at 93.75 % learn slowly from a fresh start (accuracy is the point of other tests); it learns.
  assert.ok(s.curve[1]!.loss < s.curve[0]!.loss && s.curve[1]!.testLoss < s.curve[0]!.testLoss, JSON.stringify(s.curve));
  assert.match(s.backend.description, /^(wasm|tensorflow|cpu)/);
  const report = JSON.parse(readFileSync(join(out, 'train-report.json'), 'utf8')) as TrainSummary;
  assert.deepEqual(report.curve, s.curve, 'the final report has the whole curve');
  assert.equal(report.best.epoch, s.best.epoch);
  // The folder loads in tfjs and scores exactly the reported best accuracy on the same test digits.
  const split = await loadDataset(DATA, { limit: 1000 });
  const loaded = await loadLayersModelFromFolder(out);
  const data = uploadSplit(split, checkDatasetFits(loaded, split));
  assert.equal(evaluateClassifier(loaded, data.testX, data.testY, 10, 'probabilities').accuracy, s.best.testAccuracy);
  data.dispose();
  loaded.dispose();

  // `rgp prune` with the same ratio, n, seed and swap budget: the same graph, the same counts.
  const pruned = await pruneModel(model, { ratio: 0.9375, keepFirst: false, seed: 3, searchSwaps: 2000, out: join(dir, 'pruned') }, quietContext);
  assert.deepEqual(s.params, { dense: pruned.totals.denseParams, kept: pruned.totals.prunedParams });
  assert.deepEqual(s.macs, { dense: pruned.totals.denseMacs, kept: pruned.totals.prunedMacs });
  assert.equal(s.aspl, pruned.graph.aspl);
  assert.deepEqual(JSON.parse(readFileSync(join(out, 'masks.json'), 'utf8')).neighbours, JSON.parse(readFileSync(join(dir, 'pruned', 'masks.json'), 'utf8')).neighbours);
  assert.deepEqual(tempLeftovers(dir), []);
});

test('the same seed gives the same run and the same weights; another seed another run', async () => {
  const a = await trainModel(model, { ...FAST, dataset: DATA, ratio: 0.875, graph: 'ring', epochs: 2, out: join(dir, 'seed-a') }, quietContext);
  const b = await trainModel(model, { ...FAST, dataset: DATA, ratio: 0.875, graph: 'ring', epochs: 2, out: join(dir, 'seed-b') }, quietContext);
  assert.deepEqual(b.curve.map((r) => [r.loss, r.testAccuracy, r.testLoss]), a.curve.map((r) => [r.loss, r.testAccuracy, r.testLoss]));
  assert.deepEqual(readFileSync(join(dir, 'seed-a', 'weights.bin')), readFileSync(join(dir, 'seed-b', 'weights.bin')));
  const c = await trainModel(model, { ...FAST, seed: 4, dataset: DATA, ratio: 0.875, graph: 'ring', epochs: 1, out: join(dir, 'seed-c') }, quietContext);
  assert.notEqual(c.curve[0]!.loss, a.curve[0]!.loss, 'another seed, another run');
});

test('a pruned folder fine-tunes with its own masks.json and recovers its accuracy', async () => {
  // RGP's default plan: only the hidden dense_2 is masked (first and last layers stay dense).
  await pruneModel(model, { ratio: 0.9375, seed: 3, searchSwaps: 2000, out: join(dir, 'pruned-hidden') }, quietContext);
  const prunedModel = join(dir, 'pruned-hidden', 'model.json');
  const before = hashFolder(join(dir, 'pruned-hidden'));
  const s = await trainModel(prunedModel, { ...FAST, datasetLimit: 2000, dataset: DATA, mode: 'finetune', epochs: 3 }, quietContext);
  assert.equal(s.outputPath, join(dir, 'pruned-hidden-trained'));
  assert.equal(s.graph, 'searched');
  assert.equal(s.k, 4);
  assert.equal(s.config.learningRate, 0.01, 'fine-tuning SGD starts at a tenth of the scratch rate');
  assert.ok(s.best.testAccuracy > 0.85, `fine-tuned accuracy ${s.best.testAccuracy}`);
  assert.equal(checkMaskedZeros(s.outputPath!), 1);
  assert.equal(hashFolder(join(dir, 'pruned-hidden')), before, 'the input folder is only read');
});

test('cancelled after epoch 1: the epoch-1 checkpoint is kept complete, nothing temporary is left', async () => {
  const cancel = new CancelSource();
  const ctx: JobContext = { signal: cancel, progress: quietContext.progress };
  const out = join(dir, 'cancelled');
  const s = await trainModel(model, { ...FAST, dataset: DATA, ratio: 0.9375, epochs: 4, out, onEpoch: () => cancel.cancel() }, ctx);
  assert.equal(s.cancelled, true);
  assert.equal(s.curve.length, 1);
  assert.equal(s.best.epoch, 1);
  const report = JSON.parse(readFileSync(join(out, 'train-report.json'), 'utf8')) as TrainSummary;
  assert.equal(report.cancelled, true);
  assert.equal(report.curve.length, 1);
  assert.deepEqual(readdirSync(out).sort(), ['.rgp-output.json', 'masks.json', 'model.json', 'train-report.json', 'weights.bin']);
  assert.equal(checkMaskedZeros(out), 1);
  assert.deepEqual(tempLeftovers(dir), []);
  assert.deepEqual(tempLeftovers(out), []);
});

test('cancelled before the first checkpoint: CANCELLED and no output at all', async () => {
  const cancel = new CancelSource();
  const ctx: JobContext = { signal: cancel, progress: { report: (u) => { if (/batch/.test(u.message)) cancel.cancel(); } } };
  const out = join(dir, 'never');
  await assert.rejects(trainModel(model, { ...FAST, dataset: DATA, epochs: 2, out }, ctx), (e: unknown) => isRgpError(e) && e.code === 'CANCELLED');
  assert.equal(existsSync(out), false);
  assert.deepEqual(tempLeftovers(dir), []);
});

test('labels that do not match the model\'s outputs are refused before anything is written', async () => {
  const five = tf.sequential({ layers: [tf.layers.dense({ name: 'only', inputShape: [784], units: 5, activation: 'softmax' })] });
  const folder = join(dir, 'five-classes');
  await saveLayersModelToFolder(five, folder);
  five.dispose();
  await assert.rejects(
    trainModel(join(folder, 'model.json'), { ...FAST, dataset: DATA, epochs: 1 }, quietContext),
    (e: unknown) => isRgpError(e) && e.code === 'BAD_DATASET' && /10 classes/.test(e.message) && /5 units/.test(e.message) && /one output unit per class/.test(e.hint ?? ''),
  );
  assert.equal(existsSync(`${folder}-trained`), false);
  assert.deepEqual(tempLeftovers(dir), []);
});

test('contradictory or unsafe options are refused before any work', async () => {
  await assert.rejects(trainModel(model, { dataset: DATA, ratio: 0.9, graph: 'dense' }, quietContext), (e: unknown) => isRgpError(e) && e.code === 'BAD_ARGUMENT');
  await assert.rejects(trainModel(model, { dataset: DATA, graph: 'ring' }, quietContext), (e: unknown) => isRgpError(e) && e.code === 'BAD_ARGUMENT' && /needs a pruning ratio/.test(e.message));
  await assert.rejects(trainModel(model, { dataset: DATA, epochs: 0 }, quietContext), (e: unknown) => isRgpError(e) && e.code === 'BAD_ARGUMENT' && /epochs/.test(e.message));
  await assert.rejects(trainModel(model, { ...FAST, dataset: DATA, out: join(dir, 'mlp') }, quietContext), (e: unknown) => isRgpError(e) && e.code === 'UNSAFE_PATH');
  await assert.rejects(trainModel(model, { ...FAST, dataset: join(dir, 'no-such-data') }, quietContext), (e: unknown) => isRgpError(e) && e.code === 'BAD_DATASET');
});

test('rgp train / rgp sweep flags: numbers and choices are checked with the flag named; a run prints its table', async () => {
  const flagError = (flag: string) => (e: unknown) => isRgpError(e) && e.code === 'BAD_ARGUMENT' && e.message.includes(flag);
  await assert.rejects(trainCommand(model, { data: DATA, epochs: 'two' }), flagError('--epochs'));
  await assert.rejects(trainCommand(model, { data: DATA, graph: 'lattice' }), flagError('--graph'));
  await assert.rejects(trainCommand(model, { data: DATA, optimizer: 'rmsprop' }), flagError('--optimizer'));
  await assert.rejects(trainCommand(model, { epochs: 1 }), flagError('--data'));
  await assert.rejects(sweepCommand(model, { data: DATA }), flagError('--ratios'));
  await assert.rejects(sweepCommand(model, { data: DATA, ratios: '0.9,x' }), flagError('--ratios'));
  await assert.rejects(sweepCommand(model, { data: DATA, ratios: '0.9', graphs: 'searched,dense' }), flagError('--graphs'));
  const s = await trainCommand(model, { data: DATA, limit: '300', epochs: '1', graph: 'dense', lr: '0.05', out: join(dir, 'cli-dense') });
  assert.equal(s.config.learningRate, 0.05);
  assert.equal(s.graph, 'dense');
  assert.match(trainTable(s), /^epoch +loss +test loss +test acc %/);
  assert.match(trainTable(s), /dense; params 235,146 of 235,146/);
});
