/**
 * Training throughput (examples/s), side by side in one run: tfjs on the selected backend (wasm with our
 * training kernels, see src/core/train/wasmKernels.ts), the same wasm backend with its stock kernels, and
 * PyTorch on CPU (Debian python3-torch via /usr/bin/python3, 1 thread by default, with the BLAS it loaded —
 * libopenblas0 when installed; bench/train_torch.py), on the same
 * models, batch sizes, optimiser and input shapes:
 *   mlp: 784-300-100-10 ReLU, batch 128
 *   cnn: conv3x3-32, conv3x3-32, maxpool2, conv3x3-64, conv3x3-64, maxpool2, dense 10 ('same', ReLU),
 *        on 32×32×3, batch 64 (NHWC here, NCHW in torch)
 * Adam (lr 1e-3), softmax cross-entropy on logits, synthetic seeded normal inputs and uniform labels.
 * One step = forward + backward + update + reading the loss back; `warmup` untimed steps, then `steps`
 * timed ones (default 300). The sides run one after another, never concurrently, interleaved over rounds
 * (ours, torch, ours, torch …); os.loadavg() before and after is recorded.
 * Run: npx tsx bench/train.ts [--steps 300] [--warmup 10] [--rounds 2] [--threads 1] [--models mlp,cnn]
 *      [--no-stock] [--no-torch]
 *      (prints JSON)
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describeBackend, selectBackend } from '../src/core/train/backend';
import { installWasmTrainingKernels, uninstallWasmTrainingKernels } from '../src/core/train/wasmKernels';
import { Random } from '../src/core/random';

type ModelName = 'mlp' | 'cnn';

interface Options {
  steps: number;
  warmup: number;
  models: ModelName[];
  stock: boolean;
  torch: boolean;
  seed: number;
  /** Torch's threads (default 1: a 2-thread torch on a 2-core machine shared with this process is contended). */
  threads: number;
  /** Rounds of (ours, torch) per model, interleaved, so both see the same machine load. */
  rounds: number;
}

interface Throughput {
  batch: number;
  steps: number;
  seconds: number;
  /** CPU time this process spent in the timed steps; far below `seconds` means other work shared the cores. */
  cpuSeconds: number;
  examplesPerSecond: number;
  medianStepMs: number;
  finalLoss: number;
}

type Outcome = Throughput | { error: string };

function parseArgs(argv: string[]): Options {
  const opts: Options = { steps: 300, warmup: 10, models: ['mlp', 'cnn'], stock: true, torch: true, seed: 1, threads: 1, rounds: 2 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--steps') opts.steps = Math.max(1, parseInt(value(), 10));
    else if (a === '--warmup') opts.warmup = Math.max(0, parseInt(value(), 10));
    else if (a === '--seed') opts.seed = parseInt(value(), 10);
    else if (a === '--threads') opts.threads = Math.max(1, parseInt(value(), 10));
    else if (a === '--rounds') opts.rounds = Math.max(1, parseInt(value(), 10));
    else if (a === '--models') {
      opts.models = value().split(',').map((m) => {
        if (m !== 'mlp' && m !== 'cnn') throw new Error(`unknown model '${m}'; use mlp and/or cnn`);
        return m;
      });
    } else if (a === '--no-stock') opts.stock = false;
    else if (a === '--no-torch') opts.torch = false;
    else throw new Error(`unknown option ${a}`);
  }
  return opts;
}

function build(name: ModelName, seed: number): { model: tf.Sequential; input: number[]; batch: number } {
  let s = seed;
  const init = (): ReturnType<typeof tf.initializers.glorotUniform> => tf.initializers.glorotUniform({ seed: s++ });
  const model = tf.sequential();
  if (name === 'mlp') {
    model.add(tf.layers.dense({ inputShape: [784], units: 300, activation: 'relu', kernelInitializer: init() }));
    model.add(tf.layers.dense({ units: 100, activation: 'relu', kernelInitializer: init() }));
    model.add(tf.layers.dense({ units: 10, kernelInitializer: init() }));
    return { model, input: [784], batch: 128 };
  }
  const conv = (filters: number, first = false): tf.layers.Layer =>
    tf.layers.conv2d({ ...(first ? { inputShape: [32, 32, 3] } : {}), filters, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init() });
  model.add(conv(32, true));
  model.add(conv(32));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(conv(64));
  model.add(conv(64));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 10, kernelInitializer: init() }));
  return { model, input: [32, 32, 3], batch: 64 };
}

function measureTfjs(name: ModelName, opts: Options): Outcome {
  const { model, input, batch } = build(name, opts.seed);
  const rng = new Random(opts.seed);
  const x = tf.tensor(Float32Array.from({ length: batch * input.reduce((p, d) => p * d, 1) }, () => rng.normal()), [batch, ...input]);
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(Array.from({ length: batch }, () => rng.int(10)), 'int32'), 10).toFloat());
  const optimizer = tf.train.adam(1e-3);
  const step = (): number => {
    const cost = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x) as tf.Tensor) as tf.Scalar, true)!;
    const v = cost.dataSync()[0]!;
    cost.dispose();
    return v;
  };
  try {
    for (let i = 0; i < opts.warmup; i++) step();
    const times: number[] = [];
    let loss = NaN;
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    for (let i = 0; i < opts.steps; i++) {
      const t0 = performance.now();
      loss = step();
      times.push(performance.now() - t0);
    }
    const seconds = (performance.now() - start) / 1000;
    const cpu = process.cpuUsage(cpu0);
    times.sort((a, b) => a - b);
    return { batch, steps: opts.steps, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, examplesPerSecond: (opts.steps * batch) / seconds, medianStepMs: times[times.length >> 1]!, finalLoss: loss };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  } finally {
    tf.dispose([x, y]);
    optimizer.dispose();
    model.dispose();
  }
}

function measureTorch(opts: Options, models: ModelName[] = opts.models): Record<string, unknown> {
  const python = '/usr/bin/python3';
  const args = JSON.stringify({ models, warmup: opts.warmup, steps: opts.steps, seed: opts.seed, threads: opts.threads });
  // torch.set_num_threads does not reach OpenBLAS's own thread pool (libopenblasp is the pthreads build):
  // without these, "1-thread torch" ran its GEMMs on both cores (2× CPU seconds per wall second).
  const threads = String(opts.threads);
  const env = { ...process.env, OMP_NUM_THREADS: threads, OPENBLAS_NUM_THREADS: threads, MKL_NUM_THREADS: threads };
  const r = spawnSync(python, [join(__dirname, 'train_torch.py'), args], { encoding: 'utf8', timeout: 30 * 60 * 1000, env });
  if (r.error) return { available: false, reason: `${python} could not run: ${r.error.message}` };
  if (r.status !== 0) return { available: false, reason: `train_torch.py exited with ${r.status}: ${r.stderr.trim().split('\n').slice(-3).join(' ')}` };
  try {
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
  } catch {
    return { available: false, reason: `train_torch.py printed no JSON: ${r.stdout.slice(0, 200)}` };
  }
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const info = await selectBackend();
  const label = `${describeBackend(info)}${info.kernels ? ` + ${info.kernels} kernels` : ''}`;
  const loadBefore = loadavg();
  // Interleaved: per round and model, ours then torch, so a change in the machine's load hits both sides.
  const ours: Record<string, Outcome[]> = {};
  const torchRuns: Record<string, Throughput[]> = {};
  let torch: Record<string, unknown> = { available: false, reason: 'skipped (--no-torch)' };
  for (let round = 0; round < opts.rounds; round++) {
    for (const m of opts.models) {
      (ours[m] ??= []).push(measureTfjs(m, opts));
      if (opts.torch) {
        const t = measureTorch(opts, [m]);
        const { models, ...about } = t as { models?: Record<string, Throughput> };
        torch = about;
        if (models?.[m]) (torchRuns[m] ??= []).push(models[m]!);
      }
    }
  }
  const tfjs: Record<string, Record<string, Outcome | Outcome[]>> = { [label]: ours };
  if (opts.stock && info.name === 'wasm') {
    const stock = `${describeBackend(info)}, stock kernels`;
    tfjs[stock] = {};
    uninstallWasmTrainingKernels();
    try {
      for (const m of opts.models) tfjs[stock][m] = measureTfjs(m, opts);
    } finally {
      installWasmTrainingKernels();
    }
  }
  const median = (xs: number[]): number | null => (xs.length ? [...xs].sort((a, b) => a - b)[xs.length >> 1]! : null);
  const rate = (xs: Outcome[] | undefined) => median((xs ?? []).flatMap((o) => ('examplesPerSecond' in o ? [o.examplesPerSecond] : [])));
  // Per CPU-second of the process: less sensitive than wall time to other work on the cores (both sides here run one thread).
  const perCpu = (xs: Outcome[] | undefined) => median((xs ?? []).flatMap((o) => ('examplesPerSecond' in o && o.cpuSeconds > 0 ? [(o.steps * o.batch) / o.cpuSeconds] : [])));
  const summary: Record<string, { ours: number | null; torch: number | null; ratio: number | null; oursPerCpuSecond: number | null; torchPerCpuSecond: number | null; ratioPerCpuSecond: number | null }> = {};
  for (const m of opts.models) {
    const a = rate(ours[m]);
    const b = rate(torchRuns[m]);
    const ac = perCpu(ours[m]);
    const bc = perCpu(torchRuns[m]);
    summary[m] = { ours: a, torch: b, ratio: a !== null && b !== null ? a / b : null, oursPerCpuSecond: ac, torchPerCpuSecond: bc, ratioPerCpuSecond: ac !== null && bc !== null ? ac / bc : null };
  }
  const result = {
    bench: 'train',
    what: 'training throughput, examples/s (Adam, forward+backward+update+loss read-back); medians over interleaved rounds',
    node: process.version,
    tfjs: tf.version.tfjs,
    cpus: cpus().length,
    loadavg: { before: loadBefore, after: loadavg() },
    options: opts,
    backend: info,
    tfjsResults: tfjs,
    torch: { ...torch, models: torchRuns },
    summary,
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(1);
});
