/**
 * The dataset a pool's host reads once and sends to its workers (src/node/sharedDataset.ts): the split
 * crosses a real thread boundary on the channel with its arrays shared, not copied; a host that closes the
 * channel instead releases the waiting worker as cancelled; a pool whose dataset cannot be read stops
 * every worker it had already started and reports the dataset's error, writing nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { quietContext } from '../../src/core/job';
import { isRgpError } from '../../src/core/errors';
import { datasetChannel, isDatasetPort, loadSharedDataset, receiveDataset } from '../../src/node/sharedDataset';
import { jobWorkerLaunch } from '../../src/node/cellPool';
import { parallelSweep } from '../../src/node/parallelGrid';
import { copyModel, MNIST_MODEL, ROOT } from '../fixtures/makePruneFixtures';

const DATA = join(ROOT, 'data', 'mnist');

test('the split reaches a worker thread on the channel, its arrays shared with the host', async () => {
  const split = await loadSharedDataset(DATA, 50, quietContext);
  assert.equal(split.name, DATA);
  assert.ok(split.train.x.buffer instanceof SharedArrayBuffer && split.test.y.buffer instanceof SharedArrayBuffer);
  const channel = datasetChannel();
  // The worker receives the split, writes a marker into the shared features and answers with what it saw.
  const worker = new Worker(
    `const { workerData, parentPort } = require('node:worker_threads');
     workerData.port.once('message', (s) => { s.train.x[0] = 42; parentPort.postMessage({ name: s.name, count: s.train.count, shared: s.train.x.buffer instanceof SharedArrayBuffer }); workerData.port.close(); });`,
    { eval: true, workerData: { port: channel.port }, transferList: [channel.port] },
  );
  const seen = new Promise((resolve) => worker.once('message', resolve));
  channel.send(split);
  assert.deepEqual(await seen, { name: DATA, count: split.train.count, shared: true });
  assert.equal(split.train.x[0], 42, 'the worker wrote into the host\'s own buffer: nothing was copied');
  await worker.terminate();
});

test('a closed channel releases the receiver as cancelled; a second send or close does nothing', async () => {
  const channel = datasetChannel();
  const d = { port: channel.port };
  assert.ok(isDatasetPort(d) && !isDatasetPort(DATA) && !isDatasetPort(null));
  const pending = receiveDataset(d);
  channel.close();
  channel.close();
  await assert.rejects(pending, (e: unknown) => isRgpError(e) && e.code === 'CANCELLED');
});

test('a pool whose dataset cannot be read stops its workers and reports the dataset, writing nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rgp-shared-'));
  try {
    const model = copyModel(MNIST_MODEL, dir, 'mlp');
    const out = join(dir, 'out');
    await assert.rejects(
      parallelSweep(model, { dataset: join(dir, 'no-such-data'), epochs: 1, ratios: [0.875], graphs: ['ring'], seeds: [1, 2], out }, { workers: 2, launch: jobWorkerLaunch() }, quietContext),
      (e: unknown) => isRgpError(e) && e.code === 'BAD_DATASET',
    );
    // parallelSweep settles only once every worker has exited (the ones waiting for the data were released).
    assert.equal(existsSync(out), false);
    assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('.rgp-tmp')), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
