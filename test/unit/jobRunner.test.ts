/**
 * The host side of the worker protocol, against the real bundled worker (dist/worker.js, built by
 * `npm test` before the unit tests): results, user errors and cancellation cross the thread boundary.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
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

/**
 * A worker that dies mid-job, for real (RGP_TEST_WORKER_FAULT, src/worker/main.ts: the worker copies this
 * process's environment when it starts): the result rejects with what happened, `exited` resolves with the
 * temporaries removed, and the next job in a fresh worker runs.
 */
const roots: string[] = [];
after(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

async function dyingPrune(fault: 'exit' | 'throw', swaps: number): Promise<{ error: unknown; out: string; root: string }> {
  const root = mkdtempSync(path.join(tmpdir(), 'rgp-death-'));
  roots.push(root);
  const out = path.join(root, 'pruned');
  process.env.RGP_TEST_WORKER_FAULT = fault;
  const job = (() => {
    try {
      return startJob(WORKER, { kind: 'prune', modelPath: path.join(__dirname, '..', '..', 'examples', 'mnist-mlp', 'model', 'model.json'), options: { ratio: 0.875, searchSwaps: swaps, out } });
    } finally {
      delete process.env.RGP_TEST_WORKER_FAULT; // the worker took its copy of the environment at its start
    }
  })();
  const error = await job.result.then(() => undefined, (e: unknown) => e);
  await job.exited;
  return { error, out, root };
}

function leftovers(root: string): string[] {
  return readdirSync(root).filter((n) => n.startsWith('.rgp-tmp-'));
}

test('a worker whose thread ends mid-search rejects with its exit code, leaves nothing, and the next job runs', async () => {
  const { error, out, root } = await dyingPrune('exit', 100_000_000);
  assert.ok(error instanceof Error && !isRgpError(error), `a plain error, not a user error: ${String(error)}`);
  assert.match(error.message, /worker thread stopped unexpectedly \(exit code 70\) before it finished/);
  assert.equal(existsSync(out), false);
  assert.deepEqual(leftovers(root), []);
  const next = await startJob(WORKER, { kind: 'inspect', modelPath: path.join(FIXTURES, 'tiny', 'model.json') }).result;
  assert.equal(next.kind, 'inspect');
});

test('an exception thrown from a callback in the worker rejects as a crash with its message; temporaries are removed', async () => {
  const { error, out, root } = await dyingPrune('throw', 2000);
  assert.ok(error instanceof Error && !isRgpError(error));
  assert.match(error.message, /^The job's worker thread crashed: RGP_TEST_WORKER_FAULT: an exception thrown from a callback/);
  assert.match(error.stack ?? '', /\n\s+at .*(dist[\\/]worker\.js|src[\\/]worker[\\/]main\.ts)/, 'the worker’s own stack frames are kept for the log');
  // The throw lands while the prune writes: its output is either absent or, had the rename won, whole.
  if (existsSync(out)) assert.ok(existsSync(path.join(out, 'report.json')));
  assert.deepEqual(leftovers(root), [], 'the crashed job’s temporary folder was removed');
});
