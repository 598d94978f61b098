/**
 * The job worker as the packaged .vsix carries it: dist/worker.js and its wasm files, without node_modules
 * (`vsce package --no-dependencies`), so the native onnxruntime-node cannot be loaded. onnxruntime is
 * loaded on first use, not when the worker starts: every job that runs no model still works, Export
 * Compact ONNX falls back to fixed realizations (reported as not tuned), and timing says what is missing.
 * (The .vsix suite cannot show this: its install folder sits inside the repository, where Node finds the
 * repository's node_modules by walking up.)
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { isRgpError } from '../../src/core/errors';
import { quietContext } from '../../src/core/job';
import { startJob } from '../../src/host/jobRunner';
import { pruneModel } from '../../src/jobs/pruneModel';
import { copyModel, MNIST_MODEL } from '../fixtures/makePruneFixtures';

const DIST = path.join(__dirname, '..', '..', 'dist');
let dir: string;
let worker: string;
let pruned: string;

before(async () => {
  assert.ok(existsSync(path.join(DIST, 'worker.js')), 'build first: node esbuild.js');
  dir = mkdtempSync(path.join(tmpdir(), 'rgp-packaged-worker-'));
  const dist = path.join(dir, 'extension', 'dist');
  mkdirSync(dist, { recursive: true });
  for (const f of readdirSync(DIST)) if (f === 'worker.js' || f.endsWith('.wasm')) copyFileSync(path.join(DIST, f), path.join(dist, f));
  worker = path.join(dist, 'worker.js');
  // The premise: from the copy, onnxruntime-node is out of reach (as in an installed extension).
  assert.throws(() => createRequire(worker).resolve('onnxruntime-node'), /Cannot find module/);
  pruned = path.join(dir, 'mlp-rgp');
  await pruneModel(copyModel(MNIST_MODEL, dir, 'mlp'), { ratio: 0.875, searchSwaps: 50, seed: 1, out: pruned }, quietContext);
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('the packaged worker starts and runs jobs that need no onnxruntime', async () => {
  const job = startJob(worker, { kind: 'inspect', modelPath: path.join(pruned, 'model.json') });
  const r = await job.result;
  assert.equal(r.kind, 'inspect');
  if (r.kind === 'inspect') assert.equal(r.summary.layers.length, 3);
  await job.exited;
});

test('without onnxruntime, the compact export uses fixed realizations and says they were not timed', async () => {
  const progress: string[] = [];
  const job = startJob(worker, { kind: 'compact', folder: pruned, options: {} }, { onProgress: (p) => progress.push(p.message) });
  const r = await job.result;
  assert.equal(r.kind, 'compact');
  if (r.kind !== 'compact') return;
  assert.equal(r.summary.tuning, null);
  assert.ok(existsSync(r.summary.outputPath));
  assert.ok(r.summary.layers.every((l) => l.timing === undefined));
  assert.ok(progress.some((m) => /onnxruntime-node is not available here/.test(m)), progress.join(' | '));
  await job.exited;
});

test('without onnxruntime, Measure Speed fails with a message that says what is missing', async () => {
  const job = startJob(worker, { kind: 'bench', modelPath: path.join(pruned, 'model.json'), options: { batches: [1], repeats: 1, warmup: 0 } });
  await assert.rejects(job.result, (e: unknown) => isRgpError(e) && e.code === 'UNSUPPORTED' && /onnxruntime-node cannot be loaded here/.test(e.message) && /npm install onnxruntime-node/.test(e.hint ?? ''));
  await job.exited;
});
