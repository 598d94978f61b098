/**
 * Per-image execution of a compact model (issue 13, src/formats/onnx/perImage.ts): the graph wrapped in
 * one Scan over the batch computes what the batched graph computes, on the shared PyTorch exports, in
 * onnxruntime-node; the tuner keeps it only when it is faster and its outputs agree, and says why not.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { onnx } from 'onnx-proto';
import { quietContext } from '../../src/core/job';
import { parseMaskFile } from '../../src/core/prune/maskFile';
import { Random } from '../../src/core/random';
import { pickWholeModel, tuneCompact } from '../../src/formats/onnx/autotune';
import { compactModel, decodeModel, encodeModel, findMaskedSites, type MaskedSite } from '../../src/formats/onnx/compactModel';
import { isPerImage, PER_IMAGE_NODE, perImageCompact, perImageModel, perImageObstacle } from '../../src/formats/onnx/perImage';
import { compactPrunedModel } from '../../src/jobs/compactModel';
import { pruneModel } from '../../src/jobs/pruneModel';
import { pruneOnnxForTest } from '../fixtures/onnxPruned';
import { SHARED_DATA } from '../fixtures/sharedData';
import { throwsRgp } from './rgpAssert';

const MODELS = `${SHARED_DATA}/models`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rgp-per-image-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function run(bytes: Uint8Array, x: Float32Array, dims: number[]): Promise<{ names: string[]; out: Float32Array[]; outDims: number[][] }> {
  const s = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, graphOptimizationLevel: 'all' });
  try {
    const r = await s.run({ [s.inputNames[0]]: new ort.Tensor('float32', x, dims) });
    return { names: [...s.outputNames], out: s.outputNames.map((n) => r[n].data as Float32Array), outDims: s.outputNames.map((n) => r[n].dims.map(Number)) };
  } finally {
    await s.release();
  }
}

function input(dims: number[], seed: number): Float32Array {
  const r = new Random(seed);
  return Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => r.normal());
}

function assertClose(actual: Float32Array, expected: Float32Array, what: string): void {
  assert.equal(actual.length, expected.length, what);
  let scale = 0;
  for (const v of expected) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < actual.length; i++) assert.ok(Math.abs(actual[i] - expected[i]) <= 1e-4 * scale, `${what} output ${i}: ${actual[i]} vs ${expected[i]}`);
}

function compactOf(file: string, n: number, k: number): { masked: onnx.IModelProto; sites: MaskedSite[]; compact: onnx.IModelProto } {
  const pruned = pruneOnnxForTest(`${MODELS}/${file}`, { n, k, seed: 4 });
  const masked = onnx.ModelProto.decode(pruned.bytes);
  const sites = findMaskedSites(masked, parseMaskFile(JSON.parse(JSON.stringify(pruned.masks))));
  return { masked, sites, compact: compactModel(masked, sites, (s) => (s.op === 'Conv' ? 'conv-gather-reducesum' : 'matmul-gather-sum')).model };
}

for (const c of [
  { file: 'resnet18_w16_cifar.onnx', n: 16, k: 2 },
  { file: 'vgg_small.onnx', n: 32, k: 2 },
]) {
  test(`${c.file}: the compact model run per image equals it batched, inputs and outputs unchanged`, async () => {
    const { compact } = compactOf(c.file, c.n, c.k);
    const wrapped = perImageModel(compact);
    assert.ok(isPerImage(wrapped) && !isPerImage(compact));
    const g = wrapped.graph!;
    assert.deepEqual(g.node!.map((nd) => [nd.opType, nd.name]), [['Scan', PER_IMAGE_NODE]], 'without a range, the whole graph');
    assert.deepEqual(JSON.stringify(g.input), JSON.stringify(compact.graph!.input), 'graph inputs keep their names and types');
    assert.deepEqual(JSON.stringify(g.output), JSON.stringify(compact.graph!.output), 'graph outputs keep their names and types');
    // Nothing outside the Scan reads a weight: all of them (+ the axes constant) move into its body.
    const body = g.node![0].attribute!.find((a) => a.name === 'body')!.g!;
    assert.equal(g.initializer!.length, 0, 'no weight left in the main graph');
    assert.deepEqual(body.initializer!.map((t) => t.name).sort(), [...compact.graph!.initializer!.map((t) => t.name!), '::rgp-per-image-axes'].sort(), 'every weight in the body');
    for (const batch of [1, 5]) {
      const dims = [batch, 3, 32, 32];
      const x = input(dims, batch);
      const a = await run(encodeModel(compact), x, dims);
      const b = await run(encodeModel(wrapped), x, dims);
      assert.deepEqual(b.outDims, a.outDims, 'same output shapes');
      a.out.forEach((o, i) => assertClose(b.out[i], o, `${c.file} batch ${batch}`));
    }
    assert.match(perImageObstacle(wrapped) ?? '', /already runs per image/);
  });
}

test('opsets 9–12 get Unsqueeze / Squeeze with an axes attribute (the shared ResNet-18, its nodes unchanged since opset 11, declared opset 11)', async () => {
  const { compact } = compactOf('resnet18_w16_cifar.onnx', 16, 2);
  const old: onnx.IModelProto = { ...compact, opsetImport: [{ domain: '', version: 11 }] };
  const wrapped = perImageModel(old);
  const body = wrapped.graph!.node![0].attribute!.find((a) => a.name === 'body')!.g!;
  const squeezes = body.node!.filter((nd) => nd.opType === 'Unsqueeze' || nd.opType === 'Squeeze');
  assert.equal(squeezes.length, 2);
  for (const nd of squeezes) {
    assert.equal(nd.input!.length, 1);
    assert.deepEqual(nd.attribute!.find((a) => a.name === 'axes')!.ints!.map(Number), [0]);
  }
  assert.ok(![...wrapped.graph!.initializer!, ...body.initializer!].some((t) => t.name === '::rgp-per-image-axes'));
  const dense = decodeModel(readFileSync(`${MODELS}/resnet18_w16_cifar.onnx`), 'resnet');
  const denseOld: onnx.IModelProto = { ...dense, opsetImport: [{ domain: '', version: 11 }] };
  const dims = [3, 3, 32, 32];
  const x = input(dims, 9);
  const a = await run(encodeModel(denseOld), x, dims);
  const b = await run(encodeModel(perImageModel(denseOld)), x, dims);
  assertClose(b.out[0], a.out[0], 'opset 11 per image');
});

test('a model before opset 9, or without a batch axis, is refused with the reason', () => {
  const mnist8 = decodeModel(readFileSync(`${MODELS}/mnist-8.onnx`), 'mnist-8');
  assert.match(perImageObstacle(mnist8) ?? '', /opset 8 predates Scan/);
  throwsRgp(() => perImageModel(mnist8), 'UNSUPPORTED', /cannot run per image: opset 8/);
  const vgg = decodeModel(readFileSync(`${MODELS}/vgg_small.onnx`), 'vgg');
  const scalarOut: onnx.IModelProto = { ...vgg, graph: { ...vgg.graph!, output: [{ name: vgg.graph!.output![0].name, type: { tensorType: { elemType: 1, shape: { dim: [] } } } }] } };
  assert.match(perImageObstacle(scalarOut) ?? '', /is a scalar/);
});

/**
 * The tuner's pick is the fastest whole model it timed: per image over batched only when faster, and every
 * layer 'expand-dense' (the dense model's speed from the compact file) only when that beat both.
 */
function assertFastestKept(t: { execution: string; wholeModelMs: { batched: number | null; perImage: number | null; dense: number | null }; denseNote: string | null; perImageNote: string | null; layers: Map<MaskedSite, { best: string }> }): void {
  const { batched, perImage, dense } = t.wholeModelMs;
  assert.ok(batched !== null && perImage !== null && batched > 0 && perImage > 0);
  const compactMs = Math.min(batched, perImage);
  if (t.denseNote) {
    assert.ok(dense !== null && dense < compactMs, 'every layer at dense speed only when that was faster');
    assert.equal(t.execution, 'batched');
    assert.ok([...t.layers.values()].every((l) => l.best === 'expand-dense'));
    assert.match(t.denseNote, /every layer runs as dense, loaded from the compact file/);
    return;
  }
  assert.ok(dense === null || dense >= compactMs, 'the tuned compact model is kept only when no slower than dense');
  assert.equal(t.execution, perImage < batched ? 'per-image' : 'batched');
  if (t.execution === 'per-image') assert.equal(t.perImageNote, null);
  else assert.match(t.perImageNote!, /batched execution is faster/);
}

test('the tuner times both executions (and every layer at dense speed) at the tuning batch and keeps the fastest', async () => {
  const { masked, sites } = compactOf('resnet18_w16_cifar.onnx', 16, 2);
  const progress: string[] = [];
  const t = await tuneCompact(masked, sites, { batch: 4, threads: 1, repeats: 3, warmup: 1, onProgress: (_, m) => progress.push(m) });
  assertFastestKept(t);
  // Layer forms are tuned at the batch each execution runs layers at.
  for (const timing of t.layers.values()) assert.equal(timing.inputShape[0], t.execution === 'per-image' ? 1 : 4);
  assert.ok(progress.some((m) => /at batch 1:/.test(m)) && progress.some((m) => /at batch 4:/.test(m)));
  const at1 = await tuneCompact(masked, sites, { batch: 1, threads: 1, repeats: 1, warmup: 0 });
  assert.equal(at1.execution, 'batched');
  assert.match(at1.perImageNote!, /not tried: the tuning batch is 1/);
});

test('the whole-model pick: per image only when faster with equal outputs, every layer at dense speed only when faster still', () => {
  const timed = (ms: number, y = 0) => ({ medianMs: ms, outputs: { y: Float32Array.of(y, 1) } });
  const perImage = pickWholeModel(null, timed(10), timed(8), timed(9));
  assert.deepEqual(perImage, { execution: 'per-image', perImageNote: null, denseNote: null });
  const dense = pickWholeModel(null, timed(10), timed(8), timed(7));
  assert.equal(dense.execution, 'dense');
  assert.match(dense.perImageNote!, /per image was faster than batched \(8\.0 vs 10\.0 ms\), but not than every layer at dense speed/);
  assert.equal(dense.denseNote, 'the tuned compact model took 8.0 ms per image, every layer at dense speed 7.0 ms: every layer runs as dense, loaded from the compact file');
  const overBatched = pickWholeModel(null, timed(10), timed(12), timed(9));
  assert.equal(overBatched.execution, 'dense');
  assert.match(overBatched.perImageNote!, /batched execution is faster \(10\.0 vs 12\.0 ms\)/);
  assert.match(overBatched.denseNote!, /took 10\.0 ms batched, every layer at dense speed 9\.0 ms/);
  // Per image with other outputs is never kept; dense then competes with batched.
  assert.equal(pickWholeModel(null, timed(10), timed(5, 3), timed(11)).execution, 'batched');
  assert.match(pickWholeModel(null, timed(10), timed(5, 3), timed(9)).perImageNote!, /other outputs/);
  // Dense with other outputs than the compact model is never kept, however fast.
  assert.equal(pickWholeModel(null, timed(10), timed(12), timed(1, 3)).execution, 'batched');
  // Without per image (batch 1, an MLP): batched against dense.
  const mlp = pickWholeModel('the tuning batch is 1', timed(10), undefined, timed(9.5));
  assert.equal(mlp.execution, 'dense');
  assert.match(mlp.perImageNote!, /not tried: the tuning batch is 1/);
  assert.deepEqual(pickWholeModel('the tuning batch is 1', timed(10), undefined, undefined), { execution: 'batched', perImageNote: 'per-image execution not tried: the tuning batch is 1', denseNote: null });
  assert.equal(pickWholeModel(null, timed(10), timed(10), timed(10)).execution, 'batched', 'ties keep the compact model');
});

test('the tuner refuses per-image execution when the model mixes images across the batch', async () => {
  const pruned = pruneOnnxForTest(`${MODELS}/resnet18_w16_cifar.onnx`, { n: 16, k: 2, seed: 4 });
  const masked = onnx.ModelProto.decode(pruned.bytes);
  const g = masked.graph!;
  // Inserted after the first masked layer (so inside the range run per image): its output plus 100 × its
  // deviation from the batch mean — per image the deviation is zero, on the batch it is not.
  const at = g.node!.findIndex((nd) => nd.name === pruned.layers[0]);
  const y = g.node![at].output![0];
  const mixing: onnx.IModelProto = {
    ...masked,
    graph: {
      ...g,
      node: [
        ...g.node!.slice(0, at),
        { ...g.node![at], output: [`${y}::raw`] },
        { opType: 'ReduceMean', name: 'batch_mean', domain: '', input: [`${y}::raw`], output: [`${y}::mean`], attribute: [{ name: 'axes', type: 7, ints: [0] }, { name: 'keepdims', type: 2, i: 1 }] },
        { opType: 'Sub', name: 'centre', domain: '', input: [`${y}::raw`, `${y}::mean`], output: [`${y}::centred`] },
        { opType: 'Mul', name: 'amplify', domain: '', input: [`${y}::centred`, 'hundred'], output: [`${y}::amplified`] },
        { opType: 'Add', name: 'mix', domain: '', input: [`${y}::raw`, `${y}::amplified`], output: [y] },
        ...g.node!.slice(at + 1),
      ],
      initializer: [...g.initializer!, { name: 'hundred', dims: [], dataType: 1, floatData: [100] }],
    },
  };
  const sites = findMaskedSites(mixing, parseMaskFile(JSON.parse(JSON.stringify(pruned.masks))));
  const t = await tuneCompact(mixing, sites, { batch: 3, threads: 1, repeats: 1, warmup: 0 });
  assert.equal(t.execution, 'batched');
  assert.match(t.perImageNote!, /other outputs/);
});

test('around the compact layers only: the dense first convolution and the classifier stay batched, outputs equal', async () => {
  const { sites, masked } = compactOf('vgg_small.onnx', 32, 2);
  const built = compactModel(masked, sites, () => 'conv-gather-sum');
  const wrapped = perImageModel(built.model, (nd) => built.realizedNodes.has(nd));
  const outer = wrapped.graph!.node!.map((nd) => nd.name);
  assert.ok(isPerImage(wrapped));
  assert.ok(outer.includes('/features/features.0/Conv'), 'the dense first conv runs on the batch');
  assert.ok(outer.includes('/classifier/classifier.4/Gemm'), 'the dense last layer runs on the batch');
  assert.ok(!outer.some((n) => n !== PER_IMAGE_NODE && n?.startsWith('rgp/')), 'every compact node is inside the Scan');
  const scan = wrapped.graph!.node!.find((nd) => nd.opType === 'Scan')!;
  assert.equal(scan.input!.length, 1);
  assert.equal(scan.output!.length, 1);
  // Weights read only inside the Scan live in its body (where onnxruntime's blocked-layout rewrite sees
  // them as constants); the dense layers' weights stay in the main graph; none is in both.
  const body = scan.attribute!.find((a) => a.name === 'body')!.g!;
  const inner = new Set(body.initializer!.map((t) => t.name));
  const main = new Set(wrapped.graph!.initializer!.map((t) => t.name));
  assert.ok(inner.size > 0);
  for (const t of built.model.graph!.initializer!) {
    assert.ok(inner.has(t.name) !== main.has(t.name), `${t.name} is in exactly one graph`);
    if (t.name!.startsWith('rgp/')) assert.ok(inner.has(t.name), `${t.name} (compact) is in the body`);
  }
  const firstConv = built.model.graph!.node!.find((nd) => nd.name === '/features/features.0/Conv')!;
  assert.ok(main.has(firstConv.input![1]), 'the dense first conv keeps its weight in the main graph');
  const dims = [6, 3, 32, 32];
  const x = input(dims, 6);
  const a = await run(encodeModel(built.model), x, dims);
  const b = await run(encodeModel(wrapped), x, dims);
  assertClose(b.out[0], a.out[0], 'vgg region per image');
  // A weight also declared as a graph input can be fed by the caller, so it stays in the main graph.
  const w = [...inner].find((name) => name!.endsWith('/W'))!;
  const t = built.model.graph!.initializer!.find((x) => x.name === w)!;
  const declared: onnx.IModelProto = { ...built.model, graph: { ...built.model.graph!, input: [...built.model.graph!.input!, { name: w, type: { tensorType: { elemType: 1, shape: { dim: t.dims!.map((d) => ({ dimValue: d })) } } } }] } };
  const dw = perImageModel(declared, (nd) => built.realizedNodes.has(nd));
  assert.ok(dw.graph!.initializer!.some((x) => x.name === w), 'a declared weight stays outside');
  assertClose((await run(encodeModel(dw), x, dims)).out[0], a.out[0], 'vgg region per image, a weight declared as an input');
  // perImageCompact wraps the range around the realized convolutions only: the realized classifier Gemm
  // (its MatMuls need the batch) stays outside the Scan, on the whole batch.
  const gemm = built.layers.find((l) => l.op === 'Gemm')!;
  assert.ok(gemm, 'vgg_small has a masked Gemm');
  const pc = perImageCompact(built);
  const pcOuter = pc.graph!.node!.map((nd) => nd.name ?? '');
  assert.ok(pcOuter.some((n) => n.startsWith(`rgp/${gemm.node}/`)), 'the realized Gemm runs on the batch');
  assert.ok(!pcOuter.some((n) => n !== PER_IMAGE_NODE && n.startsWith('rgp/') && !built.layers.some((l) => l.op === 'Gemm' && n.startsWith(`rgp/${l.node}/`))), 'every realized convolution is inside the Scan');
  assertClose((await run(encodeModel(pc), x, dims)).out[0], a.out[0], 'vgg, realized convolutions per image');
  // A residual network: the range grows to the Add that closes the last block (one tensor out).
  const res = compactOf('resnet18_w16_cifar.onnx', 16, 2);
  const rb = compactModel(res.masked, res.sites, () => 'conv-gather-reducesum');
  const rw = perImageModel(rb.model, (nd) => rb.realizedNodes.has(nd));
  const rOuter = rw.graph!.node!.map((nd) => nd.opType);
  assert.ok(rOuter.includes('Conv') && rOuter.includes('Gemm') && rOuter.includes('GlobalAveragePool'));
  // PyTorch's Identity copies of shared weights, read only inside the Scan, are resolved there (onnxruntime
  // would otherwise warn on every load that it cannot remove them).
  assert.ok(!rOuter.includes('Identity'));
  const ra = await run(encodeModel(rb.model), x, dims);
  const rr = await run(encodeModel(rw), x, dims);
  assertClose(rr.out[0], ra.out[0], 'resnet region per image');
});

test('rgp compact (auto) of a pruned CNN: the report says which execution was measured faster and the file runs that way, equal to the masked model', async () => {
  const out = join(dir, 'pruned');
  await pruneModel(join(MODELS, 'resnet18_w16_cifar.onnx'), { ratio: 0.875, groups: 16, searchSwaps: 100, seed: 5, out }, quietContext);
  const r = await compactPrunedModel(out, { batch: 4, threads: 1 }, quietContext);
  assert.ok(r.tuning);
  assertFastestKept({ ...r.tuning, execution: r.execution, layers: new Map(r.layers.map((l) => [l as unknown as MaskedSite, { best: l.form }])) });
  assert.equal(r.tuning.layerBatch, r.execution === 'per-image' ? 1 : 4);
  const written = decodeModel(readFileSync(r.outputPath), 'compact');
  assert.equal(isPerImage(written), r.execution === 'per-image');
  const dims = [4, 3, 32, 32];
  const x = input(dims, 3);
  const a = await run(readFileSync(join(out, 'model.onnx')), x, dims);
  const b = await run(readFileSync(r.outputPath), x, dims);
  assertClose(b.out[0], a.out[0], 'compact (auto) vs masked');
  const report = JSON.parse(readFileSync(r.reportPath, 'utf8')) as { execution: string };
  assert.equal(report.execution, r.execution);
});
