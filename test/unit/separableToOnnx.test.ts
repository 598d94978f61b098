/**
 * Keras DepthwiseConv2D / SeparableConv2D → ONNX (issue 12): the shared mini-Xception .h5 (Keras 2.0.5,
 * eight SeparableConv2D) converts with `rgp convert --to onnx`, and onnxruntime computes what an independent
 * forward pass computes — test/fixtures/keras/keras_forward.py, h5py + torch with groups = C_in, no RGP code.
 * depth_multiplier, strides, dilation, same/valid padding, biases and activations (which mini-Xception does
 * not use) are checked against tfjs on a model tfjs writes itself. Then `rgp prune model.h5 --compact` works
 * for mini-Xception: the depthwise kernels stay dense, the compact model equals the masked one.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { onnx } from 'onnx-proto';
import { quietContext, neverCancelled } from '../../src/core/job';
import { selectBackend } from '../../src/core/train/backend';
import { convertModel } from '../../src/jobs/convertModel';
import { layersFolderToOnnx } from '../../src/formats/onnx/fromLayers';
import { loadLayersModelFromFolder, saveLayersModelToFolder } from '../../src/io/tfjsModelFolder';
import { openModel } from '../../src/formats';
import { runCliBatch } from '../fixtures/runCli';
import { runOnnx, seededFloats } from '../fixtures/onnxModels';
import { SHARED_DATA } from '../fixtures/sharedData';
import type { PruneSummary } from '../../src/core/prune/report';
import type { CompactSummary } from '../../src/jobs/compactModel';

const XCEPTION = path.join(SHARED_DATA, 'models', 'keras2.0.5_func_mini_xception_bn.h5');
const FORWARD = path.join(__dirname, '..', 'fixtures', 'keras', 'keras_forward.py');

let dir: string;
before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'rgp-separable-'));
  await selectBackend({ prefer: 'cpu' });
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** The independent forward pass of a .h5 on `x` (N×H×W×C). */
function reference(h5: string, x: Float32Array, dims: [number, number, number, number]): Float32Array {
  const inFile = path.join(dir, 'ref-in.f32'), outFile = path.join(dir, 'ref-out.f32');
  writeFileSync(inFile, Buffer.from(x.buffer, x.byteOffset, x.byteLength));
  execFileSync('/usr/bin/python3', [FORWARD, h5, inFile, ...dims.map(String), outFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  const b = readFileSync(outFile);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

function assertClose(got: Float32Array | readonly number[], want: Float32Array | readonly number[], tol: number, what: string): void {
  assert.equal(got.length, want.length, what);
  let scale = 1e-6;
  for (const v of want) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
  assert.ok(worst <= tol * scale, `${what}: max |diff| ${worst} > ${tol} × ${scale}`);
}

test('rgp convert mini-Xception (.h5, SeparableConv2D) --to onnx: onnxruntime equals an independent h5py + torch forward pass', async () => {
  const out = path.join(dir, 'xception-onnx');
  const s = await convertModel(XCEPTION, { to: 'onnx', out }, quietContext);
  assert.deepEqual(s.files, ['model.onnx']);
  const m = onnx.ModelProto.decode(readFileSync(path.join(out, 'model.onnx')));
  const grouped = m.graph!.node!.filter((n) => n.opType === 'Conv' && (n.attribute ?? []).some((a) => a.name === 'group' && Number(a.i) > 1));
  assert.equal(grouped.length, 8, 'one depthwise Conv per SeparableConv2D');
  const dims: [number, number, number, number] = [2, 64, 64, 1];
  const x = seededFloats(2 * 64 * 64, 21).map((v) => (v + 1) / 2);
  const got = await runOnnx(path.join(out, 'model.onnx'), x, dims);
  assert.deepEqual([...got.dims], [2, 7]);
  const want = reference(XCEPTION, x, dims);
  assertClose(got.data, want, 1e-4, 'mini-Xception class probabilities');
  assert.ok(Math.max(...want) - Math.min(...want) > 0.01, 'the reference outputs are not degenerate');
});

test('DepthwiseConv2D / SeparableConv2D with depth_multiplier, strides, dilation, padding, bias and activation convert exactly (vs tfjs)', async () => {
  const model = tf.sequential({
    layers: [
      tf.layers.depthwiseConv2d({ inputShape: [11, 10, 3], kernelSize: 3, depthMultiplier: 2, strides: 2, padding: 'same', useBias: true, activation: 'relu', biasInitializer: 'randomNormal', name: 'dw' }),
      tf.layers.separableConv2d({ filters: 5, kernelSize: [3, 2], depthMultiplier: 2, dilationRate: 2, padding: 'same', useBias: true, activation: 'tanh', biasInitializer: 'randomNormal', name: 'sep_dilated' }),
      tf.layers.separableConv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'valid', useBias: false, name: 'sep_strided' }),
      tf.layers.depthwiseConv2d({ kernelSize: 1, depthMultiplier: 3, padding: 'valid', useBias: false, name: 'dw_pointwise' }),
      tf.layers.flatten({ name: 'flat' }),
      tf.layers.dense({ units: 3, name: 'out' }),
    ],
  });
  const folder = path.join(dir, 'tfjs-separable');
  await saveLayersModelToFolder(model, folder);
  // tfjs 4.22 leaves depth_multiplier out of a SeparableConv2D's saved config (its getConfig omits it), so
  // the file would describe multiplier 1 with weights for 2; write it in as Keras does.
  const jsonPath = path.join(folder, 'model.json');
  const json = JSON.parse(readFileSync(jsonPath, 'utf8'));
  for (const l of json.modelTopology.config.layers) if (l.config.name === 'sep_dilated') l.config.depth_multiplier = 2;
  writeFileSync(jsonPath, JSON.stringify(json));
  const bytes = await layersFolderToOnnx(jsonPath);
  const x = seededFloats(2 * 11 * 10 * 3, 5);
  // The reference: tfjs running the saved folder (and the in-memory model it came from).
  const loaded = await loadLayersModelFromFolder(folder);
  const want = (loaded.predict(tf.tensor(x, [2, 11, 10, 3])) as tf.Tensor).dataSync();
  assert.deepEqual(Array.from(want), Array.from((model.predict(tf.tensor(x, [2, 11, 10, 3])) as tf.Tensor).dataSync()), 'the saved folder is the model');
  const got = await runOnnx(bytes, x, [2, 11, 10, 3]);
  assertClose(got.data, Array.from(want), 1e-5, 'outputs');
  model.dispose();
  loaded.dispose();
  // The layer graph of the saved model agrees on the shapes the ONNX graph produced.
  const g = (await openModel(path.join(folder, 'model.json'), { signal: neverCancelled })).graph;
  assert.deepEqual(g.byName.get('dw_pointwise')!.outputShape, [2, 2, 12]);
});

test('rgp prune mini-Xception --compact and rgp compact: depthwise kernels stay dense, the compact model equals the masked model', async () => {
  const out = path.join(dir, 'xception-pruned');
  const [prune, compact] = runCliBatch([
    ['prune', XCEPTION, '--ratio', '0.75', '--search-swaps', '100', '--out', out, '--compact', '--quiet', '--json'],
    ['compact', out, '--form', 'conv-gather-sum', '--out', path.join(dir, 'again.onnx'), '--quiet'],
  ]);
  assert.equal(prune.code, 0, prune.stderr);
  const s = JSON.parse(prune.stdout) as PruneSummary & { compact: CompactSummary };
  const masked = s.layers.filter((l) => l.role === 'masked');
  assert.ok(masked.some((l) => l.className === 'SeparableConv2D'));
  for (const l of masked.filter((x) => x.className === 'SeparableConv2D')) assert.equal(l.masked!.variable, 'pointwise_kernel');
  assert.equal(s.compact.sourceFormat, 'keras');
  assert.equal(s.compact.layers.length, masked.length);
  assert.equal(compact.code, 0, compact.stderr);
  const again = JSON.parse(compact.stdout) as CompactSummary;
  assert.ok(again.layers.every((l) => l.form === 'conv-gather-sum'));

  // The depthwise kernels of the pruned file are the original's, byte for byte (h5py reads both).
  const py = `
import h5py, sys, hashlib, numpy as np
def dw(p):
    out = {}
    f = h5py.File(p, 'r')
    f['model_weights'].visititems(lambda n, o: out.__setitem__(n, hashlib.sha256(np.ascontiguousarray(o[()]).tobytes()).hexdigest()) if isinstance(o, h5py.Dataset) and 'depthwise_kernel' in n else None)
    return out
a, b = dw(sys.argv[1]), dw(sys.argv[2])
print(len(a), int(a == b))`;
  assert.equal(execFileSync('/usr/bin/python3', ['-c', py, XCEPTION, path.join(out, 'model.h5')]).toString().trim(), '8 1');

  // The compact model (and the one rgp compact wrote with a fixed form) computes the masked model, as the
  // independent forward pass of the pruned .h5 gives it.
  const dims: [number, number, number, number] = [2, 64, 64, 1];
  const x = seededFloats(2 * 64 * 64, 4).map((v) => (v + 1) / 2);
  const want = reference(path.join(out, 'model.h5'), x, dims);
  const dense = reference(XCEPTION, x, dims);
  assert.ok(want.some((v, i) => Math.abs(v - dense[i]) > 1e-4), 'masking changed the outputs');
  assertClose((await runOnnx(s.compact.outputPath, x, dims)).data, want, 1e-4, 'model.compact.onnx');
  assertClose((await runOnnx(path.join(dir, 'again.onnx'), x, dims)).data, want, 1e-4, 'rgp compact --form conv-gather-sum');
});
