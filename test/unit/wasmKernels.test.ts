/**
 * The wasm training kernels (src/core/train/wasmKernels.ts) against tfjs' reference cpu backend: each
 * gradient is the backward pass of Σ f(x)·r for seeded random x and r, compared element by element; the
 * composite kernels must leave nothing behind on the wasm heap; and a tiny seeded CNN trains on wasm
 * step for step like on cpu.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/core/train/backend';
import { installWasmTrainingKernels, uninstallWasmTrainingKernels, wasmTrainingKernelsInstalled } from '../../src/core/train/wasmKernels';
import { Random } from '../../src/core/random';
import { simplifyPermutation, transposeInto } from '../../src/core/train/wasmTranspose';

type Grads = Float32Array[];

function randn(rng: Random, shape: number[], ties = false): tf.Tensor {
  // With `ties`, values in {-1, 0, 1}: most pooling windows hold several equal maxima.
  return tf.tensor(Float32Array.from({ length: tf.util.sizeFromShape(shape) }, () => (ties ? rng.int(3) - 1 : rng.normal())), shape);
}

/** Gradients of Σ f(xs)·r for a fixed random r, i.e. the backward pass with upstream gradient r. */
function gradsOf(f: (...xs: tf.Tensor[]) => tf.Tensor, shapes: number[][], seed: number, ties: boolean): Grads {
  return tf.tidy(() => {
    const rng = new Random(seed);
    const xs = shapes.map((s) => randn(rng, s, ties));
    const probe = f(...xs);
    const r = randn(rng, probe.shape);
    const gs = tf.grads((...v: tf.Tensor[]) => f(...v).mul(r).sum())(xs);
    return gs.map((g, i) => {
      assert.deepEqual(g.shape, shapes[i], 'gradient shape');
      return g.dataSync() as Float32Array;
    });
  });
}

async function useWasm(): Promise<void> {
  const info = await selectBackend({ prefer: 'wasm' });
  assert.equal(info.name, 'wasm', `wasm backend expected, got ${JSON.stringify(info)}`);
  installWasmTrainingKernels();
}

function numDataIds(): number {
  return tf.engine().backend.numDataIds();
}

/** Runs `f` on wasm (with our kernels) and on cpu and requires the same gradients; also checks for heap leaks. */
async function matchesCpu(what: string, f: (...xs: tf.Tensor[]) => tf.Tensor, shapes: number[][], seed = 1, ties = false): Promise<void> {
  await useWasm();
  const before = numDataIds();
  const got = gradsOf(f, shapes, seed, ties);
  assert.equal(numDataIds(), before, `${what}: the composite kernels left tensors on the wasm heap`);
  await selectBackend({ prefer: 'cpu' });
  const want = gradsOf(f, shapes, seed, ties);
  for (let k = 0; k < want.length; k++) {
    const g = got[k]!;
    const w = want[k]!;
    assert.equal(g.length, w.length);
    for (let i = 0; i < w.length; i++) {
      assert.ok(Math.abs(g[i]! - w[i]!) <= 1e-4 * (1 + Math.abs(w[i]!)), `${what}: gradient ${k}[${i}] wasm ${g[i]} vs cpu ${w[i]}`);
    }
  }
}

async function forwardMatchesCpu(what: string, f: (...xs: tf.Tensor[]) => tf.Tensor, shapes: number[][], seed = 1): Promise<void> {
  const run = (): Float32Array =>
    tf.tidy(() => {
      const rng = new Random(seed);
      return f(...shapes.map((sh) => randn(rng, sh))).dataSync() as Float32Array;
    });
  await useWasm();
  const got = run();
  await selectBackend({ prefer: 'cpu' });
  const want = run();
  assert.equal(got.length, want.length);
  for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i]! - want[i]!) <= 1e-4 * (1 + Math.abs(want[i]!)), `${what}[${i}]: wasm ${got[i]} vs cpu ${want[i]}`);
}

test('install is idempotent, per backend, and uninstall restores the wasm kernels', async () => {
  await useWasm();
  const cpuBefore = tf.getKernel('BatchMatMul', 'cpu');
  uninstallWasmTrainingKernels();
  const stock = tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc;
  assert.equal(tf.getKernel('Conv2DBackpropFilter', 'wasm'), undefined, 'tfjs-backend-wasm 4.22 lacks Conv2DBackpropFilter');
  installWasmTrainingKernels();
  installWasmTrainingKernels();
  assert.ok(wasmTrainingKernelsInstalled());
  const ours = tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc;
  assert.notEqual(ours, stock);
  for (const k of ['Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput', 'UnsortedSegmentSum']) {
    assert.ok(tf.getKernel(k, 'wasm'), `${k} registered`);
  }
  assert.equal(tf.getKernel('BatchMatMul', 'cpu'), cpuBefore, 'the cpu backend is untouched');
  uninstallWasmTrainingKernels();
  assert.equal(tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc, stock);
  assert.equal(tf.getKernel('Conv2DBackpropFilter', 'wasm'), undefined);
  installWasmTrainingKernels();
  assert.notEqual(tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc, stock);
});

test('Conv2D gradients (input and filter) match the cpu backend', async () => {
  const cases: { strides: number | [number, number]; pad: 'same' | 'valid'; x: number[]; w: number[] }[] = [
    { strides: 1, pad: 'same', x: [2, 7, 8, 3], w: [3, 3, 3, 4] },
    { strides: 1, pad: 'valid', x: [2, 7, 8, 3], w: [3, 3, 3, 4] },
    { strides: 2, pad: 'same', x: [2, 7, 8, 3], w: [3, 3, 3, 4] },
    { strides: 2, pad: 'valid', x: [2, 8, 7, 3], w: [3, 3, 3, 4] },
    { strides: 2, pad: 'valid', x: [2, 8, 8, 5], w: [1, 1, 5, 6] },
    { strides: [1, 2], pad: 'same', x: [3, 6, 9, 2], w: [5, 3, 2, 3] },
    { strides: 3, pad: 'valid', x: [1, 10, 11, 2], w: [2, 2, 2, 3] },
    // Rows/columns no window reaches: both gradients must crop rather than pad.
    { strides: 3, pad: 'valid', x: [2, 10, 9, 2], w: [1, 1, 2, 3] },
  ];
  for (const c of cases) {
    await matchesCpu(
      `conv2d ${JSON.stringify(c)}`,
      (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.strides, c.pad),
      [c.x, c.w],
    );
  }
});

test('the layers path (fused conv2d + bias + relu) and conv2dTranspose match the cpu backend', async () => {
  await matchesCpu(
    'fused conv2d',
    (x, w, b) => tf.fused.conv2d({ x: x as tf.Tensor4D, filter: w as tf.Tensor4D, strides: 1, pad: 'same', bias: b, activation: 'relu' }),
    [[2, 6, 6, 3], [3, 3, 3, 4], [4]],
  );
  await matchesCpu(
    'conv2dTranspose',
    (y, w) => tf.conv2dTranspose(y as tf.Tensor4D, w as tf.Tensor4D, [2, 9, 9, 3], 2, 'same'),
    [[2, 5, 5, 4], [3, 3, 3, 4]],
  );
});

test('depthwise conv gradients match the cpu backend', async () => {
  const cases: { strides: number | [number, number]; pad: 'same' | 'valid'; x: number[]; w: number[] }[] = [
    { strides: 1, pad: 'same', x: [2, 7, 8, 3], w: [3, 3, 3, 1] },
    { strides: [2, 1], pad: 'same', x: [2, 7, 9, 2], w: [3, 5, 2, 2] },
    { strides: 2, pad: 'valid', x: [2, 8, 7, 3], w: [3, 3, 3, 2] },
    { strides: 2, pad: 'same', x: [1, 9, 9, 4], w: [5, 5, 4, 3] },
  ];
  for (const c of cases) {
    await matchesCpu(
      `depthwiseConv2d ${JSON.stringify(c)}`,
      (x, w) => tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.strides, c.pad),
      [c.x, c.w],
    );
  }
});

test('matMul gradients match the cpu backend for all four transpose combinations, batched and fused', async () => {
  const [m, k, n] = [7, 11, 5];
  for (const ta of [false, true]) {
    for (const tb of [false, true]) {
      await matchesCpu(
        `matMul ta=${ta} tb=${tb}`,
        (a, b) => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D, ta, tb),
        [ta ? [k, m] : [m, k], tb ? [n, k] : [k, n]],
      );
      await matchesCpu(
        `batched matMul ta=${ta} tb=${tb}`,
        (a, b) => tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D, ta, tb),
        [ta ? [3, k, m] : [3, m, k], tb ? [3, n, k] : [3, k, n]],
      );
    }
  }
  // tfjs' BatchMatMul gradient does not reduce broadcast batch dims, so the batch-folded path is checked forward.
  for (const ta of [false, true]) {
    await forwardMatchesCpu(
      `broadcast matMul ta=${ta}`,
      (a, b) => tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D, ta, true),
      [ta ? [4, k, m] : [4, m, k], [1, n, k]],
    );
  }
  await matchesCpu(
    'fused matMul',
    (a, b, bias) => tf.fused.matMul({ a: a as tf.Tensor2D, b: b as tf.Tensor2D, bias, activation: 'relu', transposeB: true }),
    [[m, k], [n, k], [n]],
  );
});

test('gather gradients (UnsortedSegmentSum) match the cpu backend', async () => {
  const idx = [3, 1, 3, 7, 0, 3];
  await matchesCpu('gather axis 0', (p) => tf.gather(p!, tf.tensor1d(idx, 'int32')), [[9, 4]]);
  await matchesCpu('gather axis 1', (p) => tf.gather(p!, tf.tensor1d([2, 0, 2], 'int32'), 1), [[3, 5, 2]]);
  await matchesCpu('gather 2-D indices', (p) => tf.gather(p!, tf.tensor2d([[1, 2], [2, 4]], [2, 2], 'int32')), [[6, 3]]);
});

test('max-pool and bias (leading-axes sum) gradients match the cpu backend, tied maxima included', async () => {
  const cases: { size: number; strides: number; pad: 'same' | 'valid' }[] = [
    { size: 2, strides: 2, pad: 'valid' },
    { size: 3, strides: 1, pad: 'same' },
    { size: 3, strides: 2, pad: 'same' },
  ];
  for (const c of cases) {
    await matchesCpu(`maxPool ${JSON.stringify(c)}`, (x) => tf.maxPool(x as tf.Tensor4D, c.size, c.strides, c.pad), [[2, 7, 9, 5]]);
    // Tied maxima: the gradient must go to the same one of them as on cpu (the first in row-major order).
    await matchesCpu(`maxPool ties ${JSON.stringify(c)}`, (x) => tf.maxPool(x as tf.Tensor4D, c.size, c.strides, c.pad), [[2, 7, 9, 5]], 2, true);
  }
  await matchesCpu('sum over N,H,W', (x) => tf.sum(x!, [0, 1, 2]), [[3, 5, 6, 7]]);
  await matchesCpu('sum over N, keepDims', (x) => tf.sum(x!, 0, true), [[9, 4]]);
  await forwardMatchesCpu('sum over axes given out of order', (x) => tf.sum(x!, [1, -4]), [[3, 4, 2, 5]]);
});

test('transpose: the fast paths agree with a reference for every permutation up to rank 5', async () => {
  const rng = new Random(9);
  const permutations = (r: number): number[][] =>
    r === 0 ? [[]] : permutations(r - 1).flatMap((p) => Array.from({ length: r }, (_, i) => [...p.slice(0, i), r - 1, ...p.slice(i)]));
  let fast = 0;
  for (let r = 1; r <= 5; r++) {
    for (const perm of permutations(r)) {
      const shape = Array.from({ length: r }, () => 1 + rng.int(r <= 3 ? 37 : 5));
      const size = tf.util.sizeFromShape(shape);
      const src = Float32Array.from({ length: size }, (_, i) => i);
      const out = new Float32Array(size);
      if (!transposeInto(src, shape, perm, out)) continue;
      fast++;
      // Row-major strides of the input, and the output index decoded digit by digit.
      const inS = shape.map((_, k) => tf.util.sizeFromShape(shape.slice(k + 1)));
      const outShape = perm.map((a) => shape[a]!);
      for (let o = 0; o < size; o++) {
        let rem = o;
        let from = 0;
        for (let k = r - 1; k >= 0; k--) {
          from += (rem % outShape[k]!) * inS[perm[k]!]!;
          rem = Math.floor(rem / outShape[k]!);
        }
        assert.equal(out[o], src[from], `shape [${shape}] perm [${perm}] at ${o}`);
      }
    }
  }
  assert.ok(fast > 50, `fast paths taken ${fast} times`);
  assert.deepEqual(simplifyPermutation([64, 32, 32, 3], [3, 1, 2, 0]), { shape: [64, 1024, 3], perm: [2, 1, 0] });
  assert.deepEqual(simplifyPermutation([5, 1, 7], [2, 1, 0]), { shape: [5, 7], perm: [1, 0] });
  // Through the kernel, with int32 and bool data too.
  await forwardMatchesCpu('transpose float32', (x) => tf.transpose(x!, [3, 1, 2, 0]), [[4, 5, 6, 7]]);
  await useWasm();
  const ints = tf.tidy(() => tf.transpose(tf.range(0, 120, 1, 'int32').reshape([2, 3, 4, 5]), [2, 0, 3, 1]).arraySync());
  const bools = tf.tidy(() => tf.transpose(tf.tensor2d([1, 0, 0, 1, 1, 0], [2, 3]).cast('bool'), [1, 0]).arraySync());
  await selectBackend({ prefer: 'cpu' });
  assert.deepEqual(ints, tf.tidy(() => tf.transpose(tf.range(0, 120, 1, 'int32').reshape([2, 3, 4, 5]), [2, 0, 3, 1]).arraySync()));
  assert.deepEqual(bools, tf.tidy(() => tf.transpose(tf.tensor2d([1, 0, 0, 1, 1, 0], [2, 3]).cast('bool'), [1, 0]).arraySync()));
  assert.deepEqual(bools, [[1, 1], [0, 1], [0, 0]]);
});

/** A seeded tiny CNN (conv, strided conv, depthwise conv, pool, embedding-free dense head). */
function tinyCnn(): tf.Sequential {
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 6, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(1) }));
  model.add(tf.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: init(2) }));
  model.add(tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', activation: 'relu', depthwiseInitializer: init(3) }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: init(4) }));
  return model;
}

/** Label 1 when the left half is brighter than the right half. */
function toyImages(count: number, seed: number): { xs: tf.Tensor4D; ys: tf.Tensor2D } {
  const rng = new Random(seed);
  const x = new Float32Array(count * 64);
  const y = new Float32Array(count * 2);
  for (let i = 0; i < count; i++) {
    let diff = 0;
    for (let p = 0; p < 64; p++) {
      const v = rng.float();
      x[i * 64 + p] = v;
      diff += p % 8 < 4 ? v : -v;
    }
    y[i * 2 + (diff > 0 ? 1 : 0)] = 1;
  }
  return { xs: tf.tensor4d(x, [count, 8, 8, 1]), ys: tf.tensor2d(y, [count, 2]) };
}

function trainLosses(steps: number): number[] {
  const model = tinyCnn();
  const { xs, ys } = toyImages(64, 5);
  const opt = tf.train.adam(0.01);
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(ys, model.apply(xs) as tf.Tensor) as tf.Scalar, true)!;
    losses.push(loss.dataSync()[0]!);
    loss.dispose();
  }
  tf.dispose([xs, ys]);
  opt.dispose();
  model.dispose();
  return losses;
}

test('a tiny CNN trains on wasm: the loss falls, and follows the cpu backend step for step', async () => {
  await useWasm();
  const before = tf.memory().numTensors;
  const wasm = trainLosses(20);
  assert.equal(tf.memory().numTensors, before, 'training leaks no tensors');
  assert.ok(wasm.every(Number.isFinite), `finite losses: ${wasm}`);
  assert.ok(wasm[wasm.length - 1]! < 0.8 * wasm[0]!, `loss should fall: ${wasm.map((l) => l.toFixed(3)).join(' ')}`);
  await selectBackend({ prefer: 'cpu' });
  const cpu = trainLosses(3);
  for (let i = 0; i < cpu.length; i++) assert.ok(Math.abs(wasm[i]! - cpu[i]!) < 1e-3, `step ${i}: wasm ${wasm[i]} vs cpu ${cpu[i]}`);
});
