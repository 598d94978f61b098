/**
 * `rgp train` on a real Keras 3 `.keras` (the shared MNIST MLP, input 28×28): the model is loaded into tfjs
 * through its converted topology, fine-tuned with a fixed RGP mask on real MNIST digits, and written back as
 * `model.keras`, which h5py reads with the masked kernel's pruned entries exactly zero.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quietContext } from '../../src/core/job';
import { selectBackend } from '../../src/core/train/backend';
import { inspectModel } from '../../src/jobs/inspectModel';
import { trainModel } from '../../src/jobs/trainModel';
import { SHARED_DATA } from '../fixtures/sharedData';

const MLP = `${SHARED_DATA}/models/keras3_seq_mlp_mnist.keras`;
let dir: string;
before(async () => {
  await selectBackend({ prefer: 'cpu' });
  dir = mkdtempSync(join(tmpdir(), 'rgp-keras-train-'));
  // MNIST t10k as 28×28 images (the Keras model's own input shape), first 300 to train, last 300 to test.
  writeFileSync(join(dir, 'mnist28.dataset.json'), JSON.stringify({
    format: 'rgp-dataset', version: 1, name: 'MNIST t10k 28x28',
    train: { features: `${SHARED_DATA}/mnist-t10k/t10k-images-idx3-ubyte.gz`, labels: `${SHARED_DATA}/mnist-t10k/t10k-labels-idx1-ubyte.gz` },
    shape: [28, 28], normalize: { scale: '1/255' }, classes: 10, split: { rule: 'first-last', train: 9700 },
  }));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('a .keras fine-tuned with an RGP mask is written back as model.keras with exact zeros', async () => {
  const out = join(dir, 'trained');
  const s = await trainModel(MLP, { dataset: join(dir, 'mnist28.dataset.json'), datasetLimit: 300, mode: 'finetune', epochs: 1, batchSize: 64, ratio: 0.75, groups: 8, keepFirst: false, searchSwaps: 200, seed: 4, out }, quietContext);
  assert.equal(s.graph, 'searched');
  assert.ok(s.best.testAccuracy > 0.2, `the pruned, briefly fine-tuned digits model classifies well above chance (${s.best.testAccuracy})`);
  assert.ok(existsSync(join(out, 'model.keras')) && existsSync(join(out, 'masks.json')) && existsSync(join(out, 'train-report.json')));
  assert.equal(existsSync(join(out, 'model.json')), false);
  const back = await inspectModel(join(out, 'model.keras'), quietContext);
  assert.equal(back.totalParams, 101_770);
  const py = `
import h5py, io, sys, zipfile
f = h5py.File(io.BytesIO(zipfile.ZipFile(sys.argv[1]).read('model.weights.h5')), 'r')
k = f['layers/dense/vars/0'][()]
print(k.shape, (k == 0).mean())`;
  const line = execFileSync('/usr/bin/python3', ['-c', py, join(out, 'model.keras')]).toString().trim();
  const [, zeros] = line.split(') ');
  assert.match(line, /^\(784, 128\)/);
  assert.equal(Number(zeros), 0.75, 'exactly the masked 75 % of the first Dense kernel is zero after training');
});
