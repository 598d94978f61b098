import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SPLIT, kindFromFileName, parseDatasetSpec } from '../../src/core/data/datasetSpec';
import { isRgpError } from '../../src/core/errors';

const MNIST_SPEC = join(__dirname, '..', '..', 'examples', 'mnist-mlp', 'mnist.dataset.json');

function throwsSpec(json: unknown, ...patterns: RegExp[]): void {
  assert.throws(
    () => parseDatasetSpec(json, 'my.dataset.json'),
    (e: unknown) => {
      assert.ok(isRgpError(e), `expected an RgpError, got ${String(e)}`);
      assert.equal(e.code, 'BAD_DATASET');
      assert.match(e.message, /^my\.dataset\.json: /, 'the message names the spec');
      for (const p of patterns) assert.match(e.message + ' ' + (e.hint ?? ''), p);
      assert.ok(e.hint, 'a user error says what to do');
      return true;
    },
  );
}

const base = { format: 'rgp-dataset', version: 1, train: { features: 'x.npy', labels: 'y.npy' } };

test('the bundled MNIST spec: t10k files relative to the spec, 784 features, 1/255, 10 classes, first 8,000 train', () => {
  const spec = parseDatasetSpec(JSON.parse(readFileSync(MNIST_SPEC, 'utf8')), MNIST_SPEC);
  assert.equal(spec.name, 'MNIST t10k');
  assert.deepEqual(spec.train, {
    layout: 'pair',
    features: { path: '../../data/mnist/t10k-images-idx3-ubyte.gz', kind: 'idx' },
    labels: { path: '../../data/mnist/t10k-labels-idx1-ubyte.gz', kind: 'idx' },
    csv: { header: 'auto', delimiter: 'auto' },
  });
  assert.equal(spec.test, null);
  assert.deepEqual(spec.shape, [784]);
  assert.deepEqual(spec.normalize, { kind: 'affine', scale: 1 / 255, offset: 0, mean: null, std: null });
  assert.deepEqual(spec.classes, { count: 10, names: null });
  assert.deepEqual(spec.split, { rule: 'first-last', train: 8000 });
  assert.equal(spec.limit, null);
});

test('defaults: no test and no split → stratified 20 % seed 1; default normalisation; kinds from file names', () => {
  const spec = parseDatasetSpec(base, 'x');
  assert.deepEqual(spec.split, DEFAULT_SPLIT);
  assert.deepEqual(DEFAULT_SPLIT, { rule: 'stratified', test: 0.2, seed: 1 });
  assert.deepEqual(spec.normalize, { kind: 'default' });
  assert.deepEqual(spec.classes, { count: null, names: null });
  assert.equal(spec.shape, null);
  assert.equal(kindFromFileName('a/b/train-images-idx3-ubyte.gz'), 'idx');
  assert.equal(kindFromFileName('train-labels.idx1-ubyte'), 'idx');
  assert.equal(kindFromFileName('data.CSV.gz'), 'csv');
  assert.equal(kindFromFileName('x.npy'), 'npy');
  assert.equal(kindFromFileName('x.bin'), null);
});

test('every source form: feature/label pair (strings or {path, kind}), a CSV with a label column, a bare CSV name; a test source', () => {
  const spec = parseDatasetSpec(
    {
      ...base,
      train: { csv: 'train.csv', label: 'species', header: true, delimiter: ';' },
      test: { features: { path: 'test.bin', kind: 'idx' }, labels: 'test-labels.csv', delimiter: 'tab' },
      normalize: 'none',
      classes: ['setosa', 'versicolor', 'virginica'],
      limit: 50,
      $comment: 'ignored',
    },
    'x',
  );
  assert.deepEqual(spec.train, { layout: 'table', table: { path: 'train.csv', kind: 'csv' }, label: 'species', csv: { header: true, delimiter: ';' } });
  assert.deepEqual(spec.test, {
    layout: 'pair',
    features: { path: 'test.bin', kind: 'idx' },
    labels: { path: 'test-labels.csv', kind: 'csv' },
    csv: { header: 'auto', delimiter: '\t' },
  });
  assert.equal(spec.split, null, 'a test source means no split');
  assert.deepEqual(spec.normalize, { kind: 'none' });
  assert.deepEqual(spec.classes, { count: 3, names: ['setosa', 'versicolor', 'virginica'] });
  assert.equal(spec.limit, 50);
  const bare = parseDatasetSpec({ ...base, train: 'iris.csv' }, 'x');
  assert.deepEqual(bare.train, { layout: 'table', table: { path: 'iris.csv', kind: 'csv' }, label: -1, csv: { header: 'auto', delimiter: 'auto' } });
});

test('normalisation: scale as a number or "p/q", offset, per-channel mean/std; split rules with fractions and counts', () => {
  const n = parseDatasetSpec({ ...base, normalize: { scale: '2/4', offset: -1, mean: [0.5, 0.25, 0], std: [1, 2, 4] } }, 'x').normalize;
  assert.deepEqual(n, { kind: 'affine', scale: 0.5, offset: -1, mean: [0.5, 0.25, 0], std: [1, 2, 4] });
  assert.deepEqual(parseDatasetSpec({ ...base, split: { rule: 'random', test: 300, seed: 7 } }, 'x').split, { rule: 'random', test: 300, seed: 7 });
  assert.deepEqual(parseDatasetSpec({ ...base, split: { rule: 'stratified', test: 0.1 } }, 'x').split, { rule: 'stratified', test: 0.1, seed: 1 });
});

test('errors name the JSON path: format, version, unknown keys (with a suggestion), types and impossible values', () => {
  throwsSpec(null, /must be an object, got null/);
  throwsSpec({ ...base, format: 'rgp' }, /"format" must be "rgp-dataset", got string "rgp"/);
  throwsSpec({ ...base, version: 2 }, /"version" must be 1, got number 2/);
  throwsSpec({ ...base, normalise: 'none' }, /"normalise" is not a known key; did you mean "normalize"\?/);
  throwsSpec({ ...base, train: { features: 'x.npy', label: 'y.npy' } }, /"train\.label" is not a known key; did you mean "labels"\?/);
  throwsSpec({ format: 'rgp-dataset', version: 1 }, /"train" is missing/);
  throwsSpec({ ...base, train: { features: 'x.npy' } }, /"train\.labels" is missing/);
  throwsSpec({ ...base, train: { features: 'x.bin', labels: 'y.npy' } }, /"train\.features" names "x\.bin", whose kind cannot be told/, /"kind": "idx"/);
  throwsSpec({ ...base, train: { features: { path: 'x', kind: 'hdf5' }, labels: 'y.npy' } }, /"train\.features\.kind" must be "idx", "csv" or "npy", got string "hdf5"/);
  throwsSpec({ ...base, train: 'x.npy' }, /"train" names one npy file/);
  throwsSpec({ ...base, train: { csv: 'a.csv', label: 1.5 } }, /"train\.label" must be a column name or a 0-based column index/);
  throwsSpec({ ...base, train: { csv: 'a.csv', header: 'yes' } }, /"train\.header" must be true, false or "auto"/);
  throwsSpec({ ...base, train: { csv: 'a.csv', delimiter: '|' } }, /"train\.delimiter" must be ","/);
  throwsSpec({ ...base, shape: [28, 0, 1] }, /"shape\[1\]" must be a whole number ≥ 1, got number 0/);
  throwsSpec({ ...base, shape: 784 }, /"shape" must be a non-empty array/);
  throwsSpec({ ...base, normalize: 'minmax' }, /"normalize" must be "none" or an object/);
  throwsSpec({ ...base, normalize: { scale: '1/0' } }, /"normalize\.scale" must be a number/);
  throwsSpec({ ...base, normalize: { scale: 0 } }, /"normalize\.scale" is 0/);
  throwsSpec({ ...base, normalize: { mean: [0.5] } }, /"normalize\.std" is missing/);
  throwsSpec({ ...base, normalize: { mean: [0.5, 0.5], std: [1] } }, /"normalize\.std" has 1 values but "normalize\.mean" has 2/);
  throwsSpec({ ...base, normalize: { mean: [0.5], std: [0] } }, /"normalize\.std\[0\]" must be > 0, got 0/);
  throwsSpec({ ...base, classes: ['a', 'b', 'a'] }, /"classes\[2\]" repeats the class name "a"/);
  throwsSpec({ ...base, classes: 0 }, /"classes" must be a whole number ≥ 1/);
  throwsSpec({ ...base, split: { rule: 'kfold' } }, /"split\.rule" must be "first-last", "stratified" or "random", got string "kfold"/);
  throwsSpec({ ...base, split: { rule: 'first-last', test: 0.2 } }, /"split\.test" is not a known key/);
  throwsSpec({ ...base, split: { rule: 'first-last' } }, /"split\.train" is missing/);
  throwsSpec({ ...base, split: { rule: 'stratified', test: 0 } }, /"split\.test" must be a fraction between 0 and 1 or a whole number/);
  throwsSpec({ ...base, split: { rule: 'random', test: 2.5 } }, /"split\.test" must be a fraction/);
  throwsSpec({ ...base, split: { rule: 'random', test: 0.2, seed: -1 } }, /"split\.seed" must be a whole number ≥ 0/);
  throwsSpec({ ...base, test: { features: 'tx.npy', labels: 'ty.npy' }, split: { rule: 'first-last', train: 5 } }, /"split" cannot be used together with "test"/);
  throwsSpec({ ...base, limit: 0 }, /"limit" must be a whole number ≥ 1, got number 0/);
  throwsSpec({ ...base, name: '' }, /"name" must be a non-empty string/);
});

test('the spec object is not modified by parsing', () => {
  const json = { ...base, normalize: { mean: [1, 2], std: [3, 4] }, classes: ['b', 'a'], shape: [2, 1] };
  const copy = structuredClone(json);
  const spec = parseDatasetSpec(json, 'x');
  assert.deepEqual(json, copy);
  spec.shape!.push(9);
  spec.classes.names!.push('c');
  assert.deepEqual(json, copy, 'the result shares no arrays with the input');
});
