import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, copyFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pairImagesLabels, parseIdx, splitFirstLast, toFloatPixels } from '../../src/core/data/idx';
import { encodeNpy } from '../../src/core/data/npy';
import type { TensorDataset } from '../../src/core/data/dataset';
import { isRgpError } from '../../src/core/errors';
import { CancelSource } from '../../src/core/job';
import { loadDataset } from '../../src/io/dataset';
import { readMaybeGzip } from '../../src/io/readBytes';
import { rejectsRgp } from './rgpAssert';

const ROOT = join(__dirname, '..', '..');
const MNIST = join(ROOT, 'data', 'mnist');
const MNIST_SPEC = join(ROOT, 'examples', 'mnist-mlp', 'mnist.dataset.json');
/** Written by real NumPy — see test/fixtures/datasets/make_npy_fixtures.py. */
const FIX = join(__dirname, '..', 'fixtures', 'datasets');

const tmp = mkdtempSync(join(tmpdir(), 'rgp-dataset-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
let dirCount = 0;
function folder(files: Record<string, string | Uint8Array | object>): string {
  const dir = join(tmp, `d${dirCount++}`);
  mkdirSync(dir);
  for (const [name, content] of Object.entries(files)) {
    const data = typeof content === 'string' || content instanceof Uint8Array ? content : JSON.stringify(content);
    writeFileSync(join(dir, name), data);
  }
  return dir;
}

function histogram(ds: TensorDataset): number[] {
  const h = new Array<number>(ds.classes).fill(0);
  for (const l of ds.y) h[l]!++;
  return h;
}

const spec = (extra: object): object => ({ format: 'rgp-dataset', version: 1, ...extra });
const npy = (dtype: Parameters<typeof encodeNpy>[0]['dtype'], shape: number[], values: number[]): Uint8Array =>
  encodeNpy({ dtype, shape, data: Float64Array.from(values) });

test('the bundled MNIST spec gives exactly the split of examples/mnist-mlp/train.ts: first 8,000 / last 2,000, pixels/255', async () => {
  const d = await loadDataset(MNIST_SPEC);
  assert.equal(d.name, 'MNIST t10k');
  assert.equal(d.train.count + d.test.count, 10000);
  assert.equal(d.train.count, 8000);
  assert.equal(d.test.count, 2000);
  assert.deepEqual(d.train.itemShape, [784]);
  assert.equal(d.train.itemSize, 784);
  assert.equal(d.train.classes, 10);
  assert.equal(d.test.classes, 10);
  assert.match(d.description, /first 8000 train \/ last 2000 test/);

  // The reference: what train.ts computes from the same files.
  const ds = pairImagesLabels(
    parseIdx(await readMaybeGzip(join(MNIST, 't10k-images-idx3-ubyte.gz'))),
    parseIdx(await readMaybeGzip(join(MNIST, 't10k-labels-idx1-ubyte.gz'))),
  );
  const split = splitFirstLast(ds.count, 8000);
  assert.deepEqual(d.train.x, toFloatPixels(ds, split.train));
  assert.deepEqual(d.test.x, toFloatPixels(ds, split.test));
  assert.deepEqual(d.train.y, ds.labels.slice(0, 8000));
  assert.deepEqual(d.test.y, ds.labels.slice(8000));
  assert.deepEqual(Array.from(d.train.y.subarray(0, 5)), [7, 2, 1, 0, 4]);

  const all = histogram(d.train).map((c, k) => c + histogram(d.test)[k]!);
  assert.equal(all.reduce((a, b) => a + b, 0), 10000);
  const ref = new Array(10).fill(0);
  for (const l of ds.labels) ref[l]++;
  assert.deepEqual(all, ref);
  assert.ok(d.train.x.every((v) => v >= 0 && v <= 1));
  assert.equal(Math.max(...d.train.x.subarray(0, 784)), 1);
});

test('the data/mnist folder (t10k only) gives the same split as the spec, as 28×28×1 images', async () => {
  const folderSplit = await loadDataset(MNIST);
  const specSplit = await loadDataset(MNIST_SPEC);
  assert.equal(folderSplit.name, 'mnist');
  assert.deepEqual(folderSplit.train.itemShape, [28, 28, 1]);
  assert.equal(folderSplit.train.itemSize, 784);
  assert.deepEqual(folderSplit.train.x, specSplit.train.x);
  assert.deepEqual(folderSplit.test.x, specSplit.test.x);
  assert.deepEqual(folderSplit.train.y, specSplit.train.y);
  assert.deepEqual(folderSplit.test.y, specSplit.test.y);
  assert.match(folderSplit.description, /t10k-images-idx3-ubyte\.gz \+ t10k-labels-idx1-ubyte\.gz.*first 8000 train \/ last 2000 test; uint8 scaled by 1\/255/);
});

test('a folder with train and t10k pairs uses them as train and test; uncompressed and gzip files both read', async () => {
  const ds = pairImagesLabels(
    parseIdx(await readMaybeGzip(join(MNIST, 't10k-images-idx3-ubyte.gz'))),
    parseIdx(await readMaybeGzip(join(MNIST, 't10k-labels-idx1-ubyte.gz'))),
  );
  // A real MNIST-shaped folder: the first 600 digits as "train", the next 200 as "t10k".
  const idx = (dims: number[], data: Uint8Array): Uint8Array => {
    const out = new Uint8Array(4 + 4 * dims.length + data.length);
    out[2] = 0x08;
    out[3] = dims.length;
    const v = new DataView(out.buffer);
    dims.forEach((d, i) => v.setUint32(4 + 4 * i, d, false));
    out.set(data, 4 + 4 * dims.length);
    return out;
  };
  const dir = folder({
    'train-images-idx3-ubyte': idx([600, 28, 28], ds.images.subarray(0, 600 * 784) as Uint8Array),
    'train-labels-idx1-ubyte.gz': gzipSync(idx([600], Uint8Array.from(ds.labels.subarray(0, 600)))),
    't10k-images-idx3-ubyte.gz': gzipSync(idx([200, 28, 28], ds.images.subarray(600 * 784, 800 * 784) as Uint8Array)),
    't10k-labels-idx1-ubyte': idx([200], Uint8Array.from(ds.labels.subarray(600, 800))),
  });
  const d = await loadDataset(dir);
  assert.equal(d.train.count, 600);
  assert.equal(d.test.count, 200);
  assert.deepEqual(d.test.x, toFloatPixels(ds, Int32Array.from({ length: 200 }, (_, i) => 600 + i)));
  assert.deepEqual(d.test.y, ds.labels.slice(600, 800));
  assert.match(d.description, /600 train \(train-images-idx3-ubyte\) \/ 200 test \(t10k-images-idx3-ubyte\.gz\)/);

  const limited = await loadDataset(dir, { limit: 100 });
  assert.equal(limited.train.count, 100);
  assert.equal(limited.test.count, 100);
  assert.deepEqual(limited.train.y, ds.labels.slice(0, 100));
  assert.match(limited.description, /limited to 100 per part \(the first examples\): 100 of 600 train, 100 of 200 test/);
});

test('a limit keeps the test set of a first-last split and takes the first training examples', async () => {
  const full = await loadDataset(MNIST_SPEC);
  const d = await loadDataset(MNIST_SPEC, { limit: 3000 });
  assert.equal(d.train.count, 3000);
  assert.equal(d.test.count, 2000);
  assert.deepEqual(d.train.x, full.train.x.subarray(0, 3000 * 784));
  assert.deepEqual(d.test.y, full.test.y);
  await rejectsRgp(loadDataset(MNIST_SPEC, { limit: 0 }), 'BAD_ARGUMENT', /limit must be a whole number ≥ 1, got 0/);
});

test('a single CSV: header, quotes, string labels as sorted classes, stratified 80/20 with seed 1, deterministic', async () => {
  const names = ['setosa', 'versicolor', 'virginica'];
  const rows = ['"sepal length","sepal, width",species'];
  // 30 per class, sorted by class as such files often are.
  for (let c = 0; c < 3; c++) for (let i = 0; i < 30; i++) rows.push(`${c + i / 100},${-i},"${names[2 - c]}"`);
  const dir = folder({ 'flowers.csv': rows.join('\n') + '\n' });
  const d = await loadDataset(join(dir, 'flowers.csv'));
  assert.equal(d.name, 'flowers');
  assert.deepEqual(d.classNames, names);
  assert.equal(d.train.count, 72);
  assert.equal(d.test.count, 18);
  assert.deepEqual(histogram(d.test), [6, 6, 6]);
  assert.deepEqual(histogram(d.train), [24, 24, 24]);
  assert.deepEqual(d.train.itemShape, [2]);
  assert.equal(d.train.classes, 3);
  assert.match(d.description, /flowers\.csv \(label: last column\): seeded stratified split \(seed 1\): 72 train \/ 18 test; values as stored/);
  // Every example is where its row put it: feature 0 = class offset + i/100, label = its name.
  const check = (ds: TensorDataset): void => {
    for (let j = 0; j < ds.count; j++) {
      const c = Math.floor(ds.x[2 * j]! + 1e-6);
      assert.equal(names[ds.y[j]!], names[2 - c]);
      assert.equal(ds.x[2 * j + 1], 0 - Math.round((ds.x[2 * j]! - c) * 100));
    }
  };
  check(d.train);
  check(d.test);
  const again = await loadDataset(join(dir, 'flowers.csv'));
  assert.deepEqual(again.test.y, d.test.y);
  assert.deepEqual(again.test.x, d.test.x);

  // A limit on a stratified split is a stratified subset: every class still there.
  const small = await loadDataset(join(dir, 'flowers.csv'), { limit: 12 });
  assert.deepEqual(histogram(small.train), [4, 4, 4]);
  assert.deepEqual(histogram(small.test), [4, 4, 4]);
});

test('a spec over .npy files written by real NumPy: uint8 features scaled by default, int64 or one-hot labels, first-last split', async () => {
  const dir = folder({
    'd.json': spec({ train: { features: join(FIX, 'x_u1.npy'), labels: join(FIX, 'y_i8.npy') }, split: { rule: 'first-last', train: 4 } }),
    'onehot.json': spec({ train: { features: join(FIX, 'x_u1.npy'), labels: join(FIX, 'y_onehot_f4.npy') }, shape: [6], split: { rule: 'first-last', train: 4 } }),
  });
  const d = await loadDataset(join(dir, 'd.json'));
  assert.deepEqual(d.train.itemShape, [2, 3]);
  assert.equal(d.train.count, 4);
  assert.equal(d.test.count, 2);
  assert.deepEqual(d.train.y, Int32Array.from([0, 1, 2, 0]));
  assert.deepEqual(d.test.y, Int32Array.from([1, 2]));
  assert.deepEqual(d.test.x, Float32Array.from({ length: 12 }, (_, i) => ((24 + i) * 7) / 255));
  assert.equal(d.name, 'd');
  const o = await loadDataset(join(dir, 'onehot.json'));
  assert.deepEqual(o.train.itemShape, [6]);
  assert.deepEqual(o.train.y, d.train.y);
  assert.deepEqual(o.test.x, d.test.x);
});

test('a spec with separate train and test sources of different kinds, per-channel standardisation and class names', async () => {
  // Train: features as .npy (2×2 images, 2 channels), labels as names in a one-column CSV with a title.
  // Test: a CSV with the label in its first column.
  const dir = folder({
    'x.npy': npy('float32', [3, 2, 1, 2], [0, 10, 2, 20, 4, 30, 6, 40, 8, 50, 10, 60]),
    'y.csv': 'kind\ncat\ndog\ncat\n',
    'test.csv': 'kind,a,b,c,d\ndog,1,10,2,20\n',
    's.json': spec({
      name: 'pets',
      train: { features: 'x.npy', labels: 'y.csv' },
      test: { csv: 'test.csv', label: 'kind' },
      shape: [2, 1, 2],
      normalize: { mean: [1, 10], std: [2, 5] },
      classes: ['dog', 'cat'],
    }),
  });
  const d = await loadDataset(join(dir, 's.json'));
  assert.equal(d.name, 'pets');
  assert.deepEqual(d.classNames, ['dog', 'cat']);
  assert.deepEqual(d.train.y, Int32Array.from([1, 0, 1]));
  assert.deepEqual(d.test.y, Int32Array.from([0]));
  assert.deepEqual(d.train.itemShape, [2, 1, 2]);
  assert.deepEqual(Array.from(d.train.x.subarray(0, 4)), [(0 - 1) / 2, (10 - 10) / 5, (2 - 1) / 2, (20 - 10) / 5]);
  assert.deepEqual(Array.from(d.test.x), [0, 0, 0.5, 2]);
  assert.match(d.description, /pets \(s\.json: x\.npy \+ y\.csv; test test\.csv\): 3 train \(x\.npy\) \/ 1 test \(test\.csv\); standardised per channel/);
});

test('a one-column labels CSV of names: the example count decides whether its first line is a title', async () => {
  const dir = folder({
    'x.npy': npy('float32', [2, 1], [1, 2]),
    'plain.csv': 'lion\ntiger\n',
    'titled.csv': 'animal\nlion\ntiger\n',
    'plain.json': spec({ train: { features: 'x.npy', labels: 'plain.csv' }, test: { features: 'x.npy', labels: 'plain.csv' } }),
    'titled.json': spec({ train: { features: 'x.npy', labels: 'titled.csv' }, test: { features: 'x.npy', labels: 'titled.csv' } }),
  });
  for (const name of ['plain.json', 'titled.json']) {
    const d = await loadDataset(join(dir, name));
    assert.deepEqual(d.classNames, ['lion', 'tiger'], name);
    assert.deepEqual(d.train.y, Int32Array.from([0, 1]), name);
  }
});

test('a random split is seeded, disjoint and complete', async () => {
  const n = 50;
  const dir = folder({
    'x.npy': npy('float64', [n, 1], Array.from({ length: n }, (_, i) => i)),
    'y.npy': npy('int32', [n], Array.from({ length: n }, (_, i) => i % 2)),
    'a.json': spec({ train: { features: 'x.npy', labels: 'y.npy' }, split: { rule: 'random', test: 0.3, seed: 5 } }),
    'b.json': spec({ train: { features: 'x.npy', labels: 'y.npy' }, split: { rule: 'random', test: 0.3, seed: 6 } }),
  });
  const a = await loadDataset(join(dir, 'a.json'));
  const a2 = await loadDataset(join(dir, 'a.json'));
  const b = await loadDataset(join(dir, 'b.json'));
  assert.equal(a.test.count, 15);
  assert.deepEqual(a.test.x, a2.test.x);
  assert.notDeepEqual(a.test.x, b.test.x);
  const seen = [...a.train.x, ...a.test.x].sort((p, q) => p - q);
  assert.deepEqual(seen, Array.from({ length: n }, (_, i) => i));
  assert.match(a.description, /seeded random split \(seed 5\): 35 train \/ 15 test/);
});

test('mismatched label count: the message names both files and both counts', async () => {
  const dir = folder({
    'x.npy': npy('float32', [5, 2], new Array(10).fill(0.5)),
    'y.npy': npy('int64', [4], [0, 1, 0, 1]),
    's.json': spec({ train: { features: 'x.npy', labels: 'y.npy' } }),
  });
  await rejectsRgp(loadDataset(join(dir, 's.json')), 'BAD_DATASET', /y\.npy has 4 labels but x\.npy has 5 examples/);
  // The same through real MNIST files: all 10,000 images against labels cut to 9,999.
  const labels = parseIdx(await readMaybeGzip(join(MNIST, 't10k-labels-idx1-ubyte.gz')));
  const cut = new Uint8Array(8 + 9999);
  cut.set([0, 0, 8, 1]);
  new DataView(cut.buffer).setUint32(4, 9999, false);
  cut.set(labels.data.subarray(0, 9999) as Uint8Array, 8);
  const mdir = folder({ 'few-labels-idx1-ubyte': cut });
  copyFileSync(join(MNIST, 't10k-images-idx3-ubyte.gz'), join(mdir, 'few-images-idx3-ubyte.gz'));
  await rejectsRgp(loadDataset(mdir), 'BAD_DATASET', /few-labels-idx1-ubyte has 9999 labels but few-images-idx3-ubyte\.gz has 10000 examples/);
});

test('labels out of range, negative or not whole: each names the file and the example', async () => {
  const dir = folder({
    'x.npy': npy('float32', [4, 1], [1, 2, 3, 4]),
    'y.npy': npy('int64', [4], [0, 1, 2, 3]),
    'neg.npy': npy('int64', [4], [0, 1, -1, 1]),
    'half.npy': npy('float32', [4], [0, 1, 1.5, 1]),
    'hot.npy': npy('float32', [4, 2], [1, 0, 0, 1, 1, 1, 0, 1]),
    'range.json': spec({ train: { features: 'x.npy', labels: 'y.npy' }, classes: 3 }),
    'names.json': spec({ train: { features: 'x.npy', labels: 'y.npy' }, classes: ['a', 'b'] }),
    'neg.json': spec({ train: { features: 'x.npy', labels: 'neg.npy' } }),
    'half.json': spec({ train: { features: 'x.npy', labels: 'half.npy' } }),
    'hot.json': spec({ train: { features: 'x.npy', labels: 'hot.npy' } }),
    'x.csv': '1,a\n2,b\n3,c\n',
    'csvnames.json': spec({ train: 'x.csv', classes: ['a', 'b'] }),
  });
  await rejectsRgp(loadDataset(join(dir, 'range.json')), 'BAD_DATASET', /y\.npy item 3: label 3 is out of range: the spec says 3 classes, so labels run from 0 to 2/);
  await rejectsRgp(loadDataset(join(dir, 'names.json')), 'BAD_DATASET', /y\.npy item 2: label 2 is out of range/);
  await rejectsRgp(loadDataset(join(dir, 'neg.json')), 'BAD_DATASET', /neg\.npy item 2: label -1 is negative/);
  await rejectsRgp(loadDataset(join(dir, 'half.json')), 'BAD_DATASET', /half\.npy item 2: label 1\.5 is not a whole number/);
  await rejectsRgp(loadDataset(join(dir, 'hot.json')), 'BAD_DATASET', /hot\.npy has shape \(4, 2\) but row 2 is not one-hot/);
  await rejectsRgp(loadDataset(join(dir, 'csvnames.json')), 'BAD_DATASET', /x\.csv line 3: label "c" is not one of the 2 classes/);
});

test('a shape that does not match the examples, and train/test of different sizes', async () => {
  const dir = folder({
    'x.npy': npy('float32', [2, 6], new Array(12).fill(1)),
    'x4.npy': npy('float32', [2, 4], new Array(8).fill(1)),
    'y.npy': npy('uint8', [2], [0, 1]),
    'shape.json': spec({ train: { features: 'x.npy', labels: 'y.npy' }, shape: [4, 2], split: { rule: 'first-last', train: 1 } }),
    'mean.json': spec({ train: { features: 'x.npy', labels: 'y.npy' }, shape: [2, 3], normalize: { mean: [0, 0], std: [1, 1] }, split: { rule: 'first-last', train: 1 } }),
    'sizes.json': spec({ train: { features: 'x.npy', labels: 'y.npy' }, test: { features: 'x4.npy', labels: 'y.npy' } }),
    'split.json': spec({ train: { features: 'x.npy', labels: 'y.npy' }, split: { rule: 'first-last', train: 2 } }),
  });
  await rejectsRgp(loadDataset(join(dir, 'shape.json')), 'BAD_DATASET', /"shape" \[4, 2\] holds 8 values, but each example of x\.npy has 6 \(shape \[6\]\)/);
  await rejectsRgp(loadDataset(join(dir, 'mean.json')), 'BAD_DATASET', /"normalize\.mean" has 2 values but the examples have 3 channels/);
  await rejectsRgp(loadDataset(join(dir, 'sizes.json')), 'BAD_DATASET', /train examples have 6 values each .* test examples have 4/);
  await rejectsRgp(loadDataset(join(dir, 'split.json')), 'BAD_DATASET', /"split\.train" is 2 but there are only 2 examples/);
});

test('missing files say which file, who named it and where it was looked for', async () => {
  const dir = folder({
    'x.npy': npy('float32', [2, 1], [1, 2]),
    's.json': spec({ train: { features: 'x.npy', labels: 'labels/y.npy' } }),
  });
  await rejectsRgp(
    loadDataset(join(dir, 's.json')),
    'BAD_DATASET',
    /The train labels file "labels\/y\.npy" named in .*s\.json was not found \(looked for .*d\d+\/labels\/y\.npy\)/,
  );
  await rejectsRgp(loadDataset(join(dir, 'nothing.json')), 'BAD_DATASET', /No dataset at .*nothing\.json \(looked for /);
  await rejectsRgp(loadDataset(folder({ 'readme.txt': 'hi' })), 'BAD_DATASET', /No dataset found in the folder .*: looked for dataset\.json, or IDX pairs/);
  await rejectsRgp(loadDataset(folder({ 'train-images-idx3-ubyte': new Uint8Array(4) })), 'BAD_DATASET', /has train-images-idx3-ubyte but no matching train-labels-idx1-ubyte/);
});

test('a bad spec field, bad JSON, a lone .npy and a non-UTF-8 CSV are explained', async () => {
  const dir = folder({
    'bad.json': spec({ train: { features: 'x.npy', labels: 'y.npy' }, split: { rule: 'stratified', test: 1.5 } }),
    'syntax.json': '{ "format": "rgp-dataset", ',
    'x.npy': npy('float32', [1], [1]),
    'latin1.csv': new Uint8Array([0x31, 0x2c, 0xe9, 0x0a]),
  });
  await rejectsRgp(loadDataset(join(dir, 'bad.json')), 'BAD_DATASET', /bad\.json: "split\.test" must be a fraction/);
  await rejectsRgp(loadDataset(join(dir, 'syntax.json')), 'BAD_DATASET', /syntax\.json is not valid JSON/);
  await rejectsRgp(loadDataset(join(dir, 'x.npy')), 'BAD_DATASET', /is a single \.npy array; it has no labels/);
  await rejectsRgp(loadDataset(join(dir, 'latin1.csv')), 'BAD_DATASET', /latin1\.csv is not UTF-8 text/);
});

test('a folder with dataset.json loads the spec; the input files are left untouched', async () => {
  const dir = folder({
    'x.npy': npy('uint8', [4, 1], [0, 51, 102, 255]),
    'y.npy': npy('uint8', [4], [1, 0, 1, 0]),
    'dataset.json': spec({ train: { features: 'x.npy', labels: 'y.npy' }, test: { features: 'x.npy', labels: 'y.npy' }, normalize: 'none' }),
  });
  const before = readFileSync(join(dir, 'x.npy'));
  const mtime = statSync(join(dir, 'x.npy')).mtimeMs;
  const d = await loadDataset(dir);
  assert.deepEqual(Array.from(d.test.x), [0, 51, 102, 255]);
  assert.deepEqual(readFileSync(join(dir, 'x.npy')), before);
  assert.equal(statSync(join(dir, 'x.npy')).mtimeMs, mtime);
});

test('a cancelled load stops with CANCELLED and reports progress until then', async () => {
  const src = new CancelSource();
  const messages: string[] = [];
  src.cancel();
  await assert.rejects(
    loadDataset(MNIST_SPEC, { ctx: { signal: src, progress: { report: (u) => void messages.push(u.message) } } }),
    (e: unknown) => isRgpError(e) && e.code === 'CANCELLED',
  );
  const seen: string[] = [];
  await loadDataset(MNIST_SPEC, { limit: 10, ctx: { signal: new CancelSource(), progress: { report: (u) => void seen.push(u.message) } } });
  assert.ok(seen.some((m) => /reading .*t10k-images/.test(m)));
  assert.match(seen.at(-1)!, /10 train \/ 10 test examples/);
});
