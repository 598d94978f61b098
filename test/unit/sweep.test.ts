/**
 * The sweep job on the bundled MNIST model and real digits: one run per ratio × graph × seed plus the
 * dense baselines, results.json + results.csv with one row per run, the graphs' ASPL order (ring lattice
 * above the searched graph), counts shared with `rgp prune`, seeded reproducibility, the per-cell
 * summary, nothing written on a refused sweep, and a cancelled one keeps its finished runs as a partial result.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRgpError } from '../../src/core/errors';
import { CancelSource, quietContext } from '../../src/core/job';
import { selectBackend } from '../../src/core/train/backend';
import type { SweepResult, SweepRun } from '../../src/core/train/results';
import { summariseSweep, sweepTextTable } from '../../src/core/train/sweepTable';
import { sweep, type SweepOptions } from '../../src/jobs/sweep';
import { copyModel, MNIST_MODEL, ROOT } from '../fixtures/makePruneFixtures';

const DATA = join(ROOT, 'data', 'mnist');
let dir: string;
let model: string;

before(async () => {
  await selectBackend();
  dir = mkdtempSync(join(tmpdir(), 'rgp-sweep-'));
  model = copyModel(MNIST_MODEL, dir, 'mlp');
});
after(() => rmSync(dir, { recursive: true, force: true }));

const SMALL: Omit<SweepOptions, 'ratios'> = { dataset: DATA, datasetLimit: 600, epochs: 1, searchSwaps: 2000, keepFirst: false };

test('ratios × graphs × seeds plus dense baselines: one run each, results.json and results.csv', async () => {
  const seen: SweepRun[] = [];
  const out = join(dir, 'sweep');
  const r = await sweep(model, { ...SMALL, ratios: [0.875, 0.9375], graphs: ['searched', 'ring'], seeds: [1, 2], dense: true, out, onRun: (run) => void seen.push(run) }, quietContext);
  assert.equal(r.runs.length, 2 * (2 * 2 + 1));
  assert.deepEqual(seen, r.runs, 'onRun saw every run, in order');
  assert.deepEqual(readdirSync(out).sort(), ['.rgp-output.json', 'results.csv', 'results.json']);
  assert.deepEqual(r.files, [join(out, 'results.json'), join(out, 'results.csv')]);
  const json = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as SweepResult;
  assert.deepEqual(json.runs, r.runs);
  assert.deepEqual(json.graphs, ['dense', 'searched', 'ring']);
  const csv = readFileSync(join(out, 'results.csv'), 'utf8').trimEnd().split('\r\n');
  assert.equal(csv.length, 1 + r.runs.length);
  assert.match(csv[0]!, /^ratio,graph,seed,n,k,aspl,params,macs,test_accuracy,/);

  const find = (graph: string, ratio: number, seed: number) => r.runs.find((x) => x.graph === graph && x.seed === seed && (graph === 'dense' || x.ratio === ratio))!;
  for (const seed of [1, 2]) {
    assert.equal(find('dense', 0, seed).params, 235146);
    for (const ratio of [0.875, 0.9375]) {
      const s = find('searched', ratio, seed), ring = find('ring', ratio, seed);
      assert.equal(s.k, ratio === 0.875 ? 8 : 4);
      assert.ok(ring.aspl! > s.aspl!, `ring ASPL ${ring.aspl} > searched ${s.aspl}`);
      assert.equal(ring.params, s.params, 'same k, same kept parameters');
      assert.equal(s.curve.length, 1);
      assert.ok(s.testAccuracy > 0 && s.testAccuracy <= 1);
    }
  }
  assert.equal(find('ring', 0.9375, 1).aspl, find('ring', 0.9375, 2).aspl, 'the ring lattice has no seed');
  // 64 nodes, k = 4: the ring lattice's ASPL in closed form (ringLattice.ts) is 8.3810.
  assert.ok(Math.abs(find('ring', 0.9375, 1).aspl! - 8.380952380952381) < 1e-12);

  const cells = summariseSweep(r.runs);
  assert.deepEqual(cells.map((c) => `${c.graph}@${c.ratio}`), ['dense@0', 'searched@0.875', 'ring@0.875', 'searched@0.9375', 'ring@0.9375']);
  assert.ok(cells.every((c) => c.runs === 2));
  assert.match(sweepTextTable(cells), /ring/);
});

test('the same seed reproduces a run, in another sweep', async () => {
  const a = await sweep(model, { ...SMALL, ratios: [0.875], graphs: ['searched'], seeds: [2], out: join(dir, 'again-a') }, quietContext);
  const b = await sweep(model, { ...SMALL, ratios: [0.875], graphs: ['searched', 'random'], seeds: [2], out: join(dir, 'again-b') }, quietContext);
  const ra = a.runs[0]!, rb = b.runs.find((x) => x.graph === 'searched')!;
  assert.equal(rb.aspl, ra.aspl);
  assert.equal(rb.testAccuracy, ra.testAccuracy);
  assert.equal(rb.finalLoss, ra.finalLoss);
  assert.ok(b.runs.find((x) => x.graph === 'random')!.aspl! >= ra.aspl!, 'the searched graph beats the random draw of the same seed');
});

test('a sweep that cannot write, or is cancelled, leaves nothing behind', async () => {
  const taken = join(dir, 'taken');
  mkdirSync(taken);
  writeFileSync(join(taken, 'keep.txt'), 'mine');
  let runs = 0;
  await assert.rejects(
    sweep(model, { ...SMALL, ratios: [0.9375], out: taken, onRun: () => void runs++ }, quietContext),
    (e: unknown) => isRgpError(e) && e.code === 'BAD_ARGUMENT' && /not empty/.test(e.message),
  );
  assert.equal(runs, 0, 'refused before training');
  assert.deepEqual(readdirSync(taken), ['keep.txt']);

  const cancel = new CancelSource();
  const out = join(dir, 'cancelled');
  await assert.rejects(
    sweep(model, { ...SMALL, ratios: [0.9375], seeds: [1, 2], out, onRun: () => cancel.cancel() }, { signal: cancel, progress: quietContext.progress }),
    (e: unknown) => isRgpError(e) && e.code === 'CANCELLED',
  );
  // Cancelled after its first run finished: that run is kept, written whole and marked partial (issue 15 item 5).
  const kept = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
  assert.equal(kept.partial.cancelled, true);
  assert.equal(kept.partial.runsDone, 1);
  assert.equal(kept.runs.length, 1);
  assert.ok(existsSync(join(out, 'PARTIAL.txt')));
  assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('.rgp-tmp')), []);
  await assert.rejects(sweep(model, { ...SMALL, ratios: [] }, quietContext), (e: unknown) => isRgpError(e) && e.code === 'BAD_ARGUMENT');
  await assert.rejects(sweep(model, { ...SMALL, ratios: [0.9], graphs: ['dense' as 'ring'] }, quietContext), (e: unknown) => isRgpError(e) && e.code === 'BAD_ARGUMENT' && /--dense/.test(e.hint ?? ''));
});
