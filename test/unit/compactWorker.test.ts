/**
 * The compact and bench jobs through the real bundled worker (dist/worker.js, built by `node esbuild.js`),
 * as the extension runs them: result, progress, and cancellation that leaves nothing written.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { quietContext } from '../../src/core/job';
import { isRgpError } from '../../src/core/errors';
import { startJob } from '../../src/host/jobRunner';
import { pruneModel } from '../../src/jobs/pruneModel';
import { copyModel, MNIST_MODEL } from '../fixtures/makePruneFixtures';

const WORKER = path.join(__dirname, '..', '..', 'dist', 'worker.js');
let dir: string;
let pruned: string;

before(async () => {
  assert.ok(existsSync(WORKER), 'build first: node esbuild.js');
  dir = mkdtempSync(path.join(tmpdir(), 'rgp-compact-worker-'));
  pruned = path.join(dir, 'mlp-rgp');
  await pruneModel(copyModel(MNIST_MODEL, dir, 'mlp'), { ratio: 0.875, searchSwaps: 50, seed: 1, out: pruned }, quietContext);
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('compact and bench run in the worker with progress', async () => {
  const progress: string[] = [];
  const job = startJob(WORKER, { kind: 'compact', folder: pruned, options: { batch: 4 } }, { onProgress: (p) => progress.push(p.message) });
  const result = await job.result;
  assert.equal(result.kind, 'compact');
  if (result.kind !== 'compact') return;
  assert.equal(result.summary.layers.length, 1);
  assert.ok(progress.some((m) => /timed dense_2/.test(m)), progress.join(' | '));
  assert.ok(existsSync(result.summary.outputPath));
  await job.exited;
  const bench = startJob(WORKER, { kind: 'bench', modelPath: path.join(pruned, 'model.json'), options: { batches: [2], repeats: 2, warmup: 1 } });
  const b = await bench.result;
  assert.equal(b.kind, 'bench');
  if (b.kind === 'bench') assert.equal(b.summary.runs[0].compactSamplesMs?.length, 2);
  await bench.exited;
});

test('cancelling a compact job leaves no compact model', async () => {
  const abort = new AbortController();
  const out = path.join(dir, 'cancelled.onnx');
  const job = startJob(WORKER, { kind: 'compact', folder: pruned, options: { out } }, { signal: abort.signal, onProgress: () => abort.abort() });
  await assert.rejects(job.result, (e: unknown) => isRgpError(e) && e.code === 'CANCELLED');
  await job.exited;
  assert.ok(!existsSync(out));
  assert.ok(!readdirSync(dir).some((f) => f.startsWith('.rgp-tmp')));
});
