/**
 * Split experiments end to end, in real separate processes: `rgp sweep … --plan` writes the grid,
 * `rgp run-cell` runs each cell in its own Node process (as a pod of an Indexed Job would), `rgp merge`
 * writes results.json + results.csv — equal to a local run of the same grid, except timings and file
 * paths. The same for `rgp sparsify`. Merge refuses a missing cell, a cell of another plan and a cell file
 * in the wrong place, and writes nothing then; a plan with a time budget is refused.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quietContext } from '../../src/core/job';
import { isRgpError } from '../../src/core/errors';
import { selectBackend } from '../../src/core/train/backend';
import { sweep } from '../../src/jobs/sweep';
import { sparsify } from '../../src/jobs/sparsify';
import { readPlan, sweepPlan } from '../../src/jobs/grid/plan';
import { mergeCells } from '../../src/jobs/grid/merge';
import { copyModel, MNIST_MODEL, ROOT } from '../fixtures/makePruneFixtures';

const CLI = join(ROOT, 'src', 'cli.ts');
let dir: string;
let model: string;
let data: string;

before(async () => {
  await selectBackend();
  dir = mkdtempSync(join(tmpdir(), 'rgp-grid-'));
  // The plan's folder holds the model and the data, as the shared volume of a cluster would.
  model = copyModel(MNIST_MODEL, dir, 'mlp');
  data = join(dir, 'mnist');
  mkdirSync(data);
  for (const f of readdirSync(join(ROOT, 'data', 'mnist'))) if (f.includes('-ubyte')) copyFileSync(join(ROOT, 'data', 'mnist', f), join(data, f));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function rgp(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT, encoding: 'utf8' });
}

/** Runs `rgp run-cell` for every index as separate processes, two at a time. */
async function runCells(plan: string, cells: string, count: number): Promise<void> {
  const one = (i: number) =>
    new Promise<void>((resolve, reject) => {
      const p = spawn(process.execPath, ['--import', 'tsx', CLI, 'run-cell', plan, '--out', cells, '-q'], { cwd: ROOT, env: { ...process.env, JOB_COMPLETION_INDEX: String(i) }, stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      p.stderr.on('data', (d) => (err += d));
      p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`cell ${i}: exit ${code}: ${err}`))));
    });
  for (let i = 0; i < count; i += 2) await Promise.all([one(i), ...(i + 1 < count ? [one(i + 1)] : [])]);
}

/** A result without what differs between any two runs: timings and the files' paths. */
function comparable(json: string): unknown {
  return JSON.parse(json, (k, v) => (k === 'seconds' || k === 'files' ? undefined : v));
}

test('sweep: plan → one process per cell → merge equals a local run', async () => {
  const plan = join(dir, 'plan.json');
  const common = ['--data', data, '--limit', '600', '--epochs', '1', '--search-swaps', '2000', '--mask-first', '--ratios', '0.9375', '--graphs', 'searched,ring', '--seeds', '1', '--dense'];
  const planned = rgp(['sweep', model, ...common, '--plan', plan]);
  assert.equal(planned.status, 0, planned.stderr);
  assert.equal(JSON.parse(planned.stdout).cells, 3);
  const loaded = await readPlan(plan);
  assert.deepEqual(loaded.plan.cells.map((c) => c.key), ['dense/seed=1', 'searched/ratio=0.9375/seed=1', 'ring/ratio=0.9375/seed=1']);
  assert.equal(loaded.plan.job === 'sweep' && loaded.plan.modelPath, 'mlp/model.json', 'paths relative to the plan');

  const cells = join(dir, 'cells');
  await runCells(plan, cells, 3);
  assert.deepEqual(readdirSync(cells).sort(), ['cell-00000.json', 'cell-00001.json', 'cell-00002.json']);
  const merged = rgp(['merge', plan, cells, '--out', join(dir, 'merged')]);
  assert.equal(merged.status, 0, merged.stderr);

  await sweep(model, { dataset: data, datasetLimit: 600, epochs: 1, searchSwaps: 2000, keepFirst: false, ratios: [0.9375], graphs: ['searched', 'ring'], seeds: [1], dense: true, out: join(dir, 'local') }, quietContext);
  const a = readFileSync(join(dir, 'merged', 'results.json'), 'utf8');
  const b = readFileSync(join(dir, 'local', 'results.json'), 'utf8');
  assert.deepEqual(comparable(a), comparable(b));
  const csv = (f: string) => readFileSync(f, 'utf8').split('\r\n').map((row) => row.split(',').slice(0, 12).join(','));
  assert.deepEqual(csv(join(dir, 'merged', 'results.csv')), csv(join(dir, 'local', 'results.csv')), 'same rows (up to the seconds column)');

  // A missing cell: refused, nothing written.
  const partial = join(dir, 'partial');
  mkdirSync(partial);
  copyFileSync(join(cells, 'cell-00000.json'), join(partial, 'cell-00000.json'));
  copyFileSync(join(cells, 'cell-00002.json'), join(partial, 'cell-00002.json'));
  const missing = rgp(['merge', plan, partial, '--out', join(dir, 'never')]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /1 of 3 cells have no result: 1\./);
  assert.equal(existsSync(join(dir, 'never')), false);
  // A cell file renamed to another index, and a cell of another plan.
  copyFileSync(join(cells, 'cell-00000.json'), join(partial, 'cell-00001.json'));
  await assert.rejects(mergeCells(loaded, partial, join(dir, 'never')), (e: unknown) => isRgpError(e) && /does not hold cell 1/.test(e.message));
  const other = JSON.parse(readFileSync(join(cells, 'cell-00001.json'), 'utf8'));
  other.planDigest = '0'.repeat(64);
  writeFileSync(join(partial, 'cell-00001.json'), JSON.stringify(other));
  await assert.rejects(mergeCells(loaded, partial, join(dir, 'never')), (e: unknown) => isRgpError(e) && /another plan/.test(e.message));
  // An index outside the plan.
  const bad = rgp(['run-cell', plan, '--index', '3', '--out', cells]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /from 0 to 2/);
});

test('sparsify: plan → one process per cell → merge equals a local run', async () => {
  const plan = join(dir, 'sparsify-plan.json');
  const flags = ['--dataset', 'email-eu-core', '--methods', 'dense,magnitude,rigl', '--sparsities', '0.9', '--seeds', '2', '--epochs', '3', '--dim', '8', '--walks-per-node', '2', '--walk-length', '10'];
  const planned = rgp(['sparsify', ...flags, '--plan', plan]);
  assert.equal(planned.status, 0, planned.stderr);
  const loaded = await readPlan(plan);
  assert.deepEqual(loaded.plan.cells.map((c) => c.key), ['dense/seed=2', 'magnitude/sparsity=0.9/seed=2', 'rigl/sparsity=0.9/seed=2']);
  const cells = join(dir, 'sparsify-cells');
  await runCells(plan, cells, 3);
  const merged = rgp(['merge', plan, cells, '--out', join(dir, 'sparsify-merged')]);
  assert.equal(merged.status, 0, merged.stderr);
  await sparsify(
    { dataset: 'email-eu-core', dataRoot: join(ROOT, 'data', 'snap'), methods: ['dense', 'magnitude', 'rigl'], sparsities: [0.9], seeds: [2], epochs: 3, embedding: { dim: 8, walksPerNode: 2, walkLength: 10 }, out: join(dir, 'sparsify-local') },
    quietContext,
  );
  assert.deepEqual(
    comparable(readFileSync(join(dir, 'sparsify-merged', 'results.json'), 'utf8')),
    comparable(readFileSync(join(dir, 'sparsify-local', 'results.json'), 'utf8')),
  );
});

test('a plan refuses a time budget and reads nothing it cannot find', async () => {
  await assert.rejects(
    sweepPlan(model, { dataset: data, ratios: [0.9375], searchSeconds: 1 }, join(dir, 'p.json')),
    (e: unknown) => isRgpError(e) && e.code === 'BAD_ARGUMENT' && /--search-swaps/.test(e.hint ?? ''),
  );
  await assert.rejects(sweepPlan(join(dir, 'nope', 'model.json'), { dataset: data, ratios: [0.9375] }, join(dir, 'p.json')), (e: unknown) => isRgpError(e) && e.code === 'UNREADABLE_FILE');
  assert.equal(existsSync(join(dir, 'p.json')), false);
  const notPlan = join(dir, 'not-a-plan.json');
  writeFileSync(notPlan, '{"format":"something"}');
  await assert.rejects(readPlan(notPlan), (e: unknown) => isRgpError(e) && /not an RGP grid plan/.test(e.message));
});
