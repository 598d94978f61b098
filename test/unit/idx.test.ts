import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  encodeIdx,
  pairImagesLabels,
  parseIdx,
  splitFirstLast,
  stratifiedSplit,
  subsetDataset,
  toFloatPixels,
  type IdxTensor,
} from '../../src/core/data/idx';
import { readMaybeGzip } from '../../src/io/readBytes';
import { rejectsRgp, throwsRgp } from './rgpAssert';

const MNIST = join(__dirname, '..', '..', 'data', 'mnist');
const IMAGES = join(MNIST, 't10k-images-idx3-ubyte.gz');
const LABELS = join(MNIST, 't10k-labels-idx1-ubyte.gz');

test('the real MNIST t10k files parse: 10,000 images 28×28 and 10,000 labels starting 7 2 1 0 4', async () => {
  const images = parseIdx(await readMaybeGzip(IMAGES));
  const labels = parseIdx(await readMaybeGzip(LABELS));
  assert.equal(images.dtype, 'uint8');
  assert.deepEqual(images.shape, [10000, 28, 28]);
  assert.equal(images.data.length, 10000 * 28 * 28);
  assert.equal(labels.dtype, 'uint8');
  assert.deepEqual(labels.shape, [10000]);
  assert.deepEqual(Array.from(labels.data.subarray(0, 5)), [7, 2, 1, 0, 4]);

  const ds = pairImagesLabels(images, labels);
  assert.equal(ds.count, 10000);
  assert.deepEqual(ds.itemShape, [28, 28]);
  assert.equal(ds.numClasses, 10);
  const perClass = new Array(10).fill(0);
  for (const l of ds.labels) perClass[l]++;
  assert.ok(perClass.every((c) => c > 850 && c < 1150), `class counts ${perClass}`);
  // The first digit is a 7: ink in the middle rows, none in the corners.
  const first = Array.from(ds.images.subarray(0, 784));
  assert.equal(first[0], 0);
  assert.ok(Math.max(...first) === 255 && first.filter((v) => v > 0).length > 50);
});

test('every IDX dtype round-trips big-endian', () => {
  const cases: IdxTensor[] = [
    { dtype: 'uint8', shape: [2, 3], data: Uint8Array.from([0, 1, 127, 128, 254, 255]) },
    { dtype: 'int8', shape: [4], data: Int8Array.from([-128, -1, 0, 127]) },
    { dtype: 'int16', shape: [2, 2], data: Int16Array.from([-32768, -2, 258, 32767]) },
    { dtype: 'int32', shape: [3], data: Int32Array.from([-2147483648, 16909060, 2147483647]) },
    { dtype: 'float32', shape: [1, 3], data: Float32Array.from([-1.5, 3.1415927, 1e-30]) },
    { dtype: 'float64', shape: [2], data: Float64Array.from([Math.PI, -1e300]) },
  ];
  for (const c of cases) {
    const back = parseIdx(encodeIdx(c));
    assert.equal(back.dtype, c.dtype);
    assert.deepEqual(back.shape, c.shape);
    assert.deepEqual(Array.from(back.data), Array.from(c.data), c.dtype);
    assert.equal(back.data.constructor, c.data.constructor);
  }
});

test('values are read big-endian, byte by byte as the format says', () => {
  const bytes = Uint8Array.from([0, 0, 0x0b, 1, 0, 0, 0, 2, 0x01, 0x02, 0xff, 0xfe]);
  const t = parseIdx(bytes);
  assert.deepEqual(Array.from(t.data), [258, -2]);
  // A view into a larger buffer at an odd offset parses the same.
  const padded = new Uint8Array(bytes.length + 3);
  padded.set(bytes, 3);
  assert.deepEqual(Array.from(parseIdx(padded.subarray(3)).data), [258, -2]);
});

test('bad magic, unknown dtype, zero dimensions and gzip input are refused clearly', () => {
  throwsRgp(() => parseIdx(Uint8Array.from([1, 0, 8, 1, 0, 0, 0, 0])), 'BAD_DATASET', /magic number 01 00 08 01/);
  throwsRgp(() => parseIdx(Uint8Array.from([0, 0, 0x0a, 1, 0, 0, 0, 0])), 'BAD_DATASET', /unknown value type 0x0a/);
  throwsRgp(() => parseIdx(Uint8Array.from([0, 0, 8, 0])), 'BAD_DATASET', /0 dimensions/);
  throwsRgp(() => parseIdx(Uint8Array.from([0, 0])), 'BAD_DATASET', /only 2 bytes/);
  throwsRgp(() => parseIdx(gzipSync(Buffer.from([0, 0, 8, 1, 0, 0, 0, 0]))), 'BAD_DATASET', /gzip/);
});

test('truncated data says how many bytes were expected and found', async () => {
  const labels = await readMaybeGzip(LABELS);
  throwsRgp(() => parseIdx(labels.subarray(0, 10007), 'labels.idx'), 'BAD_DATASET', /labels\.idx/, /needs 10008 bytes, the data has 10007/);
  throwsRgp(() => parseIdx(labels.subarray(0, 6)), 'BAD_DATASET', /truncated header.*8 header bytes.*has 6/);
  const images = await readMaybeGzip(IMAGES);
  throwsRgp(() => parseIdx(images.subarray(0, 100000)), 'BAD_DATASET', /\[10000, 28, 28\].*needs 7840016 bytes, the data has 100000/);
});

test('trailing garbage after the data is refused', async () => {
  const labels = await readMaybeGzip(LABELS);
  const longer = new Uint8Array(labels.length + 5);
  longer.set(labels);
  throwsRgp(() => parseIdx(longer), 'BAD_DATASET', /5 unexpected bytes/, /needs 10008 bytes, the data has 10013/);
});

test('pairing images with labels checks that the counts match', async () => {
  const images = parseIdx(await readMaybeGzip(IMAGES));
  const labels = parseIdx(await readMaybeGzip(LABELS));
  const fewer: IdxTensor = { dtype: 'uint8', shape: [9999], data: labels.data.subarray(0, 9999) };
  throwsRgp(() => pairImagesLabels(images, fewer), 'BAD_DATASET', /10000 items but .* 9999 labels/);
  throwsRgp(() => pairImagesLabels(labels, images), 'BAD_DATASET', /at least 2 dimensions/);
  const negative: IdxTensor = { dtype: 'int8', shape: [2], data: Int8Array.from([1, -1]) };
  const two: IdxTensor = { dtype: 'uint8', shape: [2, 2], data: new Uint8Array(4) };
  throwsRgp(() => pairImagesLabels(two, negative), 'BAD_DATASET', /label 1 is -1/);
});

test('subsets and float pixels pick the right items and scale to [0, 1]', () => {
  const images: IdxTensor = { dtype: 'uint8', shape: [3, 2], data: Uint8Array.from([0, 255, 51, 102, 10, 20]) };
  const labels: IdxTensor = { dtype: 'uint8', shape: [3], data: Uint8Array.from([4, 5, 6]) };
  const ds = pairImagesLabels(images, labels);
  const sub = subsetDataset(ds, [2, 0]);
  assert.deepEqual(Array.from(sub.images), [10, 20, 0, 255]);
  assert.deepEqual(Array.from(sub.labels), [6, 4]);
  const px = toFloatPixels(ds, [1]);
  assert.deepEqual(Array.from(px), [0.2, 0.4].map((v) => Math.fround(v)));
  assert.deepEqual(Array.from(toFloatPixels(ds)).slice(0, 2), [0, 1]);
});

test('splitFirstLast: the first n train, the rest test', () => {
  const s = splitFirstLast(10000, 8000);
  assert.equal(s.train.length, 8000);
  assert.equal(s.test.length, 2000);
  assert.equal(s.train[0], 0);
  assert.equal(s.train[7999], 7999);
  assert.equal(s.test[0], 8000);
  assert.equal(s.test[1999], 9999);
  assert.equal(s.description, 'first 8000 train / last 2000 test');
  throwsRgp(() => splitFirstLast(10, 11), 'BAD_ARGUMENT', /11 training items from a dataset of 10/);
});

test('stratifiedSplit: exact size, disjoint, proportional per class, seeded', async () => {
  const labels = parseIdx(await readMaybeGzip(LABELS)).data;
  const s = stratifiedSplit(labels, 2000, 7);
  assert.equal(s.test.length, 2000);
  assert.equal(s.train.length, 8000);
  const seen = new Uint8Array(labels.length);
  for (const i of s.train) seen[i]! += 1;
  for (const i of s.test) seen[i]! += 1;
  assert.ok(seen.every((v) => v === 1), 'every item in exactly one part');
  const total = new Array(10).fill(0), inTest = new Array(10).fill(0);
  for (let i = 0; i < labels.length; i++) total[labels[i]!]++;
  for (const i of s.test) inTest[labels[i]!]++;
  for (let c = 0; c < 10; c++) assert.ok(Math.abs(inTest[c] - total[c] * 0.2) <= 1, `class ${c}: ${inTest[c]} of ${total[c]}`);

  assert.deepEqual(stratifiedSplit(labels, 2000, 7).test, s.test);
  assert.notDeepEqual(stratifiedSplit(labels, 2000, 8).test, s.test);
  throwsRgp(() => stratifiedSplit(labels, 10001, 1), 'BAD_ARGUMENT', /10001 test items/);
});

test('readMaybeGzip reads plain files, gunzips gzip ones and explains failures', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rgp-idx-'));
  try {
    const plain = join(dir, 'plain.idx');
    writeFileSync(plain, Buffer.from([0, 0, 8, 1, 0, 0, 0, 1, 42]));
    assert.deepEqual(Array.from(parseIdx(await readMaybeGzip(plain)).data), [42]);

    const gz = join(dir, 'data.gz');
    writeFileSync(gz, gzipSync(Buffer.from([0, 0, 8, 1, 0, 0, 0, 1, 42])));
    assert.deepEqual(Array.from(parseIdx(await readMaybeGzip(gz)).data), [42]);

    const cut = join(dir, 'cut.gz');
    writeFileSync(cut, readFileSync(LABELS).subarray(0, 1000));
    await rejectsRgp(readMaybeGzip(cut), 'UNREADABLE_FILE', /cut\.gz starts like a gzip file but cannot be decompressed/);

    const garbled = join(dir, 'garbled.gz');
    const g = Buffer.from(readFileSync(LABELS));
    for (let i = 20; i < 60; i++) g[i] = 0xaa;
    writeFileSync(garbled, g);
    await rejectsRgp(readMaybeGzip(garbled), 'UNREADABLE_FILE', /cannot be decompressed/);

    await rejectsRgp(readMaybeGzip(join(dir, 'missing.gz')), 'UNREADABLE_FILE', /missing\.gz does not exist/);
    mkdirSync(join(dir, 'folder'));
    await rejectsRgp(readMaybeGzip(join(dir, 'folder')), 'UNREADABLE_FILE', /is a folder/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
