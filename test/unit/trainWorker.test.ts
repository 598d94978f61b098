/**
 * Train and sweep jobs through the real bundled worker (dist/worker.js, built by `node esbuild.js`):
 * the request crosses the thread boundary, epochs and sweep runs stream back as protocol messages before
 * the result, the trained folder is written, and a user error arrives as the same RgpError. Also the
 * bundled CLI (bin/rgp.js → dist/cli.js): its table and its exit code for a user error.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { spawnSync } from 'node:child_process';
import { isRgpError } from '../../src/core/errors';
import { startJob } from '../../src/host/jobRunner';
import { WORKER_PROTOCOL_VERSION, type JobRequest, type WorkerStart, type WorkerToHost } from '../../src/protocol/worker';
import { copyModel, MNIST_MODEL, ROOT } from '../fixtures/makePruneFixtures';

const WORKER = path.join(ROOT, 'dist', 'worker.js');
const DATA = path.join(ROOT, 'data', 'mnist');
let dir: string;
let model: string;

before(() => {
  assert.ok(existsSync(WORKER), 'build first: node esbuild.js');
  dir = mkdtempSync(path.join(tmpdir(), 'rgp-train-worker-'));
  model = copyModel(MNIST_MODEL, dir, 'mlp');
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a request on a raw worker and returns every message up to the result or error. */
function messages(request: JobRequest): Promise<WorkerToHost[]> {
  const start: WorkerStart = { version: WORKER_PROTOCOL_VERSION, request, cancelCell: new SharedArrayBuffer(4) };
  const worker = new Worker(WORKER, { workerData: start });
  const seen: WorkerToHost[] = [];
  return new Promise((resolve, reject) => {
    worker.on('message', (m: WorkerToHost) => {
      seen.push(m);
      if (m.type === 'result' || m.type === 'error') void worker.terminate().then(() => resolve(seen));
    });
    worker.on('error', reject);
  });
}

test('a train job runs in the worker: epochs stream back, then the summary; the folder is written', async () => {
  const out = path.join(dir, 'trained');
  const seen = await messages({ kind: 'train', modelPath: model, options: { dataset: DATA, datasetLimit: 500, epochs: 2, ratio: 0.9375, searchSwaps: 500, out } });
  const epochs = seen.filter((m) => m.type === 'epoch');
  assert.deepEqual(epochs.map((m) => m.type === 'epoch' && m.record.epoch), [1, 2]);
  const last = seen[seen.length - 1]!;
  assert.equal(last.type, 'result', JSON.stringify(last));
  if (last.type !== 'result' || last.result.kind !== 'train') return;
  const s = last.result.summary;
  assert.equal(s.curve.length, 2);
  assert.deepEqual(s.curve, epochs.map((m) => m.type === 'epoch' && m.record));
  assert.equal(s.maskedMaxAbs, 0);
  assert.equal(s.outputPath, out);
  assert.deepEqual(readdirSync(out).sort(), ['.rgp-output.json', 'masks.json', 'model.json', 'train-report.json', 'weights.bin']);
  assert.ok(seen.some((m) => m.type === 'progress' && /epoch 1\/2/.test(m.message)), 'progress reports the epochs');
});

test('a sweep job streams one sweepRun per run before its result', async () => {
  const out = path.join(dir, 'sweep');
  const seen = await messages({ kind: 'sweep', modelPath: model, options: { dataset: DATA, datasetLimit: 300, epochs: 1, ratios: [0.875], graphs: ['ring'], seeds: [1, 2], out } });
  const runs = seen.filter((m) => m.type === 'sweepRun');
  assert.equal(runs.length, 2);
  const last = seen[seen.length - 1]!;
  assert.ok(last.type === 'result' && last.result.kind === 'sweep', JSON.stringify(last));
  if (last.type === 'result' && last.result.kind === 'sweep') assert.deepEqual(last.result.result.runs, runs.map((m) => m.type === 'sweepRun' && m.run));
  assert.deepEqual(readdirSync(out).sort(), ['.rgp-output.json', 'results.csv', 'results.json']);
});

test('through startJob: the result arrives, and a dataset error arrives as the same RgpError', async () => {
  const job = startJob(WORKER, { kind: 'train', modelPath: model, options: { dataset: DATA, datasetLimit: 300, epochs: 1, graph: 'dense', out: path.join(dir, 'dense') } });
  const result = await job.result;
  assert.equal(result.kind, 'train');
  if (result.kind === 'train') assert.equal(result.summary.graph, 'dense');
  await job.exited;
  const bad = startJob(WORKER, { kind: 'train', modelPath: model, options: { dataset: path.join(dir, 'missing'), epochs: 1 } });
  await assert.rejects(bad.result, (e: unknown) => isRgpError(e) && e.code === 'BAD_DATASET');
  await bad.exited;
});

test('the bundled CLI: a finished sweep prints its table; a bad dataset is one line on stderr and exit code 2', () => {
  const cli = path.join(ROOT, 'bin', 'rgp.js');
  const out = path.join(dir, 'cli-sweep');
  const ok = spawnSync(process.execPath, [cli, 'sweep', model, '--data', DATA, '--limit', '300', '--epochs', '1', '--ratios', '0.875', '--graphs', 'ring', '--seeds', '1', '--dense', '--out', out], { encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /ratio +graph +n +k +ASPL/);
  assert.match(ok.stdout, /0\.8750 +ring +64 +8 +4\.4444/);
  assert.match(ok.stderr, /run 2: ratio 0\.8750 ring/);
  const bad = spawnSync(process.execPath, [cli, 'train', model, '--data', path.join(dir, 'missing'), '--epochs', '1'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^rgp: No dataset at /);
  assert.equal(bad.stderr.trim().split('\n').length, 1);
});
