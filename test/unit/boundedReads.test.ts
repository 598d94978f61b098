/**
 * Reading hostile sizes without a native abort or unbounded memory (issue 14, items 4–5): shards are read
 * in bounded pieces, a weight group too large for one buffer is refused before any allocation, and a
 * gzip IDX file is inflated only as far as its header promises.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, ftruncateSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { idxDeclaredBytes, encodeIdx } from '../../src/core/data/idx';
import { quietContext } from '../../src/core/job';
import { loadDataset } from '../../src/io/dataset';
import { MAX_GROUP_BYTES, readFully } from '../../src/io/modelFolder';
import { inspectModel } from '../../src/jobs/inspectModel';
import { readMaybeGzip } from '../../src/io/readBytes';
import { rejectsRgp } from './rgpAssert';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'rgp-bounded-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('readFully reads in pieces no larger than the chunk, and stops at the end of the file', async () => {
  const f = join(dir, 'bytes.bin');
  const data = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) & 255);
  writeFileSync(f, data);
  const h = await open(f, 'r');
  try {
    const buf = new Uint8Array(1010);
    assert.equal(await readFully(h, buf, 5, 1000, undefined, 7), 1000);
    assert.deepEqual(buf.subarray(5, 1005), data);
    assert.equal(await readFully(h, new Uint8Array(2000), 0, 2000, undefined, 64), 1000);
  } finally {
    await h.close();
  }
});

test('a weight group larger than one buffer can hold is refused before anything is allocated', async () => {
  const m = join(dir, 'huge');
  mkdirSync(m);
  const bytes = MAX_GROUP_BYTES + 4 - (MAX_GROUP_BYTES % 4);
  const fd = openSync(join(m, 'w.bin'), 'w');
  ftruncateSync(fd, bytes); // sparse: no disk, no memory
  closeSync(fd);
  const units = bytes / 4;
  writeFileSync(join(m, 'model.json'), JSON.stringify({
    format: 'layers-model',
    modelTopology: { class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'Dense', config: { name: 'd', units, use_bias: false, batch_input_shape: [null, 1] } }] } },
    weightsManifest: [{ paths: ['w.bin'], weights: [{ name: 'd/kernel', shape: [1, units], dtype: 'float32' }] }],
  }));
  const before = process.memoryUsage().rss;
  await rejectsRgp(inspectModel(join(m, 'model.json'), quietContext), 'UNSUPPORTED', /more than the \d+ one group can hold/);
  assert.ok(process.memoryUsage().rss - before < 256 * 1024 * 1024, 'nothing of the shard\'s size was allocated');
});

test('idxDeclaredBytes reads the promise from the header', () => {
  const idx = encodeIdx({ dtype: 'uint8', shape: [3, 2, 2], data: new Uint8Array(12) });
  assert.equal(idxDeclaredBytes(idx.subarray(0, 3)), undefined);
  assert.equal(idxDeclaredBytes(idx.subarray(0, 8)), undefined);
  assert.equal(idxDeclaredBytes(idx), 16 + 12);
  assert.equal(idxDeclaredBytes(Uint8Array.of(1, 2, 3, 4)), 0);
});

test('a gzip IDX file that inflates beyond its header is refused without inflating it whole', async () => {
  const folder = join(dir, 'bomb');
  mkdirSync(folder);
  const header = encodeIdx({ dtype: 'uint8', shape: [10, 28, 28], data: new Uint8Array(7840) });
  // 64 MiB of zeros after 10 declared images: the gzip file is about 64 KiB.
  const inflated = new Uint8Array(header.length + 64 * 1024 * 1024);
  inflated.set(header);
  writeFileSync(join(folder, 't10k-images-idx3-ubyte.gz'), gzipSync(inflated, { level: 9 }));
  writeFileSync(join(folder, 't10k-labels-idx1-ubyte.gz'), gzipSync(encodeIdx({ dtype: 'uint8', shape: [10], data: new Uint8Array(10) })));
  await rejectsRgp(loadDataset(folder), 'BAD_DATASET', /inflates to more than the 7856 bytes its header declares/);
  // The generic cap: no gzip data file inflates beyond `max`.
  await rejectsRgp(readMaybeGzip(join(folder, 't10k-images-idx3-ubyte.gz'), { max: 1024 * 1024 }), 'UNSUPPORTED', /inflates to more than 1048576 bytes/);
});
