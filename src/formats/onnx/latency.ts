/**
 * Latency of ONNX models in onnxruntime-node, measured fairly: every model in one process, sessions
 * created with the same options, warm-up runs first, then the timed runs interleaved (model A, model B,
 * model A, …) so that a change in machine load hits all models alike, and the median of the repeats.
 * The same seeded input feeds every model. Used by `rgp bench`, the autotuner and bench/inference.ts.
 */
import * as os from 'node:os';
import type * as Ort from 'onnxruntime-node';
import type { onnx } from 'onnx-proto';
import { RgpError } from '../../core/errors';
import type { CancelSignal } from '../../core/job';
import { Random } from '../../core/random';

let runtime: typeof Ort | undefined;

/**
 * onnxruntime-node, loaded on first use rather than when the module loads: it is native and the job
 * worker bundle keeps it external, so an installation without it (the packaged .vsix carries no
 * node_modules) still runs every other job; only timing needs it, and says so.
 */
export function onnxRuntime(): typeof Ort {
  if (!runtime) {
    try {
      // A plain require, so the bundles keep it external and load it only here.
      runtime = require('onnxruntime-node') as typeof Ort;
    } catch (e) {
      throw new RgpError(
        'UNSUPPORTED',
        `onnxruntime-node cannot be loaded here (${(e as Error).message.split('\n')[0]}), so models cannot be run or timed.`,
        'This installation does not carry it (its native binaries are per platform): install it where RGP can load it (npm install onnxruntime-node in RGP\'s folder), or time the models with the rgp command-line tool from an npm install, which brings it.',
      );
    }
  }
  return runtime;
}

/** Whether onnxruntime-node loads here (see onnxRuntime). */
export function onnxRuntimeAvailable(): boolean {
  try {
    onnxRuntime();
    return true;
  } catch {
    return false;
  }
}

export interface LatencyOptions {
  batch: number;
  /** Intra-op threads; 0 = all cores (onnxruntime's default). */
  threads: number;
  warmup: number;
  repeats: number;
  seed: number;
  signal?: CancelSignal;
  /** Keep each model's outputs of its first run (to check that models agree). */
  keepOutputs?: boolean;
}

export interface LatencySample {
  name: string;
  medianMs: number;
  minMs: number;
  samplesMs: number[];
  /** Output name → values of the first run, with `keepOutputs`. */
  outputs?: Record<string, Float32Array>;
}

export function sessionOptions(threads: number): Ort.InferenceSession.SessionOptions {
  return {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  };
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The first real graph input's name and shape with every symbolic dim set to `batch`. */
export function inputShape(model: onnx.IModelProto, batch: number): { name: string; dims: number[] } {
  const g = model.graph!;
  const inits = new Set((g.initializer ?? []).map((t) => t.name));
  const input = (g.input ?? []).find((v) => !inits.has(v.name));
  const dims = input?.type?.tensorType?.shape?.dim;
  if (!input || !dims) throw new RgpError('UNSUPPORTED', 'The model declares no input shape.', 'Export the model with a fixed input shape (a symbolic batch dim is fine).');
  const out = dims.map((d, i) => {
    if (d.dimValue !== undefined && d.dimValue !== null && Number(d.dimValue) > 0) return i === 0 && d.dimParam ? batch : Number(d.dimValue);
    if (i === 0) return batch;
    throw new RgpError('UNSUPPORTED', `The model's input "${input.name}" has a symbolic dimension ${i} ("${d.dimParam ?? '?'}").`, 'Only the batch dimension may be symbolic for benchmarking.');
  });
  return { name: input.name ?? '', dims: out };
}

export function seededInput(dims: readonly number[], seed: number): Float32Array {
  const r = new Random(seed);
  const count = dims.reduce((a, b) => a * b, 1);
  const x = new Float32Array(count);
  for (let i = 0; i < count; i++) x[i] = r.normal();
  return x;
}

export interface BenchModel {
  name: string;
  bytes: Uint8Array;
  /** Input name and shape; all models of one measurement get the same input data. */
  input: { name: string; dims: number[] };
}

/** Medians of interleaved timed runs of every model (same input data, same session options). */
export async function measureLatency(models: BenchModel[], opts: LatencyOptions): Promise<LatencySample[]> {
  if (models.length === 0) return [];
  const ort = onnxRuntime();
  const sessions: Ort.InferenceSession[] = [];
  try {
    for (const m of models) sessions.push(await ort.InferenceSession.create(m.bytes, sessionOptions(opts.threads)));
    const data = seededInput(models[0].input.dims, opts.seed);
    const feeds = models.map((m) => {
      if (m.input.dims.reduce((a, b) => a * b, 1) !== data.length) throw new RgpError('BAD_ARGUMENT', `The models take inputs of different sizes (${models[0].name}, ${m.name}).`, 'Compare a model with its own compact form.');
      return { [m.input.name]: new ort.Tensor('float32', data, m.input.dims) };
    });
    const outputs: Record<string, Float32Array>[] = [];
    for (let w = 0; w < Math.max(opts.warmup, opts.keepOutputs ? 1 : 0); w++) {
      for (let i = 0; i < sessions.length; i++) {
        opts.signal?.throwIfCancelled();
        const out = await sessions[i].run(feeds[i]);
        if (w === 0 && opts.keepOutputs) outputs[i] = Object.fromEntries(Object.entries(out).map(([k, t]) => [k, Float32Array.from(t.data as ArrayLike<number>)]));
      }
    }
    const samples = models.map(() => [] as number[]);
    for (let r = 0; r < opts.repeats; r++) {
      // Rotate the starting model so no model is always first after the others.
      for (let j = 0; j < sessions.length; j++) {
        const i = (j + r) % sessions.length;
        opts.signal?.throwIfCancelled();
        const t0 = process.hrtime.bigint();
        await sessions[i].run(feeds[i]);
        samples[i].push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }
    return models.map((m, i) => ({ name: m.name, medianMs: median(samples[i]), minMs: Math.min(...samples[i]), samplesMs: samples[i], ...(opts.keepOutputs ? { outputs: outputs[i] } : {}) }));
  } finally {
    for (const s of sessions) await s.release();
  }
}

/** What the machine was doing: for every benchmark record. */
export function machineState(): { loadavg: number[]; cpus: number; cpuModel: string; node: string; onnxruntime: string } {
  const cpus = os.cpus();
  return { loadavg: os.loadavg(), cpus: cpus.length, cpuModel: cpus[0]?.model ?? 'unknown', node: process.version, onnxruntime: onnxRuntimeAvailable() ? runtime!.env.versions?.common ?? 'unknown' : 'not available' };
}
