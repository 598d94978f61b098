/**
 * Keras `.keras` and legacy `.h5` on the real files in /work/shared/data/models (written by Keras 3.15,
 * 3.5, tf.keras 2.15, Keras 2.10 and 2.0.5): inspect, prune, round-trip, and the independent check of every
 * pruned file with Debian's h5py (test/fixtures/keras/check_pruned.py), a different HDF5 reader than ours.
 */
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quietContext } from '../../src/core/job';
import { openModel } from '../../src/formats';
import { inspectModel } from '../../src/jobs/inspectModel';
import { pruneModel } from '../../src/jobs/pruneModel';
import { SHARED_DATA } from '../fixtures/sharedData';

const MODELS = `${SHARED_DATA}/models`;
const CHECK = join(__dirname, '..', 'fixtures', 'keras', 'check_pruned.py');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rgp-keras-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
const signal = quietContext.signal;

/** Every float32 weight of a file as h5py reads it: dataset count and total entries under the layer groups. */
function h5pyWeightCount(file: string): number {
  const py = `
import h5py, io, sys, zipfile
p = sys.argv[1]
f = h5py.File(io.BytesIO(zipfile.ZipFile(p).read('model.weights.h5')), 'r') if p.endswith('.keras') else h5py.File(p, 'r')
root = f['layers'] if p.endswith('.keras') else f['model_weights']
n = []
root.visititems(lambda name, o: n.append(o.size) if isinstance(o, h5py.Dataset) else None)
print(sum(n))`;
  return Number(execFileSync('/usr/bin/python3', ['-c', py, file]).toString().trim());
}

interface Case {
  file: string;
  format: 'keras' | 'h5';
  /** As metadata.json or the keras_version attribute says. */
  version: string;
  params: number;
  classes: Record<string, number>;
  /** Prune options that give this model maskable layers (its own first/last stay dense where possible). */
  prune: { groups: number; keepFirst?: boolean; keepLast?: boolean };
  masked: number;
}

// Parameter counts from the files' provenance (Keras' own model.summary()) where it gives them; all are
// also checked against h5py's count of stored entries.
const CASES: Case[] = [
  { file: 'keras3_seq_cnn_mnist.keras', format: 'keras', version: '3.15.1', params: 225_034, classes: { Conv2D: 2, Dense: 2 }, prune: { groups: 8 }, masked: 2 },
  { file: 'keras3_seq_mlp_mnist.keras', format: 'keras', version: '3.5.0', params: 101_770, classes: { Dense: 2 }, prune: { groups: 8, keepFirst: false, keepLast: false }, masked: 2 },
  { file: 'tfkeras2.15_func_resnet1d_add.keras', format: 'keras', version: '2.15.0', params: 192_739, classes: { Conv1D: 12, BatchNormalization: 9, Add: 3, Dense: 1 }, prune: { groups: 8 }, masked: 10 },
  { file: 'keras2.10_seq_cnn_mnist.h5', format: 'h5', version: '2.10.0', params: 129_066, classes: { Conv2D: 2, Dense: 4 }, prune: { groups: 8 }, masked: 4 },
  { file: 'keras2.0.5_func_mini_xception_bn.h5', format: 'h5', version: '2.0.5', params: 58_423, classes: { SeparableConv2D: 8, BatchNormalization: 14, Add: 4 }, prune: { groups: 8 }, masked: 13 },
];

for (const c of CASES) {
  const file = join(MODELS, c.file);

  test(`${c.file}: inspect gives the layers and parameters Keras stored`, async () => {
    const s = await inspectModel(file, quietContext);
    assert.equal(s.format, c.format);
    assert.equal(s.totalParams, c.params);
    assert.equal(s.totalParams, h5pyWeightCount(file), 'h5py counts the same stored entries');
    for (const [cls, n] of Object.entries(c.classes)) assert.equal(s.layers.filter((l) => l.className === cls).length, n, cls);
    assert.deepEqual(s.unassignedWeights, []);
    assert.equal(s.kerasVersion, c.version);
    const m = await openModel(file, { signal });
    assert.deepEqual(m.graph.unknownLayers, []);
    assert.ok(m.graph.macsComplete, 'every layer of these models has known MACs');
  });

  test(`${c.file}: round trip read → write → read gives identical weights and config`, async () => {
    const a = await openModel(file, { signal });
    const out = join(dir, 'rt');
    mkdirSync(out);
    await a.write(out, signal);
    const written = join(out, a.outputFiles()[0]);
    const b = await openModel(written, { signal });
    assert.equal(b.graph.layers.length, a.graph.layers.length);
    assert.deepEqual(b.graph.weightIndex.all.map((w) => [w.spec.name, w.spec.shape]), a.graph.weightIndex.all.map((w) => [w.spec.name, w.spec.shape]));
    for (const w of a.graph.weightIndex.all) {
      const x = a.weightBytes(w), y = b.weightBytes(b.graph.weightIndex.all.find((v) => v.spec.name === w.spec.name)!);
      assert.ok(Buffer.from(x.bytes.subarray(x.byteOffset, x.byteOffset + w.bytes)).equals(Buffer.from(y.bytes.subarray(y.byteOffset, y.byteOffset + w.bytes))), w.spec.name);
    }
    if (c.format === 'h5') assert.equal(sha(written), sha(file), 'an unchanged .h5 is written back byte for byte');
  });

  test(`${c.file}: prune writes a ${c.format === 'keras' ? '.keras' : '.h5'} that h5py reads as the original under the RGP mask`, async () => {
    const before = sha(file);
    const out = join(dir, 'pruned');
    const s = await pruneModel(file, { ratio: 0.75, ...c.prune, searchSwaps: 200, seed: 5, out }, quietContext);
    assert.equal(sha(file), before, 'the input is untouched');
    assert.equal(s.modelFormat, c.format);
    assert.equal(s.maskedLayers.length, c.masked);
    assert.ok(s.ratio.params > 0.3 && s.ratio.params < 0.75, `params −${s.ratio.params}`);
    const model = join(out, c.format === 'keras' ? 'model.keras' : 'model.h5');
    assert.ok(existsSync(model) && existsSync(join(out, 'masks.json')) && existsSync(join(out, 'report.json')));
    const report = JSON.parse(execFileSync('/usr/bin/python3', [CHECK, file, model, join(out, 'masks.json')]).toString()) as {
      errors: string[]; masked: Record<string, { keptEqual: boolean; droppedZero: boolean; fanInEqual: boolean | null }>; changed: string[];
    };
    assert.deepEqual(report.errors, []);
    assert.deepEqual(Object.keys(report.masked).sort(), [...s.maskedLayers].sort());
    for (const [layer, m] of Object.entries(report.masked)) {
      assert.ok(m.keptEqual && m.droppedZero, layer);
      assert.notEqual(m.fanInEqual, false, `${layer} has equal fan-in`);
    }
    // Reading our own output gives the zeros the report counts.
    const back = await inspectModel(model, quietContext);
    assert.equal(back.totalParams, c.params);
    for (const l of back.layers.filter((x) => s.maskedLayers.includes(x.name))) {
      const kernel = l.weights.find((w) => /(^|\/)(kernel|pointwise_kernel)$/.test(w.name))!;
      const entries = kernel.shape.reduce((p, d) => p * d, 1);
      assert.ok((l.zeroFraction ?? 0) * l.params >= 0.75 * entries, `${l.name}: at least 75 % of its kernel reads back as zeros`);
    }
  });
}

test('keras3_seq_cnn_mnist.keras: Adam moments are zeroed exactly where kernels were, iterations kept', async () => {
  const file = join(MODELS, 'keras3_seq_cnn_mnist.keras');
  const out = join(dir, 'pruned');
  await pruneModel(file, { ratio: 0.75, groups: 8, searchSwaps: 100, seed: 2, out }, quietContext);
  const py = `
import h5py, io, sys, zipfile, json, numpy as np
o = h5py.File(io.BytesIO(zipfile.ZipFile(sys.argv[1]).read('model.weights.h5')), 'r')
p = h5py.File(io.BytesIO(zipfile.ZipFile(sys.argv[2]).read('model.weights.h5')), 'r')
res = {}
for k in ['0', '1']: res['scalar' + k] = bool(o['optimizer/vars/' + k][()] == p['optimizer/vars/' + k][()])
# Keras 3 Adam: vars 2.. are (momentum, velocity) per trainable variable in layer order; conv2d_1's kernel is the 3rd.
kernel = p['layers/conv2d_1/vars/0'][()]
for k in ['6', '7']:
    m = p['optimizer/vars/' + k][()]
    res['zeroWhereKernelZero' + k] = bool(np.all(m[kernel == 0] == 0))
    res['keptWhereKernelKept' + k] = bool(np.array_equal(m[kernel != 0], o['optimizer/vars/' + k][()][kernel != 0]))
print(json.dumps(res))`;
  const r = JSON.parse(execFileSync('/usr/bin/python3', ['-c', py, file, join(out, 'model.keras')]).toString()) as Record<string, boolean>;
  assert.deepEqual(Object.values(r).every(Boolean), true, JSON.stringify(r));
});

test('the same seed prunes a .keras to the same bytes', async () => {
  const file = join(MODELS, 'tfkeras2.15_func_resnet1d_add.keras');
  const run = async (name: string) => {
    await pruneModel(file, { ratio: 0.75, groups: 8, searchSwaps: 100, seed: 9, out: join(dir, name) }, quietContext);
    return sha(join(dir, name, 'model.keras'));
  };
  assert.equal(await run('a'), await run('b'));
});
