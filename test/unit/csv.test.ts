import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { classNamesOf, detectCsvDelimiter, encodeClassLabels, forEachCsvRecord, parseCsv } from '../../src/core/data/csv';
import { pairImagesLabels, parseIdx } from '../../src/core/data/idx';
import { isRgpError } from '../../src/core/errors';
import { CancelSource } from '../../src/core/job';
import { readMaybeGzip } from '../../src/io/readBytes';
import { throwsRgp } from './rgpAssert';

const MNIST = join(__dirname, '..', '..', 'data', 'mnist');

function records(text: string, d: ',' | ';' | '\t' = ','): Array<[string[], number]> {
  const out: Array<[string[], number]> = [];
  forEachCsvRecord(text, d, (f, line) => void out.push([f, line]));
  return out;
}

test('RFC 4180 quoting: delimiters, doubled quotes and line breaks inside quoted fields; CRLF; BOM; blank lines skipped', () => {
  const text = '\ufeffa,"b,c","say ""hi"""\r\n1,"two\r\nlines",3\r\n\r\n"",x,\n4,5,6';
  assert.deepEqual(records(text), [
    [['a', 'b,c', 'say "hi"'], 1],
    [['1', 'two\r\nlines', '3'], 2],
    [['', 'x', ''], 5],
    [['4', '5', '6'], 6],
  ]);
  // A lone CR ends a record too (old Mac files), and a final line break adds no record.
  assert.deepEqual(records('1,2\r3,4\r'), [
    [['1', '2'], 1],
    [['3', '4'], 2],
  ]);
});

test('the delimiter is detected from the first rows: comma, semicolon, tab; a comma inside quotes does not fool it', () => {
  assert.equal(detectCsvDelimiter('a,b,c\n1,2,3\n'), ',');
  assert.equal(detectCsvDelimiter('a;b;c\n1,5;2;3\n'), ';');
  assert.equal(detectCsvDelimiter('a\tb\n1\t2\n'), '\t');
  assert.equal(detectCsvDelimiter('"x,y";z\n"1,2";3\n'), ';');
  assert.equal(detectCsvDelimiter('single\n1\n'), ',');
});

test('a table with a header, quoted names, string labels chosen by name: features row-major, classes sorted by name', () => {
  const text = 'sepal length;"petal; width";species\n5.1;0.2;setosa\n7.0;1.4;"versicolor"\n6.3;2.5;virginica\n4.9;.2;setosa\n';
  const t = parseCsv(text, { labelColumn: 'species', name: 'iris.csv' });
  assert.equal(t.delimiter, ';');
  assert.deepEqual(t.header, ['sepal length', 'petal; width', 'species']);
  assert.equal(t.rowCount, 4);
  assert.equal(t.featureCount, 2);
  assert.deepEqual(t.featureNames, ['sepal length', 'petal; width']);
  assert.deepEqual(Array.from(t.features), Array.from(new Float32Array([5.1, 0.2, 7.0, 1.4, 6.3, 2.5, 4.9, 0.2])));
  assert.deepEqual(t.labelCells, ['setosa', 'versicolor', 'virginica', 'setosa']);
  assert.deepEqual(Array.from(t.lines), [2, 3, 4, 5]);
  const enc = encodeClassLabels(t.labelCells!, (i) => `line ${t.lines[i]}`);
  assert.deepEqual(enc.classNames, ['setosa', 'versicolor', 'virginica']);
  assert.deepEqual(Array.from(enc.labels), [0, 1, 2, 0]);
});

test('the label column by index (0-based, negative from the end) and the default of no label column', () => {
  const text = '3,1.5,2\n1,2.5,4\n';
  const first = parseCsv(text, { labelColumn: 0 });
  assert.equal(first.header, null);
  assert.deepEqual(first.labelCells, ['3', '1']);
  assert.deepEqual(Array.from(first.features), [1.5, 2, 2.5, 4]);
  const last = parseCsv(text, { labelColumn: -1 });
  assert.deepEqual(last.labelCells, ['2', '4']);
  const none = parseCsv(text);
  assert.equal(none.labelColumn, null);
  assert.equal(none.featureCount, 3);
  assert.equal(none.labelCells, null);
});

test('header detection: names over numbers is a header; numbers with a name column are not; an empty cell never makes one', () => {
  assert.deepEqual(parseCsv('x,y,label\n1,2,cat\n', { labelColumn: -1 }).header, ['x', 'y', 'label']);
  assert.equal(parseCsv('1,2,cat\n3,4,dog\n', { labelColumn: -1 }).header, null);
  assert.equal(parseCsv('1,2,cat\n3,4,dog\n', { labelColumn: -1 }).rowCount, 2);
  throwsRgp(() => parseCsv('1,,3\n4,5,6\n'), 'BAD_DATASET', /line 1, column 2: the cell is empty/);
  // Explicit settings win over detection.
  assert.equal(parseCsv('1,2\n3,4\n', { header: true }).rowCount, 1);
  assert.deepEqual(parseCsv('1,2\n3,4\n', { header: true }).header, ['1', '2']);
});

test('numeric and named labels: class names are sorted by code units, numbers are used as they are, mixed columns are names', () => {
  assert.equal(classNamesOf(['3', '1', '0']), null);
  assert.deepEqual(classNamesOf(['b', 'a', 'B', 'a']), ['B', 'a', 'b']);
  assert.deepEqual(classNamesOf(['10', 'x', '2']), ['10', '2', 'x']);
  assert.deepEqual(Array.from(encodeClassLabels(['3', '1', '0', '2.0'], String).labels), [3, 1, 0, 2]);
  throwsRgp(() => encodeClassLabels(['1', '2.5'], (i) => `f.csv line ${i + 2}`), 'BAD_DATASET', /f\.csv line 3: label 2\.5 is not a class index/);
  throwsRgp(() => encodeClassLabels(['1', '-1'], (i) => `row ${i}`), 'BAD_DATASET', /row 1: label -1/);
  // Given names fix the order; an unknown name is an error that lists them.
  const enc = encodeClassLabels(['dog', 'cat'], String, ['dog', 'cat']);
  assert.deepEqual(Array.from(enc.labels), [0, 1]);
  throwsRgp(() => encodeClassLabels(['dog', 'cow'], (i) => `line ${i + 1}`, ['dog', 'cat']), 'BAD_DATASET', /line 2: label "cow" is not one of the 2 classes \("dog", "cat"\)/);
});

test('errors name the line and column: non-numeric cell, ragged row, empty file, header only, bad quoting, unknown label column', () => {
  throwsRgp(() => parseCsv('a,b,c\n1,2,x\n3,oops,y\n', { labelColumn: 'c', name: 'd.csv' }), 'BAD_DATASET', /d\.csv line 3, column 2 \("b"\): "oops" is not a number/);
  throwsRgp(() => parseCsv('1,2,3\n4,5\n', { name: 'r.csv' }), 'BAD_DATASET', /r\.csv line 2 has 2 fields, but the first row has 3/);
  throwsRgp(() => parseCsv('a,b\n1,2\n3,4,5\n'), 'BAD_DATASET', /line 3 has 3 fields, but the header \(line 1\) has 2/);
  throwsRgp(() => parseCsv('', { name: 'e.csv' }), 'BAD_DATASET', /e\.csv is empty/);
  throwsRgp(() => parseCsv(' \n\n'), 'BAD_DATASET', /is empty/);
  throwsRgp(() => parseCsv('a,b\n', { header: true }), 'BAD_DATASET', /header row but no data rows/);
  throwsRgp(() => parseCsv('1,2\n"3,4\n5,6\n'), 'BAD_DATASET', /line 2, column 1: a quoted field is never closed/);
  throwsRgp(() => parseCsv('1,2\n3,4"x\n'), 'BAD_DATASET', /line 2, column 2: a double quote inside an unquoted field/);
  throwsRgp(() => parseCsv('1,"2"x\n'), 'BAD_DATASET', /line 1, column 2: unexpected "x" after the closing quote/);
  throwsRgp(() => parseCsv('a,b\n1,2\n', { labelColumn: 'B' }), 'BAD_DATASET', /no column named "B"; its columns are "a", "b"/);
  throwsRgp(() => parseCsv('1,2\n3,4\n', { labelColumn: 'b' }), 'BAD_DATASET', /no header row/);
  throwsRgp(() => parseCsv('1,2\n3,4\n', { labelColumn: 2 }), 'BAD_DATASET', /2 columns, so there is no label column 2/);
  throwsRgp(() => parseCsv('1e999,2\n3,4\n'), 'BAD_DATASET', /line 1, column 1: 1e999 is too large/);
  // A decimal comma in a semicolon file gets its own hint.
  assert.throws(() => parseCsv('a;b\n1,5;2\n'), (e: unknown) => isRgpError(e) && /1,5/.test(e.message) && /decimals with a point/.test(e.hint ?? ''));
});

test('a line number after a quoted field that spans lines still points at the right line', () => {
  throwsRgp(() => parseCsv('x,note,y\n1,"a\nb\nc",2\n3,4,zz\n', { labelColumn: 'note' }), 'BAD_DATASET', /line 5, column 3 \("y"\): "zz"/);
});

test('the real MNIST digits written as CSV read back to exactly the IDX pixels and labels', async () => {
  const images = parseIdx(await readMaybeGzip(join(MNIST, 't10k-images-idx3-ubyte.gz')));
  const labels = parseIdx(await readMaybeGzip(join(MNIST, 't10k-labels-idx1-ubyte.gz')));
  const ds = pairImagesLabels(images, labels);
  const n = 500;
  const names = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
  const rows = [['"digit"', ...Array.from({ length: 784 }, (_, j) => `px${j}`)].join(',')];
  for (let i = 0; i < n; i++) rows.push([`"${names[ds.labels[i]!]}"`, ...ds.images.subarray(i * 784, (i + 1) * 784)].join(','));
  const t = parseCsv(rows.join('\r\n') + '\r\n', { labelColumn: 'digit', name: 'mnist500.csv' });
  assert.equal(t.rowCount, n);
  assert.equal(t.featureCount, 784);
  assert.deepEqual(t.features, Float32Array.from(ds.images.subarray(0, n * 784)));
  const enc = encodeClassLabels(t.labelCells!, String);
  assert.deepEqual(enc.classNames, [...names].sort());
  for (let i = 0; i < n; i++) assert.equal(enc.classNames![enc.labels[i]!], names[ds.labels[i]!]);
});

test('a long parse stops when cancelled', () => {
  const text = Array.from({ length: 10000 }, (_, i) => `${i},${i % 3}`).join('\n');
  const src = new CancelSource();
  src.cancel();
  assert.throws(() => parseCsv(text, { signal: src }), (e: unknown) => isRgpError(e) && e.code === 'CANCELLED');
});
