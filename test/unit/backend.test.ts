import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describeBackend, selectBackend, type BackendInfo, type BackendName } from '../../src/core/train/backend';
import { Random } from '../../src/core/random';

const ROOT = join(__dirname, '..', '..');

function matMulReference(a: Float32Array, b: Float32Array, m: number, k: number, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let t = 0; t < k; t++) s += a[i * k + t]! * b[t * n + j]!;
    out[i * n + j] = s;
  }
  return out;
}

function checkMatMuls(): void {
  const rng = new Random(3);
  const [m, k, n] = [37, 61, 29];
  const a = Float32Array.from({ length: m * k }, () => rng.normal());
  const b = Float32Array.from({ length: k * n }, () => rng.normal());
  const want = matMulReference(a, b, m, k, n);
  const close = (got: ArrayLike<number>, what: string): void => {
    assert.equal(got.length, want.length);
    for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i]! - want[i]!) < 1e-4 * (1 + Math.abs(want[i]!)), `${what}[${i}]: ${got[i]} vs ${want[i]}`);
  };
  tf.tidy(() => {
    const ta = tf.tensor2d(a, [m, k]);
    const tb = tf.tensor2d(b, [k, n]);
    close(tf.matMul(ta, tb).dataSync(), 'a·b');
    // The transposed paths are the ones every matMul gradient takes.
    close(tf.matMul(ta.transpose(), tb, true, false).dataSync(), 'aᵀᵀ·b');
    close(tf.matMul(ta, tb.transpose(), false, true).dataSync(), 'a·bᵀᵀ');
  });
}

test('selectBackend picks the fastest available backend, reports it, and it computes correctly', async () => {
  const info = await selectBackend();
  assert.equal(tf.getBackend(), info.name, 'the reported backend is the active one');
  let tfjsNodeInstalled = true;
  try {
    require.resolve('@tensorflow/tfjs-node');
  } catch {
    tfjsNodeInstalled = false;
  }
  if (tfjsNodeInstalled) {
    assert.equal(info.name, 'tensorflow');
  } else {
    assert.equal(info.name, 'wasm', `expected wasm, got ${JSON.stringify(info)}`);
    assert.equal(info.simd, true, 'Node 20 supports wasm SIMD');
    assert.equal(info.threads, 1, 'tfjs disables wasm threads in Node');
    assert.deepEqual(info.skipped?.map((s) => s.name), ['tensorflow']);
    assert.match(info.skipped![0]!.reason, /not installed/);
    assert.equal(describeBackend(info), 'wasm (SIMD, 1 thread)');
    assert.equal(info.kernels, 'rgp-training', 'the training kernels are installed with wasm');
  }
  checkMatMuls();
});

test('a gradient step on the selected backend matches the cpu backend', async () => {
  const rng = new Random(11);
  const x = Float32Array.from({ length: 16 * 12 }, () => rng.normal());
  const w = Float32Array.from({ length: 12 * 5 }, () => rng.normal());
  const grad = (): Float32Array =>
    tf.tidy(() => {
      const tx = tf.tensor2d(x, [16, 12]);
      const tw = tf.tensor2d(w, [12, 5]);
      const g = tf.grad((v: tf.Tensor) => tf.relu(tf.matMul(tx, v as tf.Tensor2D)).square().sum())(tw);
      return g.dataSync() as Float32Array;
    });
  const fast = await selectBackend();
  const g1 = grad();
  await selectBackend({ prefer: 'cpu' });
  assert.equal(tf.getBackend(), 'cpu');
  const g2 = grad();
  for (let i = 0; i < g1.length; i++) assert.ok(Math.abs(g1[i]! - g2[i]!) < 1e-3 * (1 + Math.abs(g2[i]!)), `${fast.name} grad[${i}] ${g1[i]} vs cpu ${g2[i]}`);
  checkMatMuls();
  // Switching back works: the wasm module is initialised once per process and then reused.
  const again = await selectBackend({ prefer: fast.name as BackendName });
  assert.equal(again.name, fast.name);
});

/** Runs selectBackend in a fresh process (the wasm loader is configured once per process). */
function selectInChild(opts: object): BackendInfo & { active: string } {
  const script = `
    const tf = require('@tensorflow/tfjs');
    const { selectBackend } = require(${JSON.stringify(join(ROOT, 'src/core/train/backend.ts'))});
    selectBackend(${JSON.stringify(opts)}).then((info) => {
      process.stdout.write('RESULT ' + JSON.stringify({ ...info, active: tf.getBackend() }) + '\\n');
    });`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const line = out.split('\n').find((l) => l.startsWith('RESULT '));
  assert.ok(line, `no result in: ${out}`);
  return JSON.parse(line.slice(7));
}

test('wasm loads from a copy of the .wasm files in another folder, as in the bundled extension', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rgp-wasm-'));
  try {
    const src = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
    for (const f of readdirSync(src).filter((f) => f.endsWith('.wasm'))) copyFileSync(join(src, f), join(dir, f));
    const info = selectInChild({ prefer: 'wasm', wasmDir: dir });
    assert.equal(info.name, 'wasm');
    assert.equal(info.active, 'wasm');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('when the .wasm files are missing, selection falls back to cpu and says why', () => {
  const info = selectInChild({ prefer: 'wasm', wasmDir: join(tmpdir(), 'rgp-no-such-wasm-dir') });
  assert.equal(info.name, 'cpu');
  assert.equal(info.active, 'cpu');
  assert.equal(info.skipped?.[0]?.name, 'wasm');
  assert.match(info.skipped![0]!.reason, /rgp-no-such-wasm-dir/);
});
