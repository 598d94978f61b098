import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRgpError } from '../../src/core/errors';
import { writeFilesAtomic } from '../../src/io/atomicWrite';

test('writeFilesAtomic puts every file in place, chunks joined, and leaves no temporary file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rgp-files-'));
  try {
    await writeFilesAtomic([
      { target: join(dir, 'model.compact.onnx'), data: [Uint8Array.of(1, 2), Uint8Array.of(3)] },
      { target: join(dir, 'model.compact.report.json'), data: '{"a":1}\n' },
    ]);
    assert.deepEqual([...readFileSync(join(dir, 'model.compact.onnx'))], [1, 2, 3]);
    assert.equal(readFileSync(join(dir, 'model.compact.report.json'), 'utf8'), '{"a":1}\n');
    assert.deepEqual(readdirSync(dir).sort(), ['model.compact.onnx', 'model.compact.report.json']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('writeFilesAtomic: when a later file cannot be written, no target changes and no temporary file is left', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rgp-files-'));
  try {
    const model = join(dir, 'model.compact.onnx');
    writeFileSync(model, 'old model');
    writeFileSync(join(dir, 'blocker'), 'a file where a folder should be');
    await assert.rejects(
      writeFilesAtomic([
        { target: model, data: 'new model' },
        { target: join(dir, 'blocker', 'report.json'), data: '{}' },
      ]),
      (e: unknown) => isRgpError(e) && /cannot be written/.test(e.message),
    );
    assert.equal(readFileSync(model, 'utf8'), 'old model');
    assert.deepEqual(readdirSync(dir).sort(), ['blocker', 'model.compact.onnx']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
