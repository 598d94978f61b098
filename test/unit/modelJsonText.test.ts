/**
 * model.json as editor text: detection by content, where each layer's name and class are written (on a
 * minified one-line file and on pretty-printed ones of both topology styles), and the hover's numbers,
 * which must be the layer graph's (the same as `rgp inspect` and the prune report).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { analyseModelText, layerAt, MAX_MODEL_TEXT_CHARS } from '../../src/vscode/modelJsonText';
import { layerHoverMarkdown } from '../../src/vscode/layerHoverText';

const ROOT = path.join(__dirname, '..', '..');
const EXAMPLE = readFileSync(path.join(ROOT, 'examples', 'mnist-mlp', 'model', 'model.json'), 'utf8');
const DEFAULTS = { keepFirst: true, keepLast: true };

test('the minified example model: every layer found at its name, with exact params, MACs and roles', () => {
  const a = analyseModelText(EXAMPLE, DEFAULTS);
  assert.ok(a && !a.problem, a?.problem);
  assert.deepEqual(a.layers.map((l) => [l.name, l.className]), [['dense_1', 'Dense'], ['dense_2', 'Dense'], ['dense_3', 'Dense']]);
  const at = EXAMPLE.indexOf('"dense_2"');
  const hit = layerAt(a, at + 3);
  assert.equal(hit?.layer.name, 'dense_2');
  assert.equal(EXAMPLE.slice(hit.anchor.offset, hit.anchor.offset + hit.anchor.length), '"dense_2"');
  assert.equal(hit.layer.node?.params, 256 * 128 + 128);
  assert.equal(hit.layer.node?.macs, 256 * 128);
  assert.deepEqual(hit.layer.kernel, { variable: 'kernel', shape: [256, 128] });
  assert.deepEqual(a.layers.map((l) => l.decision?.role), ['first', 'masked', 'last']);
  assert.equal(a.maxGroups, 128);
  // Between layers (a key, a number) nothing answers.
  assert.equal(layerAt(a, EXAMPLE.indexOf('"units"') + 2), undefined);
  // The class_name string answers too, for the layer it belongs to.
  const cls = layerAt(a, EXAMPLE.indexOf('"Dense"', EXAMPLE.indexOf('dense_1')) + 1);
  assert.equal(cls?.layer.name, 'dense_2');

  const md = layerHoverMarkdown(hit.layer, a);
  assert.match(md, /\| parameters \| 32,896 \|/);
  assert.match(md, /\| MACs per example \| 32,768 \|/);
  assert.match(md, /\| output \| \(batch, 128\) \|/);
  assert.match(md, /\| kernel \| 256 × 128 \|/);
  assert.match(md, /masked — its 256 input and 128 output channels/);
  assert.match(layerHoverMarkdown(a.layers[0], a), /kept dense — it is the first maskable layer/);
  assert.match(layerHoverMarkdown(a.layers[2], a), /kept dense — it is the last maskable layer/);
});

test('settings change the roles: with first and last masked, every Dense is masked', () => {
  const a = analyseModelText(EXAMPLE, { keepFirst: false, keepLast: false })!;
  assert.deepEqual(a.layers.map((l) => l.decision?.role), ['masked', 'masked', 'masked']);
  assert.equal(a.maxGroups, 10);
});

test('JSON that is not a layers model is not analysed: other JSON, graph models, oversized text', () => {
  assert.equal(analyseModelText(readFileSync(path.join(ROOT, 'test', 'fixtures', 'not-a-model.json'), 'utf8'), DEFAULTS), undefined);
  assert.equal(analyseModelText(JSON.stringify({ format: 'graph-model', modelTopology: { node: [] }, weightsManifest: [] }), DEFAULTS), undefined);
  // The keys must be the top-level object's, not strings somewhere inside.
  assert.equal(analyseModelText(JSON.stringify({ notes: ['"modelTopology"', '"weightsManifest"'] }), DEFAULTS), undefined);
  const padded = EXAMPLE.replace(/\}$/, `,"pad":"${'x'.repeat(MAX_MODEL_TEXT_CHARS)}"}`);
  assert.equal(analyseModelText(padded, DEFAULTS), undefined);
});

test('pretty-printed converter and Keras 3 files: names found in model_config and at the layer level', () => {
  const text = JSON.stringify(
    {
      format: 'layers-model',
      modelTopology: {
        model_config: {
          class_name: 'Functional',
          config: {
            name: 'k3',
            layers: [
              { class_name: 'InputLayer', name: 'in', config: { name: 'in', batch_shape: [null, 8] }, inbound_nodes: [] },
              {
                class_name: 'Dense',
                name: 'fc',
                config: { name: 'fc', units: 4 },
                inbound_nodes: [{ args: [{ class_name: '__keras_tensor__', config: { keras_history: ['in', 0, 0] } }], kwargs: {} }],
              },
            ],
            input_layers: ['in', 0, 0],
            output_layers: ['fc', 0, 0],
          },
        },
      },
      weightsManifest: [{ paths: ['w.bin'], weights: [{ name: 'fc/kernel', shape: [8, 4], dtype: 'float32' }, { name: 'fc/bias', shape: [4], dtype: 'float32' }] }],
    },
    null,
    2,
  );
  const a = analyseModelText(text, DEFAULTS)!;
  assert.equal(a.problem, undefined);
  const fc = a.layers[1];
  assert.equal(fc.anchors.length, 3, 'config.name, the layer-level name and class_name');
  for (const s of fc.anchors) assert.equal(layerAt(a, s.offset + 1)?.layer.name, 'fc');
  assert.equal(fc.node?.macs, 32);
  // The only Dense is both first and last: nothing would be masked, and the hover says so.
  assert.match(a.nothingMasked ?? '', /No layer of this model would be masked/);
  assert.match(layerHoverMarkdown(fc, a), /kept dense — with the current settings no layer of this model is masked/);
});

test('a model file with a problem is still recognised, and the problem is reported', () => {
  const broken = EXAMPLE.replace('"name":"dense_3"', '"name":"dense_2"');
  const a = analyseModelText(broken, DEFAULTS)!;
  assert.match(a.problem ?? '', /two layers are both named "dense_2"/);
  assert.equal(a.layers.length, 3, 'the positions are known even so');
  assert.match(layerHoverMarkdown(a.layers[0], a), /RGP cannot read this model/);
  const truncated = analyseModelText(EXAMPLE.slice(0, EXAMPLE.indexOf('"weightsManifest"') + 40), DEFAULTS)!;
  assert.match(truncated.problem ?? '', /not valid JSON/);
});
