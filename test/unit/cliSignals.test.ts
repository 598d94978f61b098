/**
 * Signals through the bundled CLI (issue 14, items 6–7): a graph search, a prune, a training run and a
 * sparsification are started for far longer than the test waits (120 s budgets, 50 epochs), then sent
 * SIGINT or SIGTERM at several moments — during the search, before the first checkpoint, after it, during
 * walks/embeddings, twice in a row. `rgp compact` (timing every realization of a pruned ResNet-18 from the
 * shared models) and `rgp convert` (a real Keras 2.10 .h5 to .keras) are interrupted the same way: every
 * command runs in the same job worker. Each must end with the signal's exit status (130 / 143; a finished job
 * would exit 0), leave no `.rgp-tmp-*` entry anywhere under its folder, and leave either no output folder
 * or a complete one (marker and report present). The time from signal to exit is printed as a diagnostic,
 * not asserted (tests never assert wall-clock time). Needs `node esbuild.js` first.
 *
 * Also the cleanup list itself: an old output moved aside mid-swap is put back, temporaries are removed.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { addTemp, cleanTempsSync, liveTemps } from '../../src/io/tempRegistry';
import { OUTPUT_MARKER } from '../../src/jobs/outputFolder';
import { sharedModel } from '../fixtures/onnxModels';

const ROOT = path.join(__dirname, '..', '..');
const CLI = path.join(ROOT, 'bin', 'rgp.js');
let dir: string;
let model: string;
let data: string;
/** A pruned copy of the shared ResNet-18 (CIFAR widths): what `rgp compact` reads. */
let pruned: string;

before(() => {
  assert.ok(existsSync(path.join(ROOT, 'dist', 'cli.js')), 'build first: node esbuild.js');
  dir = mkdtempSync(path.join(tmpdir(), 'rgp-signals-'));
  cpSync(path.join(ROOT, 'examples', 'mnist-mlp', 'model'), path.join(dir, 'model'), { recursive: true });
  model = path.join(dir, 'model', 'model.json');
  data = path.join(dir, 'mnist');
  cpSync(path.join(ROOT, 'data', 'mnist'), data, { recursive: true });
  pruned = path.join(dir, 'resnet18-rgp');
  const p = spawnSync(process.execPath, [CLI, 'prune', sharedModel('resnet18_w16_cifar.onnx'), '--ratio', '0.9375', '--search-swaps', '0', '--out', pruned, '-q'], { cwd: dir, encoding: 'utf8' });
  assert.equal(p.status, 0, p.stderr);
});
after(() => rmSync(dir, { recursive: true, force: true }));

interface Stopped {
  status: number | null;
  stderr: string;
  latencyMs: number;
}

/**
 * Starts `rgp args`, waits until stderr matches `when` (or `delayMs` passes after it), sends the signals
 * (a second one `gapMs` after the first, when given) and resolves when the process has exited.
 */
function interrupt(args: string[], when: RegExp, signals: NodeJS.Signals[], opts: { delayMs?: number; gapMs?: number } = {}): Promise<Stopped> {
  return new Promise((resolve, reject) => {
    // RGP_PROGRESS=1: progress lines on stderr, so the test knows the job is under way in its worker.
    const child = spawn(process.execPath, [CLI, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RGP_PROGRESS: '1' } });
    let stderr = '';
    let sentAt = 0;
    let armed = false;
    child.stdout.resume();
    child.stderr.on('data', (b) => {
      stderr += b;
      if (!armed && when.test(stderr)) {
        armed = true;
        setTimeout(() => {
          sentAt = performance.now();
          child.kill(signals[0]);
          if (signals[1]) setTimeout(() => child.kill(signals[1]), opts.gapMs ?? 50);
        }, opts.delayMs ?? 0);
      }
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stderr, latencyMs: sentAt ? performance.now() - sentAt : NaN }));
  });
}

/** Every `.rgp-tmp-*` entry under `root`. */
function temps(root: string): string[] {
  const found: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name.startsWith('.rgp-tmp-')) found.push(path.join(d, e.name));
      else if (e.isDirectory()) walk(path.join(d, e.name));
    }
  };
  walk(root);
  return found;
}

function noneOrComplete(out: string, report: string): void {
  if (report.startsWith('.')) {
    // A single-file output (compact: <out> and its report <stem>.report.json beside it): both or neither.
    const reportFile = out.replace(/\.onnx$/, '') + report;
    assert.equal(existsSync(reportFile), existsSync(out), `${out} and ${reportFile}: both written or neither`);
    return;
  }
  if (!existsSync(out)) return;
  assert.ok(existsSync(path.join(out, OUTPUT_MARKER)), `${out} is complete: it has its marker`);
  assert.ok(existsSync(path.join(out, report)), `${out} is complete: it has ${report}`);
}

/** The first progress line: the job is running in its worker. */
const STARTED = /\n/;

const cases: Array<{ name: string; args: (out: string) => string[]; when: RegExp; signals: NodeJS.Signals[]; status: number; report: string; delayMs?: number }> = [
  { name: 'graph search, SIGINT', args: (o) => ['graph', '--nodes', '256', '--degree', '8', '--seconds', '120', '--out', o + '.json'], when: STARTED, signals: ['SIGINT'], status: 130, report: '', delayMs: 1000 },
  { name: 'graph search, SIGTERM', args: (o) => ['graph', '--nodes', '256', '--degree', '8', '--seconds', '120', '--out', o + '.json'], when: STARTED, signals: ['SIGTERM'], status: 143, report: '', delayMs: 1000 },
  { name: 'graph search with 2 chains, SIGINT', args: (o) => ['graph', '--nodes', '256', '--degree', '8', '--seconds', '120', '--chains', '2', '--out', o + '.json'], when: STARTED, signals: ['SIGINT'], status: 130, report: '', delayMs: 1000 },
  { name: 'prune during the search, SIGTERM', args: (o) => ['prune', model, '--ratio', '0.9375', '--search-swaps', '1000000000', '--search-seconds', '120', '--out', o], when: STARTED, signals: ['SIGTERM'], status: 143, report: 'report.json', delayMs: 1000 },
  { name: 'prune, Ctrl+C twice', args: (o) => ['prune', model, '--ratio', '0.9375', '--search-swaps', '1000000000', '--search-seconds', '120', '--out', o], when: STARTED, signals: ['SIGINT', 'SIGINT'], status: 130, report: 'report.json', delayMs: 1000 },
  { name: 'train during its graph search, before the first checkpoint, SIGTERM', args: (o) => ['train', model, '--data', data, '--epochs', '50', '--ratio', '0.9375', '--search-swaps', '1000000000', '--search-seconds', '120', '--out', o], when: /graph search/, signals: ['SIGTERM'], status: 143, report: 'train-report.json', delayMs: 500 },
  { name: 'train after an epoch, SIGINT (keeps the checkpoint)', args: (o) => ['train', model, '--data', data, '--limit', '2000', '--epochs', '50', '--graph', 'dense', '--out', o], when: /epoch 1\/50/, signals: ['SIGINT'], status: 130, report: 'train-report.json' },
  { name: 'train after an epoch, SIGTERM then SIGTERM', args: (o) => ['train', model, '--data', data, '--limit', '2000', '--epochs', '50', '--graph', 'dense', '--out', o], when: /epoch 1\/50/, signals: ['SIGTERM', 'SIGTERM'], status: 143, report: 'train-report.json' },
  { name: 'sparsify during walks and embeddings, SIGINT', args: (o) => ['sparsify', '--dataset', 'collegemsg', '--methods', 'dense,rigl', '--seeds', '1', '--epochs', '50', '--out', o], when: /walks and skip-gram/, signals: ['SIGINT'], status: 130, report: 'results.json', delayMs: 300 },
  { name: 'compact while timing the realizations, SIGTERM', args: (o) => ['compact', pruned, '--out', o + '.onnx'], when: /masked layers/, signals: ['SIGTERM'], status: 143, report: '.report.json', delayMs: 300 },
  { name: 'compact while timing the realizations, SIGINT', args: (o) => ['compact', pruned, '--out', o + '.onnx'], when: /masked layers/, signals: ['SIGINT'], status: 130, report: '.report.json', delayMs: 300 },
  { name: 'convert a Keras 2.10 .h5 while reading it, SIGTERM', args: (o) => ['convert', sharedModel('keras2.10_seq_cnn_mnist.h5'), '--to', 'keras', '--out', o], when: /reading the model/, signals: ['SIGTERM'], status: 143, report: 'model.keras' },
  { name: 'convert a Keras 2.10 .h5 while reading it, SIGINT', args: (o) => ['convert', sharedModel('keras2.10_seq_cnn_mnist.h5'), '--to', 'keras', '--out', o], when: /reading the model/, signals: ['SIGINT'], status: 130, report: 'model.keras' },
  { name: 'sparsify during training, SIGTERM', args: (o) => ['sparsify', '--dataset', 'collegemsg', '--methods', 'dense,rigl', '--seeds', '1', '--epochs', '50', '--out', o], when: /run 1\//, signals: ['SIGTERM'], status: 143, report: 'results.json' },
];

for (const c of cases) {
  test(`signals: ${c.name} → exit ${c.status}, no temporary folder, no output or a complete one`, async (t) => {
    const out = path.join(dir, `out-${c.name.replace(/[^a-z0-9]+/gi, '-')}`);
    const r = await interrupt(c.args(out), c.when, c.signals, { delayMs: c.delayMs ?? 0 });
    t.diagnostic(`signal to exit: ${r.latencyMs.toFixed(0)} ms`);
    assert.equal(r.status, c.status, r.stderr);
    assert.match(r.stderr, /cancelling/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    assert.deepEqual(temps(dir), [], 'no temporary folder left');
    if (c.report.startsWith('.')) noneOrComplete(out + '.onnx', c.report);
    else if (c.report) noneOrComplete(out, c.report);
    else assert.ok(!existsSync(out + '.json'), 'a cancelled graph search writes no file');
  });
}

test('the cleanup list puts an old output moved aside back, and removes temporaries', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'rgp-temps-'));
  try {
    const target = path.join(root, 'out');
    const trash = path.join(root, '.rgp-tmp-old-out-x');
    const tmp = path.join(root, '.rgp-tmp-out-x');
    mkdirSync(trash);
    writeFileSync(path.join(trash, 'report.json'), '{}');
    mkdirSync(tmp);
    addTemp({ path: tmp });
    addTemp({ path: trash, restore: target });
    cleanTempsSync([tmp, trash]);
    assert.deepEqual(readdirSync(root).sort(), ['out']);
    assert.deepEqual(readdirSync(target), ['report.json']);
    assert.equal(liveTemps().length, 0);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
