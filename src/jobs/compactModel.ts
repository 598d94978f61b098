/**
 * The "compact" job (issue 13): from a folder written by `rgp prune` (the masked model + masks.json +
 * report.json), write `model.compact.onnx` — every masked layer realized with only its kept weights
 * (src/formats/onnx/compactLayer.ts), every other node unchanged — and `compact-report.json`: file sizes
 * dense → masked → compact, parameters stored, and per layer the realization used and its timings.
 *
 * Sources: an ONNX prune (model.onnx) is compacted as it is; a TF.js prune (model.json) or a Keras prune
 * (model.keras / model.h5) is converted first (layersToOnnx: weights bit-identical) and its masks.json
 * entries are re-pointed at the ONNX kernels.
 *
 * Realizations: `form: 'auto'` (default) runs the autotuner — each masked layer timed alone in every form
 * on its real input shape at the tuning batch and thread count, the fastest kept; or one fixed form for
 * every layer of its kind. Both files are written under temporary names and renamed when complete; the
 * pruned folder's other files are only read.
 */
import { readFile, stat } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { RgpError } from '../core/errors';
import type { JobContext } from '../core/job';
import { parseMaskFile, type MaskFile } from '../core/prune/maskFile';
import { writeFilesAtomic } from '../io/atomicWrite';
import { isToolJsonFile } from '../io/outputMarker';
import { checkOutputPlace } from './outputFolder';
import { openModel } from '../formats';
import { tuneCompact, type CompactTuning, type Execution } from '../formats/onnx/autotune';
import { perImageCompact } from '../formats/onnx/perImage';
import { CONV_FORMS, GEMM_FORMS, type CompactForm } from '../formats/onnx/compactLayer';
import { compactModel, defaultForm, findMaskedSites, type CompactLayerReport } from '../formats/onnx/compactModel';
import { decodeModel, encodeModel, encodeModelChunks } from '../formats/onnx/proto';
import { layersToOnnx } from '../formats/onnx/fromLayers';
import { onnxRuntimeAvailable } from '../formats/onnx/latency';

export interface CompactOptions {
  /** 'auto' (autotune per layer, default) or one realization for every layer of its kind. */
  form?: 'auto' | CompactForm;
  /** Batch size the autotuner times at (default 64). */
  batch?: number;
  /** Threads the autotuner times with (default 1; 0 = all cores). */
  threads?: number;
  /** Output file (default `<pruned folder>/model.compact.onnx`). */
  out?: string;
  overwrite?: boolean;
}

export interface CompactLayerResult extends CompactLayerReport {
  /** Autotuner timings (ms, median) when the form was tuned. */
  timing?: { denseMs: number | null; formsMs: Partial<Record<CompactForm, number>>; inputShape: number[] };
}

/** What the job returns and writes as compact-report.json (protocol-friendly: plain JSON). */
export interface CompactSummary {
  format: 'rgp-compact-report';
  version: 1;
  prunedFolder: string;
  sourceFormat: 'onnx' | 'tfjs' | 'keras';
  outputPath: string;
  reportPath: string;
  /** File bytes: the original dense model (null when report.json does not lead to it), the masked model, the compact model. */
  bytes: { dense: number | null; masked: number; compact: number; compactOverDense: number | null; compactOverMasked: number };
  /** Float32 weights: every initializer of the masked model vs of the compact model. */
  parameters: { masked: number; stored: number; keptInMaskedLayers: number; paddingWeights: number };
  /** 'per-image': the graph runs image after image inside one Scan over the batch (perImage.ts). */
  execution: Execution;
  layers: CompactLayerResult[];
  /** Layer timings are at `layerBatch` (the tuning batch, or 1 for per-image execution, where realized Gemms after the convolutions run outside the Scan and keep the tuning batch; each layer's inputShape says). */
  tuning: { batch: number; layerBatch: number; threads: number | 'all'; loadavg: number[]; wholeModelMs: CompactTuning['wholeModelMs']; perImageNote: string | null; denseNote: string | null } | null;
}

const ALL_FORMS: readonly string[] = [...new Set<string>([...CONV_FORMS, ...GEMM_FORMS])];

/** The first of `paths` that is a file. */
async function firstFile(paths: readonly string[]): Promise<string | undefined> {
  for (const p of paths) if ((await fileSize(p)) !== null) return p;
  return undefined;
}

async function fileSize(p: string): Promise<number | null> {
  try {
    const s = await stat(p);
    return s.isFile() ? s.size : null;
  } catch {
    return null;
  }
}

/** Bytes of the original model report.json names (a TF.js model with its shards), or null when it is gone. */
async function denseFileBytes(modelPath: unknown, ctx: JobContext): Promise<number | null> {
  if (typeof modelPath !== 'string') return null;
  if (path.extname(modelPath).toLowerCase() === '.json') {
    try {
      return (await openModel(modelPath, { signal: ctx.signal })).fileBytes;
    } catch {
      return null;
    }
  }
  return fileSize(modelPath);
}

export async function compactPrunedModel(folderOrModel: string, options: CompactOptions, ctx: JobContext): Promise<CompactSummary> {
  const form = options.form ?? 'auto';
  if (form !== 'auto' && !ALL_FORMS.includes(form)) {
    throw new RgpError('BAD_ARGUMENT', `Unknown realization "${String(form)}".`, `Use auto or one of ${ALL_FORMS.join(', ')}.`);
  }
  const batch = options.batch ?? 64;
  const threads = options.threads ?? 1;
  if (!Number.isInteger(batch) || batch < 1) throw new RgpError('BAD_ARGUMENT', `The tuning batch must be an integer ≥ 1, got ${batch}.`, 'Example: --batch 64.');
  if (!Number.isInteger(threads) || threads < 0) throw new RgpError('BAD_ARGUMENT', `The thread count must be an integer ≥ 0 (0 = all cores), got ${threads}.`, 'Example: --threads 1.');

  // ---- The pruned folder ----
  const abs = path.resolve(folderOrModel);
  const isDir = await stat(abs).then((s) => s.isDirectory(), () => false);
  const folder = isDir ? abs : path.dirname(abs);
  const masksPath = path.join(folder, 'masks.json');
  let masksJson: unknown;
  try {
    masksJson = JSON.parse(await readFile(masksPath, 'utf8'));
  } catch (e) {
    throw new RgpError('NOT_A_MODEL', `${folder} holds no readable masks.json (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`, 'Give the folder written by `rgp prune`.');
  }
  const masksFile = parseMaskFile(masksJson).file;
  let report: { modelPath?: unknown } = {};
  try {
    report = JSON.parse(await readFile(path.join(folder, 'report.json'), 'utf8')) as { modelPath?: unknown };
  } catch {
    // report.json only gives the dense model's size; compacting works without it.
  }
  const onnxPath = isDir ? path.join(folder, 'model.onnx') : abs;
  const tfjsPath = path.join(folder, 'model.json');
  const kerasPaths = [path.join(folder, 'model.keras'), path.join(folder, 'model.h5')];
  ctx.progress.report({ fraction: 0, message: 'reading the pruned model' });
  let sourceFormat: 'onnx' | 'tfjs' | 'keras';
  let layersPath: string | undefined;
  /** Every file this job reads: the output rule keeps the compact model and its report off them. */
  const inputs = [masksPath, path.join(folder, 'report.json')];
  let maskedBytes: Uint8Array;
  let maskedFileBytes: number;
  let masks = parseMaskFile(masksJson);
  if (path.extname(onnxPath) === '.onnx' && (await fileSize(onnxPath)) !== null) {
    sourceFormat = 'onnx';
    inputs.push(onnxPath);
    maskedBytes = await readFile(onnxPath);
    maskedFileBytes = maskedBytes.length;
  } else if ((layersPath = await firstFile([tfjsPath, ...kerasPaths])) !== undefined) {
    sourceFormat = layersPath === tfjsPath ? 'tfjs' : 'keras';
    const m = await openModel(layersPath, { signal: ctx.signal });
    inputs.push(...m.inputFiles);
    maskedFileBytes = m.fileBytes;
    const conv = layersToOnnx(m.graph, (w) => {
      const { bytes, byteOffset } = m.weightBytes(w);
      const out = new Float32Array(w.bytes / 4);
      new Uint8Array(out.buffer).set(bytes.subarray(byteOffset, byteOffset + w.bytes));
      return out;
    });
    maskedBytes = encodeModel(conv.model);
    const remapped: MaskFile = {
      ...masksFile,
      layers: masksFile.layers.map((l) => {
        const w = conv.weights[l.weight];
        if (!w) throw new RgpError('BAD_MODEL', `masks.json lists "${l.weight}", which the model does not have.`, 'Use the masks.json written by `rgp prune` for this model.');
        return { ...l, weight: w.initializer, shape: w.shape, layout: w.layout };
      }),
    } as MaskFile;
    masks = parseMaskFile(remapped);
  } else {
    throw new RgpError('NOT_A_MODEL', `${folder} holds no pruned model (model.onnx, model.json, model.keras or model.h5).`, 'Give the folder written by `rgp prune`.');
  }
  ctx.signal.throwIfCancelled();
  const outputPath = path.resolve(options.out ?? path.join(folder, 'model.compact.onnx'));
  const reportPath = path.join(path.dirname(outputPath), `${path.basename(outputPath, '.onnx')}.report.json`);
  if (outputPath === onnxPath || outputPath === tfjsPath || kerasPaths.includes(outputPath)) throw new RgpError('BAD_ARGUMENT', 'The compact model would overwrite the pruned model.', 'Choose another --out.');
  // The output rule (src/jobs/outputFolder.ts) for both files: never a file this job reads, nor the working
  // folder, home or a root. The compact model is ONNX, not JSON, so its report beside it says whether rgp
  // wrote the pair: only then does --overwrite replace them.
  const places = [await checkOutputPlace({ out: outputPath, inputs, shape: 'file' }), await checkOutputPlace({ out: reportPath, inputs, shape: 'file' })];
  if (places.some((p) => p.taken)) {
    if (!options.overwrite) throw new RgpError('BAD_ARGUMENT', `${path.basename(outputPath)} already exists in ${path.dirname(outputPath)}.`, 'Pass --overwrite to replace it, or --out another file.');
    if (!(await isToolJsonFile(reportPath))) {
      throw new RgpError('UNSAFE_PATH', `${outputPath} was not written by rgp compact (no compact report ${path.basename(reportPath)} beside it), so --overwrite does not replace it.`, 'Choose a new file with --out.');
    }
  }

  // ---- Sites, tuning, realization ----
  const model = decodeModel(maskedBytes, 'The pruned model');
  const sites = findMaskedSites(model, masks, ctx.signal);
  if (sites.length === 0) throw new RgpError('BAD_MODEL', 'masks.json lists no masked layer.', 'Prune the model first (rgp prune).');
  ctx.progress.report({ fraction: 0.1, message: `${sites.length} masked layers` });
  // Without onnxruntime-node (an installation that does not carry it) nothing can be timed: every layer
  // gets the fixed realization below, and the report says it was not tuned (tuning: null).
  const tune = form === 'auto' && onnxRuntimeAvailable();
  if (form === 'auto' && !tune) ctx.progress.report({ fraction: 0.1, message: 'onnxruntime-node is not available here: fixed realizations, not timed' });
  const loadavg = os.loadavg();
  const tuning: CompactTuning | null = tune
    ? await tuneCompact(model, sites, { batch, threads, signal: ctx.signal, onProgress: (f, message) => ctx.progress.report({ fraction: 0.1 + 0.75 * f, message }) })
    : null;
  const timings = tuning?.layers;
  const execution: Execution = tuning?.execution ?? 'batched';
  // A form named for the other kind of layer (a Conv form on a Gemm) falls back to that kind's default; one
  // the model's opset cannot express is refused by realizeSite, with the reason, before anything is written.
  const choose = (s: (typeof sites)[number]): CompactForm => {
    if (timings) return timings.get(s)!.best;
    if ((s.op === 'Conv' ? CONV_FORMS : GEMM_FORMS).includes(form as never)) return form as CompactForm;
    return defaultForm(s);
  };
  const result = compactModel(model, sites, choose, ctx.signal);
  // Chunks whose large weights are the compact kernels themselves: no second copy of them to write the file.
  const compactChunks = encodeModelChunks(execution === 'per-image' ? perImageCompact(result) : result.model);
  const compactSize = compactChunks.reduce((a, c) => a + c.length, 0);
  const layers: CompactLayerResult[] = result.layers.map((l, i) => {
    const t = timings?.get(sites[i]);
    return t ? { ...l, timing: { denseMs: t.denseMs, formsMs: t.formsMs, inputShape: t.inputShape } } : l;
  });
  const denseBytes = await denseFileBytes(report.modelPath, ctx);
  const summary: CompactSummary = {
    format: 'rgp-compact-report',
    version: 1,
    prunedFolder: folder,
    sourceFormat,
    outputPath,
    reportPath,
    bytes: {
      dense: denseBytes,
      masked: maskedFileBytes,
      compact: compactSize,
      compactOverDense: denseBytes ? compactSize / denseBytes : null,
      compactOverMasked: compactSize / maskedFileBytes,
    },
    parameters: {
      masked: result.inputParameters,
      stored: result.storedParameters,
      keptInMaskedLayers: result.layers.reduce((a, l) => a + l.keptWeights, 0),
      paddingWeights: result.paddingWeights,
    },
    execution,
    layers,
    tuning: tuning
      ? { batch, layerBatch: execution === 'per-image' ? 1 : batch, threads: threads === 0 ? 'all' : threads, loadavg, wholeModelMs: tuning.wholeModelMs, perImageNote: tuning.perImageNote, denseNote: tuning.denseNote }
      : null,
  };
  ctx.signal.throwIfCancelled();
  ctx.progress.report({ fraction: 0.9, message: `writing ${path.basename(outputPath)}` });
  // One step for the pair: the report (which marks the model as rgp's) never lags behind the model.
  await writeFilesAtomic([
    { target: outputPath, data: compactChunks },
    { target: reportPath, data: JSON.stringify(summary, null, 2) + '\n' },
  ]);
  ctx.progress.report({ fraction: 1, message: `compact model: ${compactSize} bytes (${(100 * summary.bytes.compactOverMasked).toFixed(1)} % of the masked model)` });
  return summary;
}
