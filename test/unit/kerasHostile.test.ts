/**
 * Hostile and broken Keras files, made from the real shared ones (fflate for the zip, Debian's h5py for
 * HDF5 edits): each is one clear RgpError (the CLI prints one line and exits 2), nothing is written and the
 * input is untouched. Unknown, custom and Lambda layers are not errors: only their own layers stay dense,
 * and nothing of them is ever executed (RGP has no code path that evaluates a config).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, unzipSync, zipSync, type Zippable } from 'fflate';
import { quietContext } from '../../src/core/job';
import { inspectModel } from '../../src/jobs/inspectModel';
import { pruneModel } from '../../src/jobs/pruneModel';
import { rejectsRgp } from './rgpAssert';
import { SHARED_DATA } from '../fixtures/sharedData';

const MODELS = `${SHARED_DATA}/models`;
const CNN = join(MODELS, 'keras3_seq_cnn_mnist.keras');
const MLP = join(MODELS, 'keras3_seq_mlp_mnist.keras');
const H5 = join(MODELS, 'keras2.10_seq_cnn_mnist.h5');
const ROOT = join(__dirname, '..', '..');

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'rgp-keras-hostile-'));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

type Entries = Record<string, Uint8Array>;
let edits = 0;
const entriesOf = (file: string): Entries => unzipSync(readFileSync(file));
const zipOf = (e: Entries): Uint8Array => zipSync(Object.fromEntries(Object.entries(e).map(([k, v]) => [k, [v, { level: 0 }]])) as Zippable);
const editConfig = (e: Entries, edit: (c: any) => void): Entries => {
  const c = JSON.parse(new TextDecoder().decode(e['config.json']));
  edit(c);
  return { ...e, 'config.json': strToU8(JSON.stringify(c)) };
};
const layerNamed = (c: any, name: string) => c.config.layers.find((l: any) => l.config.name === name);

/** Runs Python (h5py) on `file` in place: `f` is the open HDF5 file. */
function h5py(file: string, body: string): void {
  execFileSync('/usr/bin/python3', ['-c', `import h5py, numpy as np, json, sys\nf = h5py.File(sys.argv[1], 'r+')\n${body}\nf.close()`, file]);
}

/** A .keras whose model.weights.h5 is edited by h5py. */
function editKerasH5(src: string, body: string, config?: (c: any) => void): Uint8Array {
  const e = entriesOf(src);
  const h5 = join(dir, `edit-${++edits}.h5`);
  writeFileSync(h5, e['model.weights.h5']);
  h5py(h5, body);
  const edited = { ...e, 'model.weights.h5': new Uint8Array(readFileSync(h5)) };
  return zipOf(config ? editConfig(edited, config) : edited);
}

function editH5(src: string, body: string): Uint8Array {
  const h5 = join(dir, `edit-${++edits}.h5`);
  copyFileSync(src, h5);
  h5py(h5, body);
  return new Uint8Array(readFileSync(h5));
}

/** A zip whose central directory claims `size` inflated bytes for its first entry. */
function lyingSize(bytes: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(bytes);
  const v = new DataView(out.buffer);
  for (let i = out.length - 22; i >= 0; i--) {
    if (v.getUint32(i, true) !== 0x06054b50) continue;
    const cd = v.getUint32(i + 16, true);
    v.setUint32(cd + 24, size, true);
    return out;
  }
  throw new Error('no end of central directory');
}

interface Case {
  name: string;
  ext: '.keras' | '.h5';
  make: () => Uint8Array;
  code: string;
  message: RegExp;
}

const CASES: Case[] = [
  { name: 'a truncated .keras', ext: '.keras', make: () => readFileSync(CNN).subarray(0, 1_000_000), code: 'BAD_MODEL', message: /not a readable \.keras archive/ },
  { name: 'a truncated .h5', ext: '.h5', make: () => readFileSync(H5).subarray(0, 800_000), code: 'BAD_MODEL', message: /not a readable HDF5 file/ },
  { name: 'a .keras whose model.weights.h5 is truncated', ext: '.keras', make: () => { const e = entriesOf(MLP); return zipOf({ ...e, 'model.weights.h5': e['model.weights.h5'].subarray(0, 600_000) }); }, code: 'BAD_MODEL', message: /model\.weights\.h5 is not a readable HDF5 file/ },
  { name: 'a zip entry named ../', ext: '.keras', make: () => zipOf({ ...entriesOf(MLP), '../evil.txt': strToU8('x') }), code: 'UNSAFE_PATH', message: /"\.\.\/evil\.txt".*outside the archive/ },
  { name: 'an absolute zip entry', ext: '.keras', make: () => zipOf({ ...entriesOf(MLP), '/etc/evil': strToU8('x') }), code: 'UNSAFE_PATH', message: /outside the archive/ },
  { name: 'a zip bomb (3 GiB declared)', ext: '.keras', make: () => lyingSize(zipSync({ 'config.json': [new Uint8Array(1 << 20), { level: 9 }] }), 3 * 1024 ** 3), code: 'BAD_MODEL', message: /inflate to more than 2 GiB/ },
  { name: 'a .keras that is JSON text', ext: '.keras', make: () => strToU8('{"not": "a zip"}'), code: 'BAD_MODEL', message: /zip directory cannot be read/ },
  { name: 'a .keras without config.json', ext: '.keras', make: () => { const { ['config.json']: _, ...rest } = entriesOf(MLP); return zipOf(rest); }, code: 'NOT_A_MODEL', message: /has no config\.json/ },
  { name: 'a config nested 100,000 deep', ext: '.keras', make: () => zipOf({ ...entriesOf(MLP), 'config.json': strToU8('['.repeat(100_000) + ']'.repeat(100_000)) }), code: 'BAD_MODEL', message: /nested \d+ levels deep/ },
  { name: 'weights whose shapes disagree with the config', ext: '.keras', make: () => zipOf(editConfig(entriesOf(MLP), (c) => (layerNamed(c, 'dense').config.units = 64))), code: 'BAD_MODEL', message: /"dense".*\[784, 128\].*implies \[784, 64\]/ },
  { name: 'a layer with more weights than its config', ext: '.keras', make: () => zipOf(editConfig(entriesOf(MLP), (c) => (layerNamed(c, 'dense').config.use_bias = false))), code: 'BAD_MODEL', message: /"dense" \(Dense\) has 2 weights.*implies 1/ },
  { name: 'weights of a differently named layer (Keras ≥ 3.6 names its groups)', ext: '.keras', make: () => zipOf(editConfig(entriesOf(CNN), (c) => (layerNamed(c, 'conv2d_1').config.name = 'conv_b'))), code: 'BAD_MODEL', message: /holds the weights of "conv2d_1".*"conv_b"/ },
  {
    name: 'float16 weights', ext: '.keras', code: 'UNSUPPORTED', message: /"dense".*kernel as float16/,
    make: () => editKerasH5(MLP, `d = f['layers/dense/vars/0'][()]\ndel f['layers/dense/vars/0']\nf['layers/dense/vars/0'] = d.astype(np.float16)`),
  },
  {
    name: 'int8 (quantized) weights in a legacy .h5', ext: '.h5', code: 'UNSUPPORTED', message: /"dense_1".*kernel as int8 \(a quantized model\)/,
    make: () => editH5(H5, `p = 'model_weights/dense_1/dense_1/kernel:0'\nd = f[p][()]\ndel f[p]\nf[p] = (d * 100).astype(np.int8)`),
  },
  {
    name: 'groups nested 40 deep under a custom layer', ext: '.keras', code: 'BAD_MODEL', message: /nests groups more than 32 deep/,
    make: () => editKerasH5(MLP, `f.move('layers/dropout', 'layers/my_layer')\nf.create_dataset('layers/my_layer/' + '/'.join(['g'] * 40) + '/w', data=np.zeros(3, np.float32))`,
      (c) => Object.assign(layerNamed(c, 'dropout'), { class_name: 'MyLayer', registered_name: 'pkg>MyLayer' })),
  },
  {
    name: 'a group where a weight should be', ext: '.keras', code: 'BAD_MODEL', message: /layers\/dense\/vars\/1 is not a dataset/,
    make: () => editKerasH5(MLP, `del f['layers/dense/vars/1']\nf.create_group('layers/dense/vars/1')`),
  },
  { name: 'a weights-only .h5 (save_weights)', ext: '.h5', make: () => editH5(H5, `del f.attrs['model_config']`), code: 'NOT_A_MODEL', message: /without a Keras model_config/ },
  { name: 'an HDF5 file that is text', ext: '.h5', make: () => strToU8('hello'), code: 'BAD_MODEL', message: /does not start with the HDF5 signature/ },
];

for (const c of CASES) {
  test(`hostile: ${c.name} → ${c.code}, nothing written, input untouched`, async () => {
    const file = join(dir, `${c.name.replace(/\W+/g, '-')}${c.ext}`);
    writeFileSync(file, c.make());
    const before = createHash('sha256').update(readFileSync(file)).digest('hex');
    const out = join(dir, `out-${c.name.replace(/\W+/g, '-')}`);
    await rejectsRgp(pruneModel(file, { ratio: 0.75, groups: 8, keepFirst: false, keepLast: false, searchSwaps: 50, out }, quietContext), c.code, c.message);
    await rejectsRgp(inspectModel(file, quietContext), c.code, c.message);
    assert.equal(existsSync(out), false, 'nothing is written');
    assert.equal(createHash('sha256').update(readFileSync(file)).digest('hex'), before, 'the input is untouched');
  });
}

test('hostile: the CLI prints one line and exits 2 for a zip with a ../ entry', () => {
  const file = join(dir, 'cli-evil.keras');
  writeFileSync(file, zipOf({ ...entriesOf(MLP), '../../evil.txt': strToU8('x') }));
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'cli.ts'), 'prune', file, '--ratio', '0.75', '--out', join(dir, 'cli-out')], { encoding: 'utf8', cwd: ROOT });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /^rgp: cli-evil\.keras holds an entry named "\.\.\/\.\.\/evil\.txt"/);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.equal(existsSync(join(dir, 'cli-out')), false);
  assert.equal(existsSync(join(dir, '..', 'evil.txt')), false);
});

test('a Lambda layer is read, never executed, and only it stays dense', async () => {
  const file = join(dir, 'lambda.keras');
  // Keras 3 stores a Lambda's function as marshalled bytecode; RGP never looks at it.
  writeFileSync(file, zipOf(editConfig(entriesOf(CNN), (c) => Object.assign(layerNamed(c, 'dropout'), {
    class_name: 'Lambda', config: { name: 'dropout', function: { class_name: '__lambda__', config: { code: 'process.exit(7)', defaults: null, closure: null } }, arguments: {} },
  }))));
  const s = await inspectModel(file, quietContext);
  assert.equal(s.totalParams, 225_034);
  const r = await pruneModel(file, { ratio: 0.75, groups: 8, searchSwaps: 50, out: join(dir, 'lambda-out') }, quietContext);
  assert.deepEqual(r.unknownLayers, ['dropout']);
  assert.ok(r.maskedLayers.includes('conv2d_1'), `masked ${r.maskedLayers}`);
  assert.ok(!r.maskedLayers.includes('dropout'));
});

test('a custom layer class with weights (legacy .h5) owns them, is counted and left dense', async () => {
  const file = join(dir, 'custom.h5');
  writeFileSync(file, editH5(H5, `c = json.loads(f.attrs['model_config'])\nfor l in c['config']['layers']:\n    if l['config']['name'] == 'dense_1': l['class_name'] = 'MyDense'\nf.attrs['model_config'] = json.dumps(c)`));
  const s = await inspectModel(file, quietContext);
  assert.equal(s.totalParams, 129_066);
  assert.deepEqual(s.layers.find((l) => l.name === 'dense_1')!.weights.map((w) => w.name), ['dense_1/kernel', 'dense_1/bias']);
  const r = await pruneModel(file, { ratio: 0.75, groups: 8, searchSwaps: 50, out: join(dir, 'custom-out') }, quietContext);
  assert.deepEqual(r.unknownLayers, ['dense_1']);
  assert.ok(!r.maskedLayers.includes('dense_1'));
  assert.ok(r.maskedLayers.includes('conv2d_1'), `masked ${r.maskedLayers}`);
});
