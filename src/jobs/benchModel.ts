/**
 * The "bench" job (issue 13): latency of a dense (or masked) model and its compact form in
 * onnxruntime-node on this machine — both in this one process, same session options and seeded input,
 * warm-up, interleaved timed runs, median — for each batch size and thread count asked. A TF.js model is
 * converted to ONNX in memory first (layersToOnnx). Results are plain JSON (protocol-friendly); the CLI
 * prints them and can write them to a file.
 */
import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { RgpError } from '../core/errors';
import type { JobContext } from '../core/job';
import { openModel } from '../formats';
import { decodeModel, encodeModel } from '../formats/onnx/proto';
import { layersToOnnx } from '../formats/onnx/fromLayers';
import { inputShape, machineState, measureLatency } from '../formats/onnx/latency';
import { writeJsonAtomic } from '../io/atomicWrite';
import { prepareOutput } from './outputFolder';

export interface BenchOptions {
  /** The compact model (default: model.compact.onnx beside the model, if there). */
  compact?: string;
  batches?: number[];
  /** Intra-op thread counts; 0 = all cores. */
  threads?: number[];
  warmup?: number;
  repeats?: number;
  seed?: number;
}

export interface BenchRun {
  batch: number;
  threads: number | 'all';
  denseMs: number;
  compactMs: number | null;
  /** denseMs / compactMs. */
  speedup: number | null;
  denseSamplesMs: number[];
  compactSamplesMs: number[] | null;
  loadavg: number[];
}

export interface BenchSummary {
  format: 'rgp-bench';
  version: 1;
  model: string;
  compact: string | null;
  bytes: { model: number; compact: number | null };
  warmup: number;
  repeats: number;
  runs: BenchRun[];
  machine: ReturnType<typeof machineState>;
}

async function onnxBytes(file: string, ctx: JobContext): Promise<{ bytes: Uint8Array; fileBytes: number }> {
  if (path.extname(file).toLowerCase() === '.onnx') {
    const bytes = await readFile(file).catch((e: NodeJS.ErrnoException) => {
      throw new RgpError('UNREADABLE_FILE', `Cannot read ${file} (${e.code ?? e.message}).`, 'Check the path.');
    });
    return { bytes, fileBytes: bytes.length };
  }
  const m = await openModel(file, { signal: ctx.signal });
  const r = layersToOnnx(m.graph, (w) => {
    const { bytes, byteOffset } = m.weightBytes(w);
    const out = new Float32Array(w.bytes / 4);
    new Uint8Array(out.buffer).set(bytes.subarray(byteOffset, byteOffset + w.bytes));
    return out;
  });
  return { bytes: encodeModel(r.model), fileBytes: m.fileBytes };
}

function positiveInts(xs: number[], what: string, min: number): number[] {
  for (const x of xs) if (!Number.isInteger(x) || x < min) throw new RgpError('BAD_ARGUMENT', `${what} must be integers ≥ ${min}, got ${x}.`, 'Example: --batch 1,64 --threads 1.');
  if (xs.length === 0) throw new RgpError('BAD_ARGUMENT', `${what}: give at least one value.`, 'Example: --batch 1,64.');
  return xs;
}

export async function benchModel(modelPath: string, options: BenchOptions, ctx: JobContext): Promise<BenchSummary> {
  const batches = positiveInts(options.batches ?? [1, 64], 'Batch sizes', 1);
  const threads = positiveInts(options.threads ?? [1], 'Thread counts', 0);
  const warmup = options.warmup ?? 3;
  const repeats = options.repeats ?? 10;
  positiveInts([repeats], 'Repeats', 1);
  positiveInts([warmup], 'Warm-up runs', 0);
  const abs = path.resolve(modelPath);
  ctx.progress.report({ fraction: 0, message: 'reading the models' });
  const dense = await onnxBytes(abs, ctx);
  let compactPath = options.compact ? path.resolve(options.compact) : path.join(path.dirname(abs), 'model.compact.onnx');
  if (!options.compact && !(await stat(compactPath).then((s) => s.isFile(), () => false))) compactPath = '';
  const compact = compactPath ? await onnxBytes(compactPath, ctx) : null;
  const denseModel = decodeModel(dense.bytes, path.basename(abs));
  const runs: BenchRun[] = [];
  const total = batches.length * threads.length;
  for (const t of threads) {
    for (const b of batches) {
      ctx.signal.throwIfCancelled();
      const input = inputShape(denseModel, b);
      const loadavg = machineState().loadavg;
      const lat = await measureLatency(
        [{ name: 'dense', bytes: dense.bytes, input }, ...(compact ? [{ name: 'compact', bytes: compact.bytes, input }] : [])],
        { batch: b, threads: t, warmup, repeats, seed: options.seed ?? 1, signal: ctx.signal },
      );
      const [d, c] = lat;
      runs.push({
        batch: b,
        threads: t === 0 ? 'all' : t,
        denseMs: d.medianMs,
        compactMs: c ? c.medianMs : null,
        speedup: c ? d.medianMs / c.medianMs : null,
        denseSamplesMs: d.samplesMs,
        compactSamplesMs: c ? c.samplesMs : null,
        loadavg,
      });
      ctx.progress.report({ fraction: runs.length / total, message: `batch ${b}, ${t === 0 ? 'all' : t} thread(s): dense ${d.medianMs.toFixed(2)} ms${c ? `, compact ${c.medianMs.toFixed(2)} ms (×${(d.medianMs / c.medianMs).toFixed(2)})` : ''}` });
    }
  }
  return {
    format: 'rgp-bench',
    version: 1,
    model: abs,
    compact: compactPath || null,
    bytes: { model: dense.fileBytes, compact: compact ? compact.fileBytes : null },
    warmup,
    repeats,
    runs,
    machine: machineState(),
  };
}

/**
 * `rgp bench … --out FILE`: the benchmark, also written to FILE under the output rule
 * (src/jobs/outputFolder.ts) — checked before any timing, never over the model or its compact form, and
 * replacing an existing file only with `overwrite` when it is an earlier rgp result.
 */
export async function benchModelToFile(modelPath: string, options: BenchOptions, out: string | undefined, overwrite: boolean, ctx: JobContext): Promise<BenchSummary> {
  const inputs = [modelPath, options.compact ?? path.join(path.dirname(path.resolve(modelPath)), 'model.compact.onnx')];
  const target = out === undefined ? undefined : await prepareOutput({ out, inputs, overwrite, shape: 'file' });
  const summary = await benchModel(modelPath, options, ctx);
  ctx.signal.throwIfCancelled();
  if (target !== undefined) await writeJsonAtomic(target, summary);
  return summary;
}
