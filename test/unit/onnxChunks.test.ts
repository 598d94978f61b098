/**
 * encodeModelChunks (src/formats/onnx/proto.ts): the chunks, written one after another, are a model that
 * decodes to the same content encodeModel gives, and large raw_data goes out as the initializer's own bytes
 * (no copy). On the shared PyTorch export and its compact model.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { onnx } from 'onnx-proto';
import { decodeModel, encodeModel, encodeModelChunks } from '../../src/formats/onnx/proto';
import { SHARED_DATA } from '../fixtures/sharedData';

const concat = (chunks: Uint8Array[]) => Buffer.concat(chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)));

test('a model written in chunks decodes to the same graph, weights and metadata, its large weights not copied', async () => {
  const model = decodeModel(readFileSync(`${SHARED_DATA}/models/resnet18_w16_cifar.onnx`), 'resnet');
  const chunks = encodeModelChunks(model);
  const joined = concat(chunks);
  const whole = encodeModel(model);
  assert.equal(joined.length, whole.length, 'the same number of bytes (fields reordered, nothing added)');
  const a = onnx.ModelProto.toObject(onnx.ModelProto.decode(joined), { bytes: Array });
  const b = onnx.ModelProto.toObject(onnx.ModelProto.decode(whole), { bytes: Array });
  assert.deepEqual(a, b);
  const big = (model.graph!.initializer ?? []).filter((t) => (t.rawData?.length ?? 0) >= 1 << 16);
  assert.ok(big.length > 0, 'the model has large weights');
  for (const t of big) assert.ok(chunks.includes(t.rawData!), `${t.name}'s raw_data is written as it is`);
  // And onnxruntime loads it.
  const s = await ort.InferenceSession.create(joined);
  assert.deepEqual(s.inputNames, ['input']);
  await s.release();
});
