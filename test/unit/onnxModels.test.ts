/**
 * ONNX models in and out on the shared real files (../shared/data/models: the ONNX Model Zoo's mnist-8,
 * written by CNTK, and torchvision networks exported by torch.onnx.export) and on tiny graphs built in code
 * (external data). Through the real CLI: `rgp inspect`, `rgp prune`; the pruned model runs in
 * onnxruntime-node and its outputs equal those of the original with the masks of masks.json applied
 * independently (test/fixtures/onnxModels.ts); every masked weight keeps k/n of its entries with equal
 * fan-in; every other byte is the input's; counts are exact (vgg_small by hand).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, existsSync, writeFileSync, readdirSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { onnx } from 'onnx-proto';
import { runCliBatch, type CliResult } from '../fixtures/runCli';
import { encode, maskedReference, maskFromDefinition, readMasks, runOnnx, seededFloats, sharedModel, tinyCnn } from '../fixtures/onnxModels';
import type { PruneSummary } from '../../src/core/prune/report';
import type { ModelSummary } from '../../src/core/model/layerSummary';
import { rejectsRgp, throwsRgp } from './rgpAssert';
import { trainModel } from '../../src/jobs/trainModel';
import { sweep } from '../../src/jobs/sweep';
import { graphCommand } from '../../src/cli/graphCommand';
import { quietContext } from '../../src/core/job';
import { checkTrainableFormat } from '../../src/formats/trainable';

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** The prune cases: each shared model with an n its narrowest masked layer allows. */
const CASES = [
  { file: 'vgg_small.onnx', args: ['--ratio', '0.9375', '--groups', '32'], n: 32, k: 2, masked: 5, input: [2, 3, 32, 32] },
  { file: 'resnet18_w16_cifar.onnx', args: ['--ratio', '0.875', '--groups', '16'], n: 16, k: 2, masked: 19, input: [2, 3, 32, 32] },
  { file: 'mobilenet_v2_w0.5.onnx', args: ['--ratio', '0.75', '--groups', '8'], n: 8, k: 2, masked: 34, input: [2, 3, 32, 32] },
  { file: 'mnist-8.onnx', args: ['--ratio', '0.5', '--groups', '4', '--mask-last'], n: 4, k: 2, masked: 1, input: [1, 1, 28, 28] },
];

let dir: string;
let cli: Map<string, CliResult>;
const inputHashes = new Map<string, string>();
const SHARED = ['vgg_small.onnx', 'resnet18_w16_cifar.onnx', 'mobilenet_v2_w0.5.onnx', 'mnist-8.onnx'];
/** Every CLI command of this file, run once in one child process (see test/fixtures/runCli.ts). */
const commands = (): Record<string, string[]> => ({
  ...Object.fromEntries(SHARED.map((f) => [`inspect ${f}`, ['inspect', sharedModel(f), '--quiet', '--json']])),
  'prune counts': ['prune', sharedModel('vgg_small.onnx'), '--ratio', '0.9375', '--groups', '32', '--search-swaps', '100', '--out', path.join(dir, 'vgg-counts'), '--quiet', '--json'],
  ...Object.fromEntries(CASES.map((c) => [`prune ${c.file}`, ['prune', sharedModel(c.file), ...c.args, '--search-swaps', '300', '--seed', '3', '--out', path.join(dir, `pruned-${c.file}`), '--quiet', '--json']])),
  'prune external': ['prune', path.join(dir, 'external', 'tiny.onnx'), '--ratio', '0.5', '--groups', '4', '--search-swaps', '50', '--quiet', '--json'],
  train: ['train', sharedModel('vgg_small.onnx'), '--data', path.join(dir, 'none'), '--epochs', '1', '--quiet'],
});
before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'rgp-onnx-'));
  mkdirSync(path.join(dir, 'external'));
  const { model, external } = tinyCnn({ store: 'external' });
  writeFileSync(path.join(dir, 'external', 'tiny.onnx'), encode(model));
  writeFileSync(path.join(dir, 'external', 'weights.bin'), external!);
  for (const f of SHARED) inputHashes.set(f, sha(sharedModel(f)));
  const list = Object.entries(commands());
  const results = runCliBatch(list.map(([, args]) => args));
  cli = new Map(list.map(([key], i) => [key, results[i]]));
});
const runCli = async (key: string) => cli.get(key)!;
after(() => rmSync(dir, { recursive: true, force: true }));

test('rgp inspect reads every shared ONNX model: its layers, weights and exact parameter count', async () => {
  // torch's parameter counts (PROVENANCE.tsv); mnist-8's 5,998 values include 4 int64 Reshape targets, not parameters.
  const params: Record<string, number> = { 'vgg_small.onnx': 800970, 'resnet18_w16_cifar.onnx': 699306, 'mobilenet_v2_w0.5.onnx': 684626, 'mnist-8.onnx': 5994 };
  for (const [file, total] of Object.entries(params)) {
    const r = await runCli(`inspect ${file}`);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as ModelSummary;
    assert.equal(s.format, 'onnx');
    assert.equal(s.totalParams, total, file);
    assert.equal(s.layers.reduce((a, l) => a + l.params, 0), total, `${file}: every parameter belongs to one layer`);
    assert.ok(s.layers.every((l) => l.zeroFraction === null || l.zeroFraction < 0.5), `${file}: the dense model is dense`);
  }
  const vgg = JSON.parse((await runCli('inspect vgg_small.onnx')).stdout) as ModelSummary;
  assert.deepEqual(vgg.layers.filter((l) => l.params > 0).map((l) => [l.className, l.params]), [
    ['Conv', 896], ['Conv', 18496], ['Conv', 73856], ['Conv', 147584], ['Conv', 295168], ['Gemm', 262400], ['Gemm', 2570],
  ]);
  assert.equal(vgg.generatedBy, 'pytorch 1.13.0');
});

test('vgg_small: dense and pruned parameters and MACs, computed by hand', async () => {
  const r = await runCli('prune counts');
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout) as PruneSummary;
  // Conv C_in→C_out 3×3 at H×W: 3→32 @32², 32→64 @16², 64→128 @8², 128→128 @8², 128→256 @4²; Gemm 1024→256, 256→10.
  const convW = [3 * 32 * 9, 32 * 64 * 9, 64 * 128 * 9, 128 * 128 * 9, 128 * 256 * 9];
  const positions = [32 * 32, 16 * 16, 8 * 8, 8 * 8, 4 * 4];
  const biases = 32 + 64 + 128 + 128 + 256 + 256 + 10;
  const gemmW = [1024 * 256, 256 * 10];
  assert.equal(s.totals.denseParams, convW.reduce((a, b) => a + b) + gemmW.reduce((a, b) => a + b) + biases);
  assert.equal(s.totals.denseParams, 800970);
  const denseMacs = convW.reduce((a, w, i) => a + w * positions[i], 0) + gemmW[0] + gemmW[1];
  assert.equal(s.totals.denseMacs, denseMacs);
  assert.equal(denseMacs, 24742400);
  // k/n = 2/32 kept in conv 2…5 and the first Gemm; the stem conv and the classifier stay dense.
  const keep = (w: number) => (w * 2) / 32;
  const prunedParams = convW[0] + convW.slice(1).reduce((a, w) => a + keep(w), 0) + keep(gemmW[0]) + gemmW[1] + biases;
  const prunedMacs = convW[0] * positions[0] + convW.slice(1).reduce((a, w, i) => a + keep(w) * positions[i + 1], 0) + keep(gemmW[0]) + gemmW[1];
  assert.equal(s.totals.prunedParams, prunedParams);
  assert.equal(s.totals.prunedMacs, prunedMacs);
  assert.deepEqual([s.totals.prunedParams, s.totals.prunedMacs], [54090, 2378240]);
  assert.deepEqual(s.layers.filter((l) => l.role === 'masked').map((l) => l.className), ['Conv', 'Conv', 'Conv', 'Conv', 'Gemm']);
  assert.deepEqual(s.layers.filter((l) => l.role === 'first' || l.role === 'last').map((l) => l.role), ['first', 'last']);
});

for (const c of CASES) {
  test(`rgp prune ${c.file}: the pruned model runs in onnxruntime and equals the original with masks.json applied`, async () => {
    const input = sharedModel(c.file);
    const out = path.join(dir, `pruned-${c.file}`);
    const r = await runCli(`prune ${c.file}`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(sha(input), inputHashes.get(c.file), 'the input is untouched');
    const s = JSON.parse(r.stdout) as PruneSummary;
    assert.equal(s.modelFormat, 'onnx');
    assert.deepEqual([s.graph.n, s.graph.k], [c.n, c.k]);
    assert.equal(s.maskedLayers.length, c.masked);
    assert.deepEqual(readdirSync(out).sort(), ['.rgp-output.json', 'graph.json', 'masks.json', 'model.onnx', 'report.json', 'report.md']);

    // Every masked weight: +0 exactly where the mask (from its definition) is 0, the input's value elsewhere;
    // density k/n and equal fan-in k·C_in/n per output channel.
    const masks = readMasks(path.join(out, 'masks.json'));
    const inModel = onnx.ModelProto.decode(readFileSync(input));
    const outBytes = readFileSync(path.join(out, 'model.onnx'));
    const outModel = onnx.ModelProto.decode(outBytes);
    const values = (m: onnx.IModelProto, name: string) => {
      const t = m.graph!.initializer!.find((x) => x.name === name)!;
      return t.rawData && t.rawData.length > 0 ? new Float32Array(Uint8Array.from(t.rawData).buffer) : Float32Array.from(t.floatData ?? []);
    };
    assert.equal(masks.entries.length, c.masked);
    for (const e of masks.entries) {
      const m = maskFromDefinition(e, masks.neighbours.get(e.n)!, masks.selfLoops);
      const a = values(inModel, e.weight), b = values(outModel, e.weight);
      let kept = 0;
      for (let i = 0; i < m.length; i++) {
        if (m[i]) {
          kept++;
          assert.ok(Object.is(a[i], b[i]), `${e.weight}[${i}] kept`);
        } else assert.ok(Object.is(b[i], 0), `${e.weight}[${i}] is +0`);
      }
      assert.equal(kept, e.kept);
      assert.equal(e.total, m.length);
      const [cOut, cIn] = e.layout === 'out-in-taps' ? [e.shape[0], e.shape[1]] : [e.shape[1], e.shape[0]];
      const taps = m.length / (cIn * cOut);
      if (cIn % c.n === 0 && cOut % c.n === 0) {
        assert.equal(kept * c.n, m.length * c.k, `${e.layer}: density k/n`);
        for (let o = 0; o < cOut; o++) {
          let fanIn = 0;
          for (let i = 0; i < cIn * taps; i++) fanIn += e.layout === 'out-in-taps' ? m[o * cIn * taps + i] : m[i * cOut + o];
          assert.equal(fanIn * c.n, c.k * cIn * taps, `${e.layer}: output channel ${o} has fan-in k·C_in/n`);
        }
      }
    }
    // Everything else is the input's: initializers by value, and for raw_data models the file byte for byte
    // outside the masked weights.
    const masked = new Set(masks.entries.map((e) => e.weight));
    for (const t of inModel.graph!.initializer!) {
      if (masked.has(t.name!) || t.dataType !== 1) continue;
      assert.deepEqual(values(outModel, t.name!), values(inModel, t.name!), `${t.name} unchanged`);
    }
    const inBytes = readFileSync(input);
    if (c.file !== 'mnist-8.onnx') {
      assert.equal(outBytes.length, inBytes.length);
      const ranges = inModel.graph!.initializer!.filter((t) => masked.has(t.name!)).map((t) => [t.rawData!.byteOffset, t.rawData!.byteOffset + t.rawData!.byteLength]);
      for (let i = 0; i < inBytes.length; i++) {
        if (inBytes[i] !== outBytes[i]) assert.ok(ranges.some(([a, b]) => i >= a && i < b), `byte ${i} outside the masked weights changed`);
      }
    }

    // The pruned model runs, and computes what the original does with the masked weights.
    const x = seededFloats(c.input.reduce((a, b) => a * b), 7);
    const got = await runOnnx(path.join(out, 'model.onnx'), x, c.input);
    const want = await runOnnx(maskedReference(inBytes, path.join(out, 'masks.json')), x, c.input);
    const dense = await runOnnx(input, x, c.input);
    assert.deepEqual(got.dims, want.dims);
    let diff = 0, fromDense = 0;
    for (let i = 0; i < got.data.length; i++) {
      diff = Math.max(diff, Math.abs(got.data[i] - want.data[i]));
      fromDense = Math.max(fromDense, Math.abs(got.data[i] - dense.data[i]));
    }
    assert.ok(diff <= 1e-5, `outputs differ from the independently masked model by ${diff}`);
    assert.ok(fromDense > 0, 'masking changed the outputs');
  });
}

test('rgp prune of a model with external data writes the masked data file beside model.onnx; the .onnx stays byte-identical', async () => {
  const folder = path.join(dir, 'external');
  const { external } = tinyCnn({ store: 'external' });
  const r = await runCli('prune external');
  assert.equal(r.code, 0, r.stderr);
  const out = path.join(folder, 'tiny-rgp-0.5');
  const s = JSON.parse(r.stdout) as PruneSummary;
  assert.equal(s.outputPath, out, 'the default output folder is <stem>-rgp-<ratio> beside the model');
  assert.deepEqual(s.maskedLayers, ['conv2', 'fc1']);
  assert.deepEqual(readFileSync(path.join(out, 'model.onnx')), readFileSync(path.join(folder, 'tiny.onnx')));
  assert.equal(readFileSync(path.join(out, 'weights.bin')).length, external!.length);
  assert.deepEqual(readFileSync(path.join(folder, 'weights.bin')), Buffer.from(external!), 'the input data file is untouched');
  const x = seededFloats(2 * 8 * 8 * 8, 11);
  const got = await runOnnx(path.join(out, 'model.onnx'), x, [2, 8, 8, 8]);
  const want = await runOnnx(maskedReference(encode(tinyCnn({ store: 'raw' }).model), path.join(out, 'masks.json')), x, [2, 8, 8, 8]);
  for (let i = 0; i < got.data.length; i++) assert.ok(Math.abs(got.data[i] - want.data[i]) <= 1e-5, `output ${i}`);
});

test('training, sweeps and `rgp graph --in` on an ONNX model say clearly what they need', async () => {
  const model = sharedModel('vgg_small.onnx');
  throwsRgp(() => checkTrainableFormat(model, 'Training'), 'UNSUPPORTED', /TF\.js layers model/, /ONNX model/);
  await rejectsRgp(trainModel(model, { dataset: path.join(dir, 'none'), epochs: 1 }, quietContext), 'UNSUPPORTED', /^Training needs a TF\.js layers model/);
  await rejectsRgp(sweep(model, { dataset: path.join(dir, 'none'), epochs: 1, ratios: [0.5] }, quietContext), 'UNSUPPORTED', /^A ratio sweep needs a TF\.js layers model/);
  await rejectsRgp(graphCommand({ in: model }, { ctx: quietContext }), 'BAD_ARGUMENT', /reads a graph/, /ONNX model/);
  const r = await runCli('train');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^rgp: Training needs a TF\.js layers model/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.ok(!existsSync(sharedModel('vgg_small-rgp-0.5')));
});

/**
 * The reference implementation's view (Debian python3-onnx + numpy): every pruned file passes
 * onnx.checker, and numpy — from masks.json's neighbour lists alone — finds each masked weight equal to
 * the input's times Mask[o, i, …] = A[group(o), group(i)] and every other initializer unchanged.
 */
const PY_CHECK = `
import json, sys
import numpy as np, onnx
from onnx import numpy_helper
report = []
for src, out in zip(sys.argv[1::2], sys.argv[2::2]):
    a, b = onnx.load(src), onnx.load(out + '/model.onnx')
    onnx.checker.check_model(b)
    masks = json.load(open(out + '/masks.json'))
    graphs = {g['n']: g['neighbours'] for g in masks.get('graphs', [])} or {masks['n']: masks['neighbours']}
    wa = {t.name: numpy_helper.to_array(t) for t in a.graph.initializer}
    wb = {t.name: numpy_helper.to_array(t) for t in b.graph.initializer}
    masked = {}
    for l in masks['layers']:
        n = l.get('n', next(iter(graphs)))
        A = np.zeros((n, n), dtype=np.float32)
        for u, row in enumerate(graphs[n]): A[u, row] = 1
        w = wa[l['weight']]
        if l['layout'] == 'out-in-taps':
            co, ci = w.shape[0], w.shape[1]
            m = A[np.ix_(np.arange(co) * n // co, np.arange(ci) * n // ci)].reshape((co, ci) + (1,) * (w.ndim - 2))
        else:
            ci, co = w.shape[-2], w.shape[-1]
            m = A[np.ix_(np.arange(ci) * n // ci, np.arange(co) * n // co)]
        assert np.array_equal(wb[l['weight']], w * m), l['weight']
        masked[l['weight']] = int((np.broadcast_to(m, w.shape) != 0).sum())
    assert all(np.array_equal(wa[k], wb[k]) for k in wa if k not in masked)
    report.append(masked)
print(json.dumps(report))
`;

test('onnx.checker accepts every pruned file, and numpy agrees with masks.json on every weight', () => {
  const args = CASES.flatMap((c) => [sharedModel(c.file), path.join(dir, `pruned-${c.file}`)]);
  const out = execFileSync('/usr/bin/python3', ['-c', PY_CHECK, ...args], { encoding: 'utf8' });
  const report = JSON.parse(out) as Record<string, number>[];
  CASES.forEach((c, i) => {
    const masks = readMasks(path.join(dir, `pruned-${c.file}`, 'masks.json'));
    assert.deepEqual(report[i], Object.fromEntries(masks.entries.map((e) => [e.weight, e.kept])), `${c.file}: numpy's kept counts`);
  });
});
