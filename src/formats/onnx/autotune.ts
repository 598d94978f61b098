/**
 * The autotuner: per masked layer, time every realization (and the dense layer, for reference) on the
 * layer's real input shape at the given batch in onnxruntime-node, and pick the fastest — the way cuDNN
 * picks a convolution algorithm. Each layer is timed alone in a one-layer model (same session options as
 * the whole model), forms interleaved, median of the repeats. A few seconds for a ResNet-18; cancellable
 * between runs.
 */
import type { onnx } from 'onnx-proto';
import type { CancelSignal } from '../../core/job';
import type { CompactForm } from './compactLayer';
import { floatTensor, int64Tensor } from './compactLayer';
import { compactModel, formsFor, modelOpset, realizeSite, type MaskedSite } from './compactModel';
import { perImageCompact, perImageObstacle } from './perImage';
import { encodeModel } from './proto';
import { inputShape, measureLatency, onnxRuntime, seededInput, sessionOptions, type BenchModel } from './latency';

export interface LayerTiming {
  layer: string;
  /** The layer's input shape at the tuning batch. */
  inputShape: number[];
  /** The dense layer's median ms, for reference; null for a layer above DENSE_REFERENCE_MAX_WEIGHTS. */
  denseMs: number | null;
  /** Median ms of each realization. */
  formsMs: Partial<Record<CompactForm, number>>;
  best: CompactForm;
}

export interface TuneOptions {
  batch: number;
  threads: number;
  warmup?: number;
  repeats?: number;
  seed?: number;
  signal?: CancelSignal;
  onProgress?: (fraction: number, message: string) => void;
}

const FLOAT = 1;

/**
 * Largest dense kernel (float32 weights) the tuner also times as a reference. Timing a dense layer means
 * encoding it into a one-layer model and loading it into a session: twice its weights in memory, which for
 * the big layers of a 100 M-parameter model pushed writing the compact model past 2× the weights. The
 * reference is informational, so large layers go without it, and without 'expand-dense' (which loads as the
 * dense kernel: the choice that stands for leaving a layer dense).
 */
export const DENSE_REFERENCE_MAX_WEIGHTS = 1 << 22;

/** Float initializers at least this large are stood in for by ConstantOfShape in the shape probe. */
const PROBE_STAND_IN_FLOATS = 1 << 14;

/**
 * Every masked layer's input shape at `batch`, by running the (masked) model once with them as extra outputs.
 * Shapes do not depend on weight values, so the probe replaces every large float initializer with a
 * ConstantOfShape node of its shape: the probe file is a few kB instead of the whole model, and onnxruntime
 * (graph optimisations off, so nothing folds the stand-ins back into initializers) materialises one weight
 * at a time while it runs. Encoding and loading the full model here cost 2× its weights at 100 M parameters.
 */
export async function layerInputShapes(model: onnx.IModelProto, sites: MaskedSite[], batch: number, threads: number, seed: number): Promise<Map<MaskedSite, number[]>> {
  const g = model.graph!;
  const names = [...new Set(sites.map((s) => (s.node.input ?? [])[0]))];
  const declared = new Set((g.output ?? []).map((o) => o.name));
  const standIns: onnx.INodeProto[] = [];
  const initializer: onnx.ITensorProto[] = [];
  for (const t of g.initializer ?? []) {
    const dims = (t.dims ?? []).map(Number);
    const count = dims.reduce((a, d) => a * d, 1);
    if (t.dataType !== FLOAT || count < PROBE_STAND_IN_FLOATS || !t.name) {
      initializer.push(t);
      continue;
    }
    const shapeName = `${t.name}::rgp-probe-shape`;
    initializer.push(int64Tensor(shapeName, dims));
    standIns.push({ opType: 'ConstantOfShape', name: `${t.name}::rgp-probe`, input: [shapeName], output: [t.name] });
  }
  const probe: onnx.IModelProto = {
    ...model,
    graph: {
      ...g,
      node: [...standIns, ...(g.node ?? [])],
      initializer,
      // A stand-in's output must not also be declared as a graph input (older exporters list initializers there).
      input: (g.input ?? []).filter((v) => !standIns.some((n) => n.output![0] === v.name)),
      output: [...(g.output ?? []), ...names.filter((n) => !declared.has(n)).map((name) => ({ name, type: { tensorType: { elemType: FLOAT } } }))],
    },
  };
  const input = inputShape(model, batch);
  const ort = onnxRuntime();
  const s = await ort.InferenceSession.create(encodeModel(probe), { ...sessionOptions(threads), graphOptimizationLevel: 'disabled' });
  try {
    const out = await s.run({ [input.name]: new ort.Tensor('float32', seededInput(input.dims, seed), input.dims) }, names);
    return new Map(sites.map((site) => [site, out[(site.node.input ?? [])[0]].dims.map(Number)]));
  } finally {
    await s.release();
  }
}

function oneLayerModel(model: onnx.IModelProto, site: MaskedSite, dims: number[], nodes: onnx.INodeProto[], inits: onnx.ITensorProto[]): Uint8Array {
  const x = (site.node.input ?? [])[0];
  const y = (site.node.output ?? [])[0];
  const extra: onnx.ITensorProto[] = [];
  if (site.bias) extra.push(floatTensor(site.bias, [site.kernel.cOut], new Float32Array(site.kernel.cOut)));
  const m: onnx.IModelProto = {
    irVersion: model.irVersion,
    opsetImport: model.opsetImport,
    producerName: 'rgp-autotune',
    graph: {
      name: 'layer',
      node: nodes,
      initializer: [...inits, ...extra],
      input: [{ name: x, type: { tensorType: { elemType: FLOAT, shape: { dim: dims.map((d) => ({ dimValue: d })) } } } }],
      output: [{ name: y, type: { tensorType: { elemType: FLOAT } } }],
    },
  };
  return encodeModel(m);
}

/** Times the dense layer and every realization of each site; returns the per-layer timings and picks. */
export async function autotune(model: onnx.IModelProto, sites: MaskedSite[], opts: TuneOptions): Promise<Map<MaskedSite, LayerTiming>> {
  const seed = opts.seed ?? 1;
  const shapes = await layerInputShapes(model, sites, opts.batch, opts.threads, seed);
  const opset = modelOpset(model);
  const weights = new Map((model.graph!.initializer ?? []).map((t) => [t.name, t]));
  const result = new Map<MaskedSite, LayerTiming>();
  for (let i = 0; i < sites.length; i++) {
    const site = sites[i];
    opts.signal?.throwIfCancelled();
    const dims = shapes.get(site)!;
    const input = { name: (site.node.input ?? [])[0], dims };
    const denseNode: onnx.INodeProto = { ...site.node, input: (site.node.input ?? []).slice() };
    const withDense = site.kernel.data.length <= DENSE_REFERENCE_MAX_WEIGHTS;
    const models: BenchModel[] = withDense ? [{ name: 'dense', bytes: oneLayerModel(model, site, dims, [denseNode], [weights.get(site.entry.weight)!]), input }] : [];
    // 'expand-dense' loads as the dense kernel: beyond the dense reference's size it costs the memory that
    // skipping the reference saves, for a form that could only tie with dense there.
    const forms = formsFor(site, opset).filter((f) => withDense || f !== 'expand-dense');
    for (const form of forms) {
      const r = realizeSite(site, form, opset, `rgp/tune${i}`);
      models.push({ name: form, bytes: oneLayerModel(model, site, dims, r.nodes, r.initializers), input });
    }
    const samples = await measureLatency(models, { batch: opts.batch, threads: opts.threads, warmup: opts.warmup ?? 2, repeats: opts.repeats ?? 7, seed, ...(opts.signal ? { signal: opts.signal } : {}) });
    const formsMs: Partial<Record<CompactForm, number>> = {};
    let best = forms[0];
    const denseMs = withDense ? samples[0].medianMs : null;
    for (const s of samples.slice(withDense ? 1 : 0)) {
      formsMs[s.name as CompactForm] = s.medianMs;
      if (s.medianMs < formsMs[best]!) best = s.name as CompactForm;
    }
    result.set(site, { layer: site.entry.layer, inputShape: dims, denseMs, formsMs, best });
    const vsDense = denseMs === null ? 'dense not timed (large layer)' : `vs dense ${denseMs.toFixed(3)} ms`;
    opts.onProgress?.((i + 1) / sites.length, `timed ${site.entry.layer} at batch ${opts.batch}: ${best} ${formsMs[best]!.toFixed(3)} ms ${vsDense}`);
  }
  return result;
}

export type Execution = 'batched' | 'per-image';

export interface CompactTuning {
  execution: Execution;
  /** Per-layer timings and picks for the chosen execution: at the tuning batch when batched; per image, convolutions at batch 1 and Gemms (run outside the Scan) at the tuning batch. */
  layers: Map<MaskedSite, LayerTiming>;
  /** The whole compact model at the tuning batch in each execution timed (median ms; null when not timed). */
  wholeModelMs: { batched: number | null; perImage: number | null };
  /** Why per-image execution was not tried or not kept; null when it was chosen. */
  perImageNote: string | null;
}

/** Outputs agree when every value is within 1e-4 of the output's largest magnitude (the compact tests' tolerance). */
function sameOutputs(a: Record<string, Float32Array>, b: Record<string, Float32Array>): boolean {
  for (const [name, x] of Object.entries(a)) {
    const y = b[name];
    if (!y || y.length !== x.length) return false;
    let scale = 0;
    for (const v of x) scale = Math.max(scale, Math.abs(v));
    for (let i = 0; i < x.length; i++) if (!(Math.abs(x[i] - y[i]) <= 1e-4 * scale)) return false;
  }
  return true;
}

/**
 * Tunes a compact model: each layer's form for batched execution at the tuning batch and, when that batch
 * is above 1 and a masked layer is a convolution, each convolution's form at batch 1 for per-image
 * execution (perImage.ts); then both whole compact models run at the tuning batch, interleaved, and the faster is
 * kept — per image only when its outputs equal the batched model's. Per-image execution is tried only for
 * convolutions: there one image's intermediates are feature maps the batch multiplies past the cache,
 * while a Gemm's row is small and its MatMul needs the batch to be efficient (and timing two whole models
 * of a large MLP would hold their weights twice).
 */
export async function tuneCompact(model: onnx.IModelProto, sites: MaskedSite[], opts: TuneOptions): Promise<CompactTuning> {
  const obstacle =
    opts.batch <= 1 ? 'the tuning batch is 1' : !sites.some((s) => s.op === 'Conv') ? 'no masked layer is a convolution' : perImageObstacle(model);
  const share = obstacle ? 1 : 0.55;
  const progress = (from: number, width: number) => (f: number, m: string) => opts.onProgress?.(from + width * f, m);
  const batched = await autotune(model, sites, { ...opts, onProgress: progress(0, share) });
  if (obstacle) return { execution: 'batched', layers: batched, wholeModelMs: { batched: null, perImage: null }, perImageNote: `per-image execution not tried: ${obstacle}` };
  // Per image, the convolutions run one image at a time (tuned at batch 1); realized Gemms, which follow
  // them in a CNN, stay outside the Scan on the whole batch (perImageCompact), so they keep their batched pick.
  const single = await autotune(model, sites.filter((s) => s.op === 'Conv'), { ...opts, batch: 1, onProgress: progress(share, 0.3) });
  const perImageLayers = new Map(sites.map((s) => [s, single.get(s) ?? batched.get(s)!]));
  opts.signal?.throwIfCancelled();
  opts.onProgress?.(0.85, 'timing the whole compact model batched and per image');
  const batchedModel = compactModel(model, sites, (s) => batched.get(s)!.best).model;
  const perImage = perImageCompact(compactModel(model, sites, (s) => perImageLayers.get(s)!.best));
  const input = inputShape(model, opts.batch);
  let samples;
  try {
    samples = await measureLatency(
      [
        { name: 'batched', bytes: encodeModel(batchedModel), input },
        { name: 'per-image', bytes: encodeModel(perImage), input },
      ],
      { batch: opts.batch, threads: opts.threads, warmup: 1, repeats: opts.repeats ?? 5, seed: opts.seed ?? 1, keepOutputs: true, ...(opts.signal ? { signal: opts.signal } : {}) },
    );
  } catch (e) {
    if ((e as { code?: string }).code === 'CANCELLED') throw e;
    return { execution: 'batched', layers: batched, wholeModelMs: { batched: null, perImage: null }, perImageNote: `per-image execution does not run: ${(e as Error).message.split('\n')[0]}` };
  }
  const [b, p] = samples;
  const wholeModelMs = { batched: b.medianMs, perImage: p.medianMs };
  if (!sameOutputs(b.outputs!, p.outputs!)) return { execution: 'batched', layers: batched, wholeModelMs, perImageNote: 'per-image execution gives other outputs (the model mixes images across the batch)' };
  if (p.medianMs >= b.medianMs) return { execution: 'batched', layers: batched, wholeModelMs, perImageNote: `batched execution is faster (${b.medianMs.toFixed(1)} vs ${p.medianMs.toFixed(1)} ms)` };
  return { execution: 'per-image', layers: perImageLayers, wholeModelMs, perImageNote: null };
}
