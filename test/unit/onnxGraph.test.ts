/**
 * The ONNX layer graph's channel analysis on tiny graphs built in code (test/fixtures/onnxModels.ts):
 * what it masks (Conv, Gemm, MatMul + Add in its [K, N] layout — run in onnxruntime-node against the
 * masks applied independently) and what it refuses to mask, with the reason in the report: a layer next
 * to an operator it does not understand, grouped convs, weights shared by two nodes. Never a wrong mask.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { onnx } from 'onnx-proto';
import { encode, maskedReference, runOnnx, seededFloats, tinyCnn } from '../fixtures/onnxModels';
import { pruneModel } from '../../src/jobs/pruneModel';
import { openModel } from '../../src/formats';
import { quietContext } from '../../src/core/job';

async function withModel<T>(edit: (m: onnx.ModelProto) => void, run: (file: string, dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(tmpdir(), 'rgp-onnx-graph-'));
  try {
    const { model } = tinyCnn();
    edit(model);
    const file = path.join(dir, 'tiny.onnx');
    writeFileSync(file, encode(model));
    return await run(file, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const nodeNamed = (m: onnx.ModelProto, name: string) => m.graph!.node!.find((n) => n.name === name)!;

test('an operator the analysis does not understand keeps the layers next to it dense, and the report says why', async () => {
  await withModel((m) => {
    m.graph!.node!.splice(2, 0, onnx.NodeProto.create({ opType: 'Mystery', domain: 'com.example', name: 'mystery', input: ['relu1'], output: ['mystery'] }));
    nodeNamed(m, 'conv2').input![0] = 'mystery';
    m.opsetImport!.push({ domain: 'com.example', version: 1 });
  }, async (file, dir) => {
    // conv1 feeds the unknown op and conv2 reads it: both stay dense; fc1 (no maskable layer before it now) is masked with keepFirst off.
    const s = await pruneModel(file, { ratio: 0.5, groups: 4, searchSwaps: 10, keepFirst: false, out: path.join(dir, 'out') }, quietContext);
    assert.deepEqual(s.maskedLayers, ['fc1']);
    for (const name of ['conv1', 'conv2']) {
      const l = s.layers.find((x) => x.name === name)!;
      assert.equal(l.role, 'not-maskable');
      assert.match(l.reason!, /next to Mystery "mystery", which RGP's channel analysis does not understand/);
    }
    assert.deepEqual(s.unknownLayers, ['mystery']);
    assert.ok(s.warnings.some((w) => /mystery \(Mystery\)/.test(w)));
  });
});

test('MatMul + Add is masked in its [K, N] layout: the output runs and equals the independently masked model', async () => {
  await withModel((m) => {
    const i = m.graph!.node!.findIndex((n) => n.name === 'fc1');
    m.graph!.node!.splice(i, 1,
      onnx.NodeProto.create({ opType: 'MatMul', name: 'fc1mm', input: ['flat', 'f1.w'], output: ['fc1mm'] }),
      onnx.NodeProto.create({ opType: 'Add', name: 'fc1', input: ['fc1mm', 'f1.b'], output: ['fc1'] }));
  }, async (file, dir) => {
    const model = await openModel(file, { signal: quietContext.signal });
    const mm = model.graph.byName.get('fc1mm')!;
    assert.deepEqual(mm.maskable, { variable: 'B', layout: 'taps-in-out' });
    assert.equal(mm.kernelPositions, 1);
    assert.equal(mm.macs, 16 * 16);
    const out = path.join(dir, 'out');
    const s = await pruneModel(file, { ratio: 0.5, groups: 4, searchSwaps: 10, out }, quietContext);
    assert.deepEqual(s.maskedLayers, ['conv2', 'fc1mm']);
    assert.equal(s.layers.find((l) => l.name === 'fc1mm')!.masked!.layout, 'taps-in-out');
    const x = seededFloats(3 * 8 * 8 * 8, 5);
    const got = await runOnnx(path.join(out, 'model.onnx'), x, [3, 8, 8, 8]);
    const { readFileSync } = await import('node:fs');
    const want = await runOnnx(maskedReference(readFileSync(file), path.join(out, 'masks.json')), x, [3, 8, 8, 8]);
    for (let i = 0; i < got.data.length; i++) assert.ok(Math.abs(got.data[i] - want.data[i]) <= 1e-5, `output ${i}`);
  });
});

test('grouped convolutions and weights shared by two nodes are never masked', async () => {
  await withModel((m) => {
    // conv2 as a grouped conv: 16 → 16 channels in 2 groups, weight [16, 8, 3, 3].
    const w = m.graph!.initializer!.find((t) => t.name === 'c2.w')!;
    w.dims = [16, 8, 3, 3];
    w.rawData = w.rawData!.subarray(0, 16 * 8 * 9 * 4);
    nodeNamed(m, 'conv2').attribute = [...nodeNamed(m, 'conv2').attribute!, onnx.AttributeProto.create({ name: 'group', i: 2, type: onnx.AttributeProto.AttributeType.INT })];
    // fc2 reads fc1's weight through an Identity (as PyTorch's deduplication writes shared tensors).
    m.graph!.node!.unshift(onnx.NodeProto.create({ opType: 'Identity', name: 'alias', input: ['f1.w'], output: ['f1.w.alias'] }));
    nodeNamed(m, 'y').input![1] = 'f1.w.alias';
    nodeNamed(m, 'y').input![2] = 'f1.b';
  }, async (file) => {
    const model = await openModel(file, { signal: quietContext.signal });
    assert.deepEqual(model.graph.byName.get('conv2')!.maskable, { reason: 'grouped convolution (group=2)' });
    assert.match((model.graph.byName.get('fc1')!.maskable as { reason: string }).reason, /shared with y/);
    assert.match((model.graph.byName.get('y')!.maskable as { reason: string }).reason, /shared with fc1/);
    // Shared weights count once, with their first reader.
    assert.equal(model.graph.byName.get('y')!.params, 0);
    assert.equal(model.graph.totalParams, 16 * 8 * 9 + 16 + 16 * 8 * 9 + 16 + 16 * 16 + 16 + 4 * 16 + 4);
  });
});
