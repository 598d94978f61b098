import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CancelSource, quietContext } from '../../src/core/job';
import { isRgpError } from '../../src/core/errors';
import { summarise } from '../../src/core/sparse/summary';
import { resolveDataset, sparsify } from '../../src/jobs/sparsify';
import { sparsifyOptions } from '../../src/cli/sparsifyCommand';

const ROOT = join(__dirname, '..', '..');
const dataRoot = join(ROOT, 'data', 'snap');

// The real email-Eu-core graph with its 42 department labels, small embeddings and few epochs: the whole
// pipeline (split → walks → skip-gram → MLP → methods → files) must beat the majority class clearly.
test('sparsify on email-Eu-core: node classification beats chance for dense, RigL and RGP; files are written', async () => {
  const out = mkdtempSync(join(tmpdir(), 'rgp-sparsify-'));
  try {
    const seen: string[] = [];
    const result = await sparsify(
      {
        dataset: 'email-eu-core',
        dataRoot,
        methods: ['dense', 'magnitude', 'rigl', 'rgp'],
        sparsities: [0.9],
        seeds: [1],
        epochs: 40,
        embedding: { dim: 32, walksPerNode: 6, walkLength: 30 },
        out,
        onRun: (r) => seen.push(r.method),
      },
      quietContext,
    );
    assert.deepEqual(seen, ['dense', 'magnitude', 'rigl', 'rgp']);
    assert.equal(result.dataset, 'email-Eu-core');
    assert.equal(result.task, 'node');
    // The largest department has 109 of 1,005 members: always guessing it scores ≈ 11 %.
    for (const r of result.runs) assert.ok(r.accuracy > 0.3, `${r.method}: ${r.accuracy}`);
    const byMethod = Object.fromEntries(result.runs.map((r) => [r.method, r]));
    assert.equal(byMethod.dense.finalSparsity, 0);
    assert.ok(Math.abs(byMethod.rigl.finalSparsity - 0.9) < 0.002);
    assert.ok(byMethod.rigl.trainingFlops < 0.25 * byMethod.dense.trainingFlops, 'sparse training is cheaper');
    assert.ok(byMethod.magnitude.trainingFlops > byMethod.dense.trainingFlops, 'train-and-prune pays for the dense run');
    const json = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    assert.equal(json.format, 'rgp-sparsify-results');
    assert.equal(json.runs.length, 4);
    const csv = readFileSync(join(out, 'results.csv'), 'utf8').trim().split('\n');
    assert.equal(csv.length, 5);
    assert.ok(csv[0].startsWith('dataset,task,model,method,sparsity,seed'));
    const cells = summarise(result.runs);
    assert.equal(cells.find((c) => c.method === 'dense')!.relativeFlops!.mean, 1);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('sparsify: user errors are RgpErrors; a cancel stops the job', async () => {
  const rejects = async (p: Promise<unknown>, code: string) => {
    await assert.rejects(p, (e: unknown) => isRgpError(e) && e.code === code);
  };
  assert.throws(() => resolveDataset({ dataset: 'graph.edges', task: 'node' }), (e: unknown) => isRgpError(e) && e.code === 'BAD_ARGUMENT');
  await rejects(sparsify({ dataset: 'email-eu-core', dataRoot, sparsities: [1.5] }, quietContext), 'BAD_ARGUMENT');
  await rejects(sparsify({ dataset: 'collegemsg', dataRoot, model: 'gcn' }, quietContext), 'UNSUPPORTED');
  assert.throws(() => sparsifyOptions({ dataset: 'collegemsg', methods: 'rigl,lottery' }), (e: unknown) => isRgpError(e) && e.code === 'BAD_ARGUMENT');
  assert.deepEqual(sparsifyOptions({ dataset: 'collegemsg', sparsities: '0.5,0.9', seeds: '4', epochs: '3' }), { dataset: 'collegemsg', sparsities: [0.5, 0.9], seeds: [4], epochs: 3 });
  const cancel = new CancelSource();
  cancel.cancel();
  await rejects(
    sparsify({ dataset: 'email-eu-core', dataRoot, methods: ['dense'], seeds: [1], epochs: 2, embedding: { dim: 4, walksPerNode: 1, walkLength: 5 } }, { signal: cancel, progress: quietContext.progress }),
    'CANCELLED',
  );
});
