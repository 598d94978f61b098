/**
 * The host side of the worker protocol, against the real bundled worker (dist/worker.js, built by
 * `npm test` before the unit tests): results, user errors and cancellation cross the thread boundary.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CancelledError, isRgpError } from '../../src/core/errors';
import { startJob } from '../../src/host/jobRunner';

const WORKER = path.join(__dirname, '..', '..', 'dist', 'worker.js');
const FIXTURES = path.join(__dirname, '..', 'fixtures');

before(() => assert.ok(existsSync(WORKER), 'build first: node esbuild.js'));

/** 16 shards of 2 MiB, so a job has several progress steps to cancel between. */
function largeModel(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'rgp-large-'));
  mkdirSync(dir, { recursive: true });
  const layers = [];
  const manifest = [];
  for (let i = 0; i < 16; i++) {
    layers.push({ class_name: 'Dense', config: { name: `d${i}`, units: 512 } });
    manifest.push({ paths: [`d${i}.bin`], weights: [{ name: `d${i}/kernel`, shape: [1024, 512], dtype: 'float32' }] });
    writeFileSync(path.join(dir, `d${i}.bin`), Buffer.alloc(1024 * 512 * 4));
  }
  writeFileSync(path.join(dir, 'model.json'), JSON.stringify({ modelTopology: { class_name: 'Sequential', config: { name: 'l', layers } }, weightsManifest: manifest }));
  return path.join(dir, 'model.json');
}

test('a job returns its result with progress on the way, and its worker exits', async () => {
  const progress: string[] = [];
  const job = startJob(WORKER, { kind: 'inspect', modelPath: path.join(FIXTURES, 'tiny', 'model.json') }, { onProgress: (p) => progress.push(p.message) });
  const result = await job.result;
  assert.equal(result.kind, 'inspect');
  assert.equal(result.summary.totalParams, 23);
  assert.deepEqual(progress, ['reading the model', 'read shard 1 of 1 (group1-shard1of1.bin)', 'summarising layers', '2 layers, 23 parameters']);
  assert.equal(typeof (await job.exited), 'number');
});

test('a user error in the worker arrives as the same RgpError', async () => {
  const job = startJob(WORKER, { kind: 'inspect', modelPath: path.join(FIXTURES, 'hostile', 'model.json') });
  await assert.rejects(job.result, (e: unknown) => isRgpError(e) && e.code === 'UNSAFE_PATH' && /climbs out/.test(e.message));
  await job.exited;
});

test('cancelling at the first progress report settles at once and stops the worker', async () => {
  const abort = new AbortController();
  const seen: string[] = [];
  const job = startJob(WORKER, { kind: 'inspect', modelPath: largeModel() }, {
    signal: abort.signal,
    onProgress: (p) => {
      seen.push(p.message);
      abort.abort();
    },
  });
  await assert.rejects(job.result, CancelledError);
  assert.equal(seen.length, 1, 'no progress is delivered after the cancel');
  await job.exited;
});

test('a job cancelled before it starts never runs', async () => {
  const abort = new AbortController();
  abort.abort();
  let progressed = false;
  const job = startJob(WORKER, { kind: 'inspect', modelPath: path.join(FIXTURES, 'tiny', 'model.json') }, { signal: abort.signal, onProgress: () => (progressed = true) });
  await assert.rejects(job.result, CancelledError);
  await job.exited;
  assert.equal(progressed, false);
});
