/**
 * Deep JSON from users (issue 14, items 9 and 14): the depth checks see through strings, stop early, and
 * the editor analysis answers a 100,000-deep model.json with one problem instead of a stack overflow.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkJsonDepth, deeperThan, MAX_JSON_DEPTH, textNestingDepth } from '../../src/core/jsonDepth';
import { analyseModelText } from '../../src/vscode/modelJsonText';
import { throwsRgp } from './rgpAssert';

const nested = (n: number) => '['.repeat(n) + ']'.repeat(n);

test('textNestingDepth counts brackets outside strings only', () => {
  assert.equal(textNestingDepth('{"a": [1, {"b": []}]}'), 4);
  assert.equal(textNestingDepth('{"a": "[[[[[\\"[[[["}'), 1, 'an escaped quote does not end the string');
  assert.equal(textNestingDepth('{"a": "\\\\", "b": [[]]}'), 3, 'an escaped backslash does');
  assert.equal(textNestingDepth('"{{{{"'), 0);
  assert.equal(textNestingDepth(nested(100000)), MAX_JSON_DEPTH + 1, 'stops just past the limit');
});

test('deeperThan and checkJsonDepth walk parsed values without recursion', () => {
  const deep = JSON.parse(nested(100000));
  assert.equal(deeperThan(deep, MAX_JSON_DEPTH), true);
  assert.equal(deeperThan(JSON.parse(nested(MAX_JSON_DEPTH)), MAX_JSON_DEPTH), false);
  assert.equal(deeperThan({ a: [{ b: 1 }] }, 3), false);
  assert.equal(deeperThan({ a: [{ b: [] }] }, 3), true);
  throwsRgp(() => checkJsonDepth(deep, 'model.json'), 'BAD_MODEL', /model\.json nests more than 256 levels/);
});

test('the editor analysis of a 100,000-deep model.json reports one problem and does not throw', () => {
  const text = `{"modelTopology": {"class_name": "Sequential", "config": {"layers": ${nested(100000)}}}, "weightsManifest": []}`;
  const a = analyseModelText(text, { keepFirst: true, keepLast: true });
  assert.ok(a);
  assert.match(a.problem ?? '', /nests more than 256 levels/);
  assert.deepEqual(a.layers, []);
});
