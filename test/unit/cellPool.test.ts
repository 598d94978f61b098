/**
 * The worker-thread pool on real worker threads and real MNIST digits: a sweep on two workers writes the
 * same results.json as the serial job (timings and paths aside), in the grid's order, and streams every
 * cell once with its index; a cancel stops every worker, rejects with CANCELLED and writes nothing. The same for a sparsification comparison.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CancelSource, quietContext } from '../../src/core/job';
import { isRgpError } from '../../src/core/errors';
import { selectBackend } from '../../src/core/train/backend';
import type { SweepRun } from '../../src/core/train/results';
import { sweep, type SweepOptions } from '../../src/jobs/sweep';
import { jobWorkerLaunch } from '../../src/node/cellPool';
import { startJob } from '../../src/host/jobRunner';
import { parallelSparsify, parallelSweep } from '../../src/node/parallelGrid';
import { sparsify, type SparsifyOptions } from '../../src/jobs/sparsify';
import { copyModel, MNIST_MODEL, ROOT } from '../fixtures/makePruneFixtures';

const DATA = join(ROOT, 'data', 'mnist');
let dir: string;
let model: string;

before(async () => {
  await selectBackend();
  dir = mkdtempSync(join(tmpdir(), 'rgp-pool-'));
  model = copyModel(MNIST_MODEL, dir, 'mlp');
});
after(() => rmSync(dir, { recursive: true, force: true }));

const GRID: SweepOptions = { dataset: DATA, datasetLimit: 500, epochs: 1, searchSwaps: 1500, keepFirst: false, ratios: [0.875, 0.9375], graphs: ['searched', 'ring'], seeds: [3], dense: true };
const comparable = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'), (k, v) => (k === 'seconds' || k === 'files' ? undefined : v));

test('two workers give the serial result, in grid order, streaming each cell once', async () => {
  const seen: SweepRun[] = [];
  const pooled = await parallelSweep(model, { ...GRID, out: join(dir, 'pooled') }, { workers: 2, launch: jobWorkerLaunch() }, quietContext);
  const again = await parallelSweep(model, { ...GRID, out: join(dir, 'pooled-2'), onRun: (run) => void seen.push(run) }, { workers: 2, launch: jobWorkerLaunch() }, quietContext);
  const serial = await sweep(model, { ...GRID, out: join(dir, 'serial') }, quietContext);
  assert.equal(pooled.runs.length, 5);
  assert.deepEqual(comparable(join(dir, 'pooled', 'results.json')), comparable(join(dir, 'serial', 'results.json')));
  assert.deepEqual(comparable(join(dir, 'pooled-2', 'results.json')), comparable(join(dir, 'serial', 'results.json')));
  assert.deepEqual(readdirSync(join(dir, 'pooled')).sort(), ['.rgp-output.json', 'results.csv', 'results.json']);
  assert.deepEqual(pooled.runs.map((r) => `${r.graph}@${r.ratio}`), serial.runs.map((r) => `${r.graph}@${r.ratio}`));
  assert.equal(seen.length, 5, 'every cell streamed once');
  assert.deepEqual(seen.map((r) => `${r.graph}@${r.ratio}`).sort(), serial.runs.map((r) => `${r.graph}@${r.ratio}`).sort());
  assert.equal(again.files[0], join(dir, 'pooled-2', 'results.json'));
});

test('a cancel stops every worker and writes nothing', async () => {
  const cancel = new CancelSource();
  const out = join(dir, 'cancelled');
  let runs = 0;
  await assert.rejects(
    parallelSweep(model, { ...GRID, seeds: [1, 2], out, onRun: () => { runs++; cancel.cancel(); } }, { workers: 2, launch: jobWorkerLaunch() }, { signal: cancel, progress: quietContext.progress }),
    (e: unknown) => isRgpError(e) && e.code === 'CANCELLED',
  );
  // parallelSweep settles only after every worker thread has exited.
  assert.ok(runs >= 1 && runs < 10, `${runs} of 10 cells ran before the cancel took effect`);
  assert.equal(existsSync(out), false);
  assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('.rgp-tmp')), []);
  // A refused output folder is refused before any worker starts.
  await assert.rejects(parallelSweep(model, { ...GRID, out: join(dir, 'serial') }, { workers: 2, launch: jobWorkerLaunch() }, quietContext), (e: unknown) => isRgpError(e) && /not empty/.test(e.message));
});

test('the job worker runs a sweep request with workers: 2 on nested threads, streaming every run', async () => {
  const launch = jobWorkerLaunch();
  const streamed: SweepRun[] = [];
  const job = startJob(launch.script, { kind: 'sweep', modelPath: model, options: { ...GRID, out: join(dir, 'via-worker') }, workers: 2 }, {
    ...(launch.execArgv ? { execArgv: launch.execArgv } : {}),
    onRecord: (m) => void (m.type === 'sweepRun' && streamed.push(m.run)),
  });
  const r = await job.result;
  assert.equal(r.kind, 'sweep');
  assert.equal(streamed.length, 5);
  assert.deepEqual(comparable(join(dir, 'via-worker', 'results.json')), comparable(join(dir, 'serial', 'results.json')));
  await job.exited;
});

test('sparsify on two workers equals the serial comparison (each worker rebuilds the seed\'s task and dense run it needs)', async () => {
  const o: SparsifyOptions = { dataset: 'email-eu-core', dataRoot: join(ROOT, 'data', 'snap'), methods: ['dense', 'magnitude', 'rigl'], sparsities: [0.9], seeds: [2], epochs: 3, embedding: { dim: 8, walksPerNode: 2, walkLength: 10 } };
  await parallelSparsify({ ...o, out: join(dir, 'sp-pooled') }, { workers: 2, launch: jobWorkerLaunch() }, quietContext);
  await sparsify({ ...o, out: join(dir, 'sp-serial') }, quietContext);
  assert.deepEqual(comparable(join(dir, 'sp-pooled', 'results.json')), comparable(join(dir, 'sp-serial', 'results.json')));
});
